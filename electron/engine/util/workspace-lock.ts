import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { promises as fs, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { both } from '../../../shared/text';
import { CertkitError, diskWriteError, errnoCode } from '../errors';
import { removeStaleTemps, tempPathFor } from './atomic-write';
import { processAlive } from './process-alive';

// One writer at a time per workspace: run, package, email, a confirmation and a workspace save each hold the lock
// while they write, whether they come from the CLI or the app. The lock is a file in the workspace naming its holder
// (pid, host, command, since). Another process waits a little for it, then gives up with the holder's name and the
// fix. A holder that died (same host, pid gone) does not block anyone: the next writer takes the lock over and
// removes the temp files the dead one left. Inside one process, calls queue on the same lock, and a writer that
// holds it may call others that take it too (a confirmation saves the workspace) without waiting on itself.

export const LOCK_FILE = '.certkit.lock';
/** How long a second writer waits for the lock before it gives up. */
export const LOCK_WAIT_MS = 5_000;
const POLL_MS = 100;
/** A lock file that cannot be read as a holder (written by hand, cut short) counts as stale after this long. */
const UNREADABLE_STALE_MS = 10_000;
/** How deep the takeover's sweep looks for temp files: runs/<run>/<scenario>/file is three folders down. */
const SWEEP_DEPTH = 4;

export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  since: string;
  /** Tells this holding apart from an earlier one of the same process. */
  token: string;
}

interface Held {
  holder?: LockHolder;
  released: Promise<void>;
  release: () => void;
}

/** Workspaces this process holds (or is taking) the lock of. */
const held = new Map<string, Held>();
/** The workspaces the current call chain holds: a nested writer of the same workspace goes straight in. */
const holding = new AsyncLocalStorage<ReadonlySet<string>>();

