import { browserPasses, type BrowserPass } from '../evidence/browser-passes';
import { checkOtherBrowsers } from './other-browsers';
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
import { extendSummary, toCheckResult, type Check, type CheckOutcome, type VerifyContext } from './context';
import { both, concatBoth } from '../../../shared/text';
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
import { checkSignatureBackend } from './secret-leak';
import { checkSdkTokenServer } from './sdk-token';
import { checkThreeDs } from './three-ds';
import { errorMessage } from '../errors';
import { scenarioSources } from '../evidence/sources';
import type { ScenarioSource } from '../../../shared/schema/signoff';
import { createRedactor } from '../redact/index';
import { secretValues } from '../workspace/secrets';
import { loadProbeRecord, probeRecord, saveProbeRecord, staleReason, type ProbeRecord } from './probe-store';
import { readWorkspaceTraffic } from '../relay/index';
import type { TrafficRecord } from '../../../shared/schema/traffic';

export { confirmCheckpoint } from './confirm';
export type { ProbeResults } from './probe';
export type { ProbeRecord } from './probe-store';

export interface VerifyOptions {
  secrets?: MerchantSecrets;
  /** Apple Pay's own access code and phrases, for Apple Pay request signatures. */
  appleSecrets?: MerchantSecrets;
  evidence?: CollectedEvidence;
  /** Opt-in: replays the captured return POST with one field changed, and posts a signed result to the feedback URLs twice (loopback/staging only). */
  probeResponseSignature?: boolean;
  /** What earlier probes found; used while the evidence they replayed is still the evidence used. */
  storedProbes?: ProbeRecord;
  /** What the recording relay saw; read from the workspace's traffic/ folder when not given. */
  traffic?: TrafficRecord[];
  /** Every run's passed scenarios and their browser; read from runs/ when not given, else the chosen evidence's. */
  browserPasses?: BrowserPass[];
}

export interface VerifyReport {
  account: string;
  results: CheckResult[];
  counts: Record<CheckStatus, number>;
  /** Every planned scenario and the run its evidence came from. */
  scenarios: ScenarioSource[];
  verifiedAt: string;
  /** The response probes these results include: sent now, or kept from an earlier `--probe-response`. */
  probes?: ProbeRecord & { fresh: boolean };
}

function automaticChecks(probes: () => Promise<ProbeResults>): Record<string, Check> {
  return {
    'customer-email': checkCustomerEmail,
    'customer-ip': checkCustomerIp,
    'return-url-post': checkReturnUrl,
    'request-signature': checkRequestSignature,
    'response-signature': async (ctx) => responseSignatureResult(ctx, await probes()),
    'signature-backend': checkSignatureBackend,
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
    'other-browsers': checkOtherBrowsers,
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
      summary: both(`The check stopped with an error: ${errorMessage(err)}`, `توقّف الفحص بخطأ: ${errorMessage(err)}`),
      fix: both(
        'Report this to the Certkit maintainers; check this point by hand meanwhile.',
        'أبلغ مطوّري Certkit بذلك، وافحص هذه النقطة يدويًا إلى حين إصلاحه.',
      ),
    };
  }
}

/** Scenario ids named by a result's evidence. */
const restsOn = (r: { evidence?: { scenarioId: string }[] }) => new Set((r.evidence ?? []).map((e) => e.scenarioId));

/**
 * Decides one checkpoint. A pass rests on passed scenarios only; the evidence of scenarios that failed (or did not
 * finish) is still searched for faults, because a wrong signature in a refused request is wrong all the same.
 */
async function decide(
  check: Check | undefined,
  checkpoint: Checkpoint,
  passed: VerifyContext,
  all: VerifyContext,
  notPassed: Set<string>,
): Promise<CheckOutcome> {
  const outcome = await runCheck(check, passed, checkpoint);
  if (!check || !notPassed.size || outcome.status === 'failed') return outcome;
  const wide = await runCheck(check, all, checkpoint);
  const unpassed = [...restsOn(wide)].filter((id) => notPassed.has(id));
  if (!unpassed.length) return outcome;
  const names = unpassed.join(', ');
  if (wide.status === 'failed')
    return extendSummary(
      wide,
      both(` (seen in the evidence of ${names}, which did not pass)`, ` (ظهر في أدلة ${names}، ولم ينجح)`),
    );
  return extendSummary(
    outcome,
    both(` (the evidence of ${names}, which did not pass, is not counted)`, ` (لم تُحتسب أدلة ${names} لأنه لم ينجح)`),
  );
}

const PROBE_AGAIN = both(
  '; probe again (certkit verify <workspace> --probe-response)',
  '؛ أعد الاختبار (certkit verify <workspace> --probe-response)',
);

