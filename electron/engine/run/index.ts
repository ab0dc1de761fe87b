import path from 'node:path';
import { DEFAULT_APS_HOSTS } from '../../../shared/aps/endpoints';
import { CATALOG } from '../../../shared/aps/catalog-index';
import type { Scenario } from '../../../shared/aps/scenarios';
import type { RunEvent } from '../../../shared/schema/events';
import {
  EVIDENCE_VERSION,
  type RunIndex,
  type ScenarioEvidence,
  type ScenarioOutcome,
  type ScenarioStatus,
} from '../../../shared/schema/evidence';
import type { Workspace } from '../../../shared/schema/workspace';
import { buildPlan, slotsForScenario } from '../../../shared/plan';
import { resolveBrowser, type ResolveBrowserOptions } from '../browser/resolve';
import { loadFlowFile, substituteFlow } from '../capture/flow-file';
import { runScenario, type EvidenceIO, type ScenarioJob } from '../capture/scenario';
import { httpExchangeLog, type ExchangeLog } from '../capture/simulator-log';
import type { Env } from '../env';
import { CertkitError } from '../errors';
import {
  collectEvidence,
  emptyScenarioEvidence,
  newRunId,
  writeRunIndex,
  writeScenarioEvidence,
} from '../evidence/store';
import { chromiumTrustArgs, trustOrigins, type TrustedCertificate } from '../tls-trust';
import { loadWorkspace } from '../workspace/workspace';
import { secretValues, type MerchantSecrets } from '../workspace/secrets';
import { BrowserHost } from './browser-host';
import { browserClientAddress, customerFor, flowVariables } from './variables';

export interface RunOptions {
  workspaceDir: string;
  only?: string[];
  concurrency?: number;
  browserPath?: string;
  /** Where to look for a browser (CERTKIT_BROWSER, PATH, ...): the CLI's or the app's environment. */
  browserEnv?: Env;
  headful?: boolean;
  resume?: boolean;
  secrets?: MerchantSecrets;
  signal?: AbortSignal;
  onEvent?: (e: RunEvent) => void;
  /** Flow variables that win over the computed ones for every scenario (e.g. {baseUrl} of another store). */
  variables?: Record<string, string>;
  /** Confirm each ledger entry with CHECK_STATUS (needs secrets). Default: on in simulator workspaces with secrets. */
  checkStatus?: boolean;
  /** The simulator's exchange log; by default read over HTTP in simulator workspaces. */
  exchangeLog?: ExchangeLog;
  /** Extra Chromium switches. */
  browserArgs?: string[];
  /**
   * Certificates to accept for the workspace's own simulator and store (the https sandbox's self-signed one): the
   * browser by public key, this process's fetch calls for those origins only.
   */
  trust?: TrustedCertificate[];
  /** Called with each browser the run starts (the app shows it; tests use it to kill one). */
  onBrowser?: (browser: import('puppeteer-core').Browser) => void;
  /** Tests replace file writes to simulate a full disk. */
  io?: EvidenceIO;
  runId?: string;
}

export interface RunSummary {
  runId: string;
  results: {
    scenarioId: string;
    status: ScenarioOutcome;
    merchantReference?: string;
    screenshots: number;
    error?: string;
  }[];
}

function apsHostsOf(ws: Workspace): string[] {
  const hosts = new Set(ws.aps.hosts);
  for (const url of [ws.aps.paymentPage, ws.aps.paymentApi]) {
    if (url) hosts.add(new URL(url).host);
  }
  if (!hosts.size) DEFAULT_APS_HOSTS.forEach((h) => hosts.add(h));
  return [...hosts];
}

function pickScenarios(ws: Workspace, only: string[] | undefined): Scenario[] {
  const planned = buildPlan(ws).scenarios;
  if (!only?.length) return planned;
  const unknown = only.filter((id) => !CATALOG.scenarios.has(id));
  if (unknown.length) {
    throw new CertkitError(`--only names unknown scenario${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, {
      hint: `scenario ids of this workspace: ${planned.map((s) => s.id).join(', ')}`,
    });
  }
  const notPlanned = only.filter((id) => !planned.some((s) => s.id === id));
  if (notPlanned.length) {
    throw new CertkitError(
      `scenario${notPlanned.length > 1 ? 's' : ''} ${notPlanned.join(', ')} not in this workspace's plan`,
      {
        hint: 'add the payment method or feature to certkit.json (see `certkit plan`), or pick from the plan',
      },
    );
  }
  return planned.filter((s) => only.includes(s.id));
}

