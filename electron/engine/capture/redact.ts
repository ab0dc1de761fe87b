import { maskPan } from '../../../shared/aps/card-mask';

/** Field names whose values are secret and never recorded. */
const SECRET_KEYS = new Set([
  'access_code',
  'sha_request_phrase',
  'sha_response_phrase',
  'password',
  'pin',
  'card_pin',
]);
const CVV_KEYS = new Set(['card_security_code', 'cvv', 'cvc', 'security_code']);

export function maskCardNumber(value: string): string {
  const digits = value.replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(digits)) return value;
  return maskPan(digits);
}

function looksLikeCardNumber(key: string, value: string): boolean {
  if (/card_?number|^pan$|cardno/i.test(key)) return true;
  return (
    /^\d{13,19}$/.test(value.replace(/[\s-]/g, '')) && !/reference|fort_id|_id$|number$|date|amount|phone/i.test(key)
  );
}

/**
 * Prepares recorded fields for evidence: secret fields dropped, secret values scrubbed wherever they appear,
 * card numbers cut to first 6 + last 4, security codes hidden. Nested objects (Apple Pay) are walked.
 */
export function redactFields(fields: Record<string, unknown>, secrets: string[] = []): Record<string, unknown> {
  const scrub = (s: string) => secrets.reduce((acc, secret) => acc.split(secret).join('[secret]'), s);
  const walk = (key: string, value: unknown): unknown => {
    if (typeof value === 'string') {
      if (CVV_KEYS.has(key.toLowerCase())) return '***';
      const masked = looksLikeCardNumber(key, value) ? maskCardNumber(value) : value;
      return scrub(masked);
    }
    if (Array.isArray(value)) return value.map((v) => walk(key, v));
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>)
          .filter(([k]) => !SECRET_KEYS.has(k.toLowerCase()))
          .map(([k, v]) => [k, walk(k, v)]),
      );
    }
    return value;
  };
  return walk('', fields) as Record<string, unknown>;
}

/** Redacts a URL's query the same way as form fields. */
export function redactUrl(url: string, secrets: string[] = []): string {
  try {
    const u = new URL(url);
    if (!u.search) return url;
    const fields = redactFields(Object.fromEntries(u.searchParams), secrets);
    u.search = '';
    for (const [k, v] of Object.entries(fields)) u.searchParams.set(k, String(v));
    return u.toString();
  } catch {
    return url;
  }
}

/** Form or JSON body to fields; anything else is kept as a short note so the exchange is still listed. */
export function parseBody(body: string | undefined, contentType: string | undefined): Record<string, unknown> {
  if (!body) return {};
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('json') || /^\s*[{[]/.test(body)) {
    try {
      const parsed = JSON.parse(body);
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : { _body: parsed };
    } catch {
      /* fall through to form parsing */
    }
  }
  if (type.includes('x-www-form-urlencoded') || /^[\w%.-]+=/.test(body)) {
    return Object.fromEntries(new URLSearchParams(body));
  }
  return { _body: `${body.length} bytes of ${contentType ?? 'unknown type'}` };
}
