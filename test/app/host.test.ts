import { promises as fs } from 'node:fs';
import http from 'node:http';
import zlib from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRecentStore } from '../../electron/engine/api/recent-store';
import { startHost, type RunningHost } from '../../electron/engine/host/server';
import { initWorkspace } from '../../electron/engine/workspace/workspace';
import { readsArabic } from '../../shared/text';

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
  await fs.mkdir(path.join(rendererDir, 'assets'));
  await fs.writeFile(
    path.join(rendererDir, 'assets', 'app.js'),
    `console.log(${JSON.stringify('wizard '.repeat(2000))});`,
  );
  // Links inside the renderer folder that point out of it: never followed.
  await fs.writeFile(path.join(tmp, 'outside.txt'), 'secret outside the renderer');
  await fs.symlink(path.join(tmp, 'outside.txt'), path.join(rendererDir, 'assets', 'leak.js'));
  await fs.symlink(tmp, path.join(rendererDir, 'up'));
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
    expect(JSON.parse(bad.body).error.ar.message).toMatch(/^workspace\.open: dir /);
    expect(readsArabic(JSON.parse(bad.body).error.ar.message)).toBe(true);
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
        // The same envelope carries the Arabic the app shows in its Arabic view.
        ar: {
          message: 'لا توجد مساحة عمل مفتوحة',
          hint: 'افتح مجلد مساحة عمل، أو أنشئ واحدة، أو ابدأ مساحة العمل التجريبية أولًا',
        },
      },
    });
  });

  it('looks flows up as own entries only and keeps evidence images inside their scenario folder', async () => {
    await request('POST', '/api/workspace.open', { token: host.token, body: { dir: path.join(tmp, 'ws') } });
    for (const name of ['constructor', '__proto__', 'toString']) {
      const res = await request('POST', '/api/flows.get', { token: host.token, body: { name } });
      expect(res.status, name).toBe(400);
      expect(JSON.parse(res.body).error.message).toBe(`no flow named "${name}" in this workspace`);
    }
    const run = path.join(tmp, 'ws', 'runs', 'r1', 'card-declined');
    await fs.mkdir(run, { recursive: true });
    await fs.writeFile(path.join(tmp, 'ws', 'card-declined.jpg'), 'not in a run');
    await fs.symlink(path.join(tmp, 'outside.txt'), path.join(run, 'shot.jpg'));
    const dotdot = await request('POST', '/api/evidence.image', {
      token: host.token,
      body: { runId: '..', scenarioId: 'card-declined', file: 'card-declined.jpg' },
    });
    expect(dotdot.status).toBe(400);
    expect(JSON.parse(dotdot.body).error.message).toMatch(/runId must be a run id/);
    const linked = await request('POST', '/api/evidence.image', {
      token: host.token,
      body: { runId: 'r1', scenarioId: 'card-declined', file: 'shot.jpg' },
    });
    expect(linked.status).toBe(400);
    expect(JSON.parse(linked.body).error.message).toMatch(/symlink .*leads outside its scenario folder$/);
    const missing = await request('POST', '/api/evidence.image', {
      token: host.token,
      body: { runId: 'r1', scenarioId: 'card-declined', file: 'nope.jpg' },
    });
    expect(JSON.parse(missing.body).error.message).toMatch(
      /nope\.jpg of card-declined in run r1 is not in the workspace/,
    );
    for (const res of [dotdot, linked, missing]) expect(res.body).not.toContain(tmp);
  });

  it('refuses other Host names (DNS rebinding) and cross-origin calls', async () => {
    const rebound = await request('POST', '/api/app.info', {
      token: host.token,
      body: {},
      headers: { host: `evil.example:${host.port}` },
    });
    expect(rebound.status).toBe(421);
    expect(readsArabic(JSON.parse(rebound.body).error.ar.message)).toBe(true);
    const cross = await request('POST', '/api/app.info', {
      token: host.token,
      body: {},
      headers: { origin: 'http://evil.example' },
    });
    expect(cross.status).toBe(403);
    expect(readsArabic(JSON.parse(cross.body).error.ar.message)).toBe(true);
    const get = await request('GET', '/api/app.info', { token: host.token });
    expect(JSON.parse(get.body).error).toMatchObject({ message: 'API calls are POST', code: 'method' });
    expect(readsArabic(JSON.parse(get.body).error.ar.message)).toBe(true);
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

  it('answers 404 for paths outside the renderer, links out of it and missing files, naming no folder', async () => {
    for (const bad of [
      '/../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/assets/leak.js',
      '/up/outside.txt',
      '/assets/missing.js',
      '/%E0%A4%A',
    ]) {
      const res = await request('GET', bad);
      expect(res.status, bad).toBe(404);
      expect(res.body, bad).not.toContain(tmp);
      expect(res.body, bad).not.toContain('secret outside');
    }
    // Addresses without an extension are the app's own pages.
    expect((await request('GET', '/flows')).body).toContain('<title>wizard</title>');
  });

  it('says the wizard is not built without naming its folder', async () => {
    const empty = path.join(tmp, 'empty-dist');
    await fs.mkdir(empty);
    const other = await startHost({ rendererDir: empty, recent: new MemoryRecentStore() });
    try {
      const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port: other.port, path: '/' }, (r) => {
            let body = '';
            r.on('data', (c: Buffer) => (body += c.toString()));
            r.on('end', () => resolve({ status: r.statusCode!, body }));
          })
          .on('error', reject);
      });
      expect(res.status).toBe(503);
      expect(JSON.parse(res.body).error).toMatchObject({ message: 'the wizard is not built', code: 'renderer' });
      expect(readsArabic(JSON.parse(res.body).error.ar.message)).toBe(true);
      expect(readsArabic(JSON.parse(res.body).error.ar.hint)).toBe(true);
      expect(res.body).not.toContain(tmp);
    } finally {
      await other.close();
    }
  });

  it('compresses scripts with brotli or gzip as the browser accepts', async () => {
    const plain = await request('GET', '/assets/app.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    const br = await new Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      http
        .get(
          { host: '127.0.0.1', port: host.port, path: '/assets/app.js', headers: { 'accept-encoding': 'gzip, br' } },
          (r) => {
            const chunks: Buffer[] = [];
            r.on('data', (c: Buffer) => chunks.push(c));
            r.on('end', () => resolve({ headers: r.headers, body: Buffer.concat(chunks) }));
          },
        )
        .on('error', reject);
    });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/);
    expect(br.body.length).toBeLessThan(plain.body.length / 10);
    expect(zlib.brotliDecompressSync(br.body).toString()).toBe(plain.body);
    const gz = await new Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      http
        .get(
          {
            host: '127.0.0.1',
            port: host.port,
            path: '/assets/app.js',
            headers: { 'accept-encoding': 'gzip, br;q=0' },
          },
          (r) => {
            const chunks: Buffer[] = [];
            r.on('data', (c: Buffer) => chunks.push(c));
            r.on('end', () => resolve({ headers: r.headers, body: Buffer.concat(chunks) }));
          },
        )
        .on('error', reject);
    });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.body).toString()).toBe(plain.body);
  });

  it('matches the Origin exactly, scheme included, on calls and on the event stream', async () => {
    const own = await request('POST', '/api/app.info', {
      token: host.token,
      body: {},
      headers: { origin: `http://127.0.0.1:${host.port}` },
    });
    expect(own.status).toBe(200);
    for (const origin of [
      `https://127.0.0.1:${host.port}`,
      `ftp://localhost:${host.port}`,
      `http://127.0.0.1:${host.port}.evil.example`,
      `http://127.0.0.1:${host.port + 1}`,
      'null',
    ]) {
      const res = await request('POST', '/api/app.info', { token: host.token, body: {}, headers: { origin } });
      expect(res.status, origin).toBe(403);
    }
    const events = await request('GET', '/api/events', {
      token: host.token,
      headers: { origin: 'http://evil.example' },
    });
    expect(events.status).toBe(403);
    expect(JSON.parse(events.body).error.code).toBe('origin');
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
