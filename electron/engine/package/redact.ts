import { maskPan } from '../../../shared/aps/card-mask';
import { SECRET_FIELD_NAMES } from '../../../shared/schema/workspace';

// Everything the package, report and email print passes through here: evidence is recorded scrubbed, but a
// merchant page can still echo a phrase or a card number into its visible text, title or URL, and one leak in a
// file sent to APS is one too many.

const SECRET_KEY = new RegExp(
  `^(${[...SECRET_FIELD_NAMES, 'card_security_code', 'cvv', 'cvc', 'pin', 'otp'].map((k) => k.replace(/[^A-Za-z0-9_]/g, '')).join('|')})$`,
  'i',
);
const CARD_KEY = /^(card_number|cardNumber|pan)$/i;
// 13 to 19 digits, optionally grouped by spaces or dashes as forms print them.
const DIGIT_RUN = /(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])/g;

function luhnOk(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export interface Redactor {
  text(value: string): string;
  deep<T>(value: T): T;
  /** The secret values this redactor removes (for tests and self-checks). */
  readonly secrets: readonly string[];
}

/**
 * `keep` lists identifiers that must survive verbatim (merchant references, fort_id): a long numeric fort_id can pass
 * the Luhn check by chance, and masking it would hide the very number the reviewer asks for.
 */
export function createRedactor(secrets: readonly string[], keep: Iterable<string> = []): Redactor {
  const sorted = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  const kept = new Set([...keep].filter(Boolean));
  const text = (value: string): string => {
    let out = value;
    for (const s of sorted) {
      if (out.includes(s)) out = out.split(s).join('[secret removed]');
      // Encoded copies as well: a query string (encodeURIComponent) or a form body (which also escapes !'()* and uses +).
      const enc = encodeURIComponent(s);
      const strict = enc.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
      for (const v of new Set([enc, strict, strict.replace(/%20/g, '+')])) {
        if (v !== s && out.includes(v)) out = out.split(v).join('[secret removed]');
      }
    }
    return out.replace(DIGIT_RUN, (run) => {
      const digits = run.replace(/[ -]/g, '');
      if (kept.has(digits) || kept.has(run)) return run;
      if (!/^[2-6]/.test(digits) || !luhnOk(digits)) return run;
      return maskPan(digits);
    });
  };
  const deep = <T>(value: T, key?: string): T => {
    if (typeof value === 'string') {
      if (key && SECRET_KEY.test(key)) return '[removed]' as T;
      if (key && CARD_KEY.test(key)) {
        const digits = value.replace(/\D/g, '');
        return (digits.length >= 12 ? maskPan(digits) : text(value)) as T;
      }
      return text(value) as T;
    }
    if (Array.isArray(value)) return value.map((v) => deep(v)) as T;
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = deep(v, k);
      return out as T;
    }
    return value;
  };
  return { text, deep: (v) => deep(v), secrets: sorted };
}
