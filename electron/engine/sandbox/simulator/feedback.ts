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
  /** Never sent: too many notifications were already waiting. */
  dropped?: boolean;
  merchant_reference?: string;
}

export interface FeedbackTarget {
  url?: string;
  format: 'json' | 'form';
  phrase: string;
  shaType: ShaType;
}

/** Posts in flight at once: enough to keep a merchant busy, few enough that none waits on the others. */
const CONCURRENCY = 8;
/** Notifications waiting (queued or between tries) before new ones are dropped and counted. */
const MAX_PENDING = 10_000;

// Each try's own time limit (APS's answer window) runs from when it is sent: time in the queue does not count.
interface Notification {
  kind: FeedbackKind;
  target: FeedbackTarget;
  body: Record<string, unknown>;
  attempt: number;
}

export interface FeedbackStats {
  /** Tries sent, and how they ended. */
  sent: number;
  delivered: number;
  refused: number;
  timedOut: number;
  unreachable: number;
  /** Notifications given up after their last try, and ones never sent because too many were waiting. */
  givenUp: number;
  dropped: number;
  queued: number;
  inFlight: number;
  waitingToRetry: number;
}

/**
 * Sends signed feedback POSTs the way APS does: the merchant must answer 2xx (or 302), otherwise the same
 * notification is sent again, `tries` times in all, `intervalMs` apart. At most CONCURRENCY posts are in flight
 * and the rest wait their turn, so a burst of payments cannot pile up slow requests until they time out.
 */
export class FeedbackSender extends EventEmitter {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly queue: Notification[] = [];
  private inFlight = 0;
  private closed = false;
  private readonly counts = {
    sent: 0,
    delivered: 0,
    refused: 0,
    timedOut: 0,
    unreachable: 0,
    givenUp: 0,
    dropped: 0,
  };

  private readonly limits: { concurrency: number; maxPending: number; tryTimeoutMs: number };

  constructor(
    private readonly log: ExchangeLog,
    private readonly retry: { tries: number; intervalMs: number },
    limits: Partial<FeedbackSender['limits']> = {},
  ) {
    super();
    this.limits = {
      concurrency: CONCURRENCY,
      maxPending: MAX_PENDING,
      tryTimeoutMs: FEEDBACK_DELIVERY.answerWithinMs,
      ...limits,
    };
  }

  send(kind: FeedbackKind, target: FeedbackTarget, fields: Record<string, unknown>): void {
    if (!target.url || this.closed) return;
    const body: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== null && v !== '') body[k] = v;
    delete body.signature;
    body.signature = responseSignature(body as never, target.phrase, target.shaType);
    if (this.queue.length + this.timers.size >= this.limits.maxPending) {
      this.counts.dropped++;
      this.emit('feedback', {
        kind,
        url: target.url,
        attempt: 0,
        status: 0,
        ok: false,
        done: true,
        dropped: true,
        merchant_reference: body.merchant_reference as string | undefined,
      } satisfies FeedbackEvent);
      return;
    }
    this.enqueue({ kind, target, body, attempt: 1 });
  }

  stats(): FeedbackStats {
    return {
      ...this.counts,
      queued: this.queue.length,
      inFlight: this.inFlight,
      waitingToRetry: this.timers.size,
    };
  }

  private enqueue(n: Notification): void {
    this.queue.push(n);
    this.pump();
  }

  private pump(): void {
    while (!this.closed && this.inFlight < this.limits.concurrency && this.queue.length) {
      const next = this.queue.shift()!;
      this.inFlight++;
      void this.attempt(next).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async attempt(n: Notification): Promise<void> {
    const { kind, target, body, attempt } = n;
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
    this.counts.sent++;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.limits.tryTimeoutMs),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      status = 0;
      if ((err as Error).name === 'TimeoutError') this.counts.timedOut++;
      else this.counts.unreachable++;
    }
    if (this.closed) return;
    const ok = feedbackDelivered(status);
    if (ok) this.counts.delivered++;
    else if (status) this.counts.refused++;
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
    if (done && !ok) this.counts.givenUp++;
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
      this.enqueue({ ...n, attempt: attempt + 1 });
    }, this.retry.intervalMs);
    timer.unref();
    this.timers.add(timer);
  }

  close(): void {
    this.closed = true;
    this.queue.length = 0;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
