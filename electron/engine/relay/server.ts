import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { APS_ENDPOINTS } from '../../../shared/aps/endpoints';
import { feedbackDelivered, type FeedbackKind } from '../../../shared/aps/feedback';
import { TRAFFIC_VERSION, type TrafficRecord, type TrafficStart } from '../../../shared/schema/traffic';
import { CertkitError, errorMessage } from '../errors';
import { createRedactor, type Redactor } from '../redact/index';
import type { TrafficLogWriter } from './log';
import { bodyFields, callerOf, toRecord, type Captured } from './record';

/** Where APS posts feedback on the relay; the merchant enters these in Technical Settings (docs/relay.md). */
export const FEEDBACK_PATHS: Record<FeedbackKind, string> = {
  direct: '/feedback/direct',
  notification: '/feedback/notification',
};
/** A readiness probe for scripts and CI: counts, never recorded. */
export const STATUS_PATH = '/__certkit/relay';

/** Bytes of a body kept for the record; larger bodies are still forwarded in full, only not parsed. */
const CAPTURE_LIMIT = 1 << 20;
/** How many feedback bodies are remembered to recognise a repeat. */
const REMEMBERED_FEEDBACK = 10_000;
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export interface RelayOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** APS's API origin (a path after it is kept as a prefix); without it the relay forwards only feedback. */
  upstream?: string;
  /** The merchant's feedback URLs; without them the relay forwards only API calls. */
  feedbackTo?: Record<FeedbackKind, string>;
  /** Logs every line goes to (a --log file, the workspace's traffic folder). */
  logs: TrafficLogWriter[];
  /** Secret values to scrub wherever they occur (the access codes and phrases from the environment). */
  secrets?: string[];
  /** Longest wait for an answer from APS or the merchant before the caller gets a 504. Default 30 s. */
  timeoutMs?: number;
  /** After the merchant accepted a feedback post, post it again this many times, as APS does when it retries. Default 1. */
  feedbackRepeats?: number;
  /** Certificates (PEM) to accept from the upstream and the feedback target besides the system's (an https sandbox). */
  ca?: string[];
  /** Tests: allow a production upstream. */
  allowProduction?: boolean;
  /** The id the relay's records carry (newRelayId() by default); known before start when a log file is named after it. */
  relayId?: string;
}

/** Sortable by start time; the T keeps date and time apart, so no id reads as a long digit run (a card number). */
export function newRelayId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
}

export interface Relay {
  /** http://host:port */
  origin: string;
  /** The paymentApi URL a merchant points at, when the relay forwards API calls. */
  paymentApi?: string;
  /** The addresses APS posts feedback to, when the relay forwards feedback. */
  feedback?: Record<FeedbackKind, string>;
  relayId: string;
  /** Events: 'record' (TrafficRecord) after each exchange is logged. */
  events: EventEmitter;
  counts(): { exchanges: number; errors: number };
  /** Stops accepting, lets calls in flight finish (up to the timeout), writes the last lines. */
  close(): Promise<void>;
}

const PRODUCTION_HOSTS = new Set(Object.values(APS_ENDPOINTS.production).map((u) => new URL(u).hostname.toLowerCase()));

/** The upstream as an origin plus an optional path prefix; a full paymentApi URL is taken for its origin. */
export function parseUpstream(text: string, allowProduction = false): { origin: string; prefix: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CertkitError(`--upstream ${text} is not a URL`, {
      hint: 'give the API origin, e.g. --upstream https://sbpaymentservices.payfort.com',
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new CertkitError(`--upstream ${text} must be an http(s) URL`, {
      hint: 'e.g. --upstream https://sbpaymentservices.payfort.com',
    });
  if (!allowProduction && PRODUCTION_HOSTS.has(url.hostname.toLowerCase()))
    throw new CertkitError(`--upstream ${url.hostname} is APS production`, {
      hint: 'the relay records certification traffic: point it at the sandbox (https://sbpaymentservices.payfort.com); real customers must never pass through it',
    });
  const prefix = url.pathname.replace(/\/FortAPI\/paymentApi\/?$/i, '').replace(/\/+$/, '');
  return { origin: url.origin, prefix };
}

function forwardHeaders(raw: http.IncomingHttpHeaders, host: string): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(raw)) if (!HOP_BY_HOP.has(k) && k !== 'host' && v !== undefined) out[k] = v;
  out.host = host;
  return out;
}

