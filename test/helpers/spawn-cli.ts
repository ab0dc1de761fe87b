import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The real `certkit` binary in a child process, for what only a real process shows: exit codes after signals,
// timing, processes left behind.

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../electron/bin/certkit.mjs');

export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Milliseconds from spawn to exit. */
  ms: number;
}

export interface CliProcess {
  child: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first line of stdout or stderr matching `re`; rejects if the process exits first. */
  line(re: RegExp): Promise<string>;
  /** Resolves once the process has exited. */
  exited: Promise<CliExit>;
  /** Milliseconds since spawn. */
  age(): number;
}

export interface SpawnOptions {
  cwd?: string;
  /** Added to a minimal environment (PATH, HOME); nothing of the developer's CERTKIT_* leaks in. */
  env?: Record<string, string>;
  /** What stdin is: 'ignore' (default), 'pipe' (write to child.stdin), or a file descriptor. */
  stdin?: 'ignore' | 'pipe' | number;
}

export function spawnCli(args: string[], options: SpawnOptions = {}): CliProcess {
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...options.env },
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  const scan = () => {
    for (const w of [...waiters]) {
      const hit = `${out}\n${err}`.split('\n').find((l) => w.re.test(l));
      if (hit !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(hit);
      }
    }
  };
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    scan();
  });
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    scan();
  });
  const exited = new Promise<CliExit>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, ms: Date.now() - started })),
  );
  return {
    child,
    pid: child.pid!,
    stdout: () => out,
    stderr: () => err,
    line: (re) =>
      new Promise<string>((resolve, reject) => {
        waiters.push({ re, resolve });
        scan();
        void exited.then((e) =>
          reject(new Error(`certkit ${args[0]} exited (${e.code ?? e.signal}) before printing ${re}:\n${out}\n${err}`)),
        );
      }),
    exited,
    age: () => Date.now() - started,
  };
}

/** Polls `check` every 50 ms until it holds (resolves) or `timeoutMs` passes (rejects naming `what`). */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Whether a process has installed Certkit's signal handlers: SIGHUP (bit 0 of SigCgt in /proc/PID/status) is caught
 * only once cli/interrupt.ts has run, so a signal sent after this reaches Certkit's own handler.
 */
export function handlesSignals(pid: number): boolean {
  try {
    const mask = /^SigCgt:\s*([0-9a-f]+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return !!mask && (BigInt(`0x${mask}`) & 1n) === 1n;
  } catch {
    return false;
  }
}

/** Pids of processes whose command line contains `text` (pgrep -f), this test's own pid excluded. */
export function processesMatching(text: string): number[] {
  const r = spawnSync('pgrep', ['-f', '--', text], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((p) => p !== process.pid);
}
