import type { Browser, BrowserContext, Page } from 'puppeteer-core';
import type { Scenario } from '../../../shared/aps/scenarios';
import type { RunEvent } from '../../../shared/schema/events';
import type { ApplePayProbe, Exchange, ScenarioEvidence } from '../../../shared/schema/evidence';
import type { ExtractRule } from '../../../shared/schema/workspace';
import { speaksCdp } from '../browser/engine';
import { emptyScenarioEvidence, writeScenarioEvidence } from '../evidence/store';
import { bestEffort, reasonOf, type Report } from '../util/best-effort';
import { AnswerWatch } from './answer-watch';
import { watchApplePay } from './applepay-probe';
import { Capturer, type EvidenceIO, type ShotInfo } from './capturer';
import { confirmWithCheckStatus, type CheckStatusTarget } from './check-status';
import { finaliseEvidence, linkKeys, unsavedEvidence } from './finalise-evidence';
import { captureGuidedPages, type GuidedSession } from './guided-pages';
import type { CaptureOptions } from './page-image';
import { LeakScanner, type LeakNeedle } from './leak-scan';
import { openShooter, type PageShooter } from './page-shooter';
import { PageValues } from './page-values';
import { PageWatcher, watchPopups } from './page-watcher';
import { CertkitReplayExtension } from './replay-extension';
import { both, LRM } from '../../../shared/text';
import { ScenarioFailure, Tripwire } from './scenario-failure';
import { linkSimulatorExchanges, type ExchangeLog } from './simulator-log';
import { explainStepError, type ExplainedError } from './step-label';
import { replaySteps, stepNames, type ReplayPlan, type StepNames } from './step-runner';
import { TrafficRecorder } from './traffic';

export { defaultIO, type EvidenceIO } from './capturer';

export interface ScenarioJob extends ReplayPlan {
  runId: string;
  workspaceDir: string;
  scenario: Scenario;
  flowFile?: string;
  customer: ScenarioEvidence['customer'];
  clientAddress?: string;
  /** Page slots this scenario must fill in this workspace. */
  requiredSlots: string[];
  extract: ExtractRule[];
  capture: CaptureOptions;
  stepTimeoutMs: number;
  scenarioTimeoutMs: number;
  apsHosts: string[];
  returnUrl?: string;
  /** host:port of the store's own URLs (shop, return_url, feedback URLs): feedback sent elsewhere is not its. */
  storeHosts?: string[];
  secrets: string[];
  /** What the secret-leak scan looks for in every script and page; none, no scan. */
  leakNeedles?: LeakNeedle[];
  exchangeLog?: ExchangeLog;
  /** Log entries up to this seq are older than the run; scenarios are then told apart by their references. */
  exchangeLogSince?: number;
  /** Server-to-server exchanges another recorder saw for this scenario (the relay's), given its page values. */
  serverExchanges?: (evidence: ScenarioEvidence, pageValues: Record<string, string>) => Promise<Exchange[]>;
  checkStatus?: CheckStatusTarget;
  timeZone?: string;
  signal?: AbortSignal;
  emit: (event: RunEvent) => void;
  io?: EvidenceIO;
  /** Guided capture: no replay; every top-level page the user reaches is captured until `until` settles. */
  guided?: GuidedSession;
}

/** The job's warnings go to the run's event log, so what failed on the side is seen, not dropped. */
export function warningsOf(job: Pick<ScenarioJob, 'emit' | 'runId' | 'scenario'>): Report {
  return (what, err) =>
    job.emit({ type: 'warning', runId: job.runId, scenarioId: job.scenario.id, message: `${what}: ${reasonOf(err)}` });
}

/** The browser side of one scenario: its own context, the page, and what watches them. */
interface ScenarioPage {
  context: BrowserContext;
  page: Page;
  shooter: PageShooter;
  watcher: PageWatcher;
  applePay: () => ApplePayProbe | undefined;
}

async function openScenarioPage(
  browser: Browser,
  job: ScenarioJob,
  traffic: TrafficRecorder,
  leaks: LeakScanner,
  opened: (context: BrowserContext) => void,
): Promise<ScenarioPage> {
  const context = await browser.createBrowserContext();
  opened(context);
  const page = await context.newPage();
  const shooter = await openShooter(page);
  page.setDefaultTimeout(job.stepTimeoutMs);
  page.setDefaultNavigationTimeout(job.stepTimeoutMs);
  traffic.attach(page, false);
  await leaks.attach(page);
  const watcher = new PageWatcher(page);
  const applePay = await watchApplePay(page);
  return { context, page, shooter, watcher, applePay };
}

