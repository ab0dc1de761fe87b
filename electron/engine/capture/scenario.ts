import path from 'node:path';
import type { Step, UserFlow } from '@puppeteer/replay';
import type { Browser, BrowserContext, CDPSession, Page } from 'puppeteer-core';
import type { Scenario } from '../../../shared/aps/scenarios';
import { CATALOG } from '../../../shared/aps/catalog-index';
import type { RunEvent } from '../../../shared/schema/events';
import {
  applePayProbeSchema,
  type ApplePayProbe,
  type ScenarioEvidence,
  type Screenshot,
} from '../../../shared/schema/evidence';
import type { CertkitStep } from '../../../shared/schema/flow';
import { emptyScenarioEvidence, scenarioDir, writeScenarioEvidence } from '../evidence/store';
import { writeFileAtomic } from '../util/atomic-write';
import { APPLE_PAY_BINDING, applePayProbeSource, type ApplePayReport } from './applepay-probe';
import { confirmWithCheckStatus, type CheckStatusTarget } from './check-status';
import { drawHeader, formatCaptureTime } from './header';
import { applyPageValues, ledgerFromExchanges, valuesFromText, type ExtractRule } from './ledger';
import { capturePage, type CaptureOptions, type PageImage } from './page-image';
import { linkSimulatorExchanges, type ExchangeLog } from './simulator-log';
import { explainStepError, stepLabel } from './step-label';
import { CertkitReplayExtension } from './replay-extension';
import { TrafficRecorder } from './traffic';

export interface EvidenceIO {
  /** Writes an image file; replaced in tests to simulate a full disk. */
  writeFile(file: string, data: Buffer): Promise<void>;
}

export const defaultIO: EvidenceIO = { writeFile: (file, data) => writeFileAtomic(file, data) };

export interface ScenarioJob {
  runId: string;
  workspaceDir: string;
  scenario: Scenario;
  /** The flow with placeholders filled, and the raw steps (for labels) and tags. */
  flow: UserFlow;
  rawSteps: Record<string, unknown>[];
  tags: CertkitStep[];
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
  secrets: string[];
  exchangeLog?: ExchangeLog;
  /** Log entries up to this seq are older than the run; scenarios are then told apart by their references. */
  exchangeLogSince?: number;
  checkStatus?: CheckStatusTarget;
  timeZone?: string;
  signal?: AbortSignal;
  emit: (event: RunEvent) => void;
  io?: EvidenceIO;
  /** Guided capture: no replay; every top-level page the user reaches is captured until `until` settles. */
  guided?: { startUrl?: string; until: Promise<unknown> };
}

class ScenarioFailure extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly step?: number,
  ) {
    super(message);
  }
}

/** Serialises background work (header drawing, file writes) so evidence order matches capture order. */
class Chain {
  private tail: Promise<void> = Promise.resolve();
  private firstError: unknown;
  add(task: () => Promise<void>): void {
    this.tail = this.tail.then(task).catch((err) => {
      this.firstError ??= err;
    });
  }
  async drain(): Promise<unknown> {
    await this.tail;
    return this.firstError;
  }
}

const PAGE_SLOT = (id: string) => {
  try {
    return CATALOG.slots.get(id).kind === 'page';
  } catch {
    return false;
  }
};

/**
 * Replays one scenario in its own browser context and records its evidence. Never throws for a scenario
 * problem: the result says failed, with the error and everything captured up to that point.
 */