/**
 * The browser a run drives and whether it shows a window: --browser and --headful win over the workspace's
 * browser.path and browser.headless; a headless run may get the headless shell, a visible one never.
 */
export function chooseBrowser(
  setting: Workspace['browser'],
  options: Pick<RunOptions, 'browserPath' | 'browserEnv' | 'headful'>,
  resolve: (o: ResolveBrowserOptions) => string = resolveBrowser,
): { headful: boolean; executablePath: string } {
  const headful = options.headful ?? !setting.headless;
  return {
    headful,
    executablePath: resolve({
      explicit: options.browserPath ?? setting.path,
      env: options.browserEnv,
      headless: !headful,
    }),
  };
}

/** The https origins a workspace talks to: APS (or the simulator) and the merchant's store. */
export function workspaceOrigins(ws: Workspace): string[] {
  const urls = [
    ws.aps.paymentPage,
    ws.aps.paymentApi,
    ws.store.baseUrl,
    ws.store.directFeedbackUrl,
    ws.store.notificationFeedbackUrl,
  ];
  return [...new Set(urls.filter((u): u is string => !!u && u.startsWith('https:')).map((u) => new URL(u).origin))];
}

/** Runs the workspace's scenarios, each in its own browser context, and writes the evidence as it goes. */
export async function runWorkspace(options: RunOptions): Promise<RunSummary> {
  if (!options.trust?.length) return runScenarios(options);
  const ws = await loadWorkspace(path.resolve(options.workspaceDir));
  const releases = options.trust.map((c) => trustOrigins(c, workspaceOrigins(ws)));
  try {
    return await runScenarios({
      ...options,
      browserArgs: [...(options.browserArgs ?? []), ...chromiumTrustArgs(options.trust)],
    });
  } finally {
    releases.forEach((r) => r());
  }
}

