import { EventEmitter } from 'node:events';
import { maskPan } from '../../../../shared/aps/card-mask';
import type { Exchange } from '../../../../shared/schema/evidence';

export type SimExchange = Exchange & { seq: number };

/** Fields whose value is a credential: the key stays (its presence matters to checks), the value goes. */
const SECRET_FIELDS = new Set(['access_code', 'sha_request_phrase', 'sha_response_phrase', 'apple_access_code']);
/** Fields never kept at all: card verification data and one-time codes typed by the customer. */
const DROPPED_FIELDS = new Set(['card_security_code', 'cvv', 'pin', 'otp', 'password', '3ds_password']);
const CARD_FIELDS = new Set(['card_number', 'card']);

export function maskCardNumber(value: string): string {
  const digits = value.replace(/\D/g, '');
  if (digits.length < 11) return '*'.repeat(digits.length);
  return maskPan(digits);
}

/** Copies fields for the log: credentials blanked, card numbers masked, CVV/PIN/OTP removed; nested objects kept. */
export function scrubFields(fields: Record<string, unknown>, secrets: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (DROPPED_FIELDS.has(k)) continue;
    if (SECRET_FIELDS.has(k)) {
      out[k] = '[removed]';
    } else if (
      CARD_FIELDS.has(k) &&
      typeof v === 'string' &&
      /^\d[\d *]*$/.test(v) &&
      v.replace(/\D/g, '').length >= 8
    ) {
      out[k] = v.includes('*') ? v : maskCardNumber(v);
    } else if (typeof v === 'string') {
      out[k] = secrets.includes(v) ? '[removed]' : v;
    } else if (v && typeof v === 'object' && !Array.isArray(v)) {
      out[k] = scrubFields(v as Record<string, unknown>, secrets);
    } else {
      out[k] = v;
    }
  }
  return out;
}

export class ExchangeLog extends EventEmitter {
  private readonly entries: SimExchange[] = [];
  private seq = 0;

  constructor(private readonly secrets: () => string[]) {
    super();
  }

  add(entry: Omit<Exchange, 'id' | 'step' | 'frame' | 'popup' | 'observedBy'>): SimExchange {
    const secrets = this.secrets().filter(Boolean);
    const seq = ++this.seq;
    const full: SimExchange = {
      ...entry,
      id: `sim-${seq}`,
      seq,
      step: -1,
      frame: 'top',
      popup: false,
      observedBy: 'simulator',
      requestFields: scrubFields(entry.requestFields ?? {}, secrets),
      responseFields: entry.responseFields ? scrubFields(entry.responseFields, secrets) : undefined,
    };
    if (full.url) full.url = redactUrl(full.url, secrets);
    this.entries.push(full);
    this.emit('exchange', full);
    return full;
  }

  since(seq = 0): SimExchange[] {
    return this.entries.filter((e) => e.seq > seq);
  }
}

function redactUrl(url: string, secrets: string[]): string {
  let out = url;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[removed]');
  return out;
}
