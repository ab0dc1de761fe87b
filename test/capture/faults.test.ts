import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCard } from '../../shared/aps/test-cards';
import type { RunEvent } from '../../shared/schema/events';
import type { ScenarioEvidence } from '../../shared/schema/evidence';
import { resolveBrowser } from '../../electron/engine/browser/resolve';
import { readRunIndex, readScenarioEvidence } from '../../electron/engine/evidence/store';
import { SECRET_MARKER } from '../../electron/engine/redact/index';
import { runWorkspace, type RunSummary } from '../../electron/engine/run/index';
import { saveWorkspace } from '../../electron/engine/workspace/workspace';

// Two tiny servers: a "store" and an "APS" whose paymentPage answers with an auto-submitted return form,
// as APS does. Every fault the capture engine must survive is one route of the store. The "APS" answers as each
// scenario expects (a run passes only on the answer the catalog expects): declined for the declining test card,
// 58000 for a token update (`cmd=UPDATE_TOKEN` on the shop page), approved otherwise.
let store: http.Server;
let aps: http.Server;
let S = '';
let A = '';
let closedPort = 0;
const hanging = new Set<http.ServerResponse>();

function page(body: string, head = '') {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">${head}<title>t</title></head><body>${body}</body></html>`;
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => resolve(b));
  });
}

beforeAll(async () => {
  store = http.createServer(async (req, res) => {
    const url = new URL(req.url!, S);
    const html = (b: string, status = 200) =>
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(b);
    if (url.pathname === '/shop') {
      const ref = url.searchParams.get('ref') ?? 'REF-1';
      const cmd = url.searchParams.get('cmd');
      const command = cmd ? `<input name="service_command" value="${cmd}">` : '<input name="command" value="PURCHASE">';
      return html(
        page(`<h1>Shop</h1><form method="post" action="${A}/FortAPI/paymentPage">
        <input name="merchant_reference" value="${ref}"><input name="amount" value="10000"><input name="currency" value="SAR">
        ${command}<input name="access_code" value="SECRETAC99">
        <input name="return_url" value="${S}/return"><input name="card_number" data-testid="card">
        <button data-testid="pay">Pay</button></form>`),
      );
    }
    if (url.pathname === '/return' && req.method === 'POST') {
      const fields = new URLSearchParams(await readBody(req));
      return res
        .writeHead(303, { location: `/receipt?ref=${fields.get('merchant_reference')}&status=${fields.get('status')}` })
        .end();
    }
    if (url.pathname === '/receipt') {
      return html(`<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>r</title></head><body>
        <h1>${url.searchParams.get('status') === '13' ? 'تم رفض عملية الدفع' : 'تمت عملية الدفع بنجاح'}</h1><p>رقم الطلب <span data-testid="merchant-reference">${url.searchParams.get('ref')}</span></p></body></html>`);
    }
    if (url.pathname === '/hang') {
      hanging.add(res);
      return;
    }
    if (url.pathname === '/popup') {
      return html(
        page(
          `<button data-testid="open" onclick="window.open('/shop','w','width=400,height=400')">Pay with 3DS</button>`,
        ),
      );
    }
    html(page('not found'), 404);
  });
  aps = http.createServer(async (req, res) => {
    const fields = new URLSearchParams(await readBody(req));
    const update = fields.get('service_command') === 'UPDATE_TOKEN';
    const declined = fields.get('card_number') === testCard('visa-declined').number;
    const answer = update
      ? { service_command: 'UPDATE_TOKEN', response_code: '58000', status: '58', response_message: 'Success' }
      : declined
        ? { response_code: '13666', status: '13', response_message: 'Transaction declined' }
        : { response_code: '14000', status: '14', response_message: 'Success' };
    const back = {
      merchant_reference: fields.get('merchant_reference') ?? '',
      fort_id: '170000000000001',
      ...answer,
      amount: '10000',
      currency: 'SAR',
      card_number: '400555******0001',
    };
    res.writeHead(200, { 'content-type': 'text/html' }).end(
      page(
        `<form id="f" method="post" action="${fields.get('return_url')}">${Object.entries(back)
          .map(([k, v]) => `<input type="hidden" name="${k}" value="${v}">`)
          .join('')}</form>`,
        '<script>addEventListener("DOMContentLoaded",()=>document.getElementById("f").submit())</script>',
      ),
    );
  });
  S = await listen(store);
  A = await listen(aps);
  const probe = http.createServer();
  await listen(probe);
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  store.closeAllConnections();
  await new Promise((r) => store.close(r));
  await new Promise((r) => aps.close(r));
});

