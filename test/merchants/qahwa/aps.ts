// Bayt Al Qahwa's own APS helpers, written from the API reference's signature section: every parameter that has a
// value except `signature`, sorted by name, "name=value" joined with nothing between, the phrase before and after,
// hashed with the account's SHA type. Nothing here comes from Certkit.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type ShaType = 'sha256' | 'sha512' | 'hmac256' | 'hmac512';
export type Fields = Record<string, string>;

export interface Credentials {
  merchant_identifier: string;
  access_code: string;
  sha_request_phrase: string;
  sha_response_phrase: string;
  sha_type: ShaType;
}

/** In the card form the browser posts, APS leaves the card fields and remember_me out of the signature. */
export const UNSIGNED_CARD_FIELDS = [
  'card_number',
  'card_security_code',
  'expiry_date',
  'card_holder_name',
  'remember_me',
];

function digest(text: string, phrase: string, type: ShaType): string {
  switch (type) {
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

/**
 * `keepEmpty` reproduces a known integration mistake (signing parameters that have no value); the shop's fault
 * switch turns it on, the correct shop never does.
 */
export function sign(
  fields: Record<string, unknown>,
  phrase: string,
  type: ShaType,
  options: { skip?: string[]; keepEmpty?: boolean } = {},
): string {
  const skip = new Set(['signature', ...(options.skip ?? [])]);
  const text = Object.keys(fields)
    .filter((k) => !skip.has(k) && fields[k] !== undefined && fields[k] !== null)
    .filter((k) => options.keepEmpty || fields[k] !== '')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((k) => `${k}=${String(fields[k])}`)
    .join('');
  return digest(phrase + text + phrase, phrase, type);
}

/** A response from APS (JSON answer, return_url post, feedback), checked with the response phrase as received. */
export function answerIsGenuine(fields: Record<string, unknown>, creds: Credentials): boolean {
  const got = typeof fields.signature === 'string' ? fields.signature.toLowerCase() : '';
  const want = sign(fields, creds.sha_response_phrase, creds.sha_type);
  return got.length === want.length && timingSafeEqual(Buffer.from(got), Buffer.from(want));
}

/** POSTs JSON to APS's paymentApi and returns the parsed answer. */
export async function callApi(url: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { response_code: '', response_message: `APS answered HTTP ${res.status}: ${text.slice(0, 200)}` };
  }
}
