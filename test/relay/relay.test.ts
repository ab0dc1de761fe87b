// The recording relay on its own: what it forwards (byte for byte, streamed), what it records (and masks), and how it
// fails (target down, target too slow, relay killed), first in front of the APS simulator, then against small
// stand-ins where a failure has to be provoked.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrafficRecord } from '../../shared/schema/traffic';
import { computeSignature, type ApsParams } from '../../electron/engine/aps/signature';
import { readTrafficLog, startRelay, TrafficLogWriter, type Relay } from '../../electron/engine/relay';
import { startSimulator, type Simulator } from '../../electron/engine/sandbox';
import { tempDir } from '../helpers/tmp';

const tmp = tempDir('certkit-relay-');
let sim: Simulator;
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  sim = await startSimulator({ feedbackRetry: { tries: 1, intervalMs: 5 } });
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await sim?.close();
  tmp.cleanup();
});

let logNo = 0;
async function relay(options: Omit<Parameters<typeof startRelay>[0], 'logs'>): Promise<{ r: Relay; file: string }> {
  const file = path.join(tmp.dir, `relay-${++logNo}.ndjson`);
  const log = await TrafficLogWriter.open(file);
  const r = await startRelay({ ...options, logs: [log] });
  closers.push(async () => {
    await r.close();
    await log.close();
  });
  return { r, file };
}

function nextRecord(r: Relay): Promise<TrafficRecord> {
  return once(r.events, 'record').then(([rec]) => rec as TrafficRecord);
}

async function server(handler: http.RequestListener): Promise<string> {
  const s = http.createServer(handler);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise((resolve) => {
        s.closeAllConnections();
        s.close(resolve);
      }),
  );
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

const c = () => sim.config;
function signed(fields: Record<string, string>): Record<string, string> {
  return { ...fields, signature: computeSignature(fields as ApsParams, c().sha_request_phrase, c().sha_type) };
}

describe('in front of the APS simulator', () => {
  it('answers what APS answers and records the call, customer_ip and caller included, secrets and card masked', async () => {
    const { r, file } = await relay({
      upstream: sim.origin,
      secrets: [c().access_code, c().sha_request_phrase, c().sha_response_phrase],
    });
    // A PCI merchant's trusted-channel purchase: the card itself goes server to server, so the relay sees it.
    const request = signed({
      command: 'PURCHASE',
      access_code: c().access_code,
      merchant_identifier: c().merchant_identifier,
      merchant_reference: `RL-${Date.now()}`,
      amount: '12500',
      currency: 'SAR',
      language: 'en',
      customer_email: 'noura@example.org',
      customer_ip: '198.51.100.23',
      card_number: '4005550000000001',
      expiry_date: '3005',
      card_security_code: '123',
      eci: 'ECOMMERCE',
      order_description: `note ${c().sha_request_phrase}`,
    });
    const recorded = nextRecord(r);
    const res = await fetch(r.paymentApi!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'GuzzleHttp/7' },
      body: JSON.stringify(request),
    });
    const answer = (await res.json()) as Record<string, string>;
    expect(res.status).toBe(200);
    expect(answer.response_code).toBe('14000');
    const logged = sim.log.since(0).at(-1)!;
    expect(logged.requestFields.merchant_reference).toBe(request.merchant_reference);
    expect(logged.requestFields.signature).toBe(request.signature);

    const rec = await recorded;
    expect(rec).toMatchObject({
      kind: 'paymentApi',
      method: 'POST',
      path: '/FortAPI/paymentApi',
      target: `${sim.origin}/FortAPI/paymentApi`,
      responseStatus: 200,
      caller: { address: '127.0.0.1', userAgent: 'GuzzleHttp/7' },
      localAddress: '127.0.0.1',
    });
    expect(rec.durationMs).toBeGreaterThan(0);
    expect(rec.requestFields).toMatchObject({
      customer_ip: '198.51.100.23',
      access_code: '[secret removed]',
      card_number: '400555******0001',
      signature: request.signature,
      order_description: 'note [secret removed]',
    });
    expect(rec.requestFields).not.toHaveProperty('card_security_code');
    expect(rec.responseFields).toMatchObject({ response_code: '14000', fort_id: answer.fort_id });
    const text = await fs.readFile(file, 'utf8');
    for (const secret of [c().access_code, c().sha_request_phrase, '4005550000000001', '"123"'])
      expect(text).not.toContain(secret);
  });

  it('refuses to stand in front of APS production', async () => {
    await expect(startRelay({ upstream: 'https://paymentservices.payfort.com', logs: [] })).rejects.toThrow(
      /APS production/,
    );
  });
});

