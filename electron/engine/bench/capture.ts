import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRunner, PuppeteerRunnerExtension, type Step, type UserFlow } from '@puppeteer/replay';
import { SCENARIOS } from '../../../shared/aps/scenarios';
import type { BenchRow, BenchSection } from './types';
import { launchBrowser } from '../browser/launch';
import { openShooter } from '../capture/page-shooter';
import { resolveBrowser } from '../browser/resolve';
import { startSandbox } from '../sandbox/index';
import { createDemoWorkspace } from '../demo/workspace';
import { runWorkspace } from '../run/index';
import { customerOf, loadWorkspaceFlow } from '../run/job';
import { flowVariables } from '../run/variables';
import { loadWorkspace } from '../workspace/workspace';
import { applePayProbeSource } from '../capture/applepay-probe';
import { drawHeader } from '../capture/header';
import { capturePage } from '../capture/page-image';
import { substituteFlow } from '../capture/flow-file';
import { writeFileAtomic } from '../util/atomic-write';
import { errorMessage } from '../errors';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * @puppeteer/replay's own steps, retried when an auto-submitted page replaces the document mid-step (as Certkit
 * does); without it the plain replay dies half way through many demo flows and would look faster than it is.
 */
class RetryingReplayExtension extends PuppeteerRunnerExtension {
  override async runStep(step: Step, flow?: UserFlow): Promise<void> {
    for (let i = 1; ; i++) {
      try {
        return await super.runStep(step, flow);
      } catch (err) {
        if (i >= 3 || !/Execution context was destroyed/i.test(errorMessage(err))) throw err;
      }
    }
  }
}

/**
 * The plain way: @puppeteer/replay's own runner, a fresh browser per flow, one flow after another, no capture.
 * `tuning` false launches Chromium with the switches it needs to run here and nothing more (the baseline);
 * true gives it Certkit's switches, to show what they alone are worth.
 */
async function plainReplay(
  dir: string,
  executablePath: string,
  tuning: boolean,
  log: (l: string) => void,
): Promise<number> {
  const ws = await loadWorkspace(dir);
  const refs = new Map<string, string>();
  let failed = 0;
  const start = performance.now();
  for (const s of SCENARIOS) {
    const flow = await loadWorkspaceFlow(dir, { owner: s.id, file: ws.flows[s.id].file });
    const customer = customerOf(ws, s);
    const dep: Record<string, string> = s.dependsOn ? { 'dep.merchant_reference': refs.get(s.dependsOn) ?? '' } : {};
    const browser = await launchBrowser({ executablePath, tuning });
    try {
      const page = await browser.newPage();
      // Without the stand-in the Apple Pay flow cannot finish in Chromium at all; both sides get it.
      await page.evaluateOnNewDocument(applePayProbeSource());
      const runner = await createRunner(
        substituteFlow(flow, flowVariables(s, ws, customer, dep)),
        new RetryingReplayExtension(browser, page, { timeout: 30_000 }),
      );
      await runner.run();
      const ref = /\/receipt\/([^/?#]+)/.exec(page.url())?.[1];
      if (ref) refs.set(s.id, ref);
    } catch (err) {
      failed++;
      log(`plain replay of ${s.id} failed: ${errorMessage(err).split('\n')[0]}`);
    } finally {
      await browser.close();
    }
  }
  const ms = performance.now() - start;
  log(
    `plain replay${tuning ? " with Certkit's switches" : ''}: ${SCENARIOS.length - failed}/${SCENARIOS.length} flows completed`,
  );
  return ms;
}

interface CaptureCost {
  /** puppeteer's fullPage JPEG in the plain browser (the user's Chromium, the required switches only). */
  plain: number;
  /** The same call in Certkit's browser, to show how much of the gain is the browser. */
  plainSameBrowser: number;
  critical: number;
  total: number;
  floor: number;
}

async function captureCost(
  plainExe: string,
  certkitExe: string,
  url: string,
  dir: string,
  rounds: number,
): Promise<CaptureCost> {
  const plainBrowser = await launchBrowser({ executablePath: plainExe, tuning: false });
  const browser = await launchBrowser({ executablePath: certkitExe });
  try {
    const plainPage = await plainBrowser.newPage();
    await plainPage.goto(url);
    const page = await browser.newPage();
    await page.goto(url);
    const session = await page.createCDPSession();
    const shooter = await openShooter(page);
    const times: Record<keyof CaptureCost, number[]> = {
      plain: [],
      plainSameBrowser: [],
      critical: [],
      total: [],
      floor: [],
    };
    const options = { format: 'jpeg' as const, quality: 82, maxHeight: 12000 };
    for (let i = 0; i < rounds; i++) {
      let t = performance.now();
      await plainPage.screenshot({ fullPage: true, type: 'jpeg', quality: 82 });
      times.plain.push(performance.now() - t);
      t = performance.now();
      await page.screenshot({ fullPage: true, type: 'jpeg', quality: 82 });
      times.plainSameBrowser.push(performance.now() - t);
      t = performance.now();
      const image = await capturePage(page, shooter, options);
      times.critical.push(performance.now() - t);
      const drawn = await drawHeader(
        image.data,
        image.width,
        image.height,
        { url: image.facts.url, capturedAt: new Date(), timeZone: 'UTC', scenarioId: 'bench', stepLabel: 'bench' },
        'jpeg',
        82,
      );
      await writeFileAtomic(path.join(dir, 'raw', `${i}.jpg`), image.data);
      await writeFileAtomic(path.join(dir, `${i}.jpg`), drawn.data);
      times.total.push(performance.now() - t);
      // What any capture costs however small: Chromium draws a fresh frame for it.
      t = performance.now();
      await session.send('Page.captureScreenshot', {
        format: 'jpeg',
        quality: 82,
        clip: { x: 0, y: 0, width: 100, height: 100, scale: 1 },
        captureBeyondViewport: false,
      });
      times.floor.push(performance.now() - t);
    }
    return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])) as unknown as CaptureCost;
  } finally {
    await Promise.all([plainBrowser.close(), browser.close()]);
  }
}

