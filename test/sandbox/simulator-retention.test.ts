import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type FeedbackEvent, type Simulator } from '../../electron/engine/sandbox';
import { BoundedMap } from '../../electron/engine/sandbox/bounded';
import { ExchangeLog } from '../../electron/engine/sandbox/simulator/exchange-log';
import { FeedbackSender } from '../../electron/engine/sandbox/simulator/feedback';
import { httpExchangeLog } from '../../electron/engine/capture/simulator-log';
import { docSign, postForm, postJson, uniqueRef, type Params } from './docs-merchant';

// A simulator left running keeps only its retention's worth: log entries, page sessions and orders are forgotten
// oldest first, the log's query is checked, a run reads only its own entries, and feedback keeps up under load.

let sim: Simulator;
let API: string;
let PAGE: string;

beforeAll(async () => {
  sim = await startSimulator({
    config: { retention: { minutes: 60, exchanges: 20, sessions: 5, orders: 12 } },
    feedbackRetry: { tries: 1, intervalMs: 5 },
  });
  API = `${sim.origin}/FortAPI/paymentApi`;
  PAGE = `${sim.origin}/FortAPI/paymentPage`;
});
afterAll(async () => {
  await sim.close();
});

function signed(fields: Record<string, unknown>): Record<string, unknown> {
  return { ...fields, signature: docSign(fields, sim.config.sha_request_phrase) };
}

const base = () => ({
  access_code: sim.config.access_code,
  merchant_identifier: sim.config.merchant_identifier,
  language: 'en',
});

/** A trusted-channel purchase: one call, one order, one token. */
async function purchase(): Promise<{ ref: string; fort: string }> {
  const ref = uniqueRef('R');
  const answer = await postJson(
    API,
    signed({
      command: 'PURCHASE',
      ...base(),
      merchant_reference: ref,
      amount: '10000',
      currency: 'SAR',
      customer_email: 'soak@example.org',
      customer_ip: '203.0.113.7',
      eci: 'ECOMMERCE',
      card_number: '4005550000000001',
      expiry_date: '3005',
      card_security_code: '123',
    }),
  );
  expect(answer.response_code).toBe('14000');
  return { ref, fort: String(answer.fort_id) };
}

async function checkStatus(fields: Record<string, string>): Promise<Record<string, unknown>> {
  return postJson(API, signed({ query_command: 'CHECK_STATUS', ...base(), ...fields }));
}

