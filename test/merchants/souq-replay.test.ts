// The raw Recorder exports of Souq Al Oud (test/fixtures/recordings/souq) are valid Chrome Recorder flows: plain
// @puppeteer/replay, with no Certkit code in between, replays each of them against a freshly started shop and APS
// simulator once the recorded origins are swapped for the new ones, and the shop ends up where the recording did.
import { existsSync } from 'node:fs';
import { createRunner, PuppeteerRunnerExtension, type Schema } from '@puppeteer/replay';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../electron/engine/sandbox';
import { SOUQ_FLOWS } from './souq/flows';
import { startSouq, type Souq } from './souq';
import { recordedOrigins, recordingText, retarget } from './souq/recordings';
import { resolveBrowser } from '../../electron/engine/browser/resolve';

const CHROMIUM = resolveBrowser({ env: process.env });
const run = existsSync(CHROMIUM) ? describe : describe.skip;

let sim: Simulator;
let souq: Souq;
let browser: Browser;

beforeAll(async () => {
  sim = await startSimulator({ feedbackRetry: { tries: 1, intervalMs: 5 } });
  const c = sim.config;
  souq = await startSouq({
    apsBaseUrl: sim.origin,
    merchant: {
      merchant_identifier: c.merchant_identifier,
      access_code: c.access_code,
      sha_request_phrase: c.sha_request_phrase,
      sha_response_phrase: c.sha_response_phrase,
      sha_type: c.sha_type,
    },
  });
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--no-first-run', '--disable-gpu'],
  });
});
afterAll(async () => {
  await browser?.close();
  await souq?.close();
  await sim?.close();
});

run('Souq Al Oud recordings replay with plain @puppeteer/replay', () => {
  it.each(SOUQ_FLOWS.map((f) => [f.id, f] as const))('%s', async (id, flow) => {
    const text = recordingText(id);
    const recorded = recordedOrigins(text);
    const replayed = JSON.stringify(retarget(text, souq.origin, sim.origin));
    for (const origin of [recorded.shop, ...recorded.others]) expect(replayed).not.toContain(origin);
    const before = new Set(souq.orders().map((o) => o.no));
    const context = await browser.createBrowserContext();
    try {
      const page = await context.newPage();
      const runner = await createRunner(
        JSON.parse(replayed) as Schema.UserFlow,
        new PuppeteerRunnerExtension(browser, page, { timeout: 15_000 }),
      );
      expect(await runner.run()).toBe(true);
      // A flow may end on the click that leaves APS; the shop's own page follows on its own.
      await page.waitForFunction(() => /\/order\/\d+\/(confirmation|receipt)$/.test(location.pathname), {
        timeout: 15_000,
      });
      const orders = souq.orders().filter((o) => !before.has(o.no));
      expect(orders).toHaveLength(1);
      const [order] = orders;
      expect(order.method).toBe(flow.method);
      expect(order.customer.email).toBe(flow.shopper.email);
      expect(order.attempts.at(-1)?.outcome).toBe(flow.outcome);
    } finally {
      await context.close();
    }
  });
});
