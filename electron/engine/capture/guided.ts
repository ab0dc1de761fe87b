import path from 'node:path';
import type { RunEvent } from '../../../shared/schema/events';
import { EVIDENCE_VERSION, type ScenarioEvidence } from '../../../shared/schema/evidence';
import { slotsForScenario } from '../../../shared/plan';
import { launchBrowser } from '../browser/launch';
import { resolveBrowser } from '../browser/resolve';
import { requireCatalogScenario } from '../catalog-scenario';
import type { Env } from '../env';
import { newRunId, writeRunIndex } from '../evidence/store';
import { loadWorkspace } from '../workspace/workspace';
import { secretValues, type MerchantSecrets } from '../workspace/secrets';
import { browserClientAddress, customerFor } from '../run/variables';
import { runScenario } from './scenario';
import { httpExchangeLog } from './simulator-log';

export interface GuidedCaptureOptions {
  workspaceDir: string;
  scenarioId: string;
  /** Resolves when the user says they are done (Enter in the terminal); closing the window also ends it. */
  until: Promise<unknown>;
  browserPath?: string;
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

/** For flows that cannot be scripted (a real OTP, Apple Pay on a device): the user clicks, Certkit records. */
export async function guidedCapture(options: GuidedCaptureOptions): Promise<ScenarioEvidence> {
  const workspaceDir = path.resolve(options.workspaceDir);
  const ws = await loadWorkspace(workspaceDir);
  const s = requireCatalogScenario(options.scenarioId);
  const browser = await launchBrowser({
    executablePath: resolveBrowser({
      explicit: options.browserPath ?? ws.browser.path,
      env: options.browserEnv,
      headless: options.headful === false,
    }),
    headful: options.headful ?? true,
  });
  const runId = newRunId();
  await writeRunIndex(workspaceDir, {
    version: EVIDENCE_VERSION,
    runId,
    startedAt: new Date().toISOString(),
    scenarios: { [s.id]: { dir: s.id, status: 'running' } },
  });
  if (options.onPage) {
    browser.on('targetcreated', (t) => {
      if (t.type() === 'page') void t.page().then((p) => p && options.onPage!(p));
    });
  }
  try {
    const hosts = new Set(ws.aps.hosts);
    for (const url of [ws.aps.paymentPage, ws.aps.paymentApi]) if (url) hosts.add(new URL(url).host);
    const evidence = await runScenario(browser, {
      runId,
      workspaceDir,
      scenario: s,
      flow: { title: `guided ${s.id}`, steps: [] },
      rawSteps: [],
      tags: [],
      customer: customerFor(ws, 0),
      clientAddress: browserClientAddress(ws.store.baseUrl),
      requiredSlots: slotsForScenario(s, ws),
      extract: ws.flows[s.id]?.extract ?? [],
      capture: { format: ws.capture.format, quality: ws.capture.quality, maxHeight: ws.capture.maxHeight },
      stepTimeoutMs: ws.capture.stepTimeoutMs,
      scenarioTimeoutMs: 24 * 3600_000,
      apsHosts: [...hosts],
      returnUrl: ws.store.returnUrl,
      secrets: options.secrets ? secretValues(options.secrets) : [],
      exchangeLog:
        ws.account.environment === 'simulator' && ws.aps.paymentApi
          ? httpExchangeLog(new URL(ws.aps.paymentApi).origin)
          : undefined,
      emit: options.onEvent ?? (() => undefined),
      guided: { startUrl: options.startUrl ?? ws.store.baseUrl, until: options.until },
    });
    await writeRunIndex(workspaceDir, {
      version: EVIDENCE_VERSION,
      runId,
      startedAt: evidence.startedAt,
      finishedAt: new Date().toISOString(),
      scenarios: { [s.id]: { dir: s.id, status: evidence.status } },
    });
    return evidence;
  } finally {
    if (browser.connected) await browser.close().catch(() => undefined);
  }
}
