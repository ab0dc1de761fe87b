import { EventEmitter } from 'node:events';
import type { Exchange } from '../../../../shared/schema/evidence';
import { createRedactor } from '../../redact/index';

export type SimExchange = Exchange & { seq: number };

/**
 * What the simulator saw, served at GET /__certkit/exchanges. Entries are redacted on the way in, with the engine's
 * one redactor and the simulator's own credentials, so no reader of the log ever gets a secret or a full card number.
 */
export class ExchangeLog extends EventEmitter {
  private readonly entries: SimExchange[] = [];
  private seq = 0;

  constructor(private readonly secrets: () => string[]) {
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
    this.entries.push(full);
    this.emit('exchange', full);
    return full;
  }

  since(seq = 0): SimExchange[] {
    return this.entries.filter((e) => e.seq > seq);
  }
}
