import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoWorkspace } from '../../electron/engine/demo/workspace';
import { launchBrowser } from '../../electron/engine/browser/launch';
import { PROFILE_PREFIX, removeStaleProfiles } from '../../electron/engine/browser/lifetime';
import { resolveBrowser } from '../../electron/engine/browser/resolve';
import { startSandbox, type SandboxHandle } from '../../electron/engine/sandbox';
import { makeWorkspace, writeEvidence } from '../package/fixtures';
import { processesMatching, spawnCli, waitFor, type CliProcess } from '../helpers/spawn-cli';
import { removeTempDirs, tempDir } from '../helpers/tmp';

// A `certkit` process killed with SIGKILL (no handler runs, nothing is closed) must not leave its browser running
// nor its profile folder behind. Each test runs the real command with its own temp folder, waits until the browser
// is up (its processes, found by the profile path in their command lines), kills Certkit, and then waits for the
// browser's processes and folder to go.

let sb: SandboxHandle;
const firefox = (() => {
  try {
    return resolveBrowser({ engine: 'firefox', env: { PATH: process.env.PATH } });
  } catch {
    // No Firefox here: its case is skipped (CI installs firefox-esr).
    return undefined;
  }
})();

beforeAll(async () => {
  sb = await startSandbox({ feedbackRetry: { tries: 1, intervalMs: 10 } });
});
afterAll(async () => {
  await sb.close();
  removeTempDirs();
});

/** The profile folders of one Certkit process in `tmp`. */
function profilesOf(tmp: string, pid: number): string[] {
  return readdirSync(tmp).filter((n) => n.startsWith(`${PROFILE_PREFIX}${pid}-`));
}

/** Waits until the Certkit process has its browser running, SIGKILLs Certkit, and checks nothing of it is left. */
async function killAndCheck(cli: CliProcess, tmp: string): Promise<number> {
  const marker = path.join(tmp, `${PROFILE_PREFIX}${cli.pid}-`);
  await waitFor(() => processesMatching(marker).length > 0 || cli.child.exitCode !== null, 'the browser to start');
  const running = processesMatching(marker).length;
  expect(running, 'browser processes while Certkit runs').toBeGreaterThan(0);
  cli.child.kill('SIGKILL');
  expect((await cli.exited).signal).toBe('SIGKILL');
  await waitFor(
    () => processesMatching(marker).length === 0 && profilesOf(tmp, cli.pid).length === 0,
    'the browser processes and the profile folder to go',
    20_000,
  );
  return running;
}

describe('a SIGKILLed certkit leaves no browser behind', () => {
  it('certkit run', async () => {
    const { dir: tmp } = tempDir('ck-life-run-');
    const ws = path.join(tmp, 'ws');
    await createDemoWorkspace(ws, sb);
    const cli = spawnCli(['run', ws, '--only', 'card-3ds-success,card-non3ds-success'], { env: { TMPDIR: tmp } });
    await cli.line(/: started$/);
    expect(await killAndCheck(cli, tmp)).toBeGreaterThan(0);
  });

  // puppeteer has no pipe for Firefox (WebDriver BiDi on a loopback port): the watchdog alone must end it.
  it.skipIf(!firefox)('certkit run --browser firefox (no pipe: the watchdog kills its process group)', async () => {
    const { dir: tmp } = tempDir('ck-life-ff-');
    const ws = path.join(tmp, 'ws');
    await createDemoWorkspace(ws, sb);
    const cli = spawnCli(['run', ws, '--only', 'card-3ds-success', '--browser', 'firefox'], { env: { TMPDIR: tmp } });
    await cli.line(/: started$/);
    expect(await killAndCheck(cli, tmp)).toBeGreaterThan(0);
  });

  it('certkit demo (its own simulator and store in the same process)', async () => {
    const { dir: tmp } = tempDir('ck-life-demo-');
    const cli = spawnCli(['demo', path.join(tmp, 'demo'), '--only', 'card-3ds-success'], { env: { TMPDIR: tmp } });
    await cli.line(/: started$/);
    await killAndCheck(cli, tmp);
  });

  it('certkit package (the browser that sets Arabic captions)', async () => {
    const { dir: tmp } = tempDir('ck-life-pkg-');
    const ws = path.join(tmp, 'ws');
    mkdirSync(ws);
    await makeWorkspace(ws, { methods: ['VISA', 'NAPS'] });
    await writeEvidence(ws, {
      scenarios: ['card-non3ds-success', 'naps-success-ar', 'naps-success-en'],
      methods: ['VISA', 'NAPS'],
      repeat: 6,
      distinctImages: 3,
    });
    // --draft: sign-off is blocked on this partial evidence, and a draft is still built (with its browser).
    const cli = spawnCli(['package', ws, '--format', 'pdf', '--draft'], { env: { TMPDIR: tmp } });
    await killAndCheck(cli, tmp);
    // What the package had written is its own business (atomic writes); no browser outlived the kill.
  });
});

describe('profile folders of dead owners', () => {
  it('are removed at the next launch; a live owner keeps its folder', async () => {
    const { dir: tmp } = tempDir('ck-life-stale-');
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    const stale = path.join(tmp, `${PROFILE_PREFIX}${dead}-AbC123`);
    const live = path.join(tmp, `${PROFILE_PREFIX}${process.pid}-XyZ789`);
    const other = path.join(tmp, 'puppeteer_dev_chrome_profile-keep');
    for (const d of [stale, live, other]) mkdirSync(path.join(d, 'Default'), { recursive: true });
    expect(removeStaleProfiles(tmp)).toEqual([stale]);
    expect([existsSync(stale), existsSync(live), existsSync(other)]).toEqual([false, true, true]);
  });

  it('a browser closed normally takes its profile folder with it', async () => {
    const browser = await launchBrowser({ executablePath: resolveBrowser({ headless: true }) });
    const pid = browser.process()!.pid!;
    const arg = spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).stdout;
    const profile = /--user-data-dir=(\S+)/.exec(arg)?.[1];
    expect(profile).toContain(`${PROFILE_PREFIX}${process.pid}-`);
    expect(existsSync(profile!)).toBe(true);
    await browser.close();
    expect(existsSync(profile!)).toBe(false);
  });
});
