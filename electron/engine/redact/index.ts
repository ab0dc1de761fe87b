import { isMaskedPan, looksLikeCardNumber, maskCardNumbersIn, maskPan } from '../../../shared/card';
import { SECRET_FIELD_NAMES } from '../../../shared/schema/workspace';

// The one redaction every writer uses: the traffic recorder, the simulator's exchange log, the package (zip, pdf,
// manifest, report) and the sign-off email. Evidence is recorded scrubbed, and the outputs scrub again, because a
// merchant page can still echo a phrase or a card number into its visible text, title or URL, and one leak in a file
// sent to APS is one too many.

/** What every writer puts where a secret was. */
export const SECRET_MARKER = '[secret removed]';

/**
 * The one list of field names that hold secrets, with what happens to them:
 * - 'blank': a merchant credential. The field stays, so a reader still sees that the request carried it, and its
 *   value becomes SECRET_MARKER. The workspace's forbidden names (shared/schema/workspace.ts) are all credentials.
 * - 'drop': what a customer types to prove they hold the card or the account (CVV, PIN, OTP, 3-D Secure password).
 *   Never kept in any form; the verifier knows these are missing and puts the typed test value back where it must.
 */
const SECRET_FIELDS: ReadonlyMap<string, 'blank' | 'drop'> = new Map([
  ...SECRET_FIELD_NAMES.map((name) => [name.toLowerCase(), 'blank'] as const),
  ['apple_access_code', 'blank'],
  ['apple_sha_request_phrase', 'blank'],
  ['apple_sha_response_phrase', 'blank'],
  ['card_security_code', 'drop'],
  ['security_code', 'drop'],
  ['cvv', 'drop'],
  ['cvv2', 'drop'],
  ['cvc', 'drop'],
  ['pin', 'drop'],
  ['card_pin', 'drop'],
  ['otp', 'drop'],
  ['password', 'drop'],
  ['3ds_password', 'drop'],
]);

/** Fields that hold a card number whatever it looks like: every digit in them is masked. */
const CARD_FIELD = /card_?number|cardno|^pan$|^card$/i;

/**
 * Identifiers the reviewer needs verbatim (merchant_reference, fort_id, agreement ids, reference numbers, amounts,
 * dates, phones): a long numeric one can pass the Luhn check by chance, and masking it would hide the very number
 * APS asks for. Secrets are still scrubbed from them.
 */
function isIdentifierField(key: string): boolean {
  return /reference|fort_?id|_id$|number$|date|amount|phone/i.test(key) || /[a-z]Id$/.test(key);
}

/** The copies of a secret that can reach a page, URL or body: as is, URL-encoded, and form-encoded. */
function encodedForms(secret: string): string[] {
  const uri = encodeURIComponent(secret);
  // Servers' encoders (PHP's rawurlencode and urlencode) also escape !'()*, the latter with + for spaces.
  const strict = uri.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  // A browser's form body escapes !'() but not *, and writes spaces as +.
  const form = new URLSearchParams([['', secret]]).toString().slice(1);
  return [...new Set([secret, uri, strict, strict.replace(/%20/g, '+'), form])];
}

const DROP = Symbol('drop');

export interface Redactor {
  /** Free text: secret values removed wherever they occur (also encoded), card numbers masked. */
  text(value: string): string;
  /** Form, query or JSON fields, nested objects and arrays included: secret fields blanked or dropped by name. */
  fields(fields: Record<string, unknown>): Record<string, unknown>;
  /** Any JSON value (a manifest, a field table) under the same rules as fields. */
  deep<T>(value: T): T;
  /** A URL: its query redacted field by field, the rest as text. */
  url(url: string): string;
  /** The secret values this redactor removes (for tests and self-checks). */
  readonly secrets: readonly string[];
}

/**
 * `secrets` are the values to remove (access code, SHA phrases; shorter than 4 characters they would match by
 * accident and are ignored). `keep` lists digit strings that must survive in free text (ledger identifiers).
 */
export function createRedactor(secrets: readonly string[], keep: Iterable<string> = []): Redactor {
  const sorted = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  const forms = sorted.flatMap(encodedForms).sort((a, b) => b.length - a.length);
  const kept = new Set([...keep].filter(Boolean));

  const scrub = (value: string): string => {
    let out = value;
    for (const f of forms) if (out.includes(f)) out = out.split(f).join(SECRET_MARKER);
    return out;
  };
  const text = (value: string): string => maskCardNumbersIn(scrub(value), kept);
  const cardField = (value: string): string =>
    isMaskedPan(value) ? value : scrub(value).replace(/\d(?:[ -]?\d)*/g, (run) => maskPan(run));

  const redact = (key: string | undefined, value: unknown): unknown => {
    const rule = key === undefined ? undefined : SECRET_FIELDS.get(key.toLowerCase());
    if (rule === 'drop') return DROP;
    if (rule === 'blank') return value === undefined || value === null || value === '' ? value : SECRET_MARKER;
    const card = key !== undefined && CARD_FIELD.test(key);
    const identifier = key !== undefined && !card && isIdentifierField(key);
    if (typeof value === 'string') {
      if (card) return cardField(value);
      if (identifier) return scrub(value);
      return key !== undefined && /url$/i.test(key) ? url(value) : text(value);
    }
    if (typeof value === 'number' && (card || (!identifier && looksLikeCardNumber(String(value)))))
      return maskPan(String(value));
    if (Array.isArray(value)) return value.map((v) => redact(key, v)).filter((v) => v !== DROP);
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const r = redact(k, v);
        if (r !== DROP) out[k] = r;
      }
      return out;
    }
    return value;
  };

  const url = (value: string): string => {
    const q = value.indexOf('?');
    if (q < 0) return text(value);
    const hashAt = value.indexOf('#', q);
    const query = value.slice(q + 1, hashAt < 0 ? undefined : hashAt);
    const hash = hashAt < 0 ? '' : text(value.slice(hashAt));
    const params = [...new URLSearchParams(query)];
    const redacted = params.flatMap(([k, v]) => {
      const r = redact(k, v);
      return r === DROP ? [] : [[scrub(k), String(r)]];
    });
    // The query is rewritten only when a field changed, so an innocent URL keeps its exact spelling. It is not run
    // through text() as a whole: identifiers in it (merchant_reference=...) must stay readable.
    const same =
      redacted.length === params.length && redacted.every(([k, v], i) => params[i][0] === k && params[i][1] === v);
    return `${text(value.slice(0, q))}?${same ? query : new URLSearchParams(redacted).toString()}${hash}`;
  };

  return {
    text,
    fields: (fields) => redact(undefined, fields) as Record<string, unknown>,
    deep: <T>(value: T) => redact(undefined, value) as T,
    url,
    secrets: sorted,
  };
}
