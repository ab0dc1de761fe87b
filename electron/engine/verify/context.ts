import type { BrowserPass } from '../evidence/browser-passes';
import type { Checkpoint } from '../../../shared/aps/checkpoints';
import { methodFromRequest, type MethodId } from '../../../shared/aps/methods';
import { CATALOG } from '../../../shared/aps/catalog-index';
import { isLoopbackHost } from '../../../shared/loopback';
import type { Plan } from '../../../shared/plan';
import type { Exchange, ScenarioEvidence, Screenshot } from '../../../shared/schema/evidence';
import type { CheckResult, CheckStatus } from '../../../shared/schema/verify';
import { both, concatBoth, type Bilingual } from '../../../shared/text';
import type { Workspace } from '../../../shared/schema/workspace';
import type { CollectedEvidence } from '../evidence/store';
import type { TrafficRecord } from '../../../shared/schema/traffic';
import type { TrafficLinks } from '../relay/index';
import type { MerchantSecrets } from '../workspace/secrets';
import { responsesIn, type ApsResponse } from '../aps/answers';

export type EvidenceRef = CheckResult['evidence'][number];
export type Fields = Record<string, unknown>;

export interface VerifyContext {
  workspace: Workspace;
  plan: Plan;
  evidence: CollectedEvidence;
  secrets?: MerchantSecrets;
  /** Apple Pay has its own access code and phrases. */
  appleSecrets?: MerchantSecrets;
  probeResponseSignature: boolean;
  /**
   * Evidence of the scenarios in the plan, in plan order, with the relay's exchanges of each added: the passed ones
   * when a check decides whether the checkpoint passes, every one when it looks for failures (a fault seen in a
   * failed attempt is still a fault).
   */
  scenarios: ScenarioEvidence[];
  /** What the recording relay saw (`certkit relay`), and which scenario each exchange belongs to. */
  traffic: RelayEvidence;
  /** Passed scenarios of every run with their browser (other-browsers), not only the evidence chosen per scenario. */
  browserPasses?: BrowserPass[];
}

export interface RelayEvidence {
  records: TrafficRecord[];
  links: TrafficLinks;
}

/** What a check decides; the runner adds the checkpoint id and splits the sentences into English and Arabic. */
export interface CheckOutcome {
  status: CheckStatus;
  /** One line the engineer reads first. */
  summary: Bilingual;
  /** For a failure: what to change, in the merchant's terms. For no-evidence: which scenario to run. */
  fix?: Bilingual;
  evidence?: EvidenceRef[];
  note?: string;
  rerun?: string[];
}

/** The result as stored and printed: English in summary/fix, Arabic beside it for the app. */
export function toCheckResult(checkpointId: string, outcome: CheckOutcome): CheckResult {
  const summary = outcome.summary;
  const fix = outcome.fix;
  return {
    checkpointId,
    status: outcome.status,
    summary: summary.en,
    ...(fix ? { fix: fix.en } : {}),
    evidence: outcome.evidence ?? [],
    ...(outcome.note !== undefined ? { note: outcome.note } : {}),
    ...(outcome.rerun ? { rerun: outcome.rerun } : {}),
    ar: { summary: summary.ar, ...(fix ? { fix: fix.ar } : {}) },
  };
}

/** The outcome with `more` appended to its summary, in both languages. */
export function extendSummary(outcome: CheckOutcome, more: Bilingual): CheckOutcome {
  return { ...outcome, summary: concatBoth(outcome.summary, more) };
}
export type Check = (ctx: VerifyContext, checkpoint: Checkpoint) => CheckOutcome | Promise<CheckOutcome>;

export const PAYMENT_COMMANDS = ['PURCHASE', 'AUTHORIZATION'];

export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Requests the merchant (browser or server) sent to APS. */
/**
 * A request whose body the browser could not read before the page moved on (a busy machine makes this likelier): it
 * holds only the recorder's note, so there is nothing in it to judge.
 */
export function bodyLost(x: Exchange): boolean {
  const keys = Object.keys(x.requestFields);
  return keys.length === 1 && keys[0] === '_error';
}

const isApsRequest = (x: Exchange) => x.kind === 'paymentPage' || x.kind === 'paymentApi';

/** Requests to APS whose fields were recorded. */
export function apsRequests(ev: ScenarioEvidence): Exchange[] {
  return ev.exchanges.filter((x) => isApsRequest(x) && !bodyLost(x));
}

/** Requests to APS that were seen but whose body was lost, and that no other recorder (simulator, relay) holds. */
export function unrecordedRequests(ev: ScenarioEvidence): Exchange[] {
  const recorded = apsRequests(ev);
  return ev.exchanges.filter(
    (x) => isApsRequest(x) && bodyLost(x) && !recorded.some((r) => r.kind === x.kind && sameEndpoint(r.url, x.url)),
  );
}

function sameEndpoint(a: string, b: string): boolean {
  return URL.canParse(a) && URL.canParse(b) ? new URL(a).pathname === new URL(b).pathname : a === b;
}