/** What the probes say for this verification: sent now, kept from before, or why there are none. */
async function probeResults(
  ctx: VerifyContext,
  evidence: CollectedEvidence,
  options: Omit<VerifyOptions, 'evidence'>,
): Promise<{ results: ProbeResults; record?: ProbeRecord & { fresh: boolean } }> {
  if (options.probeResponseSignature) {
    const results = await runProbes(ctx);
    if (results.signature || results.amount || results.feedback)
      return { results, record: { ...probeRecord(results, evidence, ctx.workspace), fresh: true } };
    return { results };
  }
  const stored = options.storedProbes;
  if (!stored) return { results: await runProbes(ctx) };
  const stale = staleReason(stored, evidence, ctx.workspace);
  if (stale) return { results: { skipped: concatBoth(stale, PROBE_AGAIN) } };
  return { results: stored.results, record: { ...stored, fresh: false } };
}

/** Every checkpoint that applies to the workspace, decided from `evidence` (pure apart from the opt-in probe). */
export async function verifyEvidence(
  workspace: Workspace,
  evidence: CollectedEvidence,
  options: Omit<VerifyOptions, 'evidence'> = {},
): Promise<VerifyReport> {
  const plan = buildPlan(workspace);
  const selected = plan.scenarios.map((s) => evidence.byScenario.get(s.id)).filter((e) => e !== undefined);
  const relay = withRelayEvidence(selected, options.traffic ?? []);
  const base = {
    workspace,
    plan,
    evidence,
    secrets: options.secrets,
    appleSecrets: options.appleSecrets,
    probeResponseSignature: !!options.probeResponseSignature,
    traffic: relay.traffic,
    browserPasses:
      options.browserPasses ??
      selected.flatMap((ev) =>
        ev.status === 'passed' && ev.browser ? [{ scenarioId: ev.scenarioId, runId: ev.runId, ...ev.browser }] : [],
      ),
  };
  const passed: VerifyContext = { ...base, scenarios: relay.scenarios.filter((ev) => ev.status === 'passed') };
  const all: VerifyContext = { ...base, scenarios: relay.scenarios };
  const notPassed = new Set(selected.filter((ev) => ev.status !== 'passed').map((ev) => ev.scenarioId));
  // Both probe-based checks share one run of the probes, so the merchant gets each modified POST once; they replay
  // captures of passed scenarios only.
  let probeRun: ReturnType<typeof probeResults> | undefined;
  const probeOnce = () => (probeRun ??= probeResults(passed, evidence, options));
  const checks = automaticChecks(async () => (await probeOnce()).results);
  const results: CheckResult[] = [];
  for (const checkpoint of plan.checkpoints) {
    const outcome = await decide(checks[checkpoint.id], checkpoint, passed, all, notPassed);
    results.push(toCheckResult(checkpoint.id, outcome));
  }
  const counts = Object.fromEntries(
    CHECK_STATUSES.map((s) => [s, results.filter((r) => r.status === s).length]),
  ) as VerifyReport['counts'];
  const record = probeRun ? (await probeRun).record : undefined;
  return {
    account: workspace.account.name,
    results,
    counts,
    scenarios: scenarioSources(plan.scenarios, evidence),
    verifiedAt: new Date().toISOString(),
    ...(record ? { probes: record } : {}),
  };
}

/**
 * Verifies the workspace's evidence (each scenario's newest run, or its pinned one). Probes sent now are stored in
 * output/, so later verifications (and the package and email built on them) state the same results.
 */
export async function verifyWorkspace(workspaceDir: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const workspace = await loadWorkspace(workspaceDir);
  const evidence = options.evidence ?? (await collectEvidence(workspaceDir, { pins: workspace.pins ?? {} }));
  const traffic = options.traffic ?? (await readWorkspaceTraffic(workspaceDir)).records;
  const storedProbes = options.storedProbes ?? (await loadProbeRecord(workspaceDir));
  const passes =
    options.browserPasses ??
    (await browserPasses(
      workspaceDir,
      buildPlan(workspace).scenarios.map((s) => s.id),
    ));
  const report = await verifyEvidence(workspace, evidence, {
    ...options,
    storedProbes,
    traffic,
    browserPasses: passes,
  });
  if (report.probes?.fresh) {
    const { fresh: _fresh, ...record } = report.probes;
    void _fresh;
    await saveProbeRecord(workspaceDir, record, createRedactor(secretValues(options.secrets ?? {})));
  }
  return report;
}

/** Planned scenarios whose evidence did not pass: failed, or a run stopped before it finished. */
export function unpassedScenarios(report: Pick<VerifyReport, 'scenarios'>): ScenarioSource[] {
  return report.scenarios.filter((s) => s.state !== 'passed' && s.state !== 'not-run' && s.state !== 'skipped');
}
