import type http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import tls from 'node:tls';
import { CertkitError, describeError } from '../errors';

export type Fields = Record<string, string>;

/**
 * What the sandbox's servers accept. APS's own requests are a few kB; a body over the limit, or a client that sends
 * its headers or body too slowly, is refused before it can hold memory or a socket.
 */
export const SERVER_LIMITS = {
  maxBodyBytes: 1_000_000,
  /** JSON nesting: APS's deepest documented value (installment plans) is four levels. */
  maxJsonDepth: 16,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
};

export type ServerTimeouts = Pick<typeof SERVER_LIMITS, 'headersTimeoutMs' | 'requestTimeoutMs'>;

/**
 * Options for http(s).createServer: Node answers 408 and closes a connection whose headers, or whole request, take
 * longer than the limits; it looks every second (its default is every 30 s, which would let a slow body hold on).
 */
export function serverOptions(timeouts: Partial<ServerTimeouts> = {}): http.ServerOptions {
  const headersTimeout = timeouts.headersTimeoutMs ?? SERVER_LIMITS.headersTimeoutMs;
  const requestTimeout = Math.max(headersTimeout, timeouts.requestTimeoutMs ?? SERVER_LIMITS.requestTimeoutMs);
  return {
    headersTimeout,
    requestTimeout,
    connectionsCheckingInterval: Math.min(1_000, Math.max(50, Math.floor(headersTimeout / 4))),
  };
}

/** A request the server refuses with an HTTP status of its own (413, 400); guard() answers it with `message`. */
export class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpRefusal';
  }
}

function tooLarge(): HttpRefusal {
  return new HttpRefusal(413, `request body over ${SERVER_LIMITS.maxBodyBytes} bytes`);
}

/** The request body as text; a body over the limit is refused (413) without reading the rest of it. */
export function readBody(req: http.IncomingMessage): Promise<string> {
  if (Number(req.headers['content-length']) > SERVER_LIMITS.maxBodyBytes) return Promise.reject(tooLarge());
  return new Promise<string>((resolve, reject) => {
    // Events rather than async iteration: leaving a for-await early destroys the socket, and the client would get
    // a reset instead of the 413.
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (fn: () => void) => {
      if (!settled) {
        settled = true;
        fn();
      }
    };
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > SERVER_LIMITS.maxBodyBytes) {
        chunks.length = 0;
        settle(() => reject(tooLarge()));
      } else chunks.push(chunk);
    });
    req.on('end', () => settle(() => resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', (err) => settle(() => reject(err)));
    req.on('close', () => settle(() => reject(new HttpRefusal(400, 'the request ended before its body did'))));
  });
}

/**
 * JSON.parse with a nesting limit, checked by a scan before parsing: the parser copes with any depth, but every
 * reader after it (signing, redaction, logging) walks values recursively. Too deep is refused with 400.
 */
export function parseJsonBody(text: string): unknown {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > SERVER_LIMITS.maxJsonDepth)
        throw new HttpRefusal(400, `JSON body nests deeper than ${SERVER_LIMITS.maxJsonDepth} levels`);
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return JSON.parse(text);
}

/** Form fields in posted order; a repeated name keeps its last value, as PHP and most frameworks do. */
export function parseForm(body: string): Fields {
  const out: Fields = {};
  for (const [k, v] of new URLSearchParams(body)) out[k] = v;
  return out;
}

export function sendHtml(res: http.ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

export function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(value));
}

export function sendText(
  res: http.ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(text);
}

/**
 * Answers a refused request and ends its connection: the rest of an over-long body is drained (so the client reads
 * the answer instead of a reset), and the request timeout bounds how long that may take.
 */
export function refuseRequest(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  status: number,
  body: string | object,
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const json = typeof body === 'object';
  res.writeHead(status, {
    'content-type': json ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8',
    connection: 'close',
  });
  res.end(json ? JSON.stringify(body) : body);
  req.resume();
}

/** 303 so that a POST answer turns into a GET of the target (the browser never re-posts on reload). */
export function seeOther(res: http.ServerResponse, location: string): void {
  res.writeHead(303, { location, 'cache-control': 'no-store' });
  res.end();
}

/** The peer address without the IPv4-mapped prefix: what a merchant should pass as customer_ip. */
export function clientAddress(req: http.IncomingMessage): string {
  const raw = req.socket.remoteAddress ?? '';
  return raw.startsWith('::ffff:') ? raw.slice(7) : raw;
}

/** Servers started with listen(), by "host:port", so the sandbox can add TLS to one it did not create. */
const listening = new Map<string, http.Server>();
const addressKey = (host: string, port: number | string) => `${host.replace(/^\[|\]$/g, '')}:${port}`;

export async function listen(server: http.Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  listening.set(addressKey(host, bound), server);
  return bound;
}

export async function closeServer(server: http.Server): Promise<void> {
  for (const [key, s] of listening) if (s === server) listening.delete(key);
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** The server listen() started at an origin's host and port. */
export function serverAt(origin: string): http.Server | undefined {
  const u = new URL(origin);
  return listening.get(addressKey(u.hostname, u.port));
}

/**
 * Makes a plain http server answer TLS on the same port too: a connection whose first byte opens a TLS handshake
 * (0x16) is decrypted with `credentials` and handed to the server like any other. The demo store builds its own
 * http server; this lets `--https` serve it over https without the store knowing.
 */
export function acceptTls(server: http.Server, credentials: { key: string; cert: string }): void {
  const plain = server.listeners('connection') as ((socket: Socket) => void)[];
  const secure = tls.createServer({ ...credentials }, (socket) => plain.forEach((l) => l.call(server, socket)));
  secure.on('tlsClientError', (_err, socket) => socket.destroy());
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      if (first[0] === 0x16) secure.emit('connection', socket);
      else plain.forEach((l) => l.call(server, socket));
      process.nextTick(() => socket.resume());
    });
  });
}

/** Wraps a handler so a thrown error becomes a 500 page instead of a hung socket. */
export function guard(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>,
  onError: (err: unknown) => void = () => {},
): http.RequestListener {
  return (req, res) => {
    handler(req, res).catch((err) => {
      if (err instanceof HttpRefusal) return refuseRequest(req, res, err.status, err.message);
      onError(err);
      // Bad input (e.g. an unknown fault name in a posted form) is the client's to fix: 400 with the fix.
      if (!res.headersSent)
        sendText(
          res,
          err instanceof CertkitError ? 400 : 500,
          err instanceof CertkitError ? describeError(err) : `internal error: ${describeError(err)}`,
        );
      else res.end();
    });
  };
}
