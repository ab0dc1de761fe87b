import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveBrowser } from '../../electron/engine/browser/resolve';
import { runCli } from '../helpers/cli';
import { removeTempDirs, tempDir } from '../helpers/tmp';

// The same demo flows replayed in Firefox over WebDriver BiDi. Skipped, saying why, only where no Firefox is
// installed (.ci/run installs firefox-esr, so CI runs it).
function findFirefox(): string | undefined {
  try {
    return resolveBrowser({ engine: 'firefox', env: { PATH: process.env.PATH } });
  } catch {
    return undefined;
  }
}
const firefox = findFirefox();
const SUBSET = ['card-3ds-success', 'applepay-success', 'knet-success'];

afterAll(() => removeTempDirs());

describe.skipIf(!firefox)(
  `certkit demo --browser firefox (${firefox ?? 'skipped: no Firefox installed; apt-get install firefox-esr'})`,
  () => {
    it('replays 3-D Secure, Apple Pay and KNET in Firefox, and the evidence says which browser ran them', async () => {
      const { dir } = tempDir('ck-firefox-');
      const ws = path.join(dir, 'demo');
      const r = await runCli(['demo', ws, '--browser', 'firefox', '--only', SUBSET.join(',')]);
      expect(r.stderr).toContain(`scenario(s) in ${firefox}`);
      for (const id of SUBSET) expect(r.stdout).toMatch(new RegExp(`${id}\\s+passed\\s+CK-`));
      const runId = /^run (\S+)$/m.exec(r.stdout)![1];
      const evidence = JSON.parse(
        readFileSync(path.join(ws, 'runs', runId, 'card-3ds-success', 'scenario.json'), 'utf8'),
      );
      expect(evidence.browser).toMatchObject({ engine: 'firefox', version: expect.stringMatching(/firefox/i) });
      // Screenshots through BiDi: every slot filled, JPEGs with the URL header above the page.
      expect(evidence.screenshots.length).toBeGreaterThanOrEqual(3);
      const shot = readFileSync(path.join(ws, 'runs', runId, 'card-3ds-success', evidence.screenshots[0].file));
      expect(shot.subarray(0, 2).toString('hex')).toBe('ffd8');
      // The request bodies BiDi does not hand over with the request were fetched: APS's form post has its fields.
      const post = evidence.exchanges.find((x: { kind: string }) => x.kind === 'paymentPage');
      expect(post.requestFields.merchant_reference).toMatch(/^CK-/);
      // The Apple Pay stand-in reported the payment request (over the console in Firefox).
      expect(r.stdout).toMatch(/PASS\s+applepay-networks/);
      expect(r.stdout).toMatch(/CONFIRM\?\s+other-browsers\s/);
      expect(r.stdout).toMatch(/Firefox [\d.]+: 3 of \d+ scenarios passed/);
    });

    it('drives a Firefox someone else started (--connect with the address Firefox printed), and leaves it running', async () => {
      const profile = mkdtempSync(path.join(os.tmpdir(), 'ck-remote-ff-'));
      const remote = spawn(firefox!, ['--headless', '--remote-debugging-port=0', '--profile', profile], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      try {
        const endpoint = await new Promise<string>((resolve, reject) => {
          let err = '';
          remote.stderr!.on('data', (d: Buffer) => {
            err += d.toString();
            const m = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(err);
            if (m) resolve(m[1]);
          });
          remote.once('exit', (code) => reject(new Error(`firefox exited (${code}) before listening: ${err}`)));
        });
        const { dir } = tempDir('ck-firefox-remote-');
        const r = await runCli([
          'demo',
          path.join(dir, 'demo'),
          '--browser',
          'firefox',
          '--connect',
          endpoint,
          '--only',
          'knet-success',
        ]);
        expect(r.stdout, r.stderr).toMatch(/knet-success\s+passed\s+CK-/);
        expect(r.stderr).toContain(`in ${endpoint}`);
        expect(remote.exitCode).toBeNull();
      } finally {
        remote.kill('SIGKILL');
        rmSync(profile, { recursive: true, force: true });
      }
    });
  },
);
