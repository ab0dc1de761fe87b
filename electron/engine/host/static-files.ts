import { promises as fs } from 'node:fs';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** A file of the built renderer for a URL path, or undefined. Unknown paths get index.html (one-page app). */
export async function rendererFile(
  root: string,
  urlPath: string,
): Promise<{ body: Buffer; type: string; immutable: boolean } | undefined> {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath.split('?')[0]);
  } catch {
    return undefined;
  }
  const abs = path.resolve(root, `.${rel}`);
  if (abs !== root && !abs.startsWith(root + path.sep)) return undefined;
  const read = async (file: string) => fs.readFile(file).catch(() => undefined);
  const stat = await fs.stat(abs).catch(() => undefined);
  const file = stat?.isFile() ? abs : path.join(root, 'index.html');
  const body = await read(file);
  if (!body) return undefined;
  return {
    body,
    type: TYPES[path.extname(file)] ?? 'application/octet-stream',
    immutable: file.includes(`${path.sep}assets${path.sep}`),
  };
}
