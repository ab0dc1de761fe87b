import { feedbackDelivered as delivered } from '../../../shared/aps/feedback';
import type { CheckOutcome, EvidenceRef, VerifyContext } from './context';
import { relayFeedbackResult } from './feedback-relay';
import { feedbackTargets, isPlaceholderUrl, type FeedbackProbe, type ProbeResults } from './probe';

/** Clauses joined into one sentence that starts with a capital. */
const sentence = (clauses: string[]) => clauses.join('; ').replace(/^./, (c) => c.toUpperCase());

function ref(p: FeedbackProbe): EvidenceRef {
  const answer = p.error
    ? `error: ${p.error}`
    : `HTTP ${p.statuses.join(', then ')}${p.answer ? `: ${p.answer.slice(0, 120)}` : ''}`;
  return {
    scenarioId: p.scenarioId,
    kind: 'probe',
    ref: p.url,
    detail: `${p.kind} feedback: the signed result of ${p.scenarioId} posted twice; merchant answered ${answer}`,
  };
}

const FIX =
  'The feedback endpoint must take a JSON POST, verify its signature with the SHA response phrase, accept the same result again (APS retries until it gets 2xx or 302, 10 times, 10 s apart), and answer 200.';

/**
 * What Certkit can show about the feedback URLs. Feedback that passed the relay shows it all: APS posted it to what
 * Technical Settings hold. Without the relay, the probe shows they are real endpoints that take a signed result and
 * its repeat, and that they are the URLs set in APS's Technical Settings stays for the engineer to confirm.
 */
export function feedbackResult(ctx: VerifyContext, probes: ProbeResults): CheckOutcome {
  const targets = feedbackTargets(ctx.workspace);
  const placeholders = targets.filter((t) => isPlaceholderUrl(t.url));
  const relayed = placeholders.length ? undefined : relayFeedbackResult(ctx);
  if (relayed) return relayed;
  if (!targets.length) {
    return {
      status: 'needs-confirmation',
      summary: 'The workspace names no feedback URLs, so Certkit cannot probe them',
      fix: 'Add store.directFeedbackUrl and store.notificationFeedbackUrl to certkit.json (the URLs in Technical Settings) and verify with --probe-response, or check them yourself and confirm with a note.',
    };
  }
  if (placeholders.length) {
    return {
      status: 'failed',
      summary: sentence(
        placeholders.map((t) => `the ${t.kind} feedback URL ${t.url} is a placeholder, not the merchant's endpoint`),
      ),
      fix: 'APS refuses placeholder feedback URLs (apple.com, google.com, example.com): point both at your own endpoints in Technical Settings and in certkit.json.',
    };
  }
  if (!probes.feedback) {
    return {
      status: 'needs-confirmation',
      summary: `The feedback URLs were not probed: ${(probes.feedbackSkipped ?? probes.skipped)?.en ?? 'no probe ran'}`,
      fix: 'Verify with --probe-response against the loopback or staging store (with the SHA response phrase set), or confirm with a note that both URLs answer 2xx to a signed POST.',
    };
  }
  const evidence = probes.feedback.map(ref);
  const refused = probes.feedback.filter((p) => !p.error && !p.statuses.every(delivered));
  if (refused.length) {
    return {
      status: 'failed',
      summary: sentence(
        refused.map(
          (p) =>
            `the ${p.kind} feedback URL answered ${p.statuses.join(', then ')} to a correctly signed result sent twice`,
        ),
      ),
      fix: FIX,
      evidence,
    };
  }
  const unreachable = probes.feedback.filter((p) => p.error);
  if (unreachable.length) {
    return {
      status: 'warn',
      summary: `The probe could not reach ${unreachable.map((p) => `the ${p.kind} feedback URL (${p.error})`).join(' or ')}`,
      fix: 'Start the endpoint and verify again with --probe-response, or confirm with a note.',
      evidence,
    };
  }
  return {
    status: 'needs-confirmation',
    summary:
      probes.feedback.length > 1
        ? `The ${probes.feedback.map((p) => p.kind).join(' and ')} feedback URLs accepted a correctly signed result and its repeat; only you can see that they are the URLs set in Technical Settings`
        : `The ${probes.feedback[0].kind} feedback URL accepted a correctly signed result and its repeat; only you can see that it is the URL set in Technical Settings`,
    fix: 'Check Integration settings > Technical settings for each active channel, then confirm with a note.',
    evidence,
  };
}
