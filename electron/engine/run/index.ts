import path from 'node:path';
import { CATALOG } from '../../../shared/aps/catalog-index';
import type { Scenario } from '../../../shared/aps/scenarios';
import { clampConcurrency } from '../../../shared/limits';
import type { RunEvent } from '../../../shared/schema/events';
import {
  EVIDENCE_VERSION,
  type RunIndex,
  type ScenarioEvidence,
  type ScenarioOutcome,
  type ScenarioStatus,
} from '../../../shared/schema/evidence';
import type { Workspace } from '../../../shared/schema/workspace';
import { buildPlan } from '../../../shared/plan';
import { describeEndpoint, parseEndpoint } from '../browser/connect';
import { engineOfPath, type BrowserEngine } from '../browser/engine';
import { resolveBrowser, type ResolveBrowserOptions } from '../browser/resolve';
import { runScenario, type EvidenceIO } from '../capture/scenario';
import type { ExchangeLog } from '../capture/simulator-log';
import type { Env } from '../env';
import { both } from '../../../shared/text';
import { CertkitError } from '../errors';
import { withWorkspaceLock } from '../util/workspace-lock';
import { collectEvidence, newRunId, writeRunIndex, writeScenarioEvidence } from '../evidence/store';
import { chromiumTrustArgs, trustOrigins, type TrustedCertificate } from '../tls-trust';
import { bestEffort, type Report } from '../util/best-effort';
import { loadWorkspace } from '../workspace/workspace';
import type { MerchantSecrets } from '../workspace/secrets';
import { BrowserHost } from './browser-host';
import {
  catalogIndex,
  checkFlows,
  customerOf,
  MissingFlowError,
  runContext,
  runWarnings,
  scenarioJob,
  unrunEvidence,
} from './job';
import { schedule } from './scheduler';

export interface RunOptions {
  workspaceDir: string;
  only?: string[];
  concurrency?: number;
  browserPath?: string;
  /** The browser family (`--browser firefox`); default: browser.engine in certkit.json, else Chromium. */
  browserEngine?: BrowserEngine;
  /**
   * A remote browser to drive instead of starting one (--connect ws://... or http://HOST:PORT): every scenario gets
   * its own browser context in it, and at the end Certkit disconnects without closing the browser.
   */
  connect?: string;
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
  /** The stop signal fired during the run: scenarios not started are skipped, and the run is not a success. */
  stopped: boolean;
  results: {
    scenarioId: string;
    status: ScenarioOutcome;
    merchantReference?: string;
    screenshots: number;
    error?: string;
  }[];
}

/** The scenarios a run does: the plan, or the `only` ones, refused when they are not in the plan. */
export function pickScenarios(ws: Workspace, only: string[] | undefined): Scenario[] {
  const planned = buildPlan(ws).scenarios;
  if (!only?.length) return planned;
  const unknown = only.filter((id) => !CATALOG.scenarios.has(id));
  if (unknown.length) {
    throw new CertkitError(
      both(
        `--only names unknown scenario${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`,
        `طُلب تشغيل ما ليس سيناريو معروفًا: ${unknown.join('، ')}`,
      ),
      {
        hint: both(
          `scenario ids of this workspace: ${planned.map((s) => s.id).join(', ')}`,
          `معرّفات سيناريوهات مساحة العمل هذه: ${planned.map((s) => s.id).join('، ')}`,
        ),
      },
    );
  }
  const notPlanned = only.filter((id) => !planned.some((s) => s.id === id));
  if (notPlanned.length) {
    throw new CertkitError(
      both(
        `scenario${notPlanned.length > 1 ? 's' : ''} ${notPlanned.join(', ')} not in this workspace's plan`,
        `${notPlanned.length > 1 ? 'السيناريوهات' : 'السيناريو'} ${notPlanned.join('، ')} ليس في خطة مساحة العمل هذه`,
      ),
      {
        hint: both(
          'add the payment method or feature to certkit.json (see `certkit plan`), or pick from the plan',
          'أضف طريقة الدفع أو الميزة إلى certkit.json (انظر `certkit plan`)، أو اختر من الخطة',
        ),
      },
    );
  }
  return planned.filter((s) => only.includes(s.id));
}

/**
 * The browser a run drives and whether it shows a window: --browser and --headful win over the workspace's
 * browser.engine, browser.path and browser.headless; a headless run may get the headless shell, a visible one never.
 * A path names its family itself (firefox-esr is Firefox); a family asked for without a path is searched for.
 */