export interface WorkspaceLock {
  /** Runs `fn` as the holder (writers it calls take the lock without waiting), then releases the lock. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  release(): Promise<void>;
}

export interface LockOptions {
  waitMs?: number;
}

/** Takes the lock of `workspaceDir` for `command`, waiting up to waitMs; throws a CertkitError naming the holder. */
export async function acquireWorkspaceLock(
  workspaceDir: string,
  command: string,
  options: LockOptions = {},
): Promise<WorkspaceLock> {
  const dir = path.resolve(workspaceDir);
  const outer = holding.getStore();
  if (outer?.has(dir)) return { run: (fn) => fn(), release: async () => undefined };
  const deadline = Date.now() + (options.waitMs ?? LOCK_WAIT_MS);
  for (;;) {
    const other = held.get(dir);
    let blocker: LockHolder | undefined;
    if (other) {
      blocker = other.holder;
      if (Date.now() >= deadline) throw busyError(dir, blocker);
      await Promise.race([other.released, delay(deadline - Date.now())]);
      continue;
    }
    const mine = newHeld();
    held.set(dir, mine);
    let taken: LockHolder | null | undefined;
    try {
      const attempt = await tryTake(dir, command);
      if ('holder' in attempt) taken = attempt.holder;
      else blocker = attempt.blocker;
    } catch (err) {
      held.delete(dir);
      mine.release();
      throw err;
    }
    if (taken === null) return unlocked(dir, mine);
    if (taken) return lockOf(dir, taken, mine, outer);
    held.delete(dir);
    mine.release();
    if (Date.now() >= deadline) throw busyError(dir, blocker);
    await delay(Math.min(POLL_MS, deadline - Date.now()));
  }
}

/** Runs `fn` holding the lock of `workspaceDir` for `command`. */
export async function withWorkspaceLock<T>(
  workspaceDir: string,
  command: string,
  fn: () => Promise<T>,
  options?: LockOptions,
): Promise<T> {
  return (await acquireWorkspaceLock(workspaceDir, command, options)).run(fn);
}

/** The current holder of a workspace's lock, if the lock file names one. */
export async function readLockHolder(workspaceDir: string): Promise<LockHolder | undefined> {
  const h = await readHolder(path.join(path.resolve(workspaceDir), LOCK_FILE));
  return typeof h === 'object' ? h : undefined;
}

function newHeld(): Held {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  return { released, release };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

function lockOf(dir: string, holder: LockHolder, mine: Held, outer: ReadonlySet<string> | undefined): WorkspaceLock {
  mine.holder = holder;
  let done = false;
  const release = async () => {
    if (done) return;
    done = true;
    try {
      const now = await readHolder(path.join(dir, LOCK_FILE));
      if (typeof now === 'object' && now.token === holder.token)
        await fs.rm(path.join(dir, LOCK_FILE), { force: true });
    } finally {
      held.delete(dir);
      mine.release();
    }
  };
  const inside = new Set([...(outer ?? []), dir]);
  return {
    run: async (fn) => {
      try {
        return await holding.run(inside, fn);
      } finally {
        await release();
      }
    },
    release,
  };
}

/** No folder yet, so nothing to guard (the command fails on its own, or creates the workspace as `init` does). */
function unlocked(dir: string, mine: Held): WorkspaceLock {
  const release = async () => {
    if (held.get(dir) === mine) held.delete(dir);
    mine.release();
  };
  return {
    run: async (fn) => {
      try {
        return await fn();
      } finally {
        await release();
      }
    },
    release,
  };
}

type Attempt = { holder: LockHolder | null } | { blocker: LockHolder | undefined };

/** One try: the lock file is created whole (a hard link of a complete temp file) or found naming someone else. */
async function tryTake(dir: string, command: string): Promise<Attempt> {
  const file = path.join(dir, LOCK_FILE);
  const holder: LockHolder = {
    pid: process.pid,
    host: os.hostname(),
    command,
    since: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
  };
  const text = `${JSON.stringify(holder)}\n`;
  const temp = tempPathFor(file);
  try {
    await fs.writeFile(temp, text, { flag: 'wx' });
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return { holder: null };
    throw diskWriteError(err, file);
  }
  let linked = false;
  try {
    await fs.link(temp, file);
    linked = true;
  } catch (err) {
    const code = errnoCode(err);
    // File systems without hard links (FAT, some network shares): an exclusive create, written at once.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS' || code === 'EOPNOTSUPP') {
      linked = await fs.writeFile(file, text, { flag: 'wx' }).then(
        () => true,
        (e: unknown) => {
          if (errnoCode(e) !== 'EEXIST') throw diskWriteError(e, file);
          return false;
        },
      );
    } else if (code !== 'EEXIST') throw diskWriteError(err, file);
  } finally {
    await fs.rm(temp, { force: true });
  }
  if (linked) return { holder };
  const current = await readHolder(file);
  if (current === 'gone') return { blocker: undefined };
  if (current === 'unreadable') {
    if (ageMs(file) > UNREADABLE_STALE_MS) await breakStale(file, 'unreadable');
    return { blocker: undefined };
  }
  if (isStale(current) && (await breakStale(file, current))) {
    // The writer before us died holding the lock, perhaps mid-write: its temp files go before anyone writes again.
    await removeStaleTemps(dir, SWEEP_DEPTH);
    return tryTake(dir, command);
  }
  return { blocker: current };
}

async function readHolder(file: string): Promise<LockHolder | 'gone' | 'unreadable'> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    return errnoCode(err) === 'ENOENT' ? 'gone' : 'unreadable';
  }
  try {
    const h = JSON.parse(text) as LockHolder;
    return typeof h.pid === 'number' && typeof h.host === 'string' && typeof h.token === 'string' ? h : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** A holder on this machine whose process is gone; a lock of another machine is never judged from here. */
function isStale(h: LockHolder): boolean {
  if (h.host !== os.hostname()) return false;
  // Our own pid on a lock we do not hold: a process before us had this pid (a container restarts at low pids).
  if (h.pid === process.pid) return true;
  return !processAlive(h.pid);
}

/**
 * Removes a stale lock. Breakers go one at a time (an exclusive .break file), and each removes the lock only if it
 * still names the holder judged stale: two writers that both saw the dead holder cannot remove each other's fresh
 * lock.
 */
async function breakStale(file: string, seen: LockHolder | 'unreadable'): Promise<boolean> {
  const guard = `${file}.break`;
  try {
    await fs.writeFile(guard, `${process.pid}\n`, { flag: 'wx' });
  } catch (err) {
    if (errnoCode(err) !== 'EEXIST') return false;
    const breaker = Number((await fs.readFile(guard, 'utf8').catch(() => '')).trim());
    if (!processAlive(breaker) || breaker === process.pid) await fs.rm(guard, { force: true });
    return false;
  }
  try {
    const now = await readHolder(file);
    const same = seen === 'unreadable' ? now === 'unreadable' : typeof now === 'object' && now.token === seen.token;
    if (same) await fs.rm(file, { force: true });
    return same;
  } finally {
    await fs.rm(guard, { force: true });
  }
}

function busyError(dir: string, h: LockHolder | undefined): CertkitError {
  const file = path.join(dir, LOCK_FILE);
  if (!h)
    return new CertkitError(
      both(
        `the workspace ${dir} is busy: another Certkit command is writing to it`,
        `مساحة العمل ${dir} مشغولة: أمر آخر من Certkit يكتب فيها`,
      ),
      {
        hint: both(
          `wait for it to finish and run the command again; if no Certkit command runs, delete ${file}`,
          `انتظر حتى ينتهي ثم أعد تنفيذ الأمر؛ وإن لم يكن أي أمر من Certkit يعمل فاحذف ${file}`,
        ),
      },
    );
  const who =
    h.pid === process.pid
      ? both(`this Certkit's ${h.command}`, `الأمر ${h.command} في Certkit هذا`)
      : both(
          `certkit ${h.command} (pid ${h.pid} on ${h.host}, since ${h.since})`,
          `certkit ${h.command} (العملية ${h.pid} على ${h.host}، منذ ${h.since})`,
        );
  const elsewhere = h.host !== os.hostname();
  return new CertkitError(
    both(`the workspace ${dir} is busy: ${who.en} is writing to it`, `مساحة العمل ${dir} مشغولة: ${who.ar} يكتب فيها`),
    {
      hint: elsewhere
        ? both(
            `wait for it to finish and run the command again; if Certkit no longer runs on ${h.host}, delete ${file}`,
            `انتظر حتى ينتهي ثم أعد تنفيذ الأمر؛ وإن لم يعد Certkit يعمل على ${h.host} فاحذف ${file}`,
          )
        : both(
            'wait for it to finish (or stop it) and run the command again',
            'انتظر حتى ينتهي (أو أوقفه) ثم أعد تنفيذ الأمر',
          ),
    },
  );
}

// A command ended by a signal or process.exit still gives its locks back; a SIGKILL leaves the file, which the next
// writer takes over because the pid is gone.
process.on('exit', () => {
  for (const [dir, h] of held) {
    if (!h.holder) continue;
    const file = path.join(dir, LOCK_FILE);
    try {
      const now = JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
      if (now.token === h.holder.token) rmSync(file, { force: true });
    } catch {
      // Already gone, or never ours.
    }
  }
});
