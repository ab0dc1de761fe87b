import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { RESPONSE_UNSIGNED_FIELDS, TOKENIZATION_UNSIGNED_FIELDS, type ShaType } from '../../../shared/aps/sha';

export type ApsValue = string | number | boolean | null | undefined | ApsValue[] | { [key: string]: ApsValue };
export type ApsParams = Record<string, ApsValue>;

export interface SignOptions {
  /** Extra field names to leave out (e.g. a merchant's own query parameters on return_url). */
  exclude?: readonly string[];
  /**
   * A response from APS (return_url form, JSON answer, feedback): every returned field is signed, card fields of a
   * tokenization answer included, and only the nested installment list is left out.
   */
  response?: boolean;
}

function isEmpty(value: ApsValue): boolean {
  return value === undefined || value === null || value === '';
}

/** Renders a value the way APS does: nested objects keep received key order, inner empties are kept. */
export function renderValue(value: ApsValue): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return `[${value.map(renderValue).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}=${renderValue(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}

/** Code-unit order, never locale collation: "3ds_url" < "Zeta" < "_x" < "apple_paymentMethod". */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The names that take part in the signature, in signing order. */
export function signedFieldNames(params: ApsParams, options: SignOptions = {}): string[] {
  const excluded = new Set<string>(['signature', ...(options.exclude ?? [])]);
  // Only the browser's TOKENIZATION request leaves the card fields out: the merchant server never sees them.
  if (options.response) RESPONSE_UNSIGNED_FIELDS.forEach((f) => excluded.add(f));
  else if (params.service_command === 'TOKENIZATION') TOKENIZATION_UNSIGNED_FIELDS.forEach((f) => excluded.add(f));
  return Object.keys(params)
    .filter((k) => !excluded.has(k) && !isEmpty(params[k]))
    .sort(byCodeUnit);
}

/** The concatenated `k=v` pairs, without the phrase. */
export function signatureBody(params: ApsParams, options: SignOptions = {}): string {
  return signedFieldNames(params, options)
    .map((k) => `${k}=${renderValue(params[k])}`)
    .join('');
}

export function hashSignatureString(text: string, phrase: string, shaType: ShaType): string {
  switch (shaType) {
    case 'sha256':
      return createHash('sha256').update(text, 'utf8').digest('hex');
    case 'sha512':
      return createHash('sha512').update(text, 'utf8').digest('hex');
    case 'hmac256':
      return createHmac('sha256', phrase).update(text, 'utf8').digest('hex');
    case 'hmac512':
      return createHmac('sha512', phrase).update(text, 'utf8').digest('hex');
  }
}

/** Lowercase hex signature of `params` with `phrase` on both ends. */
export function computeSignature(
  params: ApsParams,
  phrase: string,
  shaType: ShaType,
  options: SignOptions = {},
): string {
  return hashSignatureString(phrase + signatureBody(params, options) + phrase, phrase, shaType);
}

/** Case-insensitive, constant-time comparison of two hex signatures. */
export function signaturesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a.toLowerCase(), 'utf8');
  const right = Buffer.from(b.toLowerCase(), 'utf8');
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

export interface VerifyResult {
  ok: boolean;
  expected: string;
  received: string | undefined;
  /** The string that was hashed, with the phrase replaced by a mask: safe to print. */
  maskedString: string;
}

export const PHRASE_MASK = '<phrase>';

export function verifySignature(
  params: ApsParams,
  phrase: string,
  shaType: ShaType,
  options: SignOptions = {},
): VerifyResult {
  const received = typeof params.signature === 'string' ? params.signature : undefined;
  const body = signatureBody(params, options);
  const expected = hashSignatureString(phrase + body + phrase, phrase, shaType);
  return {
    ok: received !== undefined && signaturesEqual(expected, received),
    expected,
    received,
    maskedString: PHRASE_MASK + body + PHRASE_MASK,
  };
}
