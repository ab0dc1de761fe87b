import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRunner, PuppeteerRunnerExtension, type Step, type UserFlow } from '@puppeteer/replay';
import { SCENARIOS, type Scenario } from '../../../shared/aps/scenarios';
import type { BenchRow, BenchSection } from '../bench/types';
import { launchBrowser } from '../browser/launch';
import { resolveBrowser } from '../browser/resolve';
import { startSandbox } from '../sandbox/index';
import { createDemoWorkspace } from '../run/demo';
import { runWorkspace } from '../run/index';
import { customerFor, flowVariables } from '../run/variables';
import { loadWorkspace } from '../workspace/workspace';
import { applePayProbeSource } from './applepay-probe';
import { drawHeader } from './header';
import { capturePage } from './page-image';
import { loadFlowFile, substituteFlow } from './flow-file';
import { writeFileAtomic } from '../util/atomic-write';

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
        if (i >= 3 || !/Execution context was destroyed/i.test((err as Error).message)) throw err;
      }
    }
  }
}

/**
 * The plain way: @puppeteer/replay's own runner, a fresh browser per flow, one flow after another, no capture.
 * `tuning` false launches Chromium with the switches it needs to run here and nothing more (the baseline);
 * true gives it Certkit's switches, to show what they alone are worth.
 */
