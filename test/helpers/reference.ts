import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '../..');

/** A clone made from a local checkout (`git clone . /tmp/x`) finds shared/ beside the checkout it came from. */
function besideOrigin(): string | undefined {
  try {
    const origin = execFileSync('git', ['config', '--get', 'remote.origin.url'], {
      cwd: repoRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const url = origin.trim().replace(/^file:\/\//, '');
    // Only a local path; a network remote has no shared/ folder to look beside.
    if (!url || /^[a-z][\w+.-]*:\/\//i.test(url) || /^[^/]+@[^/]+:/.test(url)) return undefined;
    return path.resolve(repoRoot, url, '../shared/reference');
  } catch {
    return undefined;
  }
}

// The official reference texts live beside the repository (../shared/reference), not inside it.
const candidates = [
  process.env.CERTKIT_REFERENCE_DIR,
  path.resolve(repoRoot, '../shared/reference'),
  besideOrigin(),
].filter((p): p is string => !!p);

export function referenceText(name: string): string {
  for (const dir of candidates) {
    const file = path.join(dir, name);
    if (existsSync(file)) return readFileSync(file, 'utf8');
  }
  throw new Error(
    `Reference file ${name} not found in ${candidates.join(', ')}; set CERTKIT_REFERENCE_DIR to the folder holding it`,
  );
}