export function chooseBrowser(
  setting: Workspace['browser'],
  options: Pick<RunOptions, 'browserPath' | 'browserEnv' | 'headful' | 'browserEngine'>,
  resolve: (o: ResolveBrowserOptions) => string = resolveBrowser,
): { headful: boolean; executablePath: string; engine: BrowserEngine } {
  const headful = options.headful ?? !setting.headless;
  // An engine given on the command line drops the workspace's path when that path is of the other family.
  const settingPath =
    options.browserEngine && setting.path && engineOfPath(setting.path) !== options.browserEngine
      ? undefined
      : setting.path;
  const explicit = options.browserPath ?? settingPath;
  const engine = options.browserEngine ?? (explicit ? engineOfPath(explicit) : (setting.engine ?? 'chromium'));
  const executablePath = resolve({ explicit, env: options.browserEnv, headless: !headful, engine });
  return { headful, executablePath, engine };
}

/** run.json of a run, rewritten after each scenario; writes are serialised so the last state wins. */
class RunIndexFile {
  readonly index: RunIndex;
  private chain = Promise.resolve();

  constructor(
    private readonly workspaceDir: string,
    runId: string,
    scenarios: Scenario[],
    private readonly report: Report,
  ) {
    this.index = { version: EVIDENCE_VERSION, runId, startedAt: new Date().toISOString(), scenarios: {} };
    for (const s of scenarios) this.set(s.id, 'pending');
  }

  set(scenarioId: string, status: ScenarioStatus): void {
    this.index.scenarios[scenarioId] = { dir: scenarioId, status };
  }

  save(): Promise<void> {
    this.chain = this.chain.then(() =>
      bestEffort('writing run.json', writeRunIndex(this.workspaceDir, this.index), this.report),
    );
    return this.chain;
  }
}

type Result = RunSummary['results'][number];

function resultOf(ev: ScenarioEvidence): Result {
  const status = ev.status === 'passed' ? 'passed' : ev.status === 'skipped' ? 'skipped' : 'failed';
  const error = ev.error ? `${ev.error.message}${ev.error.hint ? ` (fix: ${ev.error.hint})` : ''}` : undefined;
  const merchantReference = ev.ledger.values.merchant_reference;
  return { scenarioId: ev.scenarioId, status, merchantReference, screenshots: ev.screenshots.length, error };
}

/** The Arabic of a failure as `resultOf` writes the English: the reason, then its fix in brackets. */
function withArabicFix(ar: { message: string; hint?: string }): string {
  return ar.hint ? `${ar.message} (الحل: ${ar.hint})` : ar.message;
}

/** --resume: the scenarios already passed in an earlier run are skipped, with that run named. */
async function passedEarlier(workspaceDir: string, scenarios: Scenario[]): Promise<Result[]> {
  const done = await collectEvidence(workspaceDir);
  return scenarios.flatMap((s) => {
    const ev = done.byScenario.get(s.id);
    if (ev?.status !== 'passed') return [];
    return [{ ...resultOf(ev), status: 'skipped' as const, error: `complete in run ${ev.runId}` }];
  });
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
  return withWorkspaceLock(options.workspaceDir, 'run', () => runTrusting(options));
}