async function plainReplay(dir: string, executablePath: string, tuning: boolean, log: (l: string) => void): Promise<number> {
  const ws = await loadWorkspace(dir);
  const refs = new Map<string, string>();
  const root = (s: Scenario): Scenario => (s.dependsOn ? root(SCENARIOS.find((c) => c.id === s.dependsOn)!) : s);
  let failed = 0;
  const start = performance.now();
  for (const s of SCENARIOS) {
    const flow = await loadFlowFile(path.join(dir, ws.flows[s.id].file));
    const customer = customerFor(ws, SCENARIOS.indexOf(root(s)));
    const dep: Record<string, string> = s.dependsOn ? { 'dep.merchant_reference': refs.get(s.dependsOn) ?? '' } : {};
    const browser = await launchBrowser({ executablePath, tuning });
    try {
      const page = await browser.newPage();
      // Without the stand-in the Apple Pay flow cannot finish in Chromium at all; both sides get it.
      await page.evaluateOnNewDocument(applePayProbeSource());
      const runner = await createRunner(substituteFlow(flow, flowVariables(s, ws, customer, dep)), new RetryingReplayExtension(browser, page, { timeout: 30_000 }));
      await runner.run();
      const ref = /\/receipt\/([^/?#]+)/.exec(page.url())?.[1];
      if (ref) refs.set(s.id, ref);
    } catch (err) {
      failed++;
      log(`plain replay of ${s.id} failed: ${(err as Error).message.split('\n')[0]}`);
    } finally {
      await browser.close();
    }
  }
  const ms = performance.now() - start;
  log(`plain replay${tuning ? " with Certkit's switches" : ''}: ${SCENARIOS.length - failed}/${SCENARIOS.length} flows completed`);
  return ms;
}

async function captureCost(executablePath: string, url: string, dir: string, rounds: number): Promise<{ plain: number; critical: number; total: number; floor: number }> {
  const browser = await launchBrowser({ executablePath });
  try {
    const page = await browser.newPage();
    await page.goto(url);
    const session = await page.createCDPSession();
    const plain: number[] = [];
    const critical: number[] = [];
    const total: number[] = [];
    const floor: number[] = [];
    const options = { format: 'jpeg' as const, quality: 82, maxHeight: 12000 };
    for (let i = 0; i < rounds; i++) {
      let t = performance.now();
      await page.screenshot({ fullPage: true, type: 'jpeg', quality: 82 });
      plain.push(performance.now() - t);
      t = performance.now();
      const image = await capturePage(page, session, options);
      critical.push(performance.now() - t);
      const drawn = await drawHeader(image.data, image.width, image.height, { url: image.facts.url, capturedAt: new Date(), timeZone: 'UTC', scenarioId: 'bench', stepLabel: 'bench' }, 'jpeg', 82);
      await writeFileAtomic(path.join(dir, 'raw', `${i}.jpg`), image.data);
      await writeFileAtomic(path.join(dir, `${i}.jpg`), drawn.data);
      total.push(performance.now() - t);
      // What any capture costs however small: Chromium draws a fresh frame for it.
      t = performance.now();
      await session.send('Page.captureScreenshot', { format: 'jpeg', quality: 82, clip: { x: 0, y: 0, width: 100, height: 100, scale: 1 }, captureBeyondViewport: false });
      floor.push(performance.now() - t);
    }
    return { plain: median(plain), critical: median(critical), total: median(total), floor: median(floor) };
  } finally {
    await browser.close();
  }
}

export const captureBench: BenchSection = {
  name: 'capture',
  async run(log) {
    const executablePath = resolveBrowser();
    const sandbox = await startSandbox({ feedbackRetry: { tries: 1, intervalMs: 10 } });
    const base = await fs.mkdtemp(path.join(os.tmpdir(), 'certkit-bench-'));
    try {
      const plainDir = path.join(base, 'plain');
      const certkitDir = path.join(base, 'certkit');
      await createDemoWorkspace(plainDir, sandbox);
      await createDemoWorkspace(certkitDir, sandbox);
      log(`capture cost on ${sandbox.store}checkout ...`);
      const cost = await captureCost(executablePath, `${sandbox.store}checkout?method=knet`, path.join(base, 'shots'), 15);
      log('plain @puppeteer/replay, sequential, a browser per flow ...');
      const plainMs = await plainReplay(plainDir, executablePath, false, log);
      const tunedDir = path.join(base, 'plain-tuned');
      await createDemoWorkspace(tunedDir, sandbox);
      log("the same with Certkit's Chromium switches ...");
      const tunedMs = await plainReplay(tunedDir, executablePath, true, log);
      log('certkit demo matrix (capture, headers, traffic, ledger) ...');
      const t = performance.now();
      const summary = await runWorkspace({ workspaceDir: certkitDir });
      const certkitMs = performance.now() - t;
      const passed = summary.results.filter((r) => r.status === 'passed').length;
      const rows: BenchRow[] = [
        { section: 'capture', name: 'demo matrix, plain replay (sequential)', value: plainMs / 1000, unit: 's' },
        { section: 'capture', name: `demo matrix, certkit (${passed}/${summary.results.length} passed)`, value: certkitMs / 1000, unit: 's' },
        { section: 'capture', name: 'demo matrix ratio certkit/plain', value: certkitMs / plainMs, unit: 'x', target: { value: 0.6, better: 'lower' } },
        { section: 'capture', name: "demo matrix, plain replay with Certkit's switches", value: tunedMs / 1000, unit: 's' },
        { section: 'capture', name: "demo matrix ratio certkit/plain with Certkit's switches", value: certkitMs / tunedMs, unit: 'x' },
        { section: 'capture', name: 'one capture, plain puppeteer fullPage JPEG', value: cost.plain, unit: 'ms' },
        { section: 'capture', name: 'one capture, certkit on the flow (critical path)', value: cost.critical, unit: 'ms' },
        { section: 'capture', name: 'one capture ratio certkit/plain', value: cost.critical / cost.plain, unit: 'x', target: { value: 0.5, better: 'lower' } },
        { section: 'capture', name: 'one capture, certkit incl. header + 2 files (background)', value: cost.total, unit: 'ms' },
        { section: 'capture', name: 'one capture of a 100x100 px corner (the floor of any capture)', value: cost.floor, unit: 'ms' },
      ];
      return rows;
    } finally {
      await sandbox.close();
      await fs.rm(base, { recursive: true, force: true });
    }
  },
};