/** PURCHASE/AUTHORIZATION requests, the ones that carry customer data and amounts. */
export function paymentRequests(ev: ScenarioEvidence): Exchange[] {
  return apsRequests(ev).filter((x) => PAYMENT_COMMANDS.includes(str(x.requestFields.command) ?? ''));
}

export function returnPosts(ev: ScenarioEvidence): Exchange[] {
  return ev.exchanges.filter((x) => x.kind === 'return');
}

/**
 * APS's answers for a scenario: the fields posted back to return_url, and the JSON bodies of paymentApi calls.
 * Each comes with the exchange it was read from.
 */
export function apsResponses(ev: ScenarioEvidence): ApsResponse[] {
  return responsesIn(ev.exchanges);
}

/** The method a scenario paid with: what APS reported, then what the request selected, then the catalog. */
export function scenarioMethod(ev: ScenarioEvidence, request?: Exchange): MethodId | undefined {
  for (const r of apsResponses(ev)) {
    const m = methodFromRequest(r.fields);
    if (m) return m;
  }
  if (request) {
    const m = methodFromRequest(request.requestFields);
    if (m) return m;
  }
  return CATALOG.scenarios.find(ev.scenarioId)?.method;
}

export function exchangeRef(ev: ScenarioEvidence, x: Exchange, detail?: string): EvidenceRef {
  return { scenarioId: ev.scenarioId, kind: 'exchange', ref: x.id, detail };
}

export function fieldRef(ev: ScenarioEvidence, x: Exchange, field: string, value: unknown): EvidenceRef {
  return {
    scenarioId: ev.scenarioId,
    kind: 'field',
    ref: `${x.id}.${field}`,
    detail: `${field}=${str(value) ?? JSON.stringify(value)}`,
  };
}

export function screenshotRef(ev: ScenarioEvidence, s: Screenshot, detail?: string): EvidenceRef {
  return { scenarioId: ev.scenarioId, kind: 'screenshot', ref: s.file, detail: detail ?? s.url };
}

/** Plan scenarios among `candidates` (in that order), for "run this scenario" advice. */
export function plannedScenarioIds(ctx: VerifyContext, candidates: string[]): string[] {
  const planned = new Set(ctx.plan.scenarios.map((s) => s.id));
  return candidates.filter((id) => planned.has(id));
}

const NO_EVIDENCE = {
  summary: (what: Bilingual) => both(`No evidence yet: ${what.en}`, `لا أدلة بعد: ${what.ar}`),
  run: (ids: string[]) =>
    both(
      `Run scenario ${ids.join(', ')} (certkit run <workspace> --only ${ids.join(',')}), then verify again.`,
      `شغّل السيناريو ${ids.join('، ')} (certkit run <workspace> --only ${ids.join(',')}) ثم تحقّق مرة أخرى.`,
    ),
  nothingPlanned: both(
    'Add the payment methods you offer to the workspace, run the scenarios, then verify again.',
    'أضف إلى مساحة العمل وسائل الدفع التي تقدّمها، وشغّل السيناريوهات، ثم تحقّق مرة أخرى.',
  ),
};

export function noEvidence(ctx: VerifyContext, candidates: string[], what: Bilingual): CheckOutcome {
  const ids = [...new Set(plannedScenarioIds(ctx, candidates))];
  const run = ids.length ? ids : ctx.plan.scenarios.slice(0, 1).map((s) => s.id);
  return {
    status: 'no-evidence',
    summary: NO_EVIDENCE.summary(what),
    rerun: run,
    fix: run.length ? NO_EVIDENCE.run(run) : NO_EVIDENCE.nothingPlanned,
  };
}

/** Scenarios that paid with a card, used as the default evidence for request-level checks. */
export const CARD_SCENARIOS = ['card-non3ds-success', 'card-3ds-success', 'card-declined', 'mada-success'];

/** The one scenario to suggest when any payment would do: a card payment if the plan has one. */
export function anyPayment(ctx: VerifyContext): string[] {
  const card = plannedScenarioIds(ctx, CARD_SCENARIOS)[0];
  return [card ?? ctx.plan.scenarios[0]?.id].filter((id): id is string => !!id);
}

/** Loopback, a private range, link-local, a name under .localhost or the unspecified address: not the public web. */
export function isLoopbackOrPrivate(host: string): boolean {
  if (isLoopbackHost(host)) return true;
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h.endsWith('.localhost')) return true;
  if (/^10\./.test(h) || /^192\.168\./.test(h) || /^172\.(1[6-9]|2\d|3[01])\./.test(h) || /^169\.254\./.test(h))
    return true;
  if (/^f[cd][0-9a-f]{2}:/.test(h) || h.startsWith('fe80:')) return true;
  return h === '0.0.0.0' || h === '::';
}

export function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname;
  } catch (err) {
    // Not an absolute URL: it names no host, and callers treat that as unknown.
    if (err instanceof TypeError) return undefined;
    throw err;
  }
}