const sel = (id: string) => [[`[data-testid="${id}"]`]];
const goodFlow = (resultSlot: string, ref: string) => ({
  title: 'good',
  steps: [
    { type: 'navigate', url: `{{baseUrl}}/shop?ref=${ref}`, certkit: { slot: 'general.pre_checkout' } },
    { type: 'change', selectors: sel('card'), value: '{{card.number}}' },
    { type: 'waitForElement', selectors: sel('pay'), certkit: { slot: 'general.checkout' } },
    { type: 'click', selectors: sel('pay'), offsetX: 2, offsetY: 2, assertedEvents: [{ type: 'navigation' }] },
    { type: 'waitForElement', selectors: sel('merchant-reference'), certkit: { slot: resultSlot } },
  ],
});

async function makeWorkspace(flows: Record<string, unknown>): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'certkit-faults-'));
  for (const [id, flow] of Object.entries(flows)) {
    await fs.mkdir(path.join(dir, 'flows'), { recursive: true });
    await fs.writeFile(path.join(dir, 'flows', `${id}.json`), JSON.stringify(flow));
  }
  await saveWorkspace(dir, {
    version: 1,
    account: { name: 'Fault Shop', environment: 'sandbox' },
    integrationTypes: ['hosted'],
    methods: ['VISA', 'MADA'],
    features: { installments: true, savedCards: true, recurring: false },
    store: { baseUrl: S, returnUrl: `${S}/return` },
    aps: { paymentPage: `${A}/FortAPI/paymentPage`, hosts: [] },
    flows: Object.fromEntries(
      Object.keys(flows).map((id) => [
        id,
        {
          file: `flows/${id}.json`,
          extract: [{ field: 'merchant_reference', selector: '[data-testid="merchant-reference"]' }],
        },
      ]),
    ),
    capture: { format: 'jpeg', quality: 80, maxHeight: 4000, stepTimeoutMs: 6000, scenarioTimeoutMs: 20000 },
  });
  return dir;
}

