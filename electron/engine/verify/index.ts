import { CATALOG } from '../../../shared/aps/catalog-index';
import type { Checkpoint } from '../../../shared/aps/checkpoints';
import { buildPlan } from '../../../shared/plan';
import { CHECK_STATUSES, type CheckResult, type CheckStatus } from '../../../shared/schema/verify';
import type { Workspace } from '../../../shared/schema/workspace';
import { collectEvidence, type CollectedEvidence } from '../evidence/store';
import { loadWorkspace } from '../workspace/workspace';
import type { MerchantSecrets } from '../workspace/secrets';
import { amountResult } from './amount';
import { checkApplePayCapability, checkApplePayCountry, checkApplePayNetworks } from './apple-pay';
import { checkCommand } from './command';
import { applyConfirmation, confirmOnly } from './confirm';
import type { Check, CheckOutcome, VerifyContext } from './context';
import { checkCustomerEmail, checkCustomerIp } from './customer';
import { feedbackResult } from './feedback';
import { checkInboundIp } from './inbound-ip';
import { checkKnetReceipt, checkNapsLanguages, checkStcPayDynamic, checkTokenizationClientSide } from './local-methods';
import { runProbes, type ProbeResults } from './probe';
import { checkRecurringAgreement, checkRecurringMode, checkRecurringToken } from './recurring';
import { withRelayEvidence } from './relay-evidence';
import { checkRequestSignature } from './request-signature';
import { responseSignatureResult } from './response-signature';
import { checkReturnUrl } from './return-url';
import { checkSdkTokenServer } from './sdk-token';
import { checkThreeDs } from './three-ds';
import { errorMessage } from '../errors';
import { readWorkspaceTraffic } from '../relay/index';
import type { TrafficRecord } from '../../../shared/schema/traffic';

export { confirmCheckpoint } from './confirm';
export type { ProbeResults } from './probe';

export interface VerifyOptions {
  secrets?: MerchantSecrets;
  /** Apple Pay's own access code and phrases, for Apple Pay request signatures. */
  appleSecrets?: MerchantSecrets;
  evidence?: CollectedEvidence;
  /** Opt-in: replays the captured return POST with one field changed, and posts a signed result to the feedback URLs twice (loopback/staging only). */
  probeResponseSignature?: boolean;
  /** What the recording relay saw; read from the workspace's traffic/ folder when not given. */
  traffic?: TrafficRecord[];
}

export interface VerifyReport {
  account: string;
  results: CheckResult[];
  counts: Record<CheckStatus, number>;
}

function automaticChecks(probes: () => Promise<ProbeResults>): Record<string, Check> {
  return {
    'customer-email': checkCustomerEmail,
    'customer-ip': checkCustomerIp,
    'return-url-post': checkReturnUrl,
    'request-signature': checkRequestSignature,
    'response-signature': async (ctx) => responseSignatureResult(ctx, await probes()),
    // 'relay' checkpoints: the relay's evidence decides; without it the probe can fail feedback-urls or back the
    // engineer's confirmation, not pass it.
    'feedback-urls': async (ctx) => feedbackResult(ctx, await probes()),
    'sdk-token-server': checkSdkTokenServer,
    'inbound-ip': checkInboundIp,
    'amount-validation': async (ctx) => amountResult(ctx, await probes()),
    command: checkCommand,
    'tokenization-client-side': checkTokenizationClientSide,
    'three-ds-top-window': checkThreeDs,
    'stcpay-dynamic': checkStcPayDynamic,
    'knet-receipt': checkKnetReceipt,
    'naps-languages': checkNapsLanguages,
    'applepay-networks': checkApplePayNetworks,
    'applepay-country': checkApplePayCountry,
    'applepay-capability-web': checkApplePayCapability,
    'recurring-mode': checkRecurringMode,
    'recurring-agreement': checkRecurringAgreement,
    'recurring-token': checkRecurringToken,
  };
}

/**
 * Ids of the checkpoints Certkit decides from evidence. The rest are confirmed by the engineer, unless the recording
 * relay's evidence decides them ('relay' proof: feedback-urls, sdk-token-server, inbound-ip).
 */
export const AUTOMATIC_CHECKPOINTS = Object.keys(automaticChecks(async () => ({}))).filter(
  (id) => CATALOG.checkpoints.get(id).proof === 'evidence',
);

async function runCheck(check: Check | undefined, ctx: VerifyContext, checkpoint: Checkpoint): Promise<CheckOutcome> {
  if (!check) return confirmOnly(ctx.workspace, checkpoint);
  try {
    return applyConfirmation(ctx.workspace, checkpoint, await check(ctx, checkpoint));
  } catch (err) {
    // A bug in one check must not hide the others, nor pass: it asks for a look instead.
    return {
      status: 'warn',
      summary: `The check stopped with an error: ${errorMessage(err)}`,
      fix: 'Report this to the Certkit maintainers; check this point by hand meanwhile.',
    };
  }
}

/** Every checkpoint that applies to the workspace, decided from `evidence` (pure apart from the opt-in probe). */
export async function verifyEvidence(
  workspace: Workspace,
  evidence: CollectedEvidence,
  options: Omit<VerifyOptions, 'evidence'> = {},
): Promise<VerifyReport> {
  const plan = buildPlan(workspace);
  const planned = plan.scenarios.map((s) => evidence.byScenario.get(s.id)).filter((e) => e !== undefined);
  const ctx: VerifyContext = {
    workspace,
    plan,
    evidence,
    secrets: options.secrets,
    appleSecrets: options.appleSecrets,
    probeResponseSignature: !!options.probeResponseSignature,
    ...withRelayEvidence(planned, options.traffic ?? []),
  };
  // Both probe-based checks share one run of the probes, so the merchant gets each modified POST once.
  let probeRun: Promise<ProbeResults> | undefined;
  const probes = () => (probeRun ??= runProbes(ctx));
  const checks = automaticChecks(probes);
  const results: CheckResult[] = [];
  for (const checkpoint of plan.checkpoints) {
    const outcome = await runCheck(checks[checkpoint.id], ctx, checkpoint);
    results.push({ checkpointId: checkpoint.id, ...outcome, evidence: outcome.evidence ?? [] });
  }
  const counts = Object.fromEntries(
    CHECK_STATUSES.map((s) => [s, results.filter((r) => r.status === s).length]),
  ) as VerifyReport['counts'];
  return { account: workspace.account.name, results, counts };
}

export async function verifyWorkspace(workspaceDir: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const workspace = await loadWorkspace(workspaceDir);
  const evidence = options.evidence ?? (await collectEvidence(workspaceDir));
  const traffic = options.traffic ?? (await readWorkspaceTraffic(workspaceDir)).records;
  return verifyEvidence(workspace, evidence, { ...options, traffic });
}
