import { assertNever } from '../../../shared/assert-never';
import type { ProbeResult, ProbeResults } from './probe';
import {
  anyPayment,
  noEvidence,
  returnPosts,
  type CheckOutcome,
  type EvidenceRef,
  type VerifyContext,
} from './context';

export function probeRef(p: ProbeResult): EvidenceRef {
  const answer = p.error ? `error: ${p.error}` : `HTTP ${p.httpStatus}: ${p.pageText?.slice(0, 160) ?? ''}`;
  return { scenarioId: p.scenarioId, kind: 'probe', ref: p.url, detail: `${p.change}; merchant answered ${answer}` };
}

/** Shared by the signature and amount probes: turns one probe into a result. */
export function probeOutcome(p: ProbeResult, what: string, fix: string): CheckOutcome {
  const evidence = [probeRef(p)];
  switch (p.verdict) {
    case 'rejected':
      return {
        status: 'passed',
        summary: `A result with ${p.change} was sent to return_url and the merchant refused it (${what})`,
        evidence,
      };
    case 'accepted':
      return {
        status: 'failed',
        summary: `A result with ${p.change} was sent to return_url and the merchant showed success: ${what} is not enforced`,
        fix,
        evidence,
      };
    case 'error':
      return {
        status: 'warn',
        summary: `The probe could not reach return_url: ${p.error}`,
        fix: 'Start the store and verify again with --probe-response, or confirm with a note.',
        evidence,
      };
    case 'unclear':
      return {
        status: 'needs-confirmation',
        summary: `A result with ${p.change} was sent to return_url; ${p.note ?? 'the answer neither showed success nor a refusal clearly'}`,
        fix: `Look at the probe's answer and confirm with a note that ${what} is enforced.`,
        evidence,
      };
    default:
      return assertNever(p.verdict, 'probe verdict');
  }
}

export const RESPONSE_SIGNATURE_FIX =
  'On return_url (and the feedback URLs) recompute the signature with the SHA response phrase over the fields exactly as APS posted them (no trimming, without your own query parameters), and show the order as failed when it does not match — for every payment method.';

export function responseSignatureResult(ctx: VerifyContext, probes: ProbeResults): CheckOutcome {
  const returns = ctx.scenarios.flatMap((ev) => returnPosts(ev));
  if (!returns.length)
    return noEvidence(ctx, ['card-declined', ...anyPayment(ctx)], 'no result was posted back to return_url to replay');
  if (probes.signature) return probeOutcome(probes.signature, 'the response signature check', RESPONSE_SIGNATURE_FIX);
  return {
    status: 'needs-confirmation',
    summary: `The merchant's response-signature check was not probed: ${probes.skipped ?? 'no probe ran'}`,
    fix: 'Run `certkit verify <workspace> --probe-response` against the loopback or staging store (it replays a captured result with one field changed and the old signature), or confirm with a note that a tampered response is refused.',
  };
}
