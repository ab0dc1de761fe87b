// The APS signature as the public docs describe it, written for this shop alone: every parameter sent that has a
// value, except `signature`, sorted by name (plain code-unit order), "name=value" joined with nothing, the phrase on
// both ends, hashed with the account's SHA type, lowercase hex.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type ShaType = 'sha256' | 'sha512' | 'hmac256' | 'hmac512';

export type Fields = Record<string, string>;

/** The string that is hashed; `keepEmpty` signs empty values too (the mistake APS's checklist warns about). */
export function signingString(fields: Fields, phrase: string, keepEmpty = false): string {
  const names = Object.keys(fields)
    .filter((k) => k !== 'signature' && (keepEmpty || fields[k] !== ''))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return phrase + names.map((k) => `${k}=${fields[k]}`).join('') + phrase;
}

export function apsSignature(fields: Fields, phrase: string, sha: ShaType, keepEmpty = false): string {
  const text = signingString(fields, phrase, keepEmpty);
  switch (sha) {
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

/** True when `signature` matches the other fields, as received (no trimming), compared without regard to case. */
export function responseSignatureValid(fields: Fields, phrase: string, sha: ShaType): boolean {
  const got = (fields.signature ?? '').toLowerCase();
  const want = apsSignature(fields, phrase, sha);
  return got.length === want.length && timingSafeEqual(Buffer.from(got), Buffer.from(want));
}
