// How APS delivers Direct Transaction Feedback and Notification Feedback, as far as its documents say.

/**
 * APS counts a feedback POST as delivered when the merchant answers 2xx or 302; anything else (or no answer) is
 * sent again, 10 times, 10 s apart [PF-old:transactionfeedback.md]. APS publishes no answer timeout. The retry
 * interval is the only figure it gives, and an answer slower than it overlaps the next retry, so Certkit takes it as
 * the bound an answer must meet (docs/relay.md says so where it reports the figure).
 */
export const FEEDBACK_DELIVERY = {
  tries: 10,
  intervalMs: 10_000,
  answerWithinMs: 10_000,
} as const;

export const FEEDBACK_KINDS = ['direct', 'notification'] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];

/** The answers APS takes as "received". */
export function feedbackDelivered(status: number): boolean {
  return (status >= 200 && status < 300) || status === 302;
}
