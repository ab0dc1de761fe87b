import { EventEmitter } from 'node:events';
import type { Exchange } from '../../../../shared/schema/evidence';
import { createRedactor } from '../../redact/index';

export type SimExchange = Exchange & { seq: number };

/** Which entries a reader wants: those naming one of these references or fort ids (request or answer). */
export interface ExchangeFilter {
  merchant_reference?: string[];
  fort_id?: string[];
}

export interface ExchangeLogBound {
  /** Entries kept, about: the log trims to this once it is a tenth over. */
  count: number;
  ageMs: number;
}

interface Entry {
  at: number;
  exchange: SimExchange;
}

function names(ex: Exchange, field: string, wanted: Set<string>): boolean {
  for (const fields of [ex.requestFields, ex.responseFields]) {
    const v = fields?.[field];
    if (typeof v === 'string' && wanted.has(v)) return true;
  }
  return false;
}

/**
 * What the simulator saw, served at GET /__certkit/exchanges. Entries are redacted on the way in, with the engine's
 * one redactor and the simulator's own credentials, so no reader of the log ever gets a secret or a full card number.
 * Only the newest entries within the retention window are kept; `seq` keeps counting, so a reader sees a gap.
 */
export class ExchangeLog extends EventEmitter {
  private entries: Entry[] = [];
  private seq = 0;
  private prunedAt = 0;

  constructor(
    private readonly secrets: () => string[],
    private readonly bound: () => ExchangeLogBound = () => ({ count: Infinity, ageMs: Infinity }),
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  add(entry: Omit<Exchange, 'id' | 'step' | 'frame' | 'popup' | 'observedBy'>): SimExchange {
    const redact = createRedactor(this.secrets().filter(Boolean));
    const seq = ++this.seq;
    const full: SimExchange = {
      ...entry,
      id: `sim-${seq}`,
      seq,
      step: -1,
      frame: 'top',
      popup: false,
      observedBy: 'simulator',
      url: redact.url(entry.url),
      requestFields: redact.fields(entry.requestFields ?? {}),
      responseFields: entry.responseFields ? redact.fields(entry.responseFields) : undefined,
      ...(entry.redirectedTo ? { redirectedTo: redact.url(entry.redirectedTo) } : {}),
    };
    const now = this.now();
    this.entries.push({ at: now, exchange: full });
    // Trimmed in batches (a tenth over the count, or once a second for age), so a busy log is not shifted per entry.
    const { count } = this.bound();
    if (this.entries.length > count + Math.ceil(count / 10) || now - this.prunedAt >= 1_000) this.prune(now);
    this.emit('exchange', full);
    return full;
  }

  private prune(now: number): void {
    this.prunedAt = now;
    const { count, ageMs } = this.bound();
    const oldest = now - ageMs;
    let drop = Math.max(0, this.entries.length - count);
    while (drop < this.entries.length && this.entries[drop].at < oldest) drop++;
    if (drop) this.entries = this.entries.slice(drop);
  }

  /** The seq of the newest entry ever added (0 before the first). */
  get lastSeq(): number {
    return this.seq;
  }

  /** The seq of the oldest entry still kept (lastSeq + 1 when none is). */
  get oldestSeq(): number {
    return this.entries[0]?.exchange.seq ?? this.seq + 1;
  }

  get size(): number {
    return this.entries.length;
  }

  /** Entries after `seq`, oldest first, optionally only those naming one of the filter's values, at most `limit`. */
  since(seq = 0, filter?: ExchangeFilter, limit = Infinity): SimExchange[] {
    this.prune(this.now());
    // seq grows with the array, so the first entry after `seq` is found by bisection.
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.entries[mid].exchange.seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    const refs = filter?.merchant_reference?.length ? new Set(filter.merchant_reference) : undefined;
    const forts = filter?.fort_id?.length ? new Set(filter.fort_id) : undefined;
    const out: SimExchange[] = [];
    for (let i = lo; i < this.entries.length && out.length < limit; i++) {
      const ex = this.entries[i].exchange;
      if (filter && !((refs && names(ex, 'merchant_reference', refs)) || (forts && names(ex, 'fort_id', forts))))
        continue;
      out.push(ex);
    }
    return out;
  }
}