async function log(query: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sim.origin}/__certkit/exchanges${query}`);
  return { status: res.status, body: await res.json() };
}

describe('simulator retention', () => {
  it('keeps only the newest orders, log entries and sessions; seq keeps counting', async () => {
    const first = await purchase();
    for (let i = 0; i < 30; i++) await purchase();
    const last = await purchase();
    const stats = (await (await fetch(`${sim.origin}/__certkit/stats`)).json()) as any;
    expect(stats.transactions).toBeLessThanOrEqual(12);
    expect(stats.tokens).toBeLessThanOrEqual(12);
    expect(stats.exchanges.kept).toBeLessThanOrEqual(22);
    expect(stats.exchanges.lastSeq).toBeGreaterThanOrEqual(32);
    expect(stats.exchanges.oldestSeq).toBeGreaterThan(1);
    expect((await checkStatus({ merchant_reference: first.ref })).response_code).toBe('12036');
    expect((await checkStatus({ merchant_reference: last.ref })).response_code).toBe('12000');

    const sessions: string[] = [];
    for (let i = 0; i < 7; i++) {
      const start: Params = {
        command: 'PURCHASE',
        ...base(),
        merchant_reference: uniqueRef('S'),
        amount: '10000',
        currency: 'SAR',
        customer_email: 'soak@example.org',
        return_url: 'https://127.0.0.1:9/return',
      };
      start.signature = docSign(start, sim.config.sha_request_phrase);
      sessions.push((await postForm(PAGE, start)).location!);
    }
    expect(sim.sessions.size).toBe(5);
    const forgotten = await fetch(sessions[0]);
    expect([forgotten.status, await forgotten.text()]).toEqual([
      404,
      'This payment session does not exist or has expired.',
    ]);
    expect((await fetch(sessions[6])).status).toBe(200);
  });

  it('answers a junk query on the exchange log with 400 naming it, never with everything', async () => {
    for (const q of ['?since=abc', '?since=-1', '?since=1.5', '?since=', '?limit=x', '?sinse=0', '?fort_id=']) {
      const { status, body } = await log(q);
      expect(status, q).toBe(400);
      expect(body.error, q).toMatch(/since|limit|sinse|fort_id/);
    }
    const { status, body } = await log('?since=0&limit=0');
    expect([status, body.exchanges]).toEqual([200, []]);
    expect(body.lastSeq).toBe(sim.log.lastSeq);
  });

  it('stats forces a collection only when asked with gc=1, and says how to allow it when node cannot', async () => {
    const stats = async (q: string) => {
      const res = await fetch(`${sim.origin}/__certkit/stats${q}`);
      return { status: res.status, body: (await res.json()) as any };
    };
    const plain = await stats('');
    expect([plain.status, plain.body.afterGc]).toEqual([200, false]);
    for (const q of ['?gc=0', '?gc=yes', '?heap=1']) {
      const junk = await stats(q);
      expect(junk.status, q).toBe(400);
      expect(junk.body.error, q).toContain('the only one is gc=1');
    }
    // This test process runs without --expose-gc, as a simulator started without it would.
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
    const refused = await stats('?gc=1');
    expect(refused.status).toBe(409);
    expect(refused.body.error).toContain('--expose-gc');
  });

  it('filters by merchant_reference and fort_id; the run follows links and reads only its own entries', async () => {
    const since = sim.log.lastSeq;
    const mine = await purchase();
    const other = await purchase();
    // A status check that names only the fort id: tied to the order through it.
    await checkStatus({ fort_id: mine.fort });
    const byRef = await log(`?since=${since}&merchant_reference=${mine.ref}`);
    expect(byRef.body.exchanges.length).toBeGreaterThan(0);
    for (const ex of byRef.body.exchanges)
      expect(JSON.stringify([ex.requestFields, ex.responseFields])).toContain(mine.ref);

    const linked = await httpExchangeLog(sim.origin).since(since, { merchant_reference: [mine.ref], fort_id: [] });
    const text = JSON.stringify(linked);
    expect(text).not.toContain(other.ref);
    expect(
      linked.some((e) => e.requestFields.query_command === 'CHECK_STATUS' && e.requestFields.fort_id === mine.fort),
    ).toBe(true);
    expect(await httpExchangeLog(sim.origin).lastSeq()).toBe(sim.log.lastSeq);
  });
});

describe('retention by age', () => {
  it('forgets map entries and log entries older than the window', () => {
    let now = 0;
    const map = new BoundedMap<string, number>(
      () => ({ count: 100, ageMs: 1_000 }),
      () => now,
    );
    map.set('a', 1);
    now = 600;
    map.set('b', 2);
    now = 1_200;
    expect([map.has('a'), map.get('b')]).toEqual([false, 2]);
    const entries = new ExchangeLog(
      () => [],
      () => ({ count: 100, ageMs: 1_000 }),
      () => now,
    );
    entries.add({ kind: 'other', method: 'POST', url: 'http://x/', requestFields: {}, startedAt: '' });
    now = 2_500;
    entries.add({ kind: 'other', method: 'POST', url: 'http://x/', requestFields: {}, startedAt: '' });
    expect(entries.since(0).map((e) => e.seq)).toEqual([2]);
    expect([entries.oldestSeq, entries.lastSeq]).toEqual([2, 2]);
  });
});

describe('feedback under load', () => {
  it('delivers every notification with at most 8 posts in flight and no timeouts', async () => {
    let inFlight = 0;
    let most = 0;
    let received = 0;
    const merchant = http.createServer((req, res) => {
      inFlight++;
      most = Math.max(most, inFlight);
      req.resume();
      req.on('end', () =>
        setImmediate(() => {
          inFlight--;
          received++;
          res.end('OK');
        }),
      );
    });
    merchant.listen(0, '127.0.0.1');
    await once(merchant, 'listening');
    const url = `http://127.0.0.1:${(merchant.address() as AddressInfo).port}/feedback`;
    const loaded = await startSimulator({
      config: { direct_feedback_url: url },
      feedbackRetry: { tries: 2, intervalMs: 5 },
    });
    try {
      const total = 200;
      let done = 0;
      const all = new Promise<void>((resolve) =>
        loaded.events.on('feedback', (e: FeedbackEvent) => {
          if (e.done && ++done === total) resolve();
        }),
      );
      const api = `${loaded.origin}/FortAPI/paymentApi`;
      const c = loaded.config;
      await Promise.all(
        Array.from({ length: total }, () => {
          const fields = {
            command: 'PURCHASE',
            access_code: c.access_code,
            merchant_identifier: c.merchant_identifier,
            language: 'en',
            merchant_reference: uniqueRef('L'),
            amount: '10000',
            currency: 'SAR',
            customer_email: 'load@example.org',
            customer_ip: '203.0.113.8',
            eci: 'ECOMMERCE',
            card_number: '4005550000000001',
            expiry_date: '3005',
            card_security_code: '123',
          };
          return postJson(api, { ...fields, signature: docSign(fields, c.sha_request_phrase) });
        }),
      );
      await all;
      expect(most).toBeLessThanOrEqual(8);
      expect(received).toBe(total);
      expect(loaded.feedback.stats()).toMatchObject({ delivered: total, timedOut: 0, givenUp: 0, queued: 0 });
    } finally {
      await loaded.close();
      merchant.close();
    }
  });

  it('drops, and counts, notifications past the waiting limit instead of holding them all', () => {
    const sender = new FeedbackSender(new ExchangeLog(() => []), { tries: 1, intervalMs: 5 }, { maxPending: 3 });
    const events: FeedbackEvent[] = [];
    sender.on('feedback', (e: FeedbackEvent) => events.push(e));
    // Nothing listens there, and the sender is closed before any try could end: only the queue is exercised.
    const target = { url: 'http://127.0.0.1:9/', format: 'json' as const, phrase: 'p', shaType: 'sha256' as const };
    for (let i = 0; i < 12; i++) sender.send('direct', target, { merchant_reference: `M${i}` });
    const stats = sender.stats();
    sender.close();
    expect(stats.queued + stats.inFlight).toBe(11);
    expect(stats.dropped).toBe(1);
    expect(events).toEqual([expect.objectContaining({ dropped: true, done: true, merchant_reference: 'M11' })]);
  });
});
