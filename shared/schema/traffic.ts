import { z } from 'zod';
import { FEEDBACK_KINDS } from '../aps/feedback';

// The recording relay's log (`certkit relay`): one JSON object per line (NDJSON), appended as each exchange ends.
// Values are redacted before they are written (secrets removed, card numbers masked), like every other evidence.

export const TRAFFIC_VERSION = 1;

/** Who called the relay, as the relay saw the connection and the request's headers. */
export const trafficCallerSchema = z.object({
  /** The peer address of the TCP connection. */
  address: z.string(),
  port: z.number().int().optional(),
  /** X-Forwarded-For, when a proxy in front of the relay added it. */
  forwardedFor: z.string().optional(),
  userAgent: z.string().optional(),
  /** A few headers that tell a server from a device (never Authorization or Cookie). */
  headers: z.record(z.string(), z.string()).default({}),
});
export type TrafficCaller = z.infer<typeof trafficCallerSchema>;

/** The first line of every log: which relay wrote it, and where it forwarded. */
export const trafficStartSchema = z.object({
  type: z.literal('start'),
  v: z.literal(TRAFFIC_VERSION),
  relayId: z.string(),
  at: z.string(),
  listen: z.string(),
  upstream: z.string().optional(),
  feedbackTo: z.object({ direct: z.string(), notification: z.string() }).optional(),
});
export type TrafficStart = z.infer<typeof trafficStartSchema>;

/** One exchange the relay passed on: a call to APS's paymentApi, or a feedback post from APS to the merchant. */
export const trafficRecordSchema = z.object({
  type: z.literal('exchange'),
  v: z.literal(TRAFFIC_VERSION),
  /** Unique across relays: the relay's id and a sequence number. */
  id: z.string(),
  kind: z.enum(['paymentApi', 'feedback']),
  /** For feedback: which of APS's two URLs it was posted to. */
  feedbackKind: z.enum(FEEDBACK_KINDS).optional(),
  /** When the request reached the relay (ISO 8601). */
  at: z.string(),
  /** From the request's arrival to the last byte of the answer. */
  durationMs: z.number(),
  caller: trafficCallerSchema,
  method: z.string(),
  /** Path and query on the relay. */
  path: z.string(),
  /** Where the relay forwarded it: APS's URL, or the merchant's feedback URL. */
  target: z.string(),
  requestContentType: z.string().optional(),
  /** JSON or form fields, redacted; empty when the body was neither. */
  requestFields: z.record(z.string(), z.unknown()).default({}),
  requestBytes: z.number().int(),
  responseStatus: z.number().int().optional(),
  responseContentType: z.string().optional(),
  responseFields: z.record(z.string(), z.unknown()).optional(),
  /** The start of an answer that is not JSON fields (a feedback endpoint's "OK"), redacted. */
  responseText: z.string().optional(),
  responseBytes: z.number().int().default(0),
  /** Why no answer came from the target (unreachable, timed out); the caller got the relay's own 502 or 504. */
  error: z.string().optional(),
  timedOut: z.boolean().optional(),
  /** The relay's own address on its connection to the target: the source address the target saw. */
  localAddress: z.string().optional(),
  /** Feedback: the id of the first post of the same notification when this one repeats it. */
  repeatOf: z.string().optional(),
  /** Feedback: 'aps' when APS posted it, 'relay' for the repeat the relay sent itself to test idempotency. */
  sentBy: z.enum(['aps', 'relay']).optional(),
});
export type TrafficRecord = z.infer<typeof trafficRecordSchema>;

export const trafficLineSchema = z.discriminatedUnion('type', [trafficStartSchema, trafficRecordSchema]);
export type TrafficLine = z.infer<typeof trafficLineSchema>;
