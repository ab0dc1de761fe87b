import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Exchange } from '../../shared/schema/evidence';
import { launchBrowser } from '../../electron/engine/browser/launch';
import { resolveBrowser } from '../../electron/engine/browser/resolve';
import { httpExchangeLog, linkSimulatorExchanges } from '../../electron/engine/capture/simulator-log';
import { TrafficRecorder } from '../../electron/engine/capture/traffic';
import { SECRET_MARKER } from '../../electron/engine/redact/index';
import { startSandbox, type SandboxHandle } from '../../electron/engine/sandbox';
import { leaks, PLANTED } from '../helpers/planted';

// The recording half of the planted-secret test (test/package/package.test.ts holds the package, report and email
// half, with the same planted values): a careless merchant page leaks the credentials and card numbers into the APS
// traffic a browser sends, the demo store makes real server-to-server calls with them as its credentials, and
// neither the browser's recorded exchanges nor the simulator's log (as served and as linked into a scenario) may
// keep any of them.

const SECRETS = [PLANTED.accessCode, PLANTED.requestPhrase, PLANTED.responsePhrase];
const REF = 'LEAK-1';

let sb: SandboxHandle;
let browser: Browser;
let merchant: http.Server;
let merchantOrigin = '';
let recorded: Exchange[] = [];

/** The careless merchant: its checkout page puts everything it should not into what it sends to APS. */
function leakyPage(): string {
  const fields: Record<string, string> = {
    command: 'PURCHASE',
    access_code: PLANTED.accessCode,
    merchant_identifier: sb.merchant.merchant_identifier,
    merchant_reference: REF,
    amount: '10000',
    currency: 'SAR',
    language: 'en',
    customer_email: 'leaky@example.org',
    card_number: PLANTED.cardSpaced,
    order_description: `debug ${PLANTED.requestPhrase} card ${PLANTED.card}`,
    return_url: `${merchantOrigin}/return?card=${PLANTED.cardDashed}&p=${encodeURIComponent(PLANTED.responsePhrase)}`,
    signature: 'not-a-signature',
  };
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${k}" value="${v.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}">`)
    .join('');
  const json = JSON.stringify({
    query_command: 'CHECK_STATUS',
    access_code: PLANTED.accessCode,
    merchant_identifier: sb.merchant.merchant_identifier,
    merchant_reference: REF,
    note: `${PLANTED.responsePhrase} ${PLANTED.cardSpaced}`,
    nested: { card: PLANTED.card, phrase: encodeURIComponent(PLANTED.requestPhrase) },
  });
  // The JSON goes as text/plain so the browser sends it without a CORS preflight; its answer may be unreadable to
  // the page, which does not matter: the recorder reads the traffic, not the page.
  return `<!doctype html><html><body><p>Card ${PLANTED.card}, phrase ${PLANTED.requestPhrase}</p>
<form id="f" method="post" action="${sb.paymentPage}?dbg=${encodeURIComponent(PLANTED.requestPhrase)}&card_number=${PLANTED.card}">${inputs}</form>
<script>
fetch(${JSON.stringify(`${sb.paymentApi}?access_code=${PLANTED.accessCode}`)}, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: ${JSON.stringify(json)} })
  .catch(() => 'the answer is not readable cross-origin')
  .then(() => document.getElementById('f').submit());
</script></body></html>`;
}

beforeAll(async () => {
  sb = await startSandbox({
    config: {
      access_code: PLANTED.accessCode,
      sha_request_phrase: PLANTED.requestPhrase,
      sha_response_phrase: PLANTED.responsePhrase,
    },
    feedbackRetry: { tries: 1, intervalMs: 5 },
  });
  merchant = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(req.url === '/leak' ? leakyPage() : '<!doctype html><p id="done">back at the shop</p>');
  });
  await new Promise<void>((resolve) => merchant.listen(0, '127.0.0.1', resolve));
  merchantOrigin = `http://127.0.0.1:${(merchant.address() as AddressInfo).port}`;

  browser = await launchBrowser({ executablePath: resolveBrowser() });
  const page = await browser.newPage();
  const recorder = new TrafficRecorder({
    apsHosts: [new URL(sb.simulatorOrigin).host],
    returnUrl: `${merchantOrigin}/return`,
    secrets: SECRETS,
    currentStep: () => 1,
  });
  recorder.attach(page, false);
  await page.goto(`${merchantOrigin}/leak`);
  await page.waitForSelector('#done');
  await recorder.settle();
  recorded = recorder.exchanges;

  // The demo store, holding the planted values as its credentials, pays an STC Pay order server to server.
  const form = (url: string, fields: Record<string, string>) =>
    fetch(url, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
  const order = await form(`${sb.store}order`, { email: 'shopper.d@example.org', method: 'stcpay', lang: 'en' });
  const ref = order.headers.get('location')!.split('/').pop()!;
  await form(`${sb.store}stcpay/${ref}/otp`, { phone: '0557654321' });
  await form(`${sb.store}stcpay/${ref}/pay`, { otp: '123456' });
  // And a merchant server posts card data and a phrase in JSON.
  await fetch(sb.paymentApi, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      command: 'PURCHASE',
      access_code: PLANTED.accessCode,
      merchant_identifier: sb.merchant.merchant_identifier,
      merchant_reference: ref,
      card_number: PLANTED.cardDashed,
      card_security_code: '123',
      customer_name: `${PLANTED.requestPhrase} ${PLANTED.cardSpaced}`,
    }),
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (merchant ? merchant.close(() => resolve()) : resolve()));
  await sb?.close();
});

describe('planted secrets and card numbers', () => {
  it('are not kept in the exchanges the browser recorded, which still show what was sent', () => {
    const kinds = recorded.map((x) => x.kind);
    expect(kinds).toEqual(expect.arrayContaining(['paymentApi', 'paymentPage', 'return']));
    const post = recorded.find((x) => x.kind === 'paymentPage')!;
    expect(post.requestFields.access_code).toBe(SECRET_MARKER);
    expect(post.requestFields.card_number).toBe('529741******5689');
    expect(post.requestFields.merchant_reference).toBe(REF);
    expect(post.url).toContain('card_number=455701******8902');
    const api = recorded.find((x) => x.kind === 'paymentApi')!;
    expect(api.requestFields.note).toBe(`${SECRET_MARKER} 529741******5689`);
    expect(leaks([{ label: 'recorded exchanges', text: JSON.stringify(recorded) }])).toEqual([]);
  });

  it("are not in the simulator's log as served, nor in the exchanges linked into a scenario", async () => {
    const served = await (await fetch(`${sb.simulatorOrigin}/__certkit/exchanges`)).text();
    const log = await httpExchangeLog(sb.simulatorOrigin).since(0);
    expect(log.filter((x) => x.kind === 'paymentApi').length).toBeGreaterThanOrEqual(3);
    expect(log.some((x) => x.requestFields.access_code === SECRET_MARKER)).toBe(true);
    expect(log.some((x) => x.requestFields.card_number === '512345******2346')).toBe(true);
    const linked = linkSimulatorExchanges(
      log,
      { merchant_reference: [REF, ...log.map((x) => String(x.requestFields.merchant_reference))] },
      SECRETS,
    );
    expect(linked.length).toBeGreaterThan(0);
    expect(
      leaks([
        { label: 'GET /__certkit/exchanges', text: served },
        { label: 'linked exchanges', text: JSON.stringify(linked) },
      ]),
    ).toEqual([]);
  });
});
