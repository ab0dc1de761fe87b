import { spawn } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiTable } from '../../../shared/api/contract';
import type { EventName } from '../../../shared/api/names';
import type { ApiError, ApiErrorCode, CallReply } from '../../../shared/api/reply';
import { createApiTable } from '../api/table';
import { disposeSession, type ApiHost, type ApiSession, type Emit, type RecentStore } from '../api/context';
import { callReply, toApiError } from '../api/dispatch';
import { MemorySecretStore } from '../api/memory-secrets';
import { isMailtoLink } from '../email/mailto';
import { FileRecentStore } from '../api/recent-store';
import type { Env } from '../env';
import { both } from '../../../shared/text';
import { CertkitError, listenError } from '../errors';
import { bearer, hostAllowed, newToken, originAllowed, RENDERER_CSP, tokenMatches } from './security';
import { RendererFiles } from './static-files';
import { decodeUtf8, parseJsonText } from '../read-input';

export const DEFAULT_RENDERER_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../renderer/dist',
);
const MAX_BODY = 6 * 1024 * 1024;

export interface HostOptions {
  /**
   * The environment of whoever starts the host (the `certkit app` command): whether there is a display to open
   * folders on, and where to look for a browser for runs and packages. Without it: no display, the standard PATH.
   */
  env?: Env;
  port?: number;
  rendererDir?: string;
  /** Token to require; a fresh random one per launch when absent. */
  token?: string;
  recent?: RecentStore;
  /** Opens a folder or file for the user; defaults to the desktop's opener when a display is present. */
  openPath?: (p: string) => Promise<boolean>;
  /** Opens a mailto: link in the mail app; defaults to the desktop's opener, for mailto: links only. */
  openExternal?: (url: string) => Promise<boolean>;
  /** Where workspace.demo creates its workspace when the call names no folder. */
  demoDir?: string;
  /** Builds the table (tests pass their own host pieces through this). */
  table?: (host: ApiHost, session: ApiSession) => ApiTable;
}

export interface RunningHost {
  port: number;
  token: string;
  /** Address to open: the token rides in the fragment, which browsers never send to a server or a log. */
  url: string;
  api: ApiTable;
  emit: Emit;
  close(): Promise<void>;
}

export function hasDisplay(env: Env, platform: NodeJS.Platform = process.platform): boolean {
  if (platform === 'darwin' || platform === 'win32') return true;
  return !!(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/** Hands a path or URL to the desktop's opener; false when there is no display or no opener. */
export function desktopOpen(target: string, env: Env): Promise<boolean> {
  if (!hasDisplay(env)) return Promise.resolve(false);
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [target]]
      : process.platform === 'win32'
        ? ['explorer', [target]]
        : ['xdg-open', [target]];
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}

/** The HTTP status of each error code; the body is the same reply envelope IPC carries. */
const HTTP_STATUS: Record<ApiErrorCode, number> = {
  input: 400,
  state: 409,
  internal: 500,
  sender: 403,
  auth: 401,
  host: 421,
  origin: 403,
  method: 405,
  renderer: 503,
  transport: 502,
};

function sendReply(res: http.ServerResponse, reply: CallReply): void {
  send(res, reply.ok ? 200 : HTTP_STATUS[reply.error.code ?? 'internal'], reply);
}

function refuse(res: http.ServerResponse, error: ApiError): void {
  sendReply(res, { ok: false, error });
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function readBody(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY)
      throw new CertkitError(both(`request body over ${MAX_BODY} bytes`, `جسم الطلب يتجاوز ${MAX_BODY} بايت`), {
        hint: both(
          'send smaller input (a Recorder JSON is usually a few KB)',
          'أرسل مُدخلًا أصغر (ملف JSON من Recorder بضعة كيلوبايتات عادةً)',
        ),
      });
    chunks.push(chunk as Buffer);
  }
  if (!size) return {};
  const source = {
    what: 'the request body',
    hint: both('POST a UTF-8 JSON object as the call input', 'أرسل بـ POST كائن JSON بترميز UTF-8 مُدخلًا للاستدعاء'),
  };
  return parseJsonText(decodeUtf8(Buffer.concat(chunks), source), source);
}

/**
 * The browser host: the built renderer and the contract over loopback HTTP. Every /api request needs the
 * per-launch token as a Bearer header; events stream as server-sent events on GET /api/events.
 */