describe('forwarding', () => {
  it('passes method, path, query, headers and a 3 MB body through unchanged, streamed both ways', async () => {
    const seen: { method?: string; url?: string; type?: string; extra?: string; size: number; host?: string } = {
      size: 0,
    };
    const upstream = await server((req, res) => {
      Object.assign(seen, {
        method: req.method,
        url: req.url,
        type: req.headers['content-type'],
        extra: req.headers['x-merchant-trace'],
        host: req.headers.host,
      });
      res.writeHead(201, { 'content-type': 'application/octet-stream', 'x-answer': 'yes' });
      req.pipe(res);
      req.on('data', (c: Buffer) => (seen.size += c.length));
    });
    const { r } = await relay({ upstream: `${upstream}/prefix` });
    const body = Buffer.alloc(3 * 1024 * 1024, 'k');
    const recorded = nextRecord(r);
    const res = await fetch(`${r.origin}/FortAPI/paymentApi?x=1`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', 'x-merchant-trace': 'abc' },
      body,
    });
    const back = Buffer.from(await res.arrayBuffer());
    expect(res.status).toBe(201);
    expect(res.headers.get('x-answer')).toBe('yes');
    expect(back.equals(body)).toBe(true);
    expect(seen).toMatchObject({
      method: 'PUT',
      url: '/prefix/FortAPI/paymentApi?x=1',
      type: 'application/octet-stream',
      extra: 'abc',
      host: new URL(upstream).host,
      size: body.length,
    });
    const rec = await recorded;
    expect(rec).toMatchObject({ requestBytes: body.length, responseBytes: body.length, requestFields: {} });
  });

  it('answers 502 with a clear body when APS cannot be reached, and records it', async () => {
    const closed = await server((_req, res) => res.end());
    // A port that was just freed: nothing listens there.
    const url = new URL(closed);
    await closers.pop()!();
    const { r } = await relay({ upstream: url.origin });
    const recorded = nextRecord(r);
    const res = await fetch(r.paymentApi!, { method: 'POST', body: '{"query_command":"CHECK_STATUS"}' });
    expect(res.status).toBe(502);
    const body = (await res.json()) as { certkit_relay_error: string; target: string };
    expect(body.certkit_relay_error).toMatch(new RegExp(`${url.origin} could not be reached: .*ECONNREFUSED`));
    expect(body.target).toBe(`${url.origin}/FortAPI/paymentApi`);
    const rec = await recorded;
    expect(rec.responseStatus).toBe(502);
    expect(rec.error).toContain('could not be reached');
    expect(rec.requestFields).toEqual({ query_command: 'CHECK_STATUS' });
  });

  it('answers 504 when APS does not answer within the timeout, and records it', async () => {
    const held: http.ServerResponse[] = [];
    const upstream = await server((_req, res) => held.push(res));
    const { r } = await relay({ upstream, timeoutMs: 300 });
    const recorded = nextRecord(r);
    const res = await fetch(r.paymentApi!, { method: 'POST', body: '{}' });
    expect(res.status).toBe(504);
    expect(((await res.json()) as { certkit_relay_error: string }).certkit_relay_error).toBe(
      `no answer from ${upstream} within 300 ms`,
    );
    const rec = await recorded;
    expect(rec).toMatchObject({ timedOut: true, responseStatus: 504 });
    expect(rec.durationMs).toBeGreaterThanOrEqual(290);
    for (const h of held) h.destroy();
  });
});

