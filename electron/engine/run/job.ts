import path from 'node:path';
import { DEFAULT_APS_HOSTS } from '../../../shared/aps/endpoints';
import { CATALOG } from '../../../shared/aps/catalog-index';
import type { Scenario } from '../../../shared/aps/scenarios';
import type { RunEvent } from '../../../shared/schema/events';
import type { ScenarioEvidence, ScenarioStatus } from '../../../shared/schema/evidence';
import { extractRulesFor, type Customer, type Workspace } from '../../../shared/schema/workspace';
import { flowOf, slotsForScenario } from '../../../shared/plan';
import { flowFileRule, loadFlowFile, substituteFlow, type LoadedFlow } from '../capture/flow-file';
import { resolveInside } from '../confine-path';
import type { GuidedSession } from '../capture/guided-pages';
import type { EvidenceIO, ScenarioJob } from '../capture/scenario';
import type { CheckStatusTarget } from '../capture/check-status';
import { httpExchangeLog, type ExchangeLog } from '../capture/simulator-log';
import { CertkitError } from '../errors';
import { emptyScenarioEvidence } from '../evidence/store';
import { bestEffort, reasonOf, type Report } from '../util/best-effort';
import { leakNeedles, type LeakNeedle } from '../capture/leak-scan';
import { secretValues, type MerchantSecrets } from '../workspace/secrets';
import { browserClientAddress, customerFor, flowVariables } from './variables';
import { relayExchangesOf } from './relay-exchanges';

/** A guided capture has no deadline of its own: the user clicks at their own pace. */
const GUIDED_TIMEOUT_MS = 24 * 3600_000;

/** What every scenario of one run shares: the workspace's settings, resolved once. */
export interface RunContext {
  runId: string;
  workspaceDir: string;
  ws: Workspace;
  /** Secret values to strip from anything recorded. */
  secrets: string[];
  /** The secrets the leak scan looks for in what the browser loads. */
  leakNeedles: LeakNeedle[];
  apsHosts: string[];
  clientAddress?: string;
  exchangeLog?: ExchangeLog;
  exchangeLogSince: number;
  checkStatus?: CheckStatusTarget;
  /** Flow variables that win over the computed ones for every scenario. */
  variables?: Record<string, string>;
  signal?: AbortSignal;
  emit: (event: RunEvent) => void;
  io?: EvidenceIO;
}

export interface RunContextOptions {
  runId: string;
  secrets?: MerchantSecrets;
  /** Confirm each ledger entry with CHECK_STATUS (needs secrets). Default: on in simulator workspaces with secrets. */
  checkStatus?: boolean;
  /** The simulator's exchange log; by default read over HTTP in simulator workspaces. */
  exchangeLog?: ExchangeLog;
  variables?: Record<string, string>;
  signal?: AbortSignal;
  emit: (event: RunEvent) => void;
  io?: EvidenceIO;
}

/** Hosts whose traffic is APS traffic: the workspace's list plus its endpoints, else APS's own hosts. */
export function apsHostsOf(ws: Workspace): string[] {
  const hosts = new Set(ws.aps.hosts);
  for (const url of [ws.aps.paymentPage, ws.aps.paymentApi]) {
    if (url) hosts.add(new URL(url).host);
  }
  if (!hosts.size) DEFAULT_APS_HOSTS.forEach((h) => hosts.add(h));
  return [...hosts];
}

/** host:port of the store's URLs in the workspace: where APS's posts and feedback for this merchant go. */
export function storeHostsOf(ws: Workspace): string[] {
  const urls = [ws.store.baseUrl, ws.store.returnUrl, ws.store.directFeedbackUrl, ws.store.notificationFeedbackUrl];
  return [...new Set(urls.filter((u): u is string => !!u).map((u) => new URL(u).host))];
}

/** A run's warnings, not tied to one scenario. */
export function runWarnings(emit: (event: RunEvent) => void, runId: string): Report {
  return (what, err) => emit({ type: 'warning', runId, message: `${what}: ${reasonOf(err)}` });
}

export async function runContext(ws: Workspace, workspaceDir: string, o: RunContextOptions): Promise<RunContext> {
  const simulator = ws.account.environment === 'simulator';
  const exchangeLog =
    o.exchangeLog ?? (simulator && ws.aps.paymentApi ? httpExchangeLog(new URL(ws.aps.paymentApi).origin) : undefined);
  const wantCheck = o.checkStatus ?? (simulator && !!o.secrets?.accessCode && !!o.secrets.requestPhrase);
  const checkStatus =
    wantCheck && o.secrets && ws.aps.paymentApi && ws.account.merchantIdentifier
      ? { paymentApi: ws.aps.paymentApi, merchantIdentifier: ws.account.merchantIdentifier, secrets: o.secrets }
      : undefined;
  // Without the mark, every scenario looks through the whole log; references still keep them apart.
  const exchangeLogSince = exchangeLog
    ? await bestEffort("reading the simulator's exchange log", exchangeLog.lastSeq(), runWarnings(o.emit, o.runId), 0)
    : 0;
  return {
    runId: o.runId,
    workspaceDir,
    ws,
    secrets: o.secrets ? secretValues(o.secrets) : [],
    leakNeedles: leakNeedles(o.secrets),
    apsHosts: apsHostsOf(ws),
    clientAddress: browserClientAddress(ws.store.baseUrl),
    exchangeLog,
    exchangeLogSince,
    checkStatus,
    variables: o.variables,
    signal: o.signal,
    emit: o.emit,
    io: o.io,
  };
}

/** Catalog position; the order scenarios are listed and siblings run in. */
export function catalogIndex(s: Scenario): number {
  return CATALOG.scenarios.order(s.id);
}

