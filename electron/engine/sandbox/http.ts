import type http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import tls from 'node:tls';
import { CertkitError, describeError } from '../errors';

export type Fields = Record<string, string>;

const MAX_BODY = 1_000_000;

export async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
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