async function runTrusting(options: RunOptions): Promise<RunSummary> {
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
  const planned = pickScenarios(ws, options.only);
  const emit = (e: RunEvent) => {
    try {
      options.onEvent?.(e);
    } catch {
      /* a broken listener must not stop the run, and has nowhere else to be told */
    }
  };
  const runId = options.runId ?? newRunId();
  const report = runWarnings(emit, runId);
  const skipped = options.resume ? await passedEarlier(workspaceDir, planned) : [];
  const scenarios = planned.filter((s) => !skipped.some((r) => r.scenarioId === s.id));
  const results = new Map<string, Result>(skipped.map((r) => [r.scenarioId, r]));
  const { headful, executablePath, engine } = options.connect
    ? { headful: false, executablePath: describeEndpoint(options.connect), engine: options.browserEngine ?? 'chromium' }
    : chooseBrowser(ws.browser, options);
  if (options.connect) parseEndpoint(options.connect);
  await checkFlows(workspaceDir, ws, scenarios);
  const ctx = await runContext(ws, workspaceDir, { ...options, runId, emit });

  const firefox = engine === 'firefox';
  const host = new BrowserHost({
    executablePath,
    engine,
    headful,
    // Chromium switches (the trust allow-list among them) mean nothing to Firefox.
    args: firefox ? [] : options.browserArgs,
    acceptInsecureCerts: firefox && !!options.trust?.length,
    connect: options.connect,
    onLaunch: options.onBrowser,
    report,
  });
  if (options.connect && scenarios.length) {
    // A remote endpoint that cannot be reached is bad input (exit 2), said once, not a failure of every scenario.
    await host.get().catch(async (err) => {
      await host.close();
      throw err;
    });
  }
  const runIndex = new RunIndexFile(workspaceDir, runId, scenarios, report);
  await runIndex.save();
  const listed = [...skipped.map((r) => r.scenarioId), ...scenarios.map((s) => s.id)];
  emit({ type: 'run-started', runId, scenarios: listed, browser: executablePath });
  if (firefox && options.trust?.length) {
    report(
      'trusting the sandbox certificate',
      new Error(
        'Firefox cannot trust one certificate by its key as Chromium does, so this Firefox run accepts every certificate error; run in Chromium to have other certificates checked',
      ),
    );
  }
  for (const r of skipped) {
    emit({
      type: 'scenario-finished',
      runId,
      scenarioId: r.scenarioId,
      status: 'skipped',
      merchantReference: r.merchantReference,
    });
  }

  // Start the browser while the flows load; a launch failure shows again, with its reason, to the first scenario.
  if (scenarios.length) void host.get().catch(() => undefined);

  // A scenario that builds on another uses the same customer and can name the other's ledger values as
  // {{dep.merchant_reference}}, {{dep.agreement_id}}, ... (from this run, else the newest earlier one).
  const ledgers = new Map<string, ScenarioEvidence>();
  if (scenarios.some((s) => s.dependsOn)) {
    const earlier = await bestEffort('reading earlier runs', collectEvidence(workspaceDir), report);
    for (const [id, ev] of earlier?.byScenario ?? []) ledgers.set(id, ev);
  }

  const runOne = async (s: Scenario): Promise<ScenarioEvidence> => {
    let job;
    try {
      job = await scenarioJob(ctx, s, { dependency: s.dependsOn ? ledgers.get(s.dependsOn) : undefined });
    } catch (err) {
      return recordUnrun(s, err instanceof MissingFlowError ? 'skipped' : 'failed', err);
    }
    let browser;
    try {
      browser = await host.get();
    } catch (err) {
      return recordUnrun(s, 'failed', err);
    }
    return runScenario(browser, job);
  };
  const recordUnrun = async (s: Scenario, status: 'failed' | 'skipped', reason: unknown) => {
    const ev = unrunEvidence(runId, s, customerOf(ws, s), status, reason);
    await bestEffort(`writing the evidence of ${s.id}`, writeScenarioEvidence(workspaceDir, ev), report);
    return ev;
  };
  const finish = async (ev: ScenarioEvidence) => {
    ledgers.set(ev.scenarioId, ev);
    const result = resultOf(ev);
    results.set(ev.scenarioId, result);
    runIndex.set(ev.scenarioId, ev.status);
    await runIndex.save();
    const { scenarioId, status, error, merchantReference } = result;
    const errorAr = ev.error?.ar ? withArabicFix(ev.error.ar) : undefined;
    emit({
      type: 'scenario-finished',
      runId,
      scenarioId,
      status,
      error,
      merchantReference,
      ...(errorAr ? { errorAr } : {}),
    });
  };

  try {
    await schedule(scenarios, {
      concurrency: clampConcurrency(options.concurrency ?? ws.browser.concurrency),
      order: catalogIndex,
      signal: options.signal,
      run: async (s) => {
        runIndex.set(s.id, 'running');
        await finish(await runOne(s));
      },
      // Not written to disk: an earlier run's evidence of the scenario stays the one that speaks for it.
      skip: async (s) => {
        const stopped = new CertkitError('the run was stopped before this scenario', {
          hint: 'run again with --resume',
        });
        await finish(unrunEvidence(runId, s, customerOf(ws, s), 'skipped', stopped));
      },
    });
  } finally {
    await host.close();
  }
  runIndex.index.finishedAt = new Date().toISOString();
  await runIndex.save();
  const ordered = [...results.values()].sort(
    (a, b) => CATALOG.scenarios.order(a.scenarioId) - CATALOG.scenarios.order(b.scenarioId),
  );
  const count = (st: string) => ordered.filter((r) => r.status === st).length;
  emit({ type: 'run-finished', runId, passed: count('passed'), failed: count('failed'), skipped: count('skipped') });
  return { runId, stopped: !!options.signal?.aborted, results: ordered };
}