/** APS's pages must stay in the main window; a popup is captured, its traffic marked, and the scenario failed. */
function failOnPopups(
  sp: ScenarioPage,
  traffic: TrafficRecorder,
  leaks: LeakScanner,
  shoot: (target: Page, shooter: PageShooter, info: ShotInfo) => Promise<void>,
  at: { step: () => number; text: () => string },
  tripwire: Tripwire,
  report: Report,
): void {
  watchPopups(sp.context, sp.page, async (popup) => {
    traffic.attach(popup, true);
    await bestEffort('scanning the popup for secrets', leaks.attach(popup), report);
    // A popup that never finishes loading is captured as it is.
    await popup
      .waitForFunction(() => document.readyState === 'complete', { timeout: 5000 })
      .then(
        () => undefined,
        () => undefined,
      );
    const url = popup.url();
    await bestEffort(
      'capturing the popup window',
      async () => shoot(popup, await openShooter(popup), { label: `popup opened during ${at.text()}`, popup: true }),
      report,
    );
    tripwire.trip(
      new ScenarioFailure(
        both(
          `the page opened a popup window (${url}); APS requires payment and 3-D Secure pages in the main window`,
          `فتحت الصفحة نافذة منبثقة (${LRM}${url}${LRM})؛ تشترط APS أن تكون صفحات الدفع و3-D Secure في النافذة الرئيسية`,
        ),
        both(
          'make the merchant page open the APS page (and 3DS) in the same window, not with window.open or target=_blank',
          'اجعل صفحة التاجر تفتح صفحة APS (و3DS) في النافذة نفسها، لا عبر window.open أو target=_blank',
        ),
        at.step(),
      ),
    );
  });
}

/** A failure raised outside the runner, as the step's explanation says it (its Arabic when Certkit wrote one). */
function unexplained(e: ExplainedError): ScenarioFailure {
  return new ScenarioFailure(e.ar ? both(e.message, e.ar.message) : e.message);
}

/** The simulator's server-to-server exchanges that share a reference with what this scenario saw. */
async function simulatorExchanges(
  job: ScenarioJob,
  evidence: ScenarioEvidence,
  pageValues: Record<string, string>,
  report: Report,
): Promise<Exchange[]> {
  if (!job.exchangeLog) return [];
  const keys = linkKeys(evidence.exchanges, pageValues);
  const log = await bestEffort(
    "reading the simulator's exchange log",
    job.exchangeLog.since(job.exchangeLogSince ?? 0, keys),
    report,
    [],
  );
  return linkSimulatorExchanges(log, keys, job.secrets, job.storeHosts);
}

/** The last step of a passed scenario: ask APS (CHECK_STATUS) whether it agrees with the ledger. */
async function confirmWithAps(evidence: ScenarioEvidence, job: ScenarioJob): Promise<ScenarioEvidence> {
  if (!job.checkStatus || evidence.status !== 'passed' || !evidence.ledger.values.merchant_reference) return evidence;
  const checkStatus = await confirmWithCheckStatus(evidence.ledger, job.checkStatus);
  return { ...evidence, ledger: { ...evidence.ledger, checkStatus } };
}

/** Replays the flow, or captures what the user does in guided mode; throws a ScenarioFailure. */
async function drive(
  browser: Browser,
  job: ScenarioJob,
  sp: ScenarioPage,
  names: StepNames,
  tripwire: Tripwire,
  hooks: { shoot: (target: Page, shooter: PageShooter, info: ShotInfo) => Promise<void>; onStep(i: number): void },
  report: Report,
): Promise<void> {
  const shootMain = (info: ShotInfo) => hooks.shoot(sp.page, sp.shooter, info);
  if (job.guided) {
    await captureGuidedPages(
      browser,
      sp.page,
      job.guided,
      (n) => shootMain({ label: `guided capture, page ${n}` }),
      report,
    );
    tripwire.check();
    return;
  }
  const extension = new CertkitReplayExtension(browser, sp.page, job.stepTimeoutMs);
  await replaySteps({
    plan: job,
    names,
    runStep: (step) => extension.runStep(step, job.flow),
    stepTimeoutMs: job.stepTimeoutMs,
    scenarioTimeoutMs: job.scenarioTimeoutMs,
    signal: job.signal,
    tripwire,
    browserConnected: () => browser.connected,
    onStep: hooks.onStep,
    documents: () => sp.watcher.documents,
    capture: (slot, label) => shootMain({ slot, label }),
  });
}

/**
 * Replays one scenario in its own browser context and records its evidence. Never throws for a scenario
 * problem: the result says failed, with the error and everything captured up to that point.
 */