async function runScenarios(options: RunOptions): Promise<RunSummary> {
  const workspaceDir = path.resolve(options.workspaceDir);
  const ws = await loadWorkspace(workspaceDir);
  let scenarios = pickScenarios(ws, options.only);
  const emit = (e: RunEvent) => {
    try {
      options.onEvent?.(e);
    } catch {
      /* a broken listener must not stop the run */
    }
  };
  const runId = options.runId ?? newRunId();
  const results = new Map<string, RunSummary['results'][number]>();

  if (options.resume) {
    const done = await collectEvidence(workspaceDir);
    const complete = scenarios.filter((s) => done.byScenario.get(s.id)?.status === 'passed');
    for (const s of complete) {
      const ev = done.byScenario.get(s.id)!;
      results.set(s.id, {
        scenarioId: s.id,
        status: 'skipped',
        merchantReference: ev.ledger.values.merchant_reference,
        screenshots: ev.screenshots.length,
        error: `complete in run ${ev.runId}`,
      });
    }
    scenarios = scenarios.filter((s) => !complete.includes(s));
  }

  const { headful, executablePath } = chooseBrowser(ws.browser, options);
  const concurrency = Math.max(1, Math.min(8, options.concurrency ?? ws.browser.concurrency ?? 2));
  const secrets = options.secrets;
  const secretList = secrets ? secretValues(secrets) : [];
  const simulator = ws.account.environment === 'simulator';
  const exchangeLog =
    options.exchangeLog ??
    (simulator && ws.aps.paymentApi ? httpExchangeLog(new URL(ws.aps.paymentApi).origin) : undefined);
  const wantCheck = options.checkStatus ?? (simulator && !!secrets?.accessCode && !!secrets.requestPhrase);
  const checkStatus =
    wantCheck && secrets && ws.aps.paymentApi && ws.account.merchantIdentifier
      ? { paymentApi: ws.aps.paymentApi, merchantIdentifier: ws.account.merchantIdentifier, secrets }
      : undefined;
  const exchangeLogSince = exchangeLog ? await exchangeLog.lastSeq().catch(() => 0) : 0;
  const apsHosts = apsHostsOf(ws);
  const clientAddress = browserClientAddress(ws.store.baseUrl);

  const index: RunIndex = { version: EVIDENCE_VERSION, runId, startedAt: new Date().toISOString(), scenarios: {} };
  for (const s of scenarios) index.scenarios[s.id] = { dir: s.id, status: 'pending' };
  let indexChain = Promise.resolve();
  const saveIndex = () => {
    indexChain = indexChain.then(() => writeRunIndex(workspaceDir, index)).catch(() => undefined);
    return indexChain;
  };
  await saveIndex();
  emit({
    type: 'run-started',
    runId,
    scenarios: [...results.keys(), ...scenarios.map((s) => s.id)],
    browser: executablePath,
  });
  for (const r of results.values())
    emit({
      type: 'scenario-finished',
      runId,
      scenarioId: r.scenarioId,
      status: 'skipped',
      merchantReference: r.merchantReference,
    });

  const host = new BrowserHost({ executablePath, headful, args: options.browserArgs, onLaunch: options.onBrowser });
  // Start the browser while the flows load; the first scenario would wait for it anyway.
  if (scenarios.length) void host.get().catch(() => undefined);
  const catalogIndex = (s: Scenario) => CATALOG.scenarios.order(s.id);

  const finish = async (s: Scenario, ev: ScenarioEvidence) => {
    const status: ScenarioOutcome = ev.status === 'passed' ? 'passed' : ev.status === 'skipped' ? 'skipped' : 'failed';
    const error = ev.error ? `${ev.error.message}${ev.error.hint ? ` (fix: ${ev.error.hint})` : ''}` : undefined;
    results.set(s.id, {
      scenarioId: s.id,
      status,
      merchantReference: ev.ledger.values.merchant_reference,
      screenshots: ev.screenshots.length,
      error,
    });
    index.scenarios[s.id] = { dir: s.id, status: ev.status as ScenarioStatus };
    await saveIndex();
    emit({
      type: 'scenario-finished',
      runId,
      scenarioId: s.id,
      status,
      error,
      merchantReference: ev.ledger.values.merchant_reference,
    });
  };

  // A scenario that builds on another uses the same customer (saved cards belong to an email) and can name
  // the other's ledger values as {{dep.merchant_reference}}, {{dep.agreement_id}}, ...
  const ledgers = new Map<string, ScenarioEvidence>();
  if ([...scenarios].some((s) => s.dependsOn)) {
    const earlier = await collectEvidence(workspaceDir).catch(() => undefined);
    for (const [id, ev] of earlier?.byScenario ?? []) ledgers.set(id, ev);
  }
  const customerOf = (s: Scenario) => {
    let root = s;
    while (root.dependsOn) root = CATALOG.scenarios.find(root.dependsOn) ?? root;
    return customerFor(ws, catalogIndex(root));
  };
  const dependencyVars = (s: Scenario): Record<string, string> => {
    const dep = s.dependsOn ? ledgers.get(s.dependsOn) : undefined;
    if (!dep) return {};
    return Object.fromEntries(Object.entries(dep.ledger.values).map(([k, v]) => [`dep.${k}`, v as string]));
  };

  const runOne = async (s: Scenario): Promise<ScenarioEvidence> => {
    const customer = customerOf(s);
    const ref = ws.flows[s.id];
    const base = emptyScenarioEvidence(runId, s.id, customer, 'skipped');
    if (!ref) {
      base.error = {
        message: `no flow recorded for ${s.id}`,
        hint: `record it with the Chrome DevTools Recorder and add it under "flows" in certkit.json, or capture it by hand with \`certkit capture ${workspaceDir} --scenario ${s.id}\``,
      };
      base.finishedAt = new Date().toISOString();
      await writeScenarioEvidence(workspaceDir, base).catch(() => undefined);
      return base;
    }
    let job: ScenarioJob;
    try {
      const flowFile = path.resolve(workspaceDir, ref.file);
      const loaded = await loadFlowFile(flowFile);
      const vars = flowVariables(s, ws, customer, { ...dependencyVars(s), ...options.variables });
      job = {
        runId,
        workspaceDir,
        scenario: s,
        flow: substituteFlow(loaded, vars, flowFile),
        rawSteps: loaded.raw.steps as Record<string, unknown>[],
        tags: loaded.tags,
        flowFile: ref.file,
        customer,
        clientAddress,
        requiredSlots: slotsForScenario(s, ws),
        extract: ref.extract,
        capture: { format: ws.capture.format, quality: ws.capture.quality, maxHeight: ws.capture.maxHeight },
        stepTimeoutMs: ws.capture.stepTimeoutMs,
        scenarioTimeoutMs: ws.capture.scenarioTimeoutMs,
        apsHosts,
        returnUrl: ws.store.returnUrl,
        secrets: secretList,
        exchangeLog,
        exchangeLogSince,
        checkStatus,
        signal: options.signal,
        emit,
        io: options.io,
      };
    } catch (err) {
      const failed = emptyScenarioEvidence(runId, s.id, customer, 'failed');
      failed.error = { message: (err as Error).message, hint: (err as CertkitError).hint };
      failed.finishedAt = new Date().toISOString();
      await writeScenarioEvidence(workspaceDir, failed).catch(() => undefined);
      return failed;
    }
    let browser;
    try {
      browser = await host.get();
    } catch (err) {
      const failed = emptyScenarioEvidence(runId, s.id, customer, 'failed');
      failed.error = { message: (err as Error).message, hint: (err as CertkitError).hint };
      await writeScenarioEvidence(workspaceDir, failed).catch(() => undefined);
      return failed;
    }
    return runScenario(browser, job);
  };

  // Scenarios that build on another (a saved card, an agreement) start once that one has finished.
  const queue = [...scenarios];
  const finished = new Set<string>();
  const inRun = new Set(scenarios.map((s) => s.id));
  const waiting: (() => void)[] = [];
  // Siblings that build on the same scenario run one after another, in catalog order: a cancellation must not
  // overtake the charge that needs the subscription alive.
  const ready = (s: Scenario) => {
    if (!s.dependsOn) return true;
    if (inRun.has(s.dependsOn) && !finished.has(s.dependsOn)) return false;
    const before = scenarios.filter((o) => o.dependsOn === s.dependsOn && catalogIndex(o) < catalogIndex(s));
    return before.every((o) => finished.has(o.id));
  };
  const worker = async () => {
    for (;;) {
      if (!queue.length) {
        waiting.splice(0).forEach((w) => w());
        return;
      }
      const i = queue.findIndex(ready);
      if (i < 0) {
        await new Promise<void>((r) => waiting.push(r));
        continue;
      }
      const [s] = queue.splice(i, 1);
      index.scenarios[s.id] = { dir: s.id, status: 'running' };
      let ev: ScenarioEvidence;
      if (options.signal?.aborted) {
        ev = emptyScenarioEvidence(runId, s.id, customerOf(s), 'skipped');
        ev.error = { message: 'the run was stopped before this scenario', hint: 'run again with --resume' };
      } else {
        ev = await runOne(s);
      }
      ledgers.set(s.id, ev);
      await finish(s, ev);
      finished.add(s.id);
      waiting.splice(0).forEach((w) => w());
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, scenarios.length)) }, worker));
  } finally {
    await host.close();
  }
  index.finishedAt = new Date().toISOString();
  await saveIndex();
  const ordered = [...results.values()].sort(
    (a, b) => CATALOG.scenarios.order(a.scenarioId) - CATALOG.scenarios.order(b.scenarioId),
  );
  const count = (st: string) => ordered.filter((r) => r.status === st).length;
  emit({ type: 'run-finished', runId, passed: count('passed'), failed: count('failed'), skipped: count('skipped') });
  return { runId, results: ordered };
}