export async function startHost(options: HostOptions = {}): Promise<RunningHost> {
  const token = options.token ?? newToken();
  const files = new RendererFiles(options.rendererDir ?? DEFAULT_RENDERER_DIR);
  const streams = new Set<http.ServerResponse>();
  let eventId = 0;
  const emit: Emit = (event: EventName, payload) => {
    const frame = `id: ${++eventId}\nevent: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const res of streams) res.write(frame);
  };
  const env = options.env ?? {};
  const apiHost: ApiHost = {
    transport: 'browser',
    secrets: new MemorySecretStore(),
    recent: options.recent ?? new FileRecentStore(path.join(os.homedir(), '.config', 'certkit', 'recent.json')),
    emit,
    openPath: options.openPath ?? ((p) => desktopOpen(p, env)),
    openExternal:
      options.openExternal ?? ((url) => (isMailtoLink(url) ? desktopOpen(url, env) : Promise.resolve(false))),
    browserEnv: env,
    demoDir: options.demoDir ?? path.join(os.homedir(), 'certkit-demo'),
  };
  const session: ApiSession = {};
  const api = options.table ? options.table(apiHost, session) : createApiTable(apiHost, session);
  let port = 0;

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    if (!hostAllowed(req.headers.host, port))
      return refuse(res, {
        message: 'this host only answers on loopback names',
        code: 'host',
        ar: { message: 'هذا المضيف لا يجيب إلا على أسماء loopback' },
      });
    const url = req.url ?? '/';
    if (url.startsWith('/api/')) {
      if (!tokenMatches(token, bearer(req.headers.authorization))) {
        return refuse(res, {
          message: 'missing or wrong token',
          hint: 'open the address `certkit app` printed (it carries the token)',
          code: 'auth',
          ar: {
            message: 'الرمز مفقود أو خاطئ',
            hint: 'افتح العنوان الذي طبعه `certkit app` (فهو يحمل الرمز)',
          },
        });
      }
      // Checked for the event stream too: a page elsewhere must not read the run's log even with a leaked token.
      if (!originAllowed(req.headers.origin, port))
        return refuse(res, {
          message: 'cross-origin call refused',
          code: 'origin',
          ar: { message: 'رُفض طلب من أصل (Origin) آخر' },
        });
      if (url === '/api/events' && req.method === 'GET') {
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-store',
          connection: 'keep-alive',
        });
        res.write(': connected\n\n');
        streams.add(res);
        const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
        req.on('close', () => {
          clearInterval(ping);
          streams.delete(res);
        });
        return;
      }
      if (req.method !== 'POST')
        return refuse(res, {
          message: 'API calls are POST',
          code: 'method',
          ar: { message: 'استدعاءات API تُرسل بـ POST' },
        });
      let input: unknown;
      try {
        input = await readBody(req);
      } catch (err) {
        return refuse(res, toApiError(err));
      }
      return sendReply(res, await callReply(api, url.slice('/api/'.length).split('?')[0], input));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return refuse(res, {
        message: 'only GET for files',
        code: 'method',
        ar: { message: 'الملفات تُطلب بـ GET فقط' },
      });
    const file = await files.get(url, req.headers['accept-encoding']);
    if (file === 'not-built') {
      // No folder names here: the page is the only reader and has no use for this machine's layout.
      return refuse(res, {
        message: 'the wizard is not built',
        hint: 'run `npm run build:renderer` first, then reload',
        code: 'renderer',
        ar: {
          message: 'المعالج غير مبنيّ',
          hint: 'شغّل `npm run build:renderer` أولًا، ثم أعد التحميل',
        },
      });
    }
    if (file === 'not-found') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : 'not found');
      return;
    }
    res.writeHead(200, {
      'content-type': file.type,
      'content-security-policy': RENDERER_CSP,
      'x-frame-options': 'DENY',
      'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'content-length': file.body.length,
      vary: 'accept-encoding',
      ...(file.encoding ? { 'content-encoding': file.encoding } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  };
  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // Calls answer their own errors; this is for the rest (a renderer file that cannot be read mid-request). Its
      // message may hold this machine's paths, so the page gets a plain one.
      if (!res.headersSent)
        refuse(res, {
          message: 'the host could not answer this request',
          code: 'internal',
          ar: { message: 'تعذّر على المضيف إجابة هذا الطلب' },
        });
      else res.destroy(err instanceof Error ? err : new Error(String(err)));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(listenError(err, `port ${options.port}`, '--port')));
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as { port: number }).port;
  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/#token=${token}`,
    api,
    emit,
    close: async () => {
      for (const res of streams) res.end();
      streams.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await disposeSession(session);
    },
  };
}