function answerHeaders(raw: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(raw)) if (!HOP_BY_HOP.has(k) && v !== undefined) out[k] = v;
  return out;
}

/** Keeps the first CAPTURE_LIMIT bytes of a stream for the record and counts them all. */
class Capture {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  bytes = 0;
  add(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.kept >= CAPTURE_LIMIT) return;
    const part = chunk.subarray(0, CAPTURE_LIMIT - this.kept);
    this.chunks.push(part);
    this.kept += part.length;
  }
  get body(): Buffer {
    return this.bytes > CAPTURE_LIMIT ? Buffer.alloc(0) : Buffer.concat(this.chunks);
  }
}

function relayError(res: http.ServerResponse, status: number, message: string, target: string): Buffer {
  const body = Buffer.from(JSON.stringify({ certkit_relay_error: message, target }));
  if (!res.headersSent) {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    res.end(body);
  } else res.destroy();
  return body;
}

/** Starts the recording relay: API calls go to `upstream`, feedback to the merchant, each exchange is logged. */
export async function startRelay(options: RelayOptions): Promise<Relay> {
  if (!options.upstream && !options.feedbackTo)
    throw new CertkitError('the relay has nothing to forward', {
      hint: 'give --upstream https://sbpaymentservices.payfort.com, --feedback-to <your feedback URL>, or both',
    });
  const upstream = options.upstream ? parseUpstream(options.upstream, options.allowProduction) : undefined;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const repeats = options.feedbackRepeats ?? 1;
  const redact: Redactor = createRedactor(options.secrets ?? []);
  const relayId = options.relayId ?? newRelayId();
  const events = new EventEmitter();
  const agents = {
    'http:': new http.Agent({ keepAlive: true }),
    'https:': new https.Agent({ keepAlive: true, ...(options.ca?.length ? { ca: options.ca } : {}) }),
  };
  let seq = 0;
  let exchanges = 0;
  let errors = 0;
  const inFlight = new Set<Promise<unknown>>();
  const seenFeedback = new Map<string, string>();

  const log = (c: Captured): Promise<void> => {
    const record = toRecord(c, redact);
    exchanges++;
    if (record.error) errors++;
    const written = Promise.all(options.logs.map((l) => l.append(record))).then(() => {
      events.emit('record', record);
    });
    return track(written);
  };
  function track<T>(p: Promise<T>): Promise<T> {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
    return p;
  }
  const nextId = () => `${relayId}-${++seq}`;

  /**
   * Sends one request to `target` and pipes the answer back to `res` (when given), capturing both sides. The request
   * body comes from `body` (a stream, the caller's request) or a buffer (a feedback repeat).
   */
  function forward(
    target: URL,
    method: string,
    headers: http.IncomingHttpHeaders,
    body: http.IncomingMessage | Buffer,
    res: http.ServerResponse | undefined,
    base: Omit<Captured, 'durationMs' | 'requestBody' | 'requestBytes' | 'responseBody' | 'responseBytes' | 'target'>,
    started: number,
  ): Promise<Captured> {
    return new Promise<Captured>((resolve) => {
      const reqCapture = new Capture();
      const resCapture = new Capture();
      const lib = target.protocol === 'https:' ? https : http;
      const agent = target.protocol === 'https:' ? agents['https:'] : agents['http:'];
      let localAddress: string | undefined;
      let settled = false;
      const finish = (extra: Partial<Captured>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({
          ...base,
          target: target.toString(),
          durationMs: performance.now() - started,
          requestBody: reqCapture.body,
          requestBytes: reqCapture.bytes,
          responseBody: resCapture.body,
          responseBytes: resCapture.bytes,
          localAddress,
          ...extra,
        });
      };
      const upstreamReq = lib.request(target, {
        method,
        agent,
        headers: forwardHeaders(headers, target.host),
      });
      const timer = setTimeout(() => {
        const message = `no answer from ${target.origin} within ${timeoutMs} ms`;
        const answering = res && !res.headersSent;
        const sent = res ? relayError(res, 504, message, target.toString()) : Buffer.alloc(0);
        finish({
          error: message,
          timedOut: true,
          ...(answering
            ? {
                responseStatus: 504,
                responseContentType: 'application/json',
                responseBody: sent,
                responseBytes: sent.length,
              }
            : {}),
        });
        upstreamReq.destroy();
      }, timeoutMs);
      const noteSocket = (socket: Socket) => {
        const read = () => (localAddress = socket.localAddress?.replace(/^::ffff:/, '') || localAddress);
        if (socket.localAddress) read();
        else socket.once('connect', read);
      };
      upstreamReq.on('socket', noteSocket);
      upstreamReq.on('error', (err) => {
        if (settled) return;
        const message = `${target.origin} could not be reached: ${errorMessage(err)}`;
        // Once the answer has begun, the caller already has its status; it only loses the rest of the body.
        const answering = res && !res.headersSent;
        const sent = res ? relayError(res, 502, message, target.toString()) : Buffer.alloc(0);
        finish({
          error: message,
          ...(answering
            ? {
                responseStatus: 502,
                responseContentType: 'application/json',
                responseBody: sent,
                responseBytes: sent.length,
              }
            : {}),
        });
      });
      upstreamReq.on('response', (answer) => {
        answer.on('data', (chunk: Buffer) => resCapture.add(chunk));
        if (res) {
          res.writeHead(answer.statusCode ?? 502, answerHeaders(answer.headers));
          // pipe() keeps the pace of the slower side, so a large answer is never held in memory.
          answer.pipe(res);
        }
        answer.on('end', () => {
          finish({
            responseStatus: answer.statusCode,
            responseContentType: answer.headers['content-type'],
          });
        });
        answer.on('error', (err) => {
          res?.destroy();
          finish({
            responseStatus: answer.statusCode,
            error: `the answer from ${target.origin} broke off: ${errorMessage(err)}`,
          });
        });
      });
      if (Buffer.isBuffer(body)) {
        reqCapture.add(body);
        upstreamReq.end(body);
      } else {
        body.on('data', (chunk: Buffer) => reqCapture.add(chunk));
        body.pipe(upstreamReq);
        // The caller hung up before the answer: nobody is waiting, so the upstream call is dropped too.
        res?.on('close', () => {
          if (!settled && !res.writableFinished) {
            upstreamReq.destroy();
            finish({ error: 'the caller closed the connection before the answer' });
          }
        });
      }
    });
  }

  async function relayApi(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = performance.now();
    const startedAt = new Date();
    const target = new URL(`${upstream!.prefix}${req.url ?? '/'}`, upstream!.origin);
    const captured = await forward(
      target,
      req.method ?? 'POST',
      req.headers,
      req,
      res,
      {
        id: nextId(),
        kind: 'paymentApi',
        startedAt,
        caller: callerOf(req, redact),
        method: req.method ?? 'POST',
        path: req.url ?? '/',
        requestContentType: req.headers['content-type'],
      },
      started,
    );
    await log(captured);
  }

  /** A notification's identity: APS signs each one, and a retry sends the same body again. */
  function feedbackKey(body: Buffer, contentType: string | undefined): string {
    const signature = bodyFields(body, contentType)?.signature;
    return typeof signature === 'string' && signature
      ? `sig:${signature.toLowerCase()}`
      : `sha:${createHash('sha256').update(body).digest('hex')}`;
  }

  async function relayFeedback(kind: FeedbackKind, req: http.IncomingMessage, res: http.ServerResponse) {
    const started = performance.now();
    const startedAt = new Date();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const key = feedbackKey(body, req.headers['content-type']);
    const first = seenFeedback.get(key);
    const id = nextId();
    if (!first) {
      seenFeedback.set(key, id);
      if (seenFeedback.size > REMEMBERED_FEEDBACK) seenFeedback.delete(seenFeedback.keys().next().value!);
    }
    const target = new URL(options.feedbackTo![kind]);
    const method = req.method ?? 'POST';
    const captured = await forward(
      target,
      method,
      req.headers,
      body,
      res,
      {
        id,
        kind: 'feedback',
        feedbackKind: kind,
        startedAt,
        caller: callerOf(req, redact),
        method,
        path: req.url ?? '/',
        requestContentType: req.headers['content-type'],
        sentBy: 'aps',
        ...(first ? { repeatOf: first } : {}),
      },
      started,
    );
    await log(captured);
    // APS posts again only when the merchant did not take it; a merchant that takes it must also take a repeat.
    if (first || !captured.responseStatus || !feedbackDelivered(captured.responseStatus)) return;
    for (let i = 0; i < repeats; i++) {
      const again = performance.now();
      const repeat = await forward(
        target,
        method,
        req.headers,
        body,
        undefined,
        {
          id: nextId(),
          kind: 'feedback',
          feedbackKind: kind,
          startedAt: new Date(),
          caller: { address: 'relay', headers: {} },
          method,
          path: req.url ?? '/',
          requestContentType: req.headers['content-type'],
          sentBy: 'relay',
          repeatOf: id,
        },
        again,
      );
      await log(repeat);
    }
  }

  const feedbackRoutes = new Map<string, FeedbackKind>(
    Object.entries(FEEDBACK_PATHS).map(([kind, p]) => [p, kind as FeedbackKind]),
  );

  const server = http.createServer((req, res) => {
    const pathname = (req.url ?? '/').split('?')[0];
    if (pathname === STATUS_PATH && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(
        JSON.stringify({ relayId, exchanges, errors, upstream: upstream?.origin, feedback: !!options.feedbackTo }),
      );
      return;
    }
    const kind = feedbackRoutes.get(pathname.replace(/\/+$/, ''));
    let work: Promise<void>;
    if (kind) {
      if (!options.feedbackTo) {
        relayError(res, 404, 'this relay forwards no feedback (start it with --feedback-to)', pathname);
        return;
      }
      work = relayFeedback(kind, req, res);
    } else if (!upstream) {
      relayError(
        res,
        404,
        `this relay forwards only feedback, at ${Object.values(FEEDBACK_PATHS).join(' and ')}`,
        pathname,
      );
      return;
    } else work = relayApi(req, res);
    void track(work).catch((err: unknown) => {
      errors++;
      if (!res.headersSent) relayError(res, 500, `the relay failed: ${errorMessage(err)}`, pathname);
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new CertkitError(
          `the relay cannot listen on ${options.host ?? '127.0.0.1'}:${options.port ?? 0}: ${err.code}`,
          {
            hint:
              err.code === 'EADDRINUSE'
                ? 'another program uses that port: pick another --listen port'
                : 'check the --listen address is one of this machine',
          },
        ),
      ),
    );
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const hostText = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const origin = `http://${hostText}:${address.port}`;
  const start: TrafficStart = {
    type: 'start',
    v: TRAFFIC_VERSION,
    relayId,
    at: new Date().toISOString(),
    listen: origin,
    ...(upstream ? { upstream: `${upstream.origin}${upstream.prefix}` } : {}),
    ...(options.feedbackTo
      ? {
          feedbackTo: {
            direct: redact.url(options.feedbackTo.direct),
            notification: redact.url(options.feedbackTo.notification),
          },
        }
      : {}),
  };
  await Promise.all(options.logs.map((l) => l.append(start)));

  let closing: Promise<void> | undefined;
  return {
    origin,
    paymentApi: upstream ? `${origin}/FortAPI/paymentApi` : undefined,
    feedback: options.feedbackTo
      ? { direct: `${origin}${FEEDBACK_PATHS.direct}`, notification: `${origin}${FEEDBACK_PATHS.notification}` }
      : undefined,
    relayId,
    events,
    counts: () => ({ exchanges, errors }),
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        while (inFlight.size) await Promise.allSettled([...inFlight]);
        server.closeAllConnections();
        await closed;
        agents['http:'].destroy();
        agents['https:'].destroy();
      })();
      return closing;
    },
  };
}

export type { TrafficRecord };
