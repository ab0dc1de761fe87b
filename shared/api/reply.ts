// What every call answers over either transport (Electron IPC, the browser host's HTTP): the value, or the one
// error envelope. Kept free of zod (plain types and a small structural check) because the sandboxed preload and
// the renderer bundle read it and must stay small; the engine produces it in electron/engine/api/dispatch.ts.
import { both, type Bilingual } from '../text';

/** Why a call failed, for code that branches on it; people read message and hint. */
export const API_ERROR_CODES = [
  /** The input was refused: a field outside the contract's schema, or a value the engine cannot use. */
  'input',
  /** The input was fine, but the thing it acts on is not (no workspace open, a run already going). */
  'state',
  /** A bug or an unexpected failure inside the engine. */
  'internal',
  /** Transport refusals: a frame that is not Certkit's window, a missing token, a foreign Host or Origin, a wrong
   *  HTTP method, a renderer that was not built. */
  'sender',
  'auth',
  'host',
  'origin',
  'method',
  'renderer',
  /** The answer never arrived as an envelope (the host went away, a proxy answered). Made by the client. */
  'transport',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** The Arabic of an error, for the app's Arabic view; `hint` only when the fix was written in Arabic too. */
export interface ApiErrorArabic {
  message: string;
  hint?: string;
}

/**
 * The one error envelope: what went wrong and, when there is one, what to do about it. Never a stack trace.
 * `message` and `hint` are English; `ar` is their Arabic when the engine wrote the error in both languages.
 */
export interface ApiError {
  message: string;
  hint?: string;
  code?: ApiErrorCode;
  ar?: ApiErrorArabic;
}

export type CallReply<T = unknown> = { ok: true; value: T } | { ok: false; error: ApiError };

/** A failed call as the renderer sees it, whichever transport carried it. */
export class ApiCallError extends Error {
  readonly call: string;
  readonly hint?: string;
  readonly code?: ApiErrorCode;
  readonly ar?: ApiErrorArabic;
  constructor(call: string, error: ApiError) {
    super(error.message);
    this.name = 'ApiCallError';
    this.call = call;
    this.hint = error.hint;
    this.code = error.code;
    this.ar = error.ar;
  }
}

function isMessage(value: unknown): value is ApiErrorArabic {
  if (!value || typeof value !== 'object') return false;
  const e = value as Record<string, unknown>;
  return typeof e.message === 'string' && (e.hint === undefined || typeof e.hint === 'string');
}

/** The envelope's shape, checked by hand: an `ar` that is present must be a message (and hint) of its own. */
export function isApiError(value: unknown): value is ApiError {
  if (!isMessage(value)) return false;
  const e = value as unknown as Record<string, unknown>;
  return (
    (e.code === undefined || (API_ERROR_CODES as readonly unknown[]).includes(e.code)) &&
    (e.ar === undefined || isMessage(e.ar))
  );
}

/**
 * The value of a reply, or its error thrown as an ApiCallError. Anything that is not an envelope (a proxy's page,
 * a truncated body) becomes a 'transport' error naming `what` (e.g. "HTTP 502"), so nothing fails silently.
 */
export function unwrapReply(
  call: string,
  reply: unknown,
  what: Bilingual = both('an answer that is not a Certkit reply', 'ردّ ليس من Certkit'),
): unknown {
  if (reply && typeof reply === 'object') {
    const r = reply as Record<string, unknown>;
    if (r.ok === true && 'value' in r) return r.value;
    if (r.ok === false && isApiError(r.error)) throw new ApiCallError(call, r.error);
  }
  throw new ApiCallError(call, {
    message: `${call} failed: ${what.en}`,
    hint: 'check that Certkit is still running, then try again',
    code: 'transport',
    ar: {
      message: `تعذّر ${call}: وصل ${what.ar}`,
      hint: 'تحقّق من أن Certkit ما زال يعمل، ثم أعد المحاولة',
    },
  });
}
