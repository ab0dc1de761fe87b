import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type LaunchOptions } from 'puppeteer-core';
import { processAlive } from '../util/process-alive';

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

// Started before the browser, so Certkit dying during the launch is covered too. It reads lines from Certkit:
// "pid N" once the browser runs, "done" when Certkit has closed it. End of input means Certkit is gone: the browser's
// process group is killed, and once nothing runs with the profile the folder is removed (a process killed in the
// middle of writing a file still finishes that write). The profile comes in the environment, not the command line,
// so looking for processes that name it never finds the watchdog itself.
const WATCHDOG = `
pid=
while read -r line; do
  case "$line" in
    done) exit 0 ;;
    pid\\ *) pid=\${line#pid } ;;
  esac
done
if [ -n "$pid" ]; then kill -KILL -"$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null; fi
n=0
while [ $n -lt 50 ]; do
  if [ -n "$pid" ] && kill -0 -"$pid" 2>/dev/null; then :
  elif pgrep -f -- "$CERTKIT_PROFILE" >/dev/null 2>&1; then :
  else break; fi
  sleep 0.1; n=$((n + 1))
done
rm -rf -- "$CERTKIT_PROFILE"
`;

interface Watchdog {
  /** Tells it the browser's pid (the leader of the browser's process group). */
  watch(pid: number): void;
  /** Certkit has closed the browser itself: the watchdog ends without doing anything. */
  stop(): void;
}

/** A detached shell that outlives Certkit just long enough to kill the browser and remove its profile. */
function startWatchdog(profile: string): Watchdog | undefined {
  if (process.platform === 'win32') return undefined;
  let dog: ChildProcess;
  try {
    dog = spawn('/bin/sh', ['-c', WATCHDOG, 'certkit-browser-watchdog'], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
      // The system's own tools only (kill, rm, sleep): the watchdog needs nothing from the user's environment.
      env: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin', CERTKIT_PROFILE: profile },
    });
  } catch {
    // No shell: the pipe alone still ends the browser with Certkit; only the folder waits for the next start.
    return undefined;
  }
  dog.on('error', () => undefined);
  dog.stdin?.on('error', () => undefined);
  dog.unref();
  (dog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return {
    watch: (pid) => void dog.stdin?.write(`pid ${pid}\n`),
    stop: () => {
      if (dog.exitCode !== null || dog.signalCode !== null) return;
      dog.stdin?.end('done\n');
      dog.kill('SIGKILL');
    },
  };
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
  const dog = startWatchdog(profile);
  const release = () => {
    dog?.stop();
    openProfiles.delete(profile);
    rmSync(profile, { recursive: true, force: true });
  };
  let browser: Browser;
  try {
    // Firefox has no pipe in puppeteer (it listens on a loopback port); for it the watchdog is the whole guarantee.
    browser = await puppeteer.launch({ ...options, pipe: options.browser !== 'firefox', userDataDir: profile });
  } catch (err) {
    release();
    throw err;
  }
  const child = browser.process();
  if (child?.pid) dog?.watch(child.pid);
  if (!child || child.exitCode !== null) release();
  else child.once('exit', release);
  return browser;
}
