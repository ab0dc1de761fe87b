import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type LaunchOptions } from 'puppeteer-core';

// A browser Certkit starts lives no longer than the Certkit process that started it, however that process ends.
//
// - The browser is driven over a pipe (--remote-debugging-pipe): when Certkit dies, even by SIGKILL, the pipe closes
//   and Chromium quits by itself. Tried on Debian's Chromium and headless shell, each launched directly and through
//   its /usr/bin launcher script: with a debugging port, a SIGKILLed parent left 1 to 10 processes running; with the
//   pipe, none.
// - A watchdog (a shell reading a pipe from Certkit) wakes when that pipe closes and kills the browser's process
//   group, for a browser that does not read its pipe (hung, or behind a launcher that keeps it from it), then
//   removes the profile folder, which no browser removes on its own.
// - Each profile folder is named for the process that owns it (certkit-browser-<pid>-XXXXXX in the temp folder);
//   the next launch removes those whose owner is gone, should a watchdog not have run (a reboot, a killed session).

export const PROFILE_PREFIX = 'certkit-browser-';

/** Whether a process with this pid exists (a pid we may not signal still exists). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the profile folders in `dir` whose owning process is gone; folders of live processes stay, whoever owns
 * them. Returns what it removed.
 */
export function removeStaleProfiles(dir = os.tmpdir(), alive: (pid: number) => boolean = processAlive): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    // No temp folder to look in: nothing stale either.
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const owner = new RegExp(`^${PROFILE_PREFIX}(\\d+)-`).exec(name);
    if (!owner || alive(Number(owner[1]))) continue;
    const full = path.join(dir, name);
    try {
      rmSync(full, { recursive: true, force: true });
      removed.push(full);
    } catch {
      // Another process may be removing it at the same moment, or it is not ours to remove: left as it is.
    }
  }
  return removed;
}

/** Profile folders of browsers this process still has open: removed when the process exits. */
const openProfiles = new Set<string>();
let exitHookInstalled = false;
let staleChecked = false;

function removeOpenProfilesOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // puppeteer kills the browsers on exit; their folders are removed here (the watchdog finishes what a browser
  // still writing may have added).
  process.on('exit', () => {
    for (const dir of openProfiles) rmSync(dir, { recursive: true, force: true });
  });
}

const WATCHDOG = [
  // Blocks until Certkit writes a line or its end of the pipe closes (Certkit has exited, however).
  'read line',
  '[ "$line" = done ] && exit 0',
  // The browser leads its own process group (puppeteer starts it detached): the group is the whole browser.
  'kill -KILL -"$1" 2>/dev/null || kill -KILL "$1" 2>/dev/null',
  // A process killed in the middle of writing a file still finishes that write: the folder goes once all are gone.
  'n=0; while kill -0 -"$1" 2>/dev/null && [ $n -lt 50 ]; do sleep 0.1; n=$((n+1)); done',
  'rm -rf -- "$2"',
].join('\n');

/** A detached shell that outlives Certkit just long enough to kill the browser and remove its profile. */
function startWatchdog(browserPid: number, profile: string): ChildProcess | undefined {
  if (process.platform === 'win32') return undefined;
  try {
    const dog = spawn('/bin/sh', ['-c', WATCHDOG, 'certkit-browser-watchdog', String(browserPid), profile], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    dog.on('error', () => undefined);
    dog.stdin?.on('error', () => undefined);
    dog.unref();
    (dog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    return dog;
  } catch {
    // No shell: the pipe alone still ends the browser with Certkit; only the folder waits for the next start.
    return undefined;
  }
}

/**
 * puppeteer.launch, tied to this process: over a pipe, with its own profile folder (named for this process), watched
 * by a watchdog, and with that folder removed when the browser exits. Every browser Certkit starts goes through here.
 */
export async function launchTiedBrowser(options: LaunchOptions & { executablePath: string }): Promise<Browser> {
  if (!staleChecked) {
    staleChecked = true;
    removeStaleProfiles();
  }
  removeOpenProfilesOnExit();
  const profile = mkdtempSync(path.join(os.tmpdir(), `${PROFILE_PREFIX}${process.pid}-`));
  openProfiles.add(profile);
  let browser: Browser;
  try {
    browser = await puppeteer.launch({ ...options, pipe: true, userDataDir: profile });
  } catch (err) {
    openProfiles.delete(profile);
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  const child = browser.process();
  const dog = child?.pid ? startWatchdog(child.pid, profile) : undefined;
  const release = () => {
    if (dog && dog.exitCode === null) {
      dog.stdin?.end('done\n');
      dog.kill('SIGKILL');
    }
    openProfiles.delete(profile);
    rmSync(profile, { recursive: true, force: true });
  };
  if (!child || child.exitCode !== null) release();
  else child.once('exit', release);
  return browser;
}
