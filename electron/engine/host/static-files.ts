import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

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
/** Types worth compressing; images and fonts are compressed already. */
const TEXT = new Set(['.html', '.js', '.css', '.svg', '.json']);

export type ContentEncoding = 'br' | 'gzip';

export interface RendererFile {
  body: Buffer;
  type: string;
  immutable: boolean;
  /** How body is compressed, when it is. */
  encoding?: ContentEncoding;
}

/** Why there is no file: the path names nothing we serve, or the renderer has not been built at all. */
export type RendererMiss = 'not-found' | 'not-built';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** The encoding to answer with for an Accept-Encoding header: brotli first, then gzip, else none. */
export function pickEncoding(accept: string | undefined): ContentEncoding | undefined {
  const offered = new Map<string, number>();
  for (const part of (accept ?? '').toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    if (name) offered.set(name, q === undefined ? 1 : Number(q));
  }
  const allowed = (name: string) => (offered.get(name) ?? offered.get('*') ?? 0) > 0;
  if (allowed('br')) return 'br';
  if (allowed('gzip')) return 'gzip';
  return undefined;
}

function inside(root: string, abs: string): boolean {
  return abs === root || abs.startsWith(root + path.sep);
}

/**
 * The built renderer as the browser host serves it. Paths are confined to the folder after symlinks are resolved
 * (a link inside dist/ to somewhere else is not followed out), unknown paths without a file extension get
 * index.html (a one-page app), and text files are compressed once per file version and kept.
 */
export class RendererFiles {
  readonly #root: string;
  #realRoot?: string;
  readonly #compressed = new Map<string, Promise<Buffer>>();

  constructor(root: string) {
    this.#root = path.resolve(root);
  }

  async #resolveRoot(): Promise<string | undefined> {
    this.#realRoot ??= await fs.realpath(this.#root).catch(() => undefined);
    return this.#realRoot;
  }

  /** The file a request path names, its real path checked to lie inside the renderer folder. */
  async #locate(root: string, urlPath: string): Promise<string | RendererMiss> {
    let rel: string;
    try {
      rel = decodeURIComponent(urlPath.split(/[?#]/)[0]);
    } catch {
      return 'not-found';
    }
    if (rel.includes('\0') || rel.includes('\\')) return 'not-found';
    const abs = path.resolve(root, `.${rel.startsWith('/') ? rel : `/${rel}`}`);
    if (!inside(root, abs)) return 'not-found';
    const real = await fs.realpath(abs).catch(() => undefined);
    if (real) {
      if (!inside(root, real)) return 'not-found';
      const stat = await fs.stat(real).catch(() => undefined);
      if (stat?.isFile()) return real;
      if (!stat?.isDirectory()) return 'not-found';
    } else if (path.extname(abs)) {
      // A missing script or image is a 404; only addresses without an extension are the app's own pages.
      return 'not-found';
    }
    const index = path.join(root, 'index.html');
    const stat = await fs.stat(index).catch(() => undefined);
    return stat?.isFile() ? index : 'not-built';
  }

  async get(urlPath: string, acceptEncoding?: string): Promise<RendererFile | RendererMiss> {
    const root = await this.#resolveRoot();
    if (!root) return 'not-built';
    const file = await this.#locate(root, urlPath);
    if (file === 'not-found' || file === 'not-built') return file;
    const stat = await fs.stat(file).catch(() => undefined);
    const body = stat && (await fs.readFile(file).catch(() => undefined));
    if (!stat || !body) return 'not-found';
    const ext = path.extname(file);
    const result: RendererFile = {
      body,
      type: TYPES[ext] ?? 'application/octet-stream',
      immutable: inside(path.join(root, 'assets'), file),
    };
    const encoding = TEXT.has(ext) && body.length > 1024 ? pickEncoding(acceptEncoding) : undefined;
    if (!encoding) return result;
    const key = `${encoding}:${file}:${stat.mtimeMs}:${stat.size}`;
    let packed = this.#compressed.get(key);
    if (!packed) {
      packed =
        encoding === 'br'
          ? brotli(body, {
              params: {
                [zlib.constants.BROTLI_PARAM_QUALITY]: 9,
                [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
              },
            })
          : gzip(body, { level: 9 });
      this.#compressed.set(key, packed);
      // A failed compression is not kept: the next request tries again.
      packed.catch(() => this.#compressed.delete(key));
    }
    return { ...result, body: await packed, encoding };
  }
}
