/**
 * Whether a path given in a file or a request stays inside the folder it is relative to, by its text alone: not
 * absolute (`/x`, `\x`, `C:`) and no `..` segment. Symlinks need the file system; the engine checks those too
 * (electron/engine/confine-path.ts).
 */
export function isInsideRelativePath(p: string): boolean {
  return p.length > 0 && !p.split(/[\\/]/).includes('..') && !/^([a-z]:|[\\/])/i.test(p);
}
