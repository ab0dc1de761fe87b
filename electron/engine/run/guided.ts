import path from 'node:path';
import type { RunEvent } from '../../../shared/schema/events';
import { EVIDENCE_VERSION, type ScenarioEvidence } from '../../../shared/schema/evidence';
import { launchBrowser } from '../browser/launch';
import { connectBrowser } from '../browser/connect';
import type { BrowserEngine } from '../browser/engine';
import { requireCatalogScenario } from '../catalog-scenario';
import type { Env } from '../env';
import { runScenario } from '../capture/scenario';
import { newRunId, writeRunIndex } from '../evidence/store';
import { bestEffort } from '../util/best-effort';
import { loadWorkspace } from '../workspace/workspace';
import type { MerchantSecrets } from '../workspace/secrets';
import { chooseBrowser } from './index';
import { runContext, runWarnings, scenarioJob } from './job';

export interface GuidedCaptureOptions {
  workspaceDir: string;
  scenarioId: string;
  /** Resolves when the user says they are done (Enter in the terminal); closing the window also ends it. */
  until: Promise<unknown>;
  browserPath?: string;
  browserEngine?: BrowserEngine;
  /**
   * A browser already running (its window on the user's screen, Chrome started with --remote-debugging-port): the
   * scenario opens in a context of its own there, and Certkit disconnects at the end without closing the browser.
   */
  connect?: string;
  /** Where to look for a browser (CERTKIT_BROWSER, PATH, ...): the caller's environment. */
  browserEnv?: Env;
  /** Visible window by default; tests run it headless and drive the page themselves. */
  headful?: boolean;
  startUrl?: string;
  secrets?: MerchantSecrets;
  onEvent?: (e: RunEvent) => void;
  /** Called with the page once it is open (tests use it to click through). */
  onPage?: (page: import('puppeteer-core').Page) => void;
}

/**
 * For flows that cannot be scripted (a real OTP, Apple Pay on a device): the user clicks, Certkit records. The
 * scenario is a run of its own, with the same job as a replay gets (customer, extract rules, APS hosts), minus
 * the flow.
 */
export async function guidedCapture(options: GuidedCaptureOptions): Promise<ScenarioEvidence> {
  const workspaceDir = path.resolve(options.workspaceDir);
  const ws = await loadWorkspace(workspaceDir);
  const s = requireCatalogScenario(options.scenarioId);
  const runId = newRunId();
  const emit = options.onEvent ?? (() => undefined);
  const ctx = await runContext(ws, workspaceDir, { runId, secrets: options.secrets, emit });
  const job = await scenarioJob(ctx, s, {
    guided: { startUrl: options.startUrl ?? ws.store.baseUrl, until: options.until },
  });
  const headful = options.headful ?? true;
  const browser = options.connect
    ? await connectBrowser(options.connect, options.browserEngine)
    : await (() => {
        const { executablePath, engine } = chooseBrowser(ws.browser, { ...options, headful });
        return launchBrowser({ executablePath, engine, headful });
      })();
  const startedAt = new Date().toISOString();
  try {
    await writeRunIndex(workspaceDir, {
      version: EVIDENCE_VERSION,
      runId,
      startedAt,
      scenarios: { [s.id]: { dir: s.id, status: 'running' } },
    });
    const onPage = options.onPage;
    if (onPage) {
      browser.on('targetcreated', (t) => {
        if (t.type() !== 'page') return;
        void bestEffort(
          'handing the new page to the caller',
          async () => {
            const page = await t.page();
            if (page) onPage(page);
          },
          runWarnings(emit, runId),
        );
      });
    }
    const evidence = await runScenario(browser, job);
    await writeRunIndex(workspaceDir, {
      version: EVIDENCE_VERSION,
      runId,
      startedAt,
      finishedAt: new Date().toISOString(),
      scenarios: { [s.id]: { dir: s.id, status: evidence.status } },
    });
    return evidence;
  } finally {
    const report = runWarnings(emit, runId);
    if (browser.connected && options.connect)
      await bestEffort('disconnecting from the browser', browser.disconnect(), report);
    else if (browser.connected) await bestEffort('closing the browser', browser.close(), report);
  }
}
