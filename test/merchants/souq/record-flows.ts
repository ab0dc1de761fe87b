// Records Souq Al Oud's flows the way Chrome's DevTools Recorder would, into test/fixtures/recordings/souq/.
//   npx tsx test/merchants/souq/record-flows.ts [--only id,id] [--out dir]
// It starts Certkit's APS simulator and the shop on loopback, opens Chromium, and for each flow lets a scripted person
// click and type through the shop and APS's pages while the recorder harness (test/recorder) writes down what the
// Recorder would. See test/fixtures/recordings/souq/README.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { startSimulator } from '../../../electron/engine/sandbox';
import { Person } from '../../recorder/person';
import { RecorderSession } from '../../recorder/session';
import { SOUQ_FLOWS } from './flows';
import { startSouq } from './server';
import { walkFlow } from './walk';
import { resolveBrowser } from '../../../electron/engine/browser/resolve';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const out = path.resolve(opt('--out') ?? path.join(HERE, '../../fixtures/recordings/souq'));
const only = opt('--only')?.split(',');
// A laptop screen with DevTools docked to the right: the page gets what is left of the window.
const VIEWPORT = { width: 1187, height: 789 };

const sim = await startSimulator({ port: 4200 }).catch(() => startSimulator());
const c = sim.config;
const souq = await startSouq({
  apsBaseUrl: sim.origin,
  port: 4100,
  merchant: {
    merchant_identifier: c.merchant_identifier,
    access_code: c.access_code,
    sha_request_phrase: c.sha_request_phrase,
    sha_response_phrase: c.sha_response_phrase,
    sha_type: c.sha_type,
  },
});
const browser = await puppeteer.launch({
  executablePath: resolveBrowser({ env: process.env }),
  headless: true,
  args: ['--no-sandbox', '--no-first-run', '--disable-gpu'],
  defaultViewport: VIEWPORT,
});
mkdirSync(out, { recursive: true });
try {
  for (const flow of SOUQ_FLOWS) {
    if (only && !only.includes(flow.id)) continue;
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.goto(`${souq.origin}/${flow.country}/`, { waitUntil: 'load' });
    const recording = await RecorderSession.start(page, flow.title);
    await walkFlow(new Person(page, flow.id.length * 31), flow);
    const json = await recording.stop();
    const order = souq.orders().at(-1);
    const outcome = order?.attempts.at(-1)?.outcome;
    if (outcome !== flow.outcome)
      throw new Error(`${flow.id}: the shop ended with "${outcome}", not "${flow.outcome}"`);
    writeFileSync(path.join(out, `${flow.id}.json`), json);
    console.log(`${flow.id}: ${JSON.parse(json).steps.length} steps -> ${path.relative(process.cwd(), out)}`);
    await context.close();
  }
} finally {
  await browser.close();
  await souq.close();
  await sim.close();
}
