import { randomBytes } from 'node:crypto';
import { promises as fs, rmSync } from 'node:fs';
import path from 'node:path';
import { diskWriteError } from '../errors';
import { processAlive } from './process-alive';

// A temp file is named for the process writing it (.<name>.<pid>.<random>.tmp), so whoever comes next can tell a
// write in progress (its process lives) from one a crash or a kill left behind (its process is gone), and remove
// only the latter. A temp never carries the target's name as its own: nothing half-written looks complete.

const TEMP_NAME = /^\..+\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/** A fresh temp path next to `target`, owned by this process. */
export function tempPathFor(target: string): string {
  return path.join(
    path.dirname(target),
    `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
}

/** Temp files this process is writing now: removed should it exit in the middle (a signal, process.exit). */
const inFlight = new Set<string>();
process.on('exit', () => {
  for (const temp of inFlight) rmSync(temp, { force: true });
});

/**
 * mkdir -p that reports why it failed. A recursive mkdir answers ENOENT when the disk is read-only or refuses for
 * another reason; the first folder that cannot be made is tried on its own to get the real answer (EROFS, EACCES).
 */
export async function ensureDir(dir: string): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    let missing = path.resolve(dir);
    while (path.dirname(missing) !== missing && !(await exists(path.dirname(missing)))) missing = path.dirname(missing);
    await fs.mkdir(missing);
    throw err;
  }
}

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    () => true,
    () => false,
  );
}

/** Folders this process has already swept: one look per folder, on its first write there. */
const swept = new Set<string>();

/**
 * Removes the temp files in `dir` (and its subfolders, down to `depth`) whose writer is gone. Returns what it
 * removed. A folder that cannot be read is left alone: sweeping is housekeeping, never a reason to fail.
 */
export async function removeStaleTemps(dir: string, depth = 0): Promise<string[]> {
  const removed: string[] = [];
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (depth > 0 && e.name !== '.git' && e.name !== 'node_modules')
        removed.push(...(await removeStaleTemps(full, depth - 1)));
      continue;
    }
    const owner = TEMP_NAME.exec(e.name);
    if (!owner || processAlive(Number(owner[1]))) continue;
    await fs.rm(full, { force: true }).then(
      () => removed.push(full),
      () => undefined,
    );
  }
  return removed;
}

/**
 * Writes a file so a reader (or a crash) only ever sees the old or the new content: temp file in the same
 * folder, fsync, rename over the target, then fsync the folder so the rename itself survives a power cut. A failed
 * write removes its temp; a disk that refuses (full, read-only, no permission) is named with the fix.
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(target);
  const temp = tempPathFor(target);
  inFlight.add(temp);
  try {
    await ensureDir(dir);
    if (!swept.has(dir)) {
      swept.add(dir);
      await removeStaleTemps(dir);
    }
    const handle = await fs.open(temp, 'w', 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, target);
  } catch (err) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw diskWriteError(err, target);
  } finally {
    inFlight.delete(temp);
  }
  await syncDir(dir).catch((err: unknown) => {
    throw diskWriteError(err, target);
  });
}

export async function writeJsonAtomic(target: string, value: unknown): Promise<void> {
  await writeFileAtomic(target, `${JSON.stringify(value, null, 2)}\n`);
}

async function syncDir(dir: string): Promise<void> {
  // Directories cannot be opened for fsync on Windows; durability there rests on rename alone.
  if (process.platform === 'win32') return;
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