export async function runScenario(browser: Browser, job: ScenarioJob): Promise<ScenarioEvidence> {
  const io = job.io ?? defaultIO;
  const dir = scenarioDir(job.workspaceDir, job.runId, job.scenario.id);
  const evidence: ScenarioEvidence = {
    ...emptyScenarioEvidence(job.runId, job.scenario.id, job.customer),
    clientAddress: job.clientAddress,
    flowFile: job.flowFile,
  };
  const timeZone = job.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
  const background = new Chain();
  let currentStep = -1;
  let writeFailure: unknown;
  const saveEvidence = async () => {
    try {
      await writeScenarioEvidence(job.workspaceDir, evidence);
    } catch (err) {
      writeFailure ??= err;
    }
  };
  await saveEvidence();
  job.emit({ type: 'scenario-started', runId: job.runId, scenarioId: job.scenario.id });

  const traffic = new TrafficRecorder({
    apsHosts: job.apsHosts,
    returnUrl: job.returnUrl,
    secrets: job.secrets,
    currentStep: () => currentStep,
  });
  evidence.exchanges = traffic.exchanges;
  const simulatorStart = job.exchangeLogSince ?? 0;

  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let session: CDPSession | undefined;
  let shotCount = 0;
  const pageValues: Record<string, string> = {};
  let documents = 0;
  let capturedDocument = -1;
  let applePay: ApplePayProbe | undefined;
  let popupFailure: ScenarioFailure | undefined;
  let abortStep: ((err: Error) => void) | undefined;
  const navigations = new Set<import('puppeteer-core').HTTPRequest>();
  let listeners: (() => void)[] = [];
  const notify = () => {
    const l = listeners;
    listeners = [];
    l.forEach((f) => f());
  };
  const nextChange = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      listeners.push(() => {
        clearTimeout(t);
        resolve();
      });
    });

  /**
   * Waits until the top-level page stops moving: no main-frame navigation in flight and the document loaded.
   * Merchant and APS pages often auto-submit a form on load; capturing that transient page would be noise.
   */
  const settle = async (target: Page, budgetMs: number) => {
    const end = Date.now() + budgetMs;
    while (Date.now() < end) {
      if (navigations.size) {
        await nextChange(end - Date.now());
        continue;
      }
      const doc = documents;
      const complete = await target
        .waitForFunction(() => document.readyState === 'complete', { timeout: Math.max(1, end - Date.now()) })
        .then(() => true)
        .catch(() => false);
      // A submit fired from the load handler shows up as a navigation request; give it the chance to appear.
      if (complete && !navigations.size && doc === documents) {
        await target
          .evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))))
          .catch(() => undefined);
        if (!navigations.size && doc === documents) return;
      }
      if (!complete && doc === documents && !navigations.size) return;
    }
  };

  const fail = (failure: ScenarioFailure) => {
    popupFailure ??= failure;
    abortStep?.(failure);
  };

  const readPageValues = async (target: Page, text: string) => {
    Object.assign(pageValues, valuesFromText(job.extract, text));
    const selectorRules = job.extract.filter((r) => r.selector);
    if (!selectorRules.length) return;
    const found = await target
      .evaluate((rules: ExtractRule[]) => {
        const out: Record<string, string> = {};
        for (const rule of rules) {
          const el = document.querySelector(rule.selector!);
          if (!el) continue;
          let value = ((el as HTMLInputElement).value ?? el.textContent ?? '').trim() || (el.textContent ?? '').trim();
          if (rule.pattern) {
            const m = new RegExp(rule.pattern, 'u').exec(value);
            if (!m) continue;
            value = (m[1] ?? m[0]).trim();
          }
          if (value) out[rule.field] = value;
        }
        return out;
      }, selectorRules)
      .catch(() => ({}) as Record<string, string>);
    Object.assign(pageValues, found);
  };

  /** Critical path: the browser shot. Header, files and scenario.json follow in the background. */
  const capture = async (
    target: Page,
    targetSession: CDPSession,
    info: { slot?: string; label: string; failure?: boolean; popup?: boolean },
  ) => {
    if (!info.popup) await settle(target, info.failure ? 3000 : job.stepTimeoutMs);
    const image: PageImage = await capturePage(target, targetSession, job.capture);
    const at = new Date();
    const index = ++shotCount;
    const ext = image.format === 'jpeg' ? 'jpg' : 'png';
    const slotPart = info.slot
      ? info.slot.replace(/\./g, '-')
      : info.failure
        ? 'failure'
        : info.popup
          ? 'popup'
          : 'page';
    const name = `${String(index).padStart(2, '0')}-${slotPart}.${ext}`;
    const stepNo = currentStep;
    await readPageValues(target, image.facts.text);
    background.add(async () => {
      await io.writeFile(path.join(dir, 'raw', name), image.data);
      const drawn = await drawHeader(
        image.data,
        image.width,
        image.height,
        {
          url: image.facts.url,
          capturedAt: at,
          timeZone,
          scenarioId: job.scenario.id,
          stepLabel: info.label,
          slot: info.slot,
          truncated: image.truncated,
        },
        image.format,
        job.capture.quality,
      );
      await io.writeFile(path.join(dir, name), drawn.data);
      const shot: Screenshot = {
        file: name,
        rawFile: `raw/${name}`,
        slot: info.slot,
        url: image.facts.url,
        title: image.facts.title,
        capturedAt: formatCaptureTime(at, timeZone).iso,
        timeZone,
        step: stepNo,
        stepLabel: info.label,
        width: drawn.width,
        height: drawn.height,
        bytes: drawn.data.length,
        lang: image.facts.lang,
        dir: image.facts.dir,
        text: image.facts.text,
        failure: !!info.failure,
      };
      evidence.screenshots.push(shot);
      await saveEvidence();
      job.emit({
        type: 'captured',
        runId: job.runId,
        scenarioId: job.scenario.id,
        file: name,
        slot: info.slot,
        url: image.facts.url,
      });
    });
  };

  const total = job.flow.steps.length;
  /**
   * Will a tagged step shoot this same document later? Then an untagged shot now is the same page twice (the
   * checkout page, once empty and once filled in). Steps the recording saw navigate end the document.
   */
  const laterStepCaptures = (i: number): boolean => {
    for (let j = i + 1; j < total; j++) {
      const step = job.flow.steps[j] as Step;
      const navigates = step.type === 'navigate' || !!step.assertedEvents?.some((e) => e.type === 'navigation');
      if (navigates) return false;
      if (job.tags[j]?.slot && job.tags[j]?.capture !== false) return true;
    }
    return false;
  };
  const labels = job.rawSteps.map((raw, i) => stepLabel(raw, job.tags[i]?.label));
  const stepText = (i: number) => `step ${i + 1}/${total}: ${labels[i]}`;

  try {
    context = await browser.createBrowserContext();
    page = await context.newPage();
    const mainPage = page;
    session = await page.createCDPSession();
    page.setDefaultTimeout(job.stepTimeoutMs);
    page.setDefaultNavigationTimeout(job.stepTimeoutMs);
    traffic.attach(page, false);
    page.on('framenavigated', (frame) => {
      if (frame === mainPage.mainFrame()) {
        documents++;
        notify();
      }
    });
    page.on('request', (request) => {
      if (request.isNavigationRequest() && request.frame() === mainPage.mainFrame()) {
        navigations.add(request);
        notify();
      }
    });
    const navDone = (request: import('puppeteer-core').HTTPRequest) => {
      if (navigations.delete(request)) notify();
    };
    page.on('requestfinished', navDone);
    page.on('requestfailed', navDone);
    await page.exposeFunction(APPLE_PAY_BINDING, (json: string) => {
      const report = JSON.parse(json) as ApplePayReport;
      if (report.kind !== 'session') return;
      const parsed = applePayProbeSchema.safeParse({
        version: Number(report.data.version),
        request: report.data.request ?? {},
        url: report.url,
        at: new Date().toISOString(),
      });
      if (parsed.success) applePay = parsed.data;
    });
    await page.evaluateOnNewDocument(applePayProbeSource());
    context.on('targetcreated', (target) => {
      if (target.type() !== 'page') return;
      void (async () => {
        const popup = await target.page();
        if (!popup || popup === mainPage) return;
        traffic.attach(popup, true);
        await popup.waitForFunction(() => document.readyState === 'complete', { timeout: 5000 }).catch(() => undefined);
        const url = popup.url();
        const popupSession = await popup.createCDPSession().catch(() => undefined);
        if (popupSession)
          await capture(popup, popupSession, {
            label: `popup opened during ${stepText(Math.max(currentStep, 0))}`,
            popup: true,
          }).catch(() => undefined);
        fail(
          new ScenarioFailure(
            `the page opened a popup window (${url}); APS requires payment and 3-D Secure pages in the main window`,
            'make the merchant page open the APS page (and 3DS) in the same window, not with window.open or target=_blank',
            currentStep,
          ),
        );
      })();
    });

    if (job.guided) {
      await runGuided(browser, page, job.guided, async (n) => {
        await capture(mainPage, session!, { label: `guided capture, page ${n}` });
      });
      if (popupFailure) throw popupFailure;
      // Every page load was captured as it happened; the page may be gone already (window closed).
      capturedDocument = documents;
    }
    const extension = new CertkitReplayExtension(browser, page, job.stepTimeoutMs);
    const deadline = Date.now() + job.scenarioTimeoutMs;
    for (let i = 0; i < total; i++) {
      if (job.signal?.aborted)
        throw new ScenarioFailure(
          'the run was stopped',
          'run again with --resume to finish the remaining scenarios',
          i,
        );
      if (popupFailure) throw popupFailure;
      const step = job.flow.steps[i] as Step;
      currentStep = i;
      job.emit({ type: 'step', runId: job.runId, scenarioId: job.scenario.id, step: i + 1, total, label: labels[i] });
      const remaining = deadline - Date.now();
      if (remaining <= 0)
        throw new ScenarioFailure(
          `the scenario took longer than ${Math.round(job.scenarioTimeoutMs / 1000)} s`,
          'raise capture.scenarioTimeoutMs, or see which page is slow',
          i,
        );
      let timer: NodeJS.Timeout | undefined;
      let onAbort: (() => void) | undefined;
      try {
        await Promise.race([
          runStepRetryingNavigation(() => extension.runStep(step, job.flow)),
          new Promise<never>((_, reject) => {
            abortStep = reject;
            timer = setTimeout(
              () =>
                reject(
                  new ScenarioFailure(
                    `the scenario took longer than ${Math.round(job.scenarioTimeoutMs / 1000)} s`,
                    'raise capture.scenarioTimeoutMs, or see which page is slow',
                    i,
                  ),
                ),
              remaining,
            );
            onAbort = () => reject(new ScenarioFailure('the run was stopped', 'run again with --resume', i));
            job.signal?.addEventListener('abort', onAbort, { once: true });
          }),
        ]);
      } catch (err) {
        if (err instanceof ScenarioFailure) throw err;
        const explained = browser.connected
          ? explainStepError(err, job.rawSteps[i], job.stepTimeoutMs)
          : {
              message: 'the browser closed during the scenario',
              hint: 'run the scenario again (certkit run --resume reruns only what is not complete)',
            };
        throw new ScenarioFailure(`${stepText(i)} failed: ${explained.message}`, explained.hint, i);
      } finally {
        clearTimeout(timer);
        if (onAbort) job.signal?.removeEventListener('abort', onAbort);
        abortStep = undefined;
      }
      if (popupFailure) throw popupFailure;
      const tag = job.tags[i] ?? {};
      const navigated = documents !== capturedDocument;
      if (tag.capture === false || step.type === 'setViewport') continue;
      if (tag.slot || (navigated && !laterStepCaptures(i))) {
        await capture(page, session, { slot: tag.slot, label: stepText(i) });
        capturedDocument = documents;
      }
    }
    if (popupFailure) throw popupFailure;
    if (documents !== capturedDocument && documents > 0) {
      await capture(page, session, { label: `after ${stepText(total - 1)}` });
      capturedDocument = documents;
    }
  } catch (err) {
    const failure =
      err instanceof ScenarioFailure
        ? err
        : new ScenarioFailure(
            explainStepError(err, job.rawSteps[currentStep], job.stepTimeoutMs).message,
            undefined,
            currentStep,
          );
    evidence.status = 'failed';
    evidence.error = {
      message: failure.message,
      step: failure.step !== undefined && failure.step >= 0 ? failure.step : undefined,
      hint: failure.hint,
    };
    // The page as it was when the step failed is the most useful evidence of why.
    if (page && session && !page.isClosed() && browser.connected) {
      await capture(page, session, {
        label: `${currentStep >= 0 ? stepText(currentStep) : 'start'} (failed)`,
        failure: true,
      }).catch(() => undefined);
    }
  }

  const backgroundError = await background.drain();
  await traffic.settle();
  if (context) await context.close().catch(() => undefined);

  if (job.exchangeLog) {
    const refs = new Set<string>();
    const forts = new Set<string>();
    for (const ex of evidence.exchanges) {
      for (const fields of [ex.requestFields, ex.responseFields ?? {}]) {
        if (typeof fields.merchant_reference === 'string') refs.add(fields.merchant_reference);
        if (typeof fields.fort_id === 'string') forts.add(fields.fort_id);
      }
    }
    if (pageValues.merchant_reference) refs.add(pageValues.merchant_reference);
    if (pageValues.fort_id) forts.add(pageValues.fort_id);
    const log = await job.exchangeLog.since(simulatorStart).catch(() => []);
    evidence.exchanges = [
      ...evidence.exchanges,
      ...linkSimulatorExchanges(log, { merchant_reference: [...refs], fort_id: [...forts] }, job.secrets),
    ];
  }
  evidence.ledger = applyPageValues(ledgerFromExchanges(evidence.exchanges, evidence.ledger), pageValues);
  if (applePay) evidence.applePay = applePay;

  if (evidence.status !== 'failed') {
    const problems: string[] = [];
    const filled = new Set(evidence.screenshots.map((s) => s.slot).filter(Boolean));
    // A guided capture has no tagged steps; the user assigns its pages to slots afterwards.
    const missing = job.guided ? [] : job.requiredSlots.filter((s) => PAGE_SLOT(s) && !filled.has(s));
    if (job.guided && !evidence.screenshots.length)
      problems.push('no page was captured (the window closed before any page loaded)');
    if (missing.length) problems.push(`no screenshot for slot${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
    if (job.scenario.records.includes('merchant_reference') && !evidence.ledger.values.merchant_reference) {
      problems.push('no merchant_reference in the traffic or on the page');
    }
    if (backgroundError || writeFailure) {
      const e = (backgroundError ?? writeFailure) as NodeJS.ErrnoException;
      problems.unshift(`evidence could not be written: ${e.code === 'ENOSPC' ? 'the disk is full' : e.message}`);
    }
    if (problems.length) {
      evidence.status = 'failed';
      evidence.error = {
        message: problems.join('; '),
        hint:
          backgroundError || writeFailure
            ? 'free disk space in the workspace folder, then run again with --resume'
            : missing.length
              ? 'tag the step that shows each page with {"certkit": {"slot": "..."}} in the flow file'
              : 'add an extract rule for merchant_reference to the flow in certkit.json, or enter it by hand',
      };
    } else {
      evidence.status = 'passed';
    }
  } else if (backgroundError) {
    const e = backgroundError as NodeJS.ErrnoException;
    evidence.error = {
      ...evidence.error!,
      message: `${evidence.error!.message}; also, evidence could not be written: ${e.code === 'ENOSPC' ? 'the disk is full' : e.message}`,
    };
  }

  if (job.checkStatus && evidence.ledger.values.merchant_reference && evidence.status === 'passed') {
    evidence.ledger.checkStatus = await confirmWithCheckStatus(evidence.ledger, job.checkStatus);
  }
  evidence.finishedAt = new Date().toISOString();
  writeFailure = undefined;
  await saveEvidence();
  if (writeFailure && evidence.status === 'passed') {
    evidence.status = 'failed';
    evidence.error = {
      message: `evidence could not be written: ${(writeFailure as Error).message}`,
      hint: 'free disk space, then run again with --resume',
    };
  }
  return evidence;
}

/** Captures each top-level page load until the user is done (Enter, window closed, or browser gone). */
async function runGuided(
  browser: Browser,
  page: Page,
  guided: NonNullable<ScenarioJob['guided']>,
  onPage: (n: number) => Promise<void>,
): Promise<void> {
  let queue: Promise<void> = Promise.resolve();
  let count = 0;
  page.on('load', () => {
    const n = ++count;
    queue = queue.then(() => onPage(n)).catch(() => undefined);
  });
  if (guided.startUrl) await page.goto(guided.startUrl).catch(() => undefined);
  await Promise.race([
    guided.until,
    new Promise((r) => page.once('close', r)),
    new Promise((r) => browser.once('disconnected', r)),
  ]);
  await queue;
}

/**
 * A page that auto-submits a form (APS and merchants do this between pages) can replace the document while a
 * step is still looking for its element; looking again in the new document is what a person would do.
 */
async function runStepRetryingNavigation(run: () => Promise<void>, tries = 3): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      return await run();
    } catch (err) {
      if (
        i >= tries ||
        !/Execution context was destroyed|Cannot find context with specified id/i.test((err as Error).message)
      )
        throw err;
    }
  }
}
