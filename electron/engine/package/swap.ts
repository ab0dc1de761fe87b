import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { CertkitError } from '../errors';

// A package is a folder of files that belong together. It is built in a staging folder next to the target and
// swapped in with two renames; a kill at any point leaves the previous package or the new one in place (the one
// moment with neither is repaired by recoverPackageDir on the next build or read).

export const PACKAGE_INDEX = 'package-index.json';

const previousOf = (target: string) => path.join(path.dirname(target), `.${path.basename(target)}.previous`);
const stagingPrefix = (target: string) => `.${path.basename(target)}.staging-`;

export async function recoverPackageDir(target: string): Promise<void> {
  const prev = previousOf(target);
  if (!existsSync(target) && existsSync(prev)) await fs.rename(prev, target);
  else if (existsSync(prev)) await fs.rm(prev, { recursive: true, force: true });
  const parent = path.dirname(target);
  for (const name of await fs.readdir(parent).catch(() => [] as string[])) {
    if (name.startsWith(stagingPrefix(target))) await fs.rm(path.join(parent, name), { recursive: true, force: true });
  }
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
  await fs.mkdir(path.dirname(target), { recursive: true });
  const dir = path.join(
    path.dirname(target),
    `${stagingPrefix(target)}${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  await fs.mkdir(dir);
  return dir;
}

export async function swapIn(staging: string, target: string): Promise<void> {
  const prev = previousOf(target);
  await fs.rm(prev, { recursive: true, force: true });
  if (existsSync(target)) await fs.rename(target, prev);
  await fs.rename(staging, target);
  await fs.rm(prev, { recursive: true, force: true });
}
