import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveBrowser } from '../../electron/engine/browser/resolve';
import { runCli } from '../helpers/cli';
import { removeTempDirs, tempDir } from '../helpers/tmp';

// --connect drives a browser someone else started: here a Chromium with --remote-debugging-port=0, whose DevTools
// address is read from its stderr, as a CI job's browser service would be.
let chromium: ChildProcess;
let endpoint: string;
let profile: string;

beforeAll(async () => {
  profile = mkdtempSync(path.join(os.tmpdir(), 'ck-remote-'));
  chromium = spawn(
    resolveBrowser({ headless: true }),
    ['--headless', '--no-sandbox', '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  endpoint = await new Promise<string>((resolve, reject) => {
    let err = '';
    chromium.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]);
    });
    chromium.once('exit', (code) => reject(new Error(`chromium exited (${code}) before listening: ${err}`)));
  });
});

afterAll(() => {
  chromium.kill('SIGKILL');
  rmSync(profile, { recursive: true, force: true });
  removeTempDirs();
});

describe('certkit demo --connect', () => {
  it('runs scenarios side by side in contexts of the remote browser, then leaves it running with only its own', async () => {
    const { dir } = tempDir('ck-connect-');
    const r = await runCli([
      'demo',
      path.join(dir, 'demo'),
      '--connect',
      endpoint,
      '--concurrency',
      '2',
      '--only',
      'card-non3ds-success,card-declined',
    ]);
    expect(r.stdout).toMatch(/card-non3ds-success\s+passed/);
    expect(r.stdout).toMatch(/card-declined\s+passed/);
    expect(r.stderr).toContain(`in ${endpoint}`);
    // The browser is still there, and Certkit closed every context it opened.
    expect(chromium.exitCode).toBeNull();
    const again = await puppeteer.connect({ browserWSEndpoint: endpoint });
    try {
      expect(again.browserContexts()).toHaveLength(1);
      expect((await again.pages()).map((p) => p.url())).toEqual(['about:blank']);
    } finally {
      await again.disconnect();
    }
  });

  it('takes http://HOST:PORT and looks the WebSocket address up', async () => {
    const { dir } = tempDir('ck-connect-http-');
    const http = `http://${new URL(endpoint).host}`;
    const r = await runCli(['demo', path.join(dir, 'demo'), '--connect', http, '--only', 'card-non3ds-success']);
    expect(r.stdout).toMatch(/card-non3ds-success\s+passed/);
    expect(chromium.exitCode).toBeNull();
  });

  it('an endpoint with nothing behind it is bad input: exit 2, the URL without its token, and the fix', async () => {
    const { dir } = tempDir('ck-connect-bad-');
    const r = await runCli(['demo', path.join(dir, 'demo'), '--connect', 'ws://127.0.0.1:9/devtools?token=s3cret']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Could not connect to the browser at ws://127.0.0.1:9/devtools?…');
    expect(r.stderr).toMatch(/--remote-debugging-port/);
    expect(r.stderr + r.stdout).not.toContain('s3cret');
  });

  it('a value that is no browser address is refused before anything starts', async () => {
    const { dir } = tempDir('ck-connect-form-');
    const d = await runCli(['demo', path.join(dir, 'demo'), '--connect', 'localhost:9222']);
    expect(d.code).toBe(2);
    expect(d.stderr).toContain('--connect localhost:9222 is not a ws://, wss:// or http:// address');
    expect(d.stderr).not.toContain('demo store');
    expect(existsSync(path.join(dir, 'demo'))).toBe(false);
  });
});