/**
 * The scenario's test customer. A scenario that builds on another uses that one's customer (saved cards belong to
 * an email); otherwise customers rotate by catalog position.
 */
export function customerOf(ws: Workspace, s: Scenario): Customer {
  let root = s;
  while (root.dependsOn) root = CATALOG.scenarios.find(root.dependsOn) ?? root;
  return customerFor(ws, catalogIndex(root));
}

/** The scenario has no flow in certkit.json: it is skipped, not failed, and the hint says how to add one. */
export class MissingFlowError extends CertkitError {}

export interface JobExtras {
  /** Ledger of the scenario this one builds on, offered to the flow as {{dep.<field>}}. */
  dependency?: ScenarioEvidence;
  /** Guided capture instead of a replay. */
  guided?: GuidedSession;
}

/**
 * Everything one scenario needs to run: its flow loaded with the variables filled in (none for a guided capture),
 * its customer, slots and extract rules, and the run's shared settings. Throws MissingFlowError when the scenario
 * has no flow to replay, or the flow file's own error.
 */
export async function scenarioJob(ctx: RunContext, s: Scenario, extras: JobExtras = {}): Promise<ScenarioJob> {
  const { ws } = ctx;
  const customer = customerOf(ws, s);
  const flow = flowOf(s, ws);
  const common = {
    runId: ctx.runId,
    workspaceDir: ctx.workspaceDir,
    scenario: s,
    customer,
    clientAddress: ctx.clientAddress,
    requiredSlots: slotsForScenario(s, ws),
    extract: extractRulesFor(ws, flow?.owner ?? s.id),
    capture: { format: ws.capture.format, quality: ws.capture.quality, maxHeight: ws.capture.maxHeight },
    stepTimeoutMs: ws.capture.stepTimeoutMs,
    apsHosts: ctx.apsHosts,
    returnUrl: ws.store.returnUrl,
    storeHosts: storeHostsOf(ws),
    secrets: ctx.secrets,
    leakNeedles: ctx.leakNeedles,
    exchangeLog: ctx.exchangeLog,
    exchangeLogSince: ctx.exchangeLogSince,
    serverExchanges: (ev: ScenarioEvidence, pageValues: Record<string, string>) =>
      relayExchangesOf(ctx.workspaceDir, ev, pageValues),
    checkStatus: ctx.checkStatus,
    signal: ctx.signal,
    emit: ctx.emit,
    io: ctx.io,
  };
  if (extras.guided) {
    const flow = { title: `guided ${s.id}`, steps: [] };
    return { ...common, flow, rawSteps: [], tags: [], scenarioTimeoutMs: GUIDED_TIMEOUT_MS, guided: extras.guided };
  }
  if (!flow) {
    const borrowed = s.flowFrom ? ` (nor for ${s.flowFrom}, whose flow it replays with its own test card)` : '';
    throw new MissingFlowError(`no flow recorded for ${s.id}${borrowed}`, {
      hint: `record it with the Chrome DevTools Recorder and add it under "flows" in certkit.json, or capture it by hand with \`certkit capture ${ctx.workspaceDir} --scenario ${s.id}\``,
    });
  }
  const flowFile = path.resolve(ctx.workspaceDir, flow.file);
  const loaded = await loadWorkspaceFlow(ctx.workspaceDir, flow);
  const depValues = Object.entries(extras.dependency?.ledger.values ?? {}).map(([k, v]) => [`dep.${k}`, v as string]);
  const vars = flowVariables(s, ws, customer, { ...Object.fromEntries(depValues), ...ctx.variables });
  return {
    ...common,
    flow: substituteFlow(loaded, vars, flowFile),
    rawSteps: loaded.raw.steps as Record<string, unknown>[],
    tags: loaded.tags,
    flowFile: flow.file,
    scenarioTimeoutMs: ws.capture.scenarioTimeoutMs,
  };
}

/**
 * A flow named in certkit.json (`flowOf`), read only from inside the workspace: a path that is absolute, climbs out
 * with `..` or leads out through a symlink is refused, naming the entry to fix.
 */
export async function loadWorkspaceFlow(
  workspaceDir: string,
  flow: { owner: string; file: string },
): Promise<LoadedFlow> {
  return loadFlowFile(await resolveInside(workspaceDir, flow.file, flowFileRule(flow.owner)));
}

/**
 * Every flow the scenarios will replay, loaded once before a run writes anything: a flow file that is outside the
 * workspace, unreadable, too large or not a Recorder export is bad input (exit 2), not a failed payment.
 */
export async function checkFlows(workspaceDir: string, ws: Workspace, scenarios: Scenario[]): Promise<void> {
  const seen = new Set<string>();
  for (const s of scenarios) {
    const flow = flowOf(s, ws);
    if (!flow || seen.has(flow.owner)) continue;
    seen.add(flow.owner);
    await loadWorkspaceFlow(workspaceDir, flow);
  }
}

/**
 * Evidence of a scenario that did not run (no flow, a broken flow file, no browser, the run stopped): the reason
 * as its error, with the fix when the error carries one.
 */
export function unrunEvidence(
  runId: string,
  s: Scenario,
  customer: Customer,
  status: Extract<ScenarioStatus, 'failed' | 'skipped'>,
  reason: unknown,
): ScenarioEvidence {
  const evidence = emptyScenarioEvidence(runId, s.id, customer, status);
  evidence.error =
    reason instanceof CertkitError
      ? { message: reason.message, hint: reason.hint, ...(reason.ar ? { ar: reason.ar } : {}) }
      : { message: reason instanceof Error ? reason.message : String(reason) };
  evidence.finishedAt = new Date().toISOString();
  return evidence;
}