export const captureBench: BenchSection = {
  name: 'capture',
  async run(log) {
    // The plain side gets the browser a user has (a full Chrome or Chromium); Certkit picks its own for a
    // headless run (the headless shell when installed), which is part of what is measured.
    const plainExe = resolveBrowser({ env: process.env });
    const certkitExe = resolveBrowser({ env: process.env, headless: true });
    log(`plain browser ${plainExe}, Certkit's ${certkitExe}`);
    const sandbox = await startSandbox({ feedbackRetry: { tries: 1, intervalMs: 10 } });
    const base = await fs.mkdtemp(path.join(os.tmpdir(), 'certkit-bench-'));
    try {
      const plainDir = path.join(base, 'plain');
      const certkitDir = path.join(base, 'certkit');
      await createDemoWorkspace(plainDir, sandbox);
      await createDemoWorkspace(certkitDir, sandbox);
      log(`capture cost on ${sandbox.store}checkout ...`);
      const cost = await captureCost(
        plainExe,
        certkitExe,
        `${sandbox.store}checkout?method=knet`,
        path.join(base, 'shots'),
        15,
      );
      log('plain @puppeteer/replay, sequential, a browser per flow ...');
      const plainMs = await plainReplay(plainDir, plainExe, false, log);
      const tunedDir = path.join(base, 'plain-tuned');
      await createDemoWorkspace(tunedDir, sandbox);
      log("the same on Certkit's browser with its switches ...");
      const tunedMs = await plainReplay(tunedDir, certkitExe, true, log);
      log('certkit demo matrix (capture, headers, traffic, ledger) ...');
      const t = performance.now();
      const summary = await runWorkspace({ workspaceDir: certkitDir, browserPath: certkitExe });
      const certkitMs = performance.now() - t;
      const passed = summary.results.filter((r) => r.status === 'passed').length;
      const rows: BenchRow[] = [
        { section: 'capture', name: 'demo matrix, plain replay (sequential)', value: plainMs / 1000, unit: 's' },
        {
          section: 'capture',
          name: `demo matrix, certkit (${passed}/${summary.results.length} passed)`,
          value: certkitMs / 1000,
          unit: 's',
        },
        {
          section: 'capture',
          name: 'demo matrix ratio certkit/plain',
          value: certkitMs / plainMs,
          unit: 'x',
          target: { value: 0.6, better: 'lower' },
        },
        {
          section: 'capture',
          name: "demo matrix, plain replay on Certkit's browser and switches",
          value: tunedMs / 1000,
          unit: 's',
        },
        {
          section: 'capture',
          name: "demo matrix ratio certkit/plain on Certkit's browser and switches",
          value: certkitMs / tunedMs,
          unit: 'x',
        },
        { section: 'capture', name: 'one capture, plain puppeteer fullPage JPEG', value: cost.plain, unit: 'ms' },
        {
          section: 'capture',
          name: "one capture, plain puppeteer fullPage JPEG on Certkit's browser",
          value: cost.plainSameBrowser,
          unit: 'ms',
        },
        {
          section: 'capture',
          name: 'one capture, certkit on the flow (critical path)',
          value: cost.critical,
          unit: 'ms',
        },
        {
          section: 'capture',
          name: 'one capture ratio certkit/plain',
          value: cost.critical / cost.plain,
          unit: 'x',
          target: { value: 0.5, better: 'lower' },
        },
        {
          section: 'capture',
          name: "one capture ratio certkit/plain on Certkit's browser",
          value: cost.critical / cost.plainSameBrowser,
          unit: 'x',
        },
        {
          section: 'capture',
          name: 'one capture, certkit incl. header + 2 files (background)',
          value: cost.total,
          unit: 'ms',
        },
        {
          section: 'capture',
          name: 'one capture of a 100x100 px corner (the floor of any capture)',
          value: cost.floor,
          unit: 'ms',
        },
      ];
      return rows;
    } finally {
      await sandbox.close();
      await fs.rm(base, { recursive: true, force: true });
    }
  },
};
