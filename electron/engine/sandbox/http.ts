import type http from 'node:http';
import type { AddressInfo } from 'node:net';
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

export async function listen(server: http.Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

export async function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
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
