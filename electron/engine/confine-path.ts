import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isInsideRelativePath } from '../../shared/relative-path';
import { CertkitError, errnoCode } from './errors';
import { printable } from '../../shared/printable';

/** What the path is, for the refusal ("flow file of card-success"), and the fix. */
export interface ConfinedPath {
  what: string;
  hint: string;
  /** How the refusal names `root` (default: its path); the app's calls never show a path of this machine. */
  within?: string;
}

/**
 * A path given relative to `root` (a flow file in certkit.json, an image the app asks for) as the real file it
 * names, refused unless it stays inside `root`: no absolute path, no `..`, and no symlink, anywhere along the way,
 * that leads out. The returned path is the resolved one, so the caller reads the file that was checked. A path
 * that does not exist yet is returned unresolved (reading it then fails with ENOENT, naming it).
 */
export async function resolveInside(root: string, rel: string, about: ConfinedPath): Promise<string> {
  const shown = printable(rel);
  const within = about.within ?? root;
  if (!isInsideRelativePath(rel)) {
    const why = rel.split(/[\\/]/).includes('..') ? 'climbs out of it with ..' : 'is an absolute path';
    throw new CertkitError(`${about.what} "${shown}" must be inside ${within}, and ${why}`, { hint: about.hint });
  }
  const lexical = path.resolve(root, rel);
  let real: string;
  try {
    real = await fs.realpath(lexical);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return lexical;
    throw err;
  }
  const realRoot = await fs.realpath(root).catch(() => path.resolve(root));
  if (!real.startsWith(realRoot + path.sep)) {
    // Where the link leads is not shown: it may be somewhere private.
    throw new CertkitError(`${about.what} "${shown}" is a symlink (or under one) that leads outside ${within}`, {
      hint: about.hint,
    });
  }
  return real;
}
