import { promises as fs } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRecentStore } from '../../electron/engine/api/recent-store';
import { startHost, type RunningHost } from '../../electron/engine/host/server';
import { initWorkspace } from '../../electron/engine/workspace/workspace';

let host: RunningHost;
let tmp: string;

function request(
  method: string,
  url: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: host.port,
        method,
        path: url,
        headers: {
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          'content-type': 'application/json',
          ...opts.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body));
    req.end();
  });
}

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'certkit-host-'));
  const rendererDir = path.join(tmp, 'dist');
  await fs.mkdir(rendererDir);
  await fs.writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>wizard</title>');
  await initWorkspace(path.join(tmp, 'ws'), { account: 'Host Test Store' });
  host = await startHost({ rendererDir, recent: new MemoryRecentStore(), openPath: async () => false });
});

afterAll(async () => {
  await host?.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('browser host', () => {
  it('puts a fresh random token in the address fragment only', async () => {
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/#token=[A-Za-z0-9_-]{40,}$`));
    const other = await startHost({ rendererDir: path.join(tmp, 'dist'), recent: new MemoryRecentStore() });
    try {
      expect(other.token).not.toBe(host.token);
    } finally {
      await other.close();
    }
  });

  it('answers 401 without the token and with a wrong one', async () => {
    const none = await request('POST', '/api/app.info', { body: {} });
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body).error.message).toMatch(/token/);
    const wrong = await request('POST', '/api/app.info', { token: `${host.token.slice(0, -1)}x`, body: {} });
    expect(wrong.status).toBe(401);
    const events = await request('GET', '/api/events', { token: 'nope' });
    expect(events.status).toBe(401);
  });

  it('answers a call with the token', async () => {
    const res = await request('POST', '/api/app.info', { token: host.token, body: {} });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({
      ok: true,
      value: { version: expect.any(String), transport: 'browser', secretsStore: 'memory' },
    });
  });

  it('validates input against the contract and names the field', async () => {
    const bad = await request('POST', '/api/workspace.open', { token: host.token, body: { dir: 42 } });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.message).toMatch(/workspace\.open: dir/);
    const extra = await request('POST', '/api/workspace.open', { token: host.token, body: { dir: '/x', evil: true } });
    expect(extra.status).toBe(400);
    const unknown = await request('POST', '/api/workspace.delete', { token: host.token, body: {} });
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.body).error.message).toMatch(/unknown call/);
    const notJson = await request('POST', '/api/app.info', { token: host.token, body: '{nope' });
    expect(notJson.status).toBe(400);
  });

  it('turns engine errors into message + fix', async () => {
    const res = await request('POST', '/api/workspace.open', {
      token: host.token,
      body: { dir: path.join(tmp, 'missing') },
    });
    expect(res.status).toBe(400);
    const reply = JSON.parse(res.body);
    expect(reply.ok).toBe(false);
    expect(reply.error.message).toMatch(/certkit\.json is missing/);
    expect(reply.error.hint).toMatch(/certkit init/);
    expect(reply.error.code).toBe('input');
    // The state the call acts on, not its input: 409 and the same envelope.
    const running = await request('POST', '/api/run.start', { token: host.token, body: {} });
    expect(running.status).toBe(409);
    expect(JSON.parse(running.body)).toEqual({
      ok: false,
      error: {
        message: 'no workspace is open',
        hint: 'open a workspace folder, create one, or start the demo workspace first',
        code: 'state',
      },
    });
  });

  it('refuses other Host names (DNS rebinding) and cross-origin calls', async () => {
    const rebound = await request('POST', '/api/app.info', {
      token: host.token,
      body: {},
      headers: { host: `evil.example:${host.port}` },
    });
    expect(rebound.status).toBe(421);
    const cross = await request('POST', '/api/app.info', {
      token: host.token,
      body: {},
      headers: { origin: 'http://evil.example' },
    });
    expect(cross.status).toBe(403);
  });

  it('serves the renderer with a strict CSP and no token', async () => {
    const res = await request('GET', '/');
    expect(res.status).toBe(200);
    expect(res.body).toContain('<title>wizard</title>');
    expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(res.headers['content-security-policy']).not.toMatch(/unsafe|https?:/);
    const traversal = await request('GET', '/../../etc/passwd');
    expect(traversal.body).not.toContain('root:');
  });

  it('delivers events over SSE and keeps secrets in memory only', async () => {
    const received: { event: string; data: unknown }[] = [];
    const got = new Promise<void>((resolve, reject) => {
      const req = http.get(
        { host: '127.0.0.1', port: host.port, path: '/api/events', headers: { authorization: `Bearer ${host.token}` } },
        (res) => {
          expect(res.headers['content-type']).toBe('text/event-stream');
          let buf = '';
          res.on('data', (chunk: Buffer) => {
            buf += chunk.toString('utf8');
            for (const frame of buf.split('\n\n').slice(0, -1)) {
              const event = /event: (.+)/.exec(frame)?.[1];
              const data = /data: (.+)/.exec(frame)?.[1];
              if (event && data) received.push({ event, data: JSON.parse(data) });
            }
            if (received.some((r) => r.event === 'workspace.changed')) {
              req.destroy();
              resolve();
            }
          });
          // The stream is open once the first comment arrives; then cause an event through a real call.
          res.once('data', () => {
            void request('POST', '/api/workspace.open', { token: host.token, body: { dir: path.join(tmp, 'ws') } });
          });
        },
      );
      req.on('error', (e) => (e.message.includes('aborted') ? undefined : reject(e)));
    });
    await got;
    expect(received.find((r) => r.event === 'workspace.changed')?.data).toEqual({ dir: path.join(tmp, 'ws') });

    const set = await request('POST', '/api/secrets.set', {
      token: host.token,
      body: { requestPhrase: 'TopSecretPhrase123', shaType: 'SHA-512' },
    });
    expect(set.status).toBe(200);
    expect(JSON.parse(set.body).value).toMatchObject({
      store: 'memory',
      requestPhrase: true,
      accessCode: false,
      shaType: 'sha512',
    });
    const files = await fs.readdir(path.join(tmp, 'ws'), { recursive: true });
    for (const f of files) {
      const p = path.join(tmp, 'ws', String(f));
      if ((await fs.stat(p)).isFile()) expect(await fs.readFile(p, 'utf8')).not.toContain('TopSecretPhrase123');
    }
  });
});
