import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../electron/engine/sandbox';
import { SERVER_LIMITS } from '../../electron/engine/sandbox/http';

// Hostile clients against both sandbox servers: bodies over the limit, JSON nested without end, and sockets that
// send their request slowly. Each is refused with a status of its own, and the servers keep answering afterwards.

let sb: SandboxHandle;

beforeAll(async () => {
  sb = await startSandbox({ timeouts: { headersTimeoutMs: 300, requestTimeoutMs: 600 } });
});
afterAll(async () => {
  await sb.close();
});

const overLimit = 'x'.repeat(SERVER_LIMITS.maxBodyBytes + 1);
const deepJson = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;

async function post(url: string, body: BodyInit, type: string, init: RequestInit = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': type }, body, ...init });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** A raw connection that sends `data` and then nothing: what comes back before the server closes it. */
function stall(origin: string, data: string): Promise<string> {
  const u = new URL(origin);
  return new Promise((resolve, reject) => {
    let got = '';
    const socket = net.connect(Number(u.port), u.hostname, () => socket.write(data));
    socket.on('data', (d) => (got += d.toString()));
    socket.on('close', () => resolve(got));
    socket.on('error', reject);
  });
}

async function healthy(): Promise<void> {
  expect((await fetch(`${sb.simulatorOrigin}/__certkit/health`)).status).toBe(200);
  expect((await fetch(sb.store)).status).toBe(200);
}

describe('sandbox servers against hostile clients', () => {
  it('refuse a body over 1 MB with 413: paymentApi in APS form (00073), pages and the store in plain text', async () => {
    const api = await post(sb.paymentApi, JSON.stringify({ command: 'PURCHASE', x: overLimit }), 'application/json');
    expect(api.status).toBe(413);
    expect(JSON.parse(api.text)).toEqual({
      response_code: '00073',
      response_message: expect.stringContaining(`over ${SERVER_LIMITS.maxBodyBytes} bytes`),
      status: '00',
    });
    const page = await post(sb.paymentPage, `a=${overLimit}`, 'application/x-www-form-urlencoded');
    expect([page.status, page.text]).toEqual([413, `request body over ${SERVER_LIMITS.maxBodyBytes} bytes`]);
    const store = await post(
      `${sb.store}return`,
      `merchant_reference=${overLimit}`,
      'application/x-www-form-urlencoded',
    );
    expect(store.status).toBe(413);
    await healthy();
  });

  it('refuse a chunked body with no length once it passes the limit', async () => {
    const chunks = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 11; i++) c.enqueue(new TextEncoder().encode('y'.repeat(100_000)));
        c.close();
      },
    });
    const res = await post(sb.paymentPage, chunks, 'application/x-www-form-urlencoded', {
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    await healthy();
  });

  it('answer JSON nested without end with a clear 400, not an internal error', async () => {
    const api = await post(sb.paymentApi, deepJson, 'application/json');
    expect(api.status).toBe(400);
    expect(JSON.parse(api.text)).toMatchObject({
      response_code: '00073',
      response_message: expect.stringContaining(`deeper than ${SERVER_LIMITS.maxJsonDepth} levels`),
    });
    const logged = sb.exchanges().at(-1)!;
    expect([logged.kind, logged.responseStatus]).toEqual(['paymentApi', 400]);
    for (const path of ['feedback/direct', 'applepay/pay', 'applepay/validate']) {
      const store = await post(`${sb.store}${path}`, deepJson, 'application/json');
      expect([store.status, store.text], path).toEqual([
        400,
        `JSON body nests deeper than ${SERVER_LIMITS.maxJsonDepth} levels`,
      ]);
    }
    // Nesting inside strings is text, not depth.
    const quoted = await post(
      sb.paymentApi,
      JSON.stringify({ command: 'NOPE', note: '{'.repeat(1000) }),
      'application/json',
    );
    expect(JSON.parse(quoted.text).response_code).toBe('00004');
    await healthy();
  });

  it('close a connection that sends its headers too slowly, or its body, with 408', async () => {
    const headers = await stall(sb.simulatorOrigin, 'POST /FortAPI/paymentApi HTTP/1.1\r\nHost: sim\r\n');
    expect(headers).toMatch(/^HTTP\/1\.1 408 /);
    const body = await stall(
      sb.simulatorOrigin,
      'POST /FortAPI/paymentApi HTTP/1.1\r\nHost: sim\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"command":',
    );
    expect(body).toMatch(/^HTTP\/1\.1 408 /);
    const store = await stall(sb.store, 'POST /return HTTP/1.1\r\nHost: store\r\nContent-Length: 100\r\n\r\na=1');
    expect(store).toMatch(/^HTTP\/1\.1 408 /);
    await healthy();
  });
});
