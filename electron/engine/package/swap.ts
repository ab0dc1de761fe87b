import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { CertkitError, diskWriteError } from '../errors';
import { ensureDir } from '../util/atomic-write';
import { processAlive } from '../util/process-alive';

// A package is a folder of files that belong together. It is built in a staging folder next to the target and
// swapped in with two renames; a kill at any point leaves the previous package or the new one in place (the one
// moment with neither is repaired by recoverPackageDir on the next build or read). A staging folder is named for the
// process building it, and belongs to it: only the folders of processes that are gone are removed, and while a
// live process builds, its swap is its own to finish.

export const PACKAGE_INDEX = 'package-index.json';

const previousOf = (target: string) => path.join(path.dirname(target), `.${path.basename(target)}.previous`);
const stagingPrefix = (target: string) => `.${path.basename(target)}.staging-`;

/** The staging folders next to `target`, with the pid of the process each belongs to. */
async function stagingFolders(target: string): Promise<{ dir: string; owner: number }[]> {
  const parent = path.dirname(target);
  const prefix = stagingPrefix(target);
  const names = await fs.readdir(parent).catch(() => [] as string[]);
  return names
    .filter((n) => n.startsWith(prefix))
    .map((n) => ({ dir: path.join(parent, n), owner: Number(/^(\d+)-/.exec(n.slice(prefix.length))?.[1] ?? 0) }));
}

export async function recoverPackageDir(target: string): Promise<void> {
  let building = false;
  for (const s of await stagingFolders(target)) {
    if (processAlive(s.owner)) building = true;
    else await fs.rm(s.dir, { recursive: true, force: true });
  }
  // A live build may be between its two renames: the previous package is its to put back or remove.
  if (building) return;
  const prev = previousOf(target);
  if (!existsSync(target) && existsSync(prev)) await fs.rename(prev, target);
  else if (existsSync(prev)) await fs.rm(prev, { recursive: true, force: true });
}

/** Refuses to replace a folder that is not a Certkit package (a mistyped --out must not move someone's files away). */
export async function assertReplaceable(target: string): Promise<void> {
  const entries = await fs.readdir(target).catch(() => undefined);
  if (!entries || entries.length === 0 || entries.includes(PACKAGE_INDEX)) return;
  throw new CertkitError(`${target} already holds files that are not a Certkit package`, {
    hint: 'give --out a new or empty folder; Certkit replaces the whole folder when it writes a package',
  });
}

export async function createStaging(target: string): Promise<string> {
  const dir = path.join(
    path.dirname(target),
    `${stagingPrefix(target)}${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  try {
    await ensureDir(path.dirname(target));
    await fs.mkdir(dir);
  } catch (err) {
    throw diskWriteError(err, dir);
  }
  return dir;
}

export async function swapIn(staging: string, target: string): Promise<void> {
  const prev = previousOf(target);
  try {
    await fs.rm(prev, { recursive: true, force: true });
    if (existsSync(target)) await fs.rename(target, prev);
    await fs.rename(staging, target);
  } catch (err) {
    throw diskWriteError(err, target);
  }
  await fs.rm(prev, { recursive: true, force: true });
}