describe('feedback relay', () => {
  it("forwards APS's post to the merchant, returns its answer, posts a repeat and knows APS's own repeat", async () => {
    const got: { body: string; type?: string }[] = [];
    const merchant = await server((req, res) => {
      let b = '';
      req.on('data', (c) => (b += c));
      req.on('end', () => {
        got.push({ body: b, type: req.headers['content-type'] });
        res.writeHead(200, { 'content-type': 'text/plain' }).end(got.length === 1 ? 'OK' : 'OK again');
      });
    });
    const { r } = await relay({ feedbackTo: { direct: `${merchant}/aps/feedback`, notification: `${merchant}/n` } });
    const post = JSON.stringify({
      merchant_reference: 'FB-1',
      fort_id: '1700000000000001',
      status: '14',
      signature: 'ab12',
    });
    const first = nextRecord(r);
    const res = await fetch(r.feedback!.direct, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: post,
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('OK');
    const a = await first;
    expect(a).toMatchObject({
      kind: 'feedback',
      feedbackKind: 'direct',
      sentBy: 'aps',
      target: `${merchant}/aps/feedback`,
      responseStatus: 200,
      responseText: 'OK',
      requestFields: { merchant_reference: 'FB-1', fort_id: '1700000000000001' },
    });
    const repeat = await nextRecord(r);
    expect(repeat).toMatchObject({ sentBy: 'relay', repeatOf: a.id, responseStatus: 200, responseText: 'OK again' });
    expect(got.map((g) => g.body)).toEqual([post, post]);
    expect(got[1].type).toBe('application/json');

    // APS sends the same notification again (it did not see the answer): recognised as a repeat, not re-repeated.
    const again = nextRecord(r);
    await fetch(r.feedback!.direct, { method: 'POST', headers: { 'content-type': 'application/json' }, body: post });
    expect(await again).toMatchObject({ sentBy: 'aps', repeatOf: a.id });
    expect(got).toHaveLength(3);
  });

  it('answers APS 404 on the API path when it forwards only feedback, and the other way round', async () => {
    const { r: feedbackOnly } = await relay({
      feedbackTo: { direct: 'http://127.0.0.1:9/', notification: 'http://127.0.0.1:9/' },
    });
    const api = await fetch(`${feedbackOnly.origin}/FortAPI/paymentApi`, { method: 'POST', body: '{}' });
    expect(api.status).toBe(404);
    expect(await api.text()).toContain('forwards only feedback');
    const { r: apiOnly } = await relay({ upstream: sim.origin });
    const fb = await fetch(`${apiOnly.origin}/feedback/direct`, { method: 'POST', body: '{}' });
    expect(fb.status).toBe(404);
    expect(await fb.text()).toContain('--feedback-to');
  });
});

describe('the log', () => {
  it('a killed relay leaves every finished line readable', async () => {
    const file = path.join(tmp.dir, 'killed.ndjson');
    const child = spawn(
      process.execPath,
      ['electron/bin/certkit.mjs', 'relay', '--upstream', sim.origin, '--log', file, '--listen', '127.0.0.1:0'],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CERTKIT_ACCESS_CODE: c().access_code } },
    );
    closers.push(async () => child.kill('SIGKILL'));
    const lines = readline.createInterface({ input: child.stdout! });
    const [first] = (await once(lines, 'line')) as [string];
    const { paymentApi } = JSON.parse(first) as { paymentApi: string };
    const logged = readline.createInterface({ input: child.stderr! });
    let records = 0;
    const allLogged = new Promise<void>((resolve) =>
      logged.on('line', (l) => {
        if (/^relay: SDK_TOKEN /.test(l) && ++records === 3) resolve();
      }),
    );
    for (let i = 0; i < 3; i++) {
      const res = await fetch(paymentApi, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          signed({
            service_command: 'SDK_TOKEN',
            access_code: c().access_code,
            merchant_identifier: c().merchant_identifier,
            language: 'en',
            device_id: `device-${i}`,
          }),
        ),
      });
      expect(res.status).toBe(200);
    }
    await allLogged;
    child.kill('SIGKILL');
    await once(child, 'exit');
    const log = await readTrafficLog(file);
    expect(log.problems).toEqual([]);
    expect(log.start?.upstream).toBe(sim.origin);
    expect(log.records.map((r) => r.requestFields.device_id)).toEqual(['device-0', 'device-1', 'device-2']);
    expect(log.records.every((r) => r.responseFields?.sdk_token)).toBe(true);
    expect(await fs.readFile(file, 'utf8')).not.toContain(c().access_code);
  });

  it('reads past a line cut short and a foreign line, and says where', async () => {
    const file = path.join(tmp.dir, 'cut.ndjson');
    const { r, file: good } = await relay({ upstream: sim.origin });
    const recorded = nextRecord(r);
    await fetch(r.paymentApi!, { method: 'POST', body: '{"query_command":"CHECK_STATUS"}' });
    await recorded;
    const lines = (await fs.readFile(good, 'utf8')).trimEnd().split('\n');
    await fs.writeFile(file, `${lines[0]}\n{"hello":1}\n${lines[1]}\n${lines[1].slice(0, 40)}`);
    const log = await readTrafficLog(file);
    expect(log.records).toHaveLength(1);
    expect(log.problems).toEqual([
      { line: 2, message: expect.stringMatching(/^not a relay record: type /) },
      { line: 4, message: 'the last line was cut short (the relay stopped while writing it)' },
    ]);
  });
});
