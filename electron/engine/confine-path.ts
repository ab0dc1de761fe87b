import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isInsideRelativePath } from '../../shared/relative-path';
import { both } from '../../shared/text';
import { CertkitError, errnoCode, inBoth, type Said } from './errors';
import { printable } from '../../shared/printable';

/** What the path is, for the refusal ("flow file of card-success"), and the fix. */
export interface ConfinedPath {
  what: Said;
  hint: Said;
  /** How the refusal names `root` (default: its path); the app's calls never show a path of this machine. */
  within?: Said;
}

/**
 * A path given relative to `root` (a flow file in certkit.json, an image the app asks for) as the real file it
 * names, refused unless it stays inside `root`: no absolute path, no `..`, and no symlink, anywhere along the way,
 * that leads out. The returned path is the resolved one, so the caller reads the file that was checked. A path
 * that does not exist yet is returned unresolved (reading it then fails with ENOENT, naming it).
 */
export async function resolveInside(root: string, rel: string, about: ConfinedPath): Promise<string> {
  const shown = printable(rel);
  const within = inBoth(about.within ?? root);
  const what = inBoth(about.what);
  if (!isInsideRelativePath(rel)) {
    const why = rel.split(/[\\/]/).includes('..')
      ? both('climbs out of it with ..', 'يخرج منه بـ ..')
      : both('is an absolute path', 'مسار مطلق');
    throw new CertkitError(
      both(
        `${what.en} "${shown}" must be inside ${within.en}, and ${why.en}`,
        `يجب أن يكون ${what.ar} "${shown}" داخل ${within.ar}، وهو ${why.ar}`,
      ),
      { hint: about.hint },
    );
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
    throw new CertkitError(
      both(
        `${what.en} "${shown}" is a symlink (or under one) that leads outside ${within.en}`,
        `${what.ar} "${shown}" رابط رمزي (أو تحت رابط رمزي) يقود إلى خارج ${within.ar}`,
      ),
      { hint: about.hint },
    );
  }
  return real;
}
