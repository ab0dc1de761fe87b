import type http from 'node:http';
import { TRAFFIC_VERSION, type TrafficCaller, type TrafficRecord } from '../../../shared/schema/traffic';
import type { Redactor } from '../redact/index';

/** Headers that help tell a server from a phone app, kept in the record; nothing that authenticates anyone. */
const CALLER_HEADERS = ['user-agent', 'x-forwarded-for', 'x-real-ip', 'forwarded', 'x-requested-with', 'accept'];

/** The peer address without the IPv4-mapped prefix, as a merchant would log it. */
export function peerAddress(raw: string | undefined): string {
  const a = raw ?? '';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

export function callerOf(req: http.IncomingMessage, redact: Redactor): TrafficCaller {
  const headers: Record<string, string> = {};
  for (const name of CALLER_HEADERS) {
    const v = req.headers[name];
    if (typeof v === 'string') headers[name] = redact.text(v).slice(0, 300);
  }
  return {
    address: peerAddress(req.socket.remoteAddress),
    port: req.socket.remotePort,
    ...(headers['x-forwarded-for'] ? { forwardedFor: headers['x-forwarded-for'] } : {}),
    ...(headers['user-agent'] ? { userAgent: headers['user-agent'] } : {}),
    headers,
  };
}

/**
 * The fields of a JSON or form body, or none. APS's API takes JSON; feedback comes as JSON or as a form, depending on
 * the account. Values stay as sent (no trimming): the verifier recomputes signatures over them.
 */
export function bodyFields(body: Buffer, contentType: string | undefined): Record<string, unknown> | undefined {
  if (!body.length) return undefined;
  const text = body.toString('utf8');
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    // Not JSON although it did not say form: a form body that came without its content type.
    return /^[\w.%-]+=/.test(text) ? Object.fromEntries(new URLSearchParams(text)) : undefined;
  }
}

export interface Captured {
  id: string;
  kind: TrafficRecord['kind'];
  feedbackKind?: TrafficRecord['feedbackKind'];
  startedAt: Date;
  durationMs: number;
  caller: TrafficCaller;
  method: string;
  path: string;
  target: string;
  requestContentType?: string;
  requestBody: Buffer;
  requestBytes: number;
  responseStatus?: number;
  responseContentType?: string;
  responseBody: Buffer;
  responseBytes: number;
  error?: string;
  timedOut?: boolean;
  localAddress?: string;
  repeatOf?: string;
  sentBy?: TrafficRecord['sentBy'];
}

/** The line the log gets: fields parsed from the bodies and redacted; the raw bodies themselves are never kept. */
export function toRecord(c: Captured, redact: Redactor): TrafficRecord {
  const requestFields = bodyFields(c.requestBody, c.requestContentType);
  const responseFields = bodyFields(c.responseBody, c.responseContentType);
  const responseText =
    !responseFields && c.responseBody.length ? redact.text(c.responseBody.toString('utf8').slice(0, 300)) : undefined;
  return {
    type: 'exchange',
    v: TRAFFIC_VERSION,
    id: c.id,
    kind: c.kind,
    ...(c.feedbackKind ? { feedbackKind: c.feedbackKind } : {}),
    at: c.startedAt.toISOString(),
    durationMs: Math.round(c.durationMs * 100) / 100,
    caller: c.caller,
    method: c.method,
    path: redact.url(c.path),
    target: redact.url(c.target),
    ...(c.requestContentType ? { requestContentType: c.requestContentType } : {}),
    requestFields: requestFields ? redact.fields(requestFields) : {},
    requestBytes: c.requestBytes,
    ...(c.responseStatus !== undefined ? { responseStatus: c.responseStatus } : {}),
    ...(c.responseContentType ? { responseContentType: c.responseContentType } : {}),
    ...(responseFields ? { responseFields: redact.fields(responseFields) } : {}),
    ...(responseText ? { responseText } : {}),
    responseBytes: c.responseBytes,
    ...(c.error ? { error: redact.text(c.error) } : {}),
    ...(c.timedOut ? { timedOut: true } : {}),
    ...(c.localAddress ? { localAddress: c.localAddress } : {}),
    ...(c.repeatOf ? { repeatOf: c.repeatOf } : {}),
    ...(c.sentBy ? { sentBy: c.sentBy } : {}),
  };
}

/**
 * A record redacted again (a log imported from elsewhere): only the parts that carry the merchant's or the customer's
 * data; ids and times stay as they are, since a long digit run in them could pass for a card number.
 */
export function redactRecord(record: TrafficRecord, redact: Redactor): TrafficRecord {
  return {
    ...record,
    caller: {
      ...record.caller,
      ...(record.caller.forwardedFor ? { forwardedFor: redact.text(record.caller.forwardedFor) } : {}),
      ...(record.caller.userAgent ? { userAgent: redact.text(record.caller.userAgent) } : {}),
      headers: Object.fromEntries(Object.entries(record.caller.headers).map(([k, v]) => [k, redact.text(v)])),
    },
    path: redact.url(record.path),
    target: redact.url(record.target),
    requestFields: redact.fields(record.requestFields),
    ...(record.responseFields ? { responseFields: redact.fields(record.responseFields) } : {}),
    ...(record.responseText ? { responseText: redact.text(record.responseText) } : {}),
    ...(record.error ? { error: redact.text(record.error) } : {}),
  };
}
