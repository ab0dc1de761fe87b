import { FEEDBACK_DELIVERY, FEEDBACK_KINDS, feedbackDelivered, type FeedbackKind } from '../../../shared/aps/feedback';
import type { TrafficRecord } from '../../../shared/schema/traffic';
import { operationOf } from '../relay/index';
import { str, type CheckOutcome, type EvidenceRef, type VerifyContext } from './context';
import { currentRecords, listing, relayRef } from './relay-evidence';

// Feedback that passed the feedback relay shows what the Technical Settings hold: APS itself posted it to the
// address the merchant entered there, and the merchant's endpoint answered (the relay forwards unchanged). The
// relay also posts each accepted notification once more, as APS does when it retries, to see the repeat accepted.

const LIMIT_S = FEEDBACK_DELIVERY.answerWithinMs / 1000;

/** One answer: taken by APS's rule (2xx or 302, within the retry interval), or why not. */
function problem(r: TrafficRecord): string | undefined {
  if (r.error) return r.timedOut ? `no answer within ${Math.round(r.durationMs / 1000)} s` : r.error;
  if (r.responseStatus === undefined || !feedbackDelivered(r.responseStatus)) return `HTTP ${r.responseStatus ?? '-'}`;
  if (r.durationMs > FEEDBACK_DELIVERY.answerWithinMs)
    return `HTTP ${r.responseStatus} after ${(r.durationMs / 1000).toFixed(1)} s (APS retries every ${LIMIT_S} s)`;
  return undefined;
}

const answer = (r: TrafficRecord) =>
  `${problem(r) ?? `HTTP ${r.responseStatus}`} in ${Math.round(r.durationMs)} ms${r.responseText ? `: ${r.responseText.slice(0, 80)}` : ''}`;

/**
 * feedback-urls from the relay's records, or undefined when no feedback of the verified scenarios passed the relay
 * (the probe and the engineer's confirmation decide then).
 */
export function relayFeedbackResult(ctx: VerifyContext): CheckOutcome | undefined {
  const records = currentRecords(ctx);
  const feedback = records.filter((r) => r.kind === 'feedback');
  if (!feedback.length) return undefined;
  const evidence: EvidenceRef[] = [];
  const failures: string[] = [];
  const proven: FeedbackKind[] = [];
  const unrepeated: FeedbackKind[] = [];
  let slowest = 0;
  for (const kind of FEEDBACK_KINDS) {
    const posts = feedback.filter((r) => r.feedbackKind === kind);
    if (!posts.length) continue;
    const first = posts.filter((r) => !r.repeatOf);
    const repeats = posts.filter((r) => r.repeatOf);
    for (const r of posts) {
      const why = problem(r);
      slowest = Math.max(slowest, r.durationMs);
      const label = r.repeatOf ? `repeat of a ${kind} feedback post` : `${kind} feedback post from APS`;
      evidence.push(relayRef(ctx, r, `${label} to ${r.target}: merchant answered ${answer(r)}`));
      if (why)
        failures.push(`the merchant answered a ${r.repeatOf ? 'repeated ' : ''}${kind} feedback post with ${why}`);
    }
    if (first.length) proven.push(kind);
    if (!repeats.length) unrepeated.push(kind);
  }
  // The merchant's own CHECK_STATUS calls are the other half of the checklist row ("Check Status API or Direct
  // Transaction Feedback"): shown, not required.
  const checks = records.filter((r) => r.kind === 'paymentApi' && operationOf(r) === 'CHECK_STATUS');
  for (const r of checks)
    evidence.push(
      relayRef(
        ctx,
        r,
        `CHECK_STATUS by the merchant, answered ${str(r.responseFields?.response_code) ?? r.responseStatus ?? r.error}`,
      ),
    );
  const statusNote = checks.length ? `; the merchant also asked CHECK_STATUS ${checks.length} time(s)` : '';
  if (failures.length)
    return {
      status: 'failed',
      summary: `${[...new Set(failures)].join('; ')} (recorded by the feedback relay)`,
      fix: `Answer every feedback post with 2xx (or 302) within ${LIMIT_S} s, also when the same result arrives again: verify the signature with the SHA response phrase, store the result once by fort_id, and answer 200 to a repeat. APS retries an unanswered post ${FEEDBACK_DELIVERY.tries} times, ${LIMIT_S} s apart.`,
      evidence,
    };
  const missing = FEEDBACK_KINDS.filter((k) => !proven.includes(k));
  const shown = `APS posted ${listing(proven.map((k) => `${k}`))} feedback through the relay and the merchant answered every post within ${Math.ceil(slowest)} ms (APS allows ${LIMIT_S} s)`;
  if (missing.length || unrepeated.length)
    return {
      status: 'needs-confirmation',
      summary: `${shown}${unrepeated.length ? `; no repeated ${listing(unrepeated)} post was seen, so idempotency is not shown` : ''}${missing.length ? `; no ${listing(missing)} feedback passed the relay` : ''}${statusNote}`,
      fix: missing.includes('notification')
        ? 'APS sends notification feedback when a status changes later: refund or capture a sandbox payment while the relay runs, then verify again; or confirm with a note that the notification URL in Technical Settings is your endpoint.'
        : 'Run the feedback relay with --feedback-repeats 1 (the default) so it posts each accepted result again, then verify again; or confirm with a note.',
      evidence,
    };
  return {
    status: 'passed',
    summary: `${shown}, and accepted each repeated post too${statusNote}`,
    evidence,
  };
}
