/**
 * A folder path from the root: `/...`, a drive (`C:\...`) or a share (`\\server\...`). A relative one would land
 * wherever the app happens to run from. Plain code (no zod), so the renderer checks a typed path with it too.
 */
export function isAbsolutePath(p: string): boolean {
  return /^(\/|[a-z]:[\\/]|\\\\[^\\])/i.test(p);
}
