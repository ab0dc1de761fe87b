import { EventEmitter } from 'node:events';
import { FEEDBACK_DELIVERY, feedbackDelivered, type FeedbackKind, type ShaType } from '../../../../shared/aps/catalog';
import { responseSignature } from '../sign';
import type { ExchangeLog } from './exchange-log';

export type { FeedbackKind };

export interface FeedbackEvent {
  kind: FeedbackKind;
  url: string;
  attempt: number;
  /** HTTP status the merchant answered, or 0 when it could not be reached. */
  status: number;
  ok: boolean;
  /** True on the last event for this notification: accepted, or tries used up. */
  done: boolean;
  merchant_reference?: string;
}

export interface FeedbackTarget {
  url?: string;
  format: 'json' | 'form';
  phrase: string;
  shaType: ShaType;
}

/**
 * Sends signed feedback POSTs the way APS does: the merchant must answer 2xx (or 302), otherwise the same
 * notification is sent again, `tries` times in all, `intervalMs` apart.
 */
export class FeedbackSender extends EventEmitter {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly log: ExchangeLog,
    private readonly retry: { tries: number; intervalMs: number },
  ) {
    super();
  }

  send(kind: FeedbackKind, target: FeedbackTarget, fields: Record<string, unknown>): void {
    if (!target.url || this.closed) return;
    const body: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== null && v !== '') body[k] = v;
    delete body.signature;
    body.signature = responseSignature(body as never, target.phrase, target.shaType);
    void this.attempt(kind, target, body, 1);
  }

  private async attempt(
    kind: FeedbackKind,
    target: FeedbackTarget,
    body: Record<string, unknown>,
    attempt: number,
  ): Promise<void> {
    const url = target.url!;
    const started = Date.now();
    const contentType = target.format === 'json' ? 'application/json' : 'application/x-www-form-urlencoded';
    const payload =
      target.format === 'json'
        ? JSON.stringify(body)
        : new URLSearchParams(
            Object.entries(body).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]),
          ).toString();
    let status: number;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(FEEDBACK_DELIVERY.answerWithinMs),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch {
      status = 0;
    }
    if (this.closed) return;
    const ok = feedbackDelivered(status);
    this.log.add({
      kind: 'feedback',
      method: 'POST',
      url,
      requestContentType: contentType,
      requestFields: body,
      responseStatus: status || undefined,
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
    });
    const done = ok || attempt >= this.retry.tries;
    const event: FeedbackEvent = {
      kind,
      url,
      attempt,
      status,
      ok,
      done,
      merchant_reference: body.merchant_reference as string | undefined,
    };
    this.emit('feedback', event);
    if (done) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(kind, target, body, attempt + 1);
    }, this.retry.intervalMs);
    timer.unref();
    this.timers.add(timer);
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
