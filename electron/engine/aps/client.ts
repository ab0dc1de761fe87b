import type { ShaType } from '../../../shared/aps/sha';
import { computeSignature, verifySignature, type ApsParams } from './signature';

// The merchant side of APS's server-to-server API, written once: sign a request, POST it to paymentApi as JSON,
// parse the answer and check its signature. The demo store uses it for every API call it makes, and the run uses it
// to confirm a payment with CHECK_STATUS.

/** The keys one side of an APS account signs with; the response phrase is needed only to check answers. */
export interface ApsKeys {
  requestPhrase: string;
  responsePhrase?: string;
  shaType: ShaType;
}

export type AnswerCheck = { ok: true } | { ok: false; why: string };

export interface ApsAnswer {
  /** The request as sent, signature included. */
  request: ApsParams;
  /** APS's answer, parsed. */
  fields: ApsParams;
  httpStatus: number;
  /** Whether the answer's signature matches; not ok also when no response phrase was given to check it with. */
  check: AnswerCheck;
}

export interface ApsCallOptions {
  /** The paymentApi URL (APS's, or the simulator's). */
  paymentApi: string;
  keys: ApsKeys;
  timeoutMs?: number;
  /** How to sign, when not by APS's rule: the demo store's faults sign the wrong way on purpose. */
  sign?: (fields: ApsParams) => string;
}

/** A call that got no usable answer: the network failed, or the answer was not one JSON object. */
export class ApsCallError extends Error {
  constructor(
    message: string,
    readonly httpStatus?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ApsCallError';
  }
}

/** The request with its signature, by APS's rule over the non-empty fields. */
export function signRequest(fields: ApsParams, keys: ApsKeys): ApsParams {
  return { ...fields, signature: computeSignature(fields, keys.requestPhrase, keys.shaType) };
}

/**
 * Checks an answer from APS, wherever it arrived (the API's JSON, the return_url form, a feedback post): signed with
 * the response phrase. An invalid request (status 00) comes back unsigned, and the reason says so.
 */
export function checkAnswer(fields: ApsParams, keys: Pick<ApsKeys, 'responsePhrase' | 'shaType'>): AnswerCheck {
  if (typeof fields.signature !== 'string') {
    return {
      ok: false,
      why:
        fields.status === '00'
          ? `APS refused the request: ${String(fields.response_code ?? '')} ${String(fields.response_message ?? '')}`
          : 'the response carries no signature',
    };
  }
  if (!keys.responsePhrase) return { ok: false, why: 'no SHA response phrase to check the response signature with' };
  return verifySignature(fields, keys.responsePhrase, keys.shaType, { response: true }).ok
    ? { ok: true }
    : { ok: false, why: 'the response signature does not match' };
}

/** Signs `fields`, posts them to paymentApi and returns the parsed, checked answer; throws ApsCallError without one. */
export async function callPaymentApi(fields: ApsParams, options: ApsCallOptions): Promise<ApsAnswer> {
  const request: ApsParams = {
    ...fields,
    signature: options.sign ? options.sign(fields) : signRequest(fields, options.keys).signature,
  };
  let response: Response;
  try {
    response = await fetch(options.paymentApi, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
  } catch (err) {
    const why = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    throw new ApsCallError(`${options.paymentApi} could not be reached: ${why}`, undefined, { cause: err });
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    throw new ApsCallError(
      `${options.paymentApi} answered HTTP ${response.status} with ${text.length} bytes that are not JSON`,
      response.status,
      { cause: err },
    );
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new ApsCallError(`${options.paymentApi} answered HTTP ${response.status} with JSON that is not an object`);
  const answer = parsed as ApsParams;
  return { request, fields: answer, httpStatus: response.status, check: checkAnswer(answer, options.keys) };
}