export async function runScenario(browser: Browser, job: ScenarioJob): Promise<ScenarioEvidence> {
  const report = warningsOf(job);
  const evidence: ScenarioEvidence = {
    ...emptyScenarioEvidence(job.runId, job.scenario.id, job.customer),
    clientAddress: job.clientAddress,
    flowFile: job.flowFile,
    browser: {
      engine: speaksCdp(browser) ? 'chromium' : 'firefox',
      // Which browsers ran which scenarios is evidence (other-browsers); a browser that will not say is still named.
      version: await browser.version().catch(() => 'unknown version'),
    },
  };
  let currentStep = -1;
  const capturer = new Capturer({
    workspaceDir: job.workspaceDir,
    evidence,
    capture: job.capture,
    timeZone: job.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC',
    io: job.io,
    step: () => currentStep,
    emit: job.emit,
  });
  await capturer.save();
  job.emit({ type: 'scenario-started', runId: job.runId, scenarioId: job.scenario.id });

  const tripwire = new Tripwire();
  // A replay stops as soon as APS's answer rules the scenario out; a person capturing by hand sees it themselves.
  const watch = job.guided
    ? undefined
    : new AnswerWatch({
        expected: job.scenario.expects,
        tripwire,
        step: () => currentStep,
        isReturn: (url) => traffic.isReturn(url),
        isApsUrl: (url) => traffic.isApsUrl(url),
      });
  const traffic: TrafficRecorder = new TrafficRecorder({
    apsHosts: job.apsHosts,
    returnUrl: job.returnUrl,
    secrets: job.secrets,
    currentStep: () => currentStep,
    onUpdate: (x, phase) => watch?.onExchange(x, phase),
  });
  evidence.exchanges = traffic.exchanges;
  const leaks = new LeakScanner(job.leakNeedles ?? [], report);
  const values = new PageValues(job.extract, report);
  const names = stepNames(job);
  const during = () => (currentStep >= 0 ? names.text(currentStep) : 'start');
  let sp: ScenarioPage | undefined;
  let context: BrowserContext | undefined;
  const shoot = async (target: Page, shooter: PageShooter, info: ShotInfo) => {
    if (!info.popup) await sp!.watcher.settle(info.failure ? 3000 : job.stepTimeoutMs);
    const image = await capturer.shoot(
      target,
      shooter,
      info.popup ? info : { ...info, httpStatus: sp!.watcher.status },
    );
    await values.read(target, image.facts.text);
  };
  const onStep = (i: number) => {
    currentStep = i;
    const total = job.flow.steps.length;
    job.emit({
      type: 'step',
      runId: job.runId,
      scenarioId: job.scenario.id,
      step: i + 1,
      total,
      label: names.label(i),
    });
  };

  try {
    sp = await openScenarioPage(browser, job, traffic, leaks, (c) => (context = c));
    const at = { step: () => currentStep, text: () => names.text(Math.max(currentStep, 0)) };
    failOnPopups(sp, traffic, leaks, shoot, at, tripwire, report);
    watch?.attach(sp.page);
    await drive(browser, job, sp, names, tripwire, { shoot, onStep }, report);
    // An answer that arrived while the last page was being captured still counts.
    tripwire.check();
  } catch (err) {
    const failure =
      err instanceof ScenarioFailure
        ? err
        : unexplained(explainStepError(err, job.rawSteps[currentStep], job.stepTimeoutMs, job.flow.steps[currentStep]));
    evidence.status = 'failed';
    const step = failure.step ?? currentStep;
    evidence.error = {
      message: failure.message,
      step: step >= 0 ? step : undefined,
      hint: failure.hint,
      ...(failure.ar ? { ar: failure.ar } : {}),
    };
    // The page as it was when the step failed is the most useful evidence of why.
    if (sp && !sp.page.isClosed() && browser.connected) {
      const info = { label: `${during()} (failed)`, failure: true };
      await bestEffort('capturing the page the scenario failed on', shoot(sp.page, sp.shooter, info), report);
    }
  }

  const written = await capturer.drain();
  await traffic.settle();
  evidence.leakScan = await leaks.finish();
  // A browser that is gone took its contexts with it.
  if (context && browser.connected) await bestEffort("closing the scenario's browser context", context.close(), report);

  let result = finaliseEvidence(evidence, {
    pageValues: values.values,
    simulatorExchanges: [
      ...(await simulatorExchanges(job, evidence, values.values, report)),
      ...(job.serverExchanges
        ? await bestEffort("reading the relay's traffic", job.serverExchanges(evidence, values.values), report, [])
        : []),
    ],
    applePay: sp?.applePay(),
    requiredSlots: job.requiredSlots,
    needsMerchantReference: job.scenario.records.includes('merchant_reference'),
    expects: job.scenario.expects,
    guided: !!job.guided,
    fileError: written.files,
    saveError: written.save,
  });
  result = await confirmWithAps(result, job);
  result.finishedAt = new Date().toISOString();
  let saveError: unknown;
  await writeScenarioEvidence(job.workspaceDir, result).catch((err) => (saveError = err));
  return unsavedEvidence(result, saveError);
}