describe('capture engine under faults (one run, one browser)', () => {
  let dir: string;
  let summary: RunSummary;
  const events: RunEvent[] = [];
  const evidence = new Map<string, ScenarioEvidence>();

  beforeAll(async () => {
    dir = await makeWorkspace({
      'card-non3ds-success': goodFlow('general.result', 'REF-GOOD'),
      'card-3ds-success': {
        title: 'unreachable',
        steps: [{ type: 'navigate', url: `http://127.0.0.1:${closedPort}/shop` }],
      },
      'card-declined': {
        title: 'missing selector',
        steps: [
          { type: 'navigate', url: '{{baseUrl}}/shop', certkit: { slot: 'general.checkout' } },
          { type: 'click', selectors: [['#never-there']], offsetX: 1, offsetY: 1 },
        ],
      },
      'installments-success': { title: 'hang', steps: [{ type: 'navigate', url: '{{baseUrl}}/hang' }] },
      'mada-success': {
        title: 'popup',
        steps: [
          { type: 'navigate', url: '{{baseUrl}}/popup', certkit: { slot: 'general.pre_checkout' } },
          { type: 'click', selectors: sel('open'), offsetX: 2, offsetY: 2 },
          { type: 'waitForElement', selectors: [['#never-there']] },
        ],
      },
      'card-save': {
        title: 'disk full',
        steps: [
          { type: 'navigate', url: '{{baseUrl}}/shop?ref=REF-DISK', certkit: { slot: 'general.save_card' } },
          { type: 'navigate', url: '{{baseUrl}}/receipt?ref=REF-DISK', certkit: { slot: 'general.result' } },
        ],
      },
      'card-delete': goodFlow('general.delete_card', 'REF-AFTER&cmd=UPDATE_TOKEN'),
    });
    let cardSaveWrites = 0;
    summary = await runWorkspace({
      workspaceDir: dir,
      concurrency: 2,
      secrets: {
        accessCode: 'SECRETAC99',
        requestPhrase: 'req-phrase-x',
        responsePhrase: 'resp-phrase-y',
        shaType: 'sha256',
      },
      onEvent: (e) => events.push(e),
      io: {
        async writeFile(file, data) {
          // The disk "fills up" after the first image (raw + drawn) of card-save.
          if (file.includes(`${path.sep}card-save${path.sep}`) && ++cardSaveWrites > 2) {
            throw Object.assign(new Error(`ENOSPC: no space left on device, write '${file}'`), { code: 'ENOSPC' });
          }
          const { writeFileAtomic } = await import('../../electron/engine/util/atomic-write');
          await writeFileAtomic(file, data);
        },
      },
    });
    for (const r of summary.results)
      evidence.set(r.scenarioId, (await readScenarioEvidence(dir, summary.runId, r.scenarioId))!);
  }, 180_000);

  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const status = (id: string) => summary.results.find((r) => r.scenarioId === id)?.status;

  it('records a good scenario fully: slots, masked traffic, reference, no secrets', async () => {
    const ev = evidence.get('card-non3ds-success')!;
    expect({ status: ev.status, error: ev.error }).toEqual({ status: 'passed', error: undefined });
    expect(ev.screenshots.map((s) => s.slot).filter(Boolean)).toEqual([
      'general.pre_checkout',
      'general.checkout',
      'general.result',
    ]);
    expect(ev.ledger.values).toMatchObject({
      merchant_reference: 'REF-GOOD',
      fort_id: '170000000000001',
      response_code: '14000',
      amount: '10000',
    });
    expect(ev.ledger.sources.merchant_reference).toBe('traffic');
    const post = ev.exchanges.find((x) => x.kind === 'paymentPage')!;
    expect(post.requestFields.card_number).toBe('400555******0001');
    expect(post.requestFields.access_code).toBe(SECRET_MARKER);
    expect(post.step).toBe(3);
    expect(ev.exchanges.some((x) => x.kind === 'return' && x.responseStatus === 303)).toBe(true);
    const receipt = ev.screenshots.find((s) => s.slot === 'general.result')!;
    expect(receipt.dir).toBe('rtl');
    expect(receipt.lang).toBe('ar');
    expect(receipt.text).toContain('REF-GOOD');
    const json = await fs.readFile(
      path.join(dir, 'runs', summary.runId, 'card-non3ds-success', 'scenario.json'),
      'utf8',
    );
    expect(json).not.toMatch(/SECRETAC99|req-phrase-x|4005550000000001/);
    for (const s of ev.screenshots) {
      await expect(fs.stat(path.join(dir, 'runs', summary.runId, 'card-non3ds-success', s.file))).resolves.toBeTruthy();
      await expect(
        fs.stat(path.join(dir, 'runs', summary.runId, 'card-non3ds-success', s.rawFile)),
      ).resolves.toBeTruthy();
    }
  });

  it('fails an unreachable site with a clear error and a picture of the browser error page', () => {
    expect(status('card-3ds-success')).toBe('failed');
    const ev = evidence.get('card-3ds-success')!;
    expect(ev.error?.message).toMatch(/step 1\/1: Open .* failed: .*could not be reached \(ERR_CONNECTION_REFUSED\)/);
    expect(ev.error?.hint).toMatch(/store is running/);
  });

  it('fails a selector that never appears, naming it, and keeps the page captured before', () => {
    expect(status('card-declined')).toBe('failed');
    const ev = evidence.get('card-declined')!;
    expect(ev.error?.message).toMatch(/#never-there did not appear within 6 s/);
    expect(ev.error?.step).toBe(1);
    expect(ev.screenshots[0].slot).toBe('general.checkout');
    expect(ev.screenshots.at(-1)!.failure).toBe(true);
  });

  it('fails a navigation that never finishes', () => {
    expect(status('installments-success')).toBe('failed');
    expect(evidence.get('installments-success')!.error?.message).toMatch(/did not finish loading within 6 s/);
  });

  it('fails a page that opens a popup, capturing the popup and marking its traffic', () => {
    expect(status('mada-success')).toBe('failed');
    const ev = evidence.get('mada-success')!;
    expect(ev.error?.message).toMatch(/opened a popup window \(http:\/\/127\.0\.0\.1:\d+\/shop\)/);
    expect(ev.screenshots.some((s) => s.url.endsWith('/shop') && s.file.includes('popup'))).toBe(true);
  });

  it('fails on a full disk with the reason, keeping what was written before', async () => {
    expect(status('card-save')).toBe('failed');
    const ev = evidence.get('card-save')!;
    expect(ev.error?.message).toMatch(/the disk is full/);
    expect(ev.screenshots).toHaveLength(1);
    await expect(
      fs.stat(path.join(dir, 'runs', summary.runId, 'card-save', ev.screenshots[0].file)),
    ).resolves.toBeTruthy();
  });

  it('goes on after failures: the dependent scenario after the disk fault still passes', () => {
    expect(status('card-delete')).toBe('passed');
    expect(summary.results.find((r) => r.scenarioId === 'card-delete')!.merchantReference).toBe('REF-AFTER');
  });

  it('reports progress events in order and a run index with final statuses', async () => {
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('run-started');
    // The run says which browser it drives: the one a headless run resolves to on this machine.
    expect(events[0]).toMatchObject({ browser: resolveBrowser({ headless: true }) });
    expect(types.at(-1)).toBe('run-finished');
    expect(events.filter((e) => e.type === 'scenario-finished')).toHaveLength(7);
    expect(events.find((e) => e.type === 'run-finished')).toMatchObject({ passed: 2, failed: 5, skipped: 0 });
    const index = await readRunIndex(dir, summary.runId);
    expect(index.scenarios['card-save'].status).toBe('failed');
    expect(index.finishedAt).toBeTruthy();
  });
});

describe('browser killed mid-run', () => {
  it('fails the scenario in flight, keeps its captures, and the next scenario runs in a new browser', async () => {
    const dir = await makeWorkspace({
      'card-non3ds-success': {
        title: 'killed',
        steps: [
          { type: 'navigate', url: '{{baseUrl}}/shop?ref=REF-K', certkit: { slot: 'general.pre_checkout' } },
          { type: 'click', selectors: [['#never-there']], offsetX: 1, offsetY: 1 },
        ],
      },
      'card-declined': goodFlow('general.result', 'REF-NEXT'),
    });
    const browsers: import('puppeteer-core').Browser[] = [];
    try {
      const summary = await runWorkspace({
        workspaceDir: dir,
        only: ['card-non3ds-success', 'card-declined'],
        concurrency: 1,
        onBrowser: (b) => browsers.push(b),
        onEvent: (e) => {
          if (e.type === 'step' && e.scenarioId === 'card-non3ds-success' && e.step === 2)
            browsers[0]?.process()?.kill('SIGKILL');
        },
      });
      const killed = summary.results.find((r) => r.scenarioId === 'card-non3ds-success')!;
      expect(killed.status).toBe('failed');
      expect(killed.error).toMatch(/browser closed during the scenario/);
      const ev = (await readScenarioEvidence(dir, summary.runId, 'card-non3ds-success'))!;
      expect(ev.screenshots[0]?.slot).toBe('general.pre_checkout');
      await expect(
        fs.stat(path.join(dir, 'runs', summary.runId, 'card-non3ds-success', ev.screenshots[0].file)),
      ).resolves.toBeTruthy();
      expect(summary.results.find((r) => r.scenarioId === 'card-declined')).toMatchObject({
        status: 'passed',
        merchantReference: 'REF-NEXT',
      });
      expect(browsers.length).toBe(2);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
