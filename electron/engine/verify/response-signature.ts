import { assertNever } from '../../../shared/assert-never';
import { signedFieldNames, verifySignature, type ApsParams } from '../aps/signature';
import { operationOf } from '../relay/index';
import type { ProbeResult, ProbeResults } from './probe';
import { currentRecords, relayRef } from './relay-evidence';
import { SECRET_MARKER } from '../redact/index';
import { looksMasked } from './request-signature';
import { both, type Bilingual } from '../../../shared/text';
import {
  anyPayment,
  extendSummary,
  noEvidence,
  returnPosts,
  type CheckOutcome,
  type EvidenceRef,
  type VerifyContext,
} from './context';

const TEXT = {
  refused: (change: Bilingual, what: Bilingual) =>
    both(
      `A result with ${change.en} was sent to return_url and the merchant refused it (${what.en})`,
      `أُرسلت إلى return_url نتيجة معدّلة (${change.ar}) فرفضها التاجر (${what.ar})`,
    ),
  accepted: (change: Bilingual, what: Bilingual) =>
    both(
      `A result with ${change.en} was sent to return_url and the merchant showed success: ${what.en} is not enforced`,
      `أُرسلت إلى return_url نتيجة معدّلة (${change.ar}) فعرض التاجر نجاح الدفع: ${what.ar} غير مُطبَّق`,
    ),
  unreachable: (error: string) =>
    both(`The probe could not reach return_url: ${error}`, `تعذّر على الاختبار الوصول إلى return_url: ${error}`),
  unreachableFix: both(
    'Start the store and verify again with --probe-response, or confirm with a note.',
    'شغّل المتجر ثم تحقّق مرة أخرى مع --probe-response، أو أكّد بملاحظة.',
  ),
  unclear: (change: Bilingual, note: Bilingual | undefined) =>
    both(
      `A result with ${change.en} was sent to return_url; ${note?.en ?? 'the answer neither showed success nor a refusal clearly'}`,
      `أُرسلت إلى return_url نتيجة معدّلة (${change.ar})؛ ${note?.ar ?? 'لم يُظهر رد التاجر نجاحًا ولا رفضًا بوضوح'}`,
    ),
  unclearFix: (what: Bilingual) =>
    both(
      `Look at the probe's answer and confirm with a note that ${what.en} is enforced.`,
      `راجع رد التاجر على الاختبار، ثم أكّد بملاحظة أن ${what.ar} مُطبَّق.`,
    ),
  signatureCheck: both('the response signature check', 'فحص توقيع الرد'),
  fix: both(
    'On return_url (and the feedback URLs) recompute the signature with the SHA response phrase over the fields exactly as APS posted them (no trimming, without your own query parameters), and show the order as failed when it does not match — for every payment method.',
    'في return_url (وعناوين feedback) أعد حساب signature بعبارة SHA للردود على الحقول كما أرسلها APS تمامًا (دون حذف المسافات، ودون معاملات الاستعلام الخاصة بك)، واعرض الطلب فاشلًا إن لم يتطابق، وذلك لكل وسائل الدفع.',
  ),
  relayMismatched: (count: number, operations: string) =>
    both(
      `; ${count} answer(s) the relay recorded (${operations}) do not match the SHA response phrase given, so either the phrase or SHA type Certkit has is not the account's, or something between APS and the merchant changed them`,
      `؛ ${count} من ردود APS التي سجّلها المُرحِّل (${operations}) لا تطابق عبارة SHA للردود المعطاة: فإما أن العبارة أو نوع SHA لدى Certkit ليسا للحساب، وإما أن شيئًا بين APS والتاجر غيّر الردود`,
    ),
  relayMatched: (count: number) =>
    both(
      `; APS's answers to ${count} server-to-server call(s) recorded by the relay recompute with the response phrase over the values as received`,
      `؛ ردود APS على ${count} من الطلبات بين الخوادم التي سجّلها المُرحِّل يُعاد حساب توقيعها بعبارة الردود على القيم كما وصلت`,
    ),
  phraseFix: both(
    'Check CERTKIT_SHA_RESPONSE_PHRASE and CERTKIT_SHA_TYPE against Integration settings > Security settings.',
    'قارن CERTKIT_SHA_RESPONSE_PHRASE و CERTKIT_SHA_TYPE بما في Integration settings > Security settings.',
  ),
  nothingToReplay: both(
    'no result was posted back to return_url to replay',
    'لم تُرسَل أي نتيجة إلى return_url يمكن إعادة إرسالها',
  ),
  noProbeRan: both('no probe ran', 'لم يُجرَ أي اختبار'),
  notProbed: (why: Bilingual) =>
    both(
      `The merchant's response-signature check was not probed: ${why.en}`,
      `لم يُختبر فحص التاجر لتوقيع الرد: ${why.ar}`,
    ),
  notProbedFix: both(
    'Run `certkit verify <workspace> --probe-response` against the loopback or staging store (it replays a captured result with one field changed and the old signature), or confirm with a note that a tampered response is refused.',
    'شغّل `certkit verify <workspace> --probe-response` على متجر loopback أو staging (يعيد إرسال نتيجة ملتقطة بعد تغيير حقل واحد مع إبقاء التوقيع القديم)، أو أكّد بملاحظة أن الرد المعدَّل يُرفض.',
  ),
};

export function probeRef(p: ProbeResult): EvidenceRef {
  const answer = p.error ? `error: ${p.error}` : `HTTP ${p.httpStatus}: ${p.pageText?.slice(0, 160) ?? ''}`;
  return { scenarioId: p.scenarioId, kind: 'probe', ref: p.url, detail: `${p.change.en}; merchant answered ${answer}` };
}

/** Shared by the signature and amount probes: turns one probe into a result. */
export function probeOutcome(p: ProbeResult, what: Bilingual, fix: Bilingual): CheckOutcome {
  const evidence = [probeRef(p)];
  switch (p.verdict) {
    case 'rejected':
      return { status: 'passed', summary: TEXT.refused(p.change, what), evidence };
    case 'accepted':
      return { status: 'failed', summary: TEXT.accepted(p.change, what), fix, evidence };
    case 'error':
      return {
        status: 'warn',
        summary: TEXT.unreachable(p.error ?? ''),
        fix: TEXT.unreachableFix,
        evidence,
      };
    case 'unclear':
      return {
        status: 'needs-confirmation',
        summary: TEXT.unclear(p.change, p.note),
        fix: TEXT.unclearFix(what),
        evidence,
      };
    default:
      return assertNever(p.verdict, 'probe verdict');
  }
}

/**
 * APS's answers to the merchant's server-to-server calls, as the relay passed them on, recomputed with the response
 * phrase over the values exactly as received. That they match shows the merchant's own check can succeed on
 * untrimmed values; whether the merchant refuses a tampered answer is what the probe shows.
 */
function relayAnswers(ctx: VerifyContext): { matched: number; mismatched: string[]; evidence: EvidenceRef[] } {
  const out = { matched: 0, mismatched: [] as string[], evidence: [] as EvidenceRef[] };
  for (const r of currentRecords(ctx)) {
    const fields = r.responseFields as ApsParams | undefined;
    if (r.kind !== 'paymentApi' || !fields || typeof fields.signature !== 'string') continue;
    const apple = fields.digital_wallet === 'APPLE_PAY';
    const keys = apple ? ctx.appleSecrets : ctx.secrets;
    if (!keys?.responsePhrase) continue;
    const answer: ApsParams = { ...fields };
    if (looksMasked(answer.access_code)) {
      if (!keys.accessCode) continue;
      answer.access_code = keys.accessCode;
    }
    // APS masks the card number in its answers itself, and signs it masked; only what the recorder removed is unknown.
    const removed = (k: string) => typeof answer[k] === 'string' && (answer[k] as string).includes(SECRET_MARKER);
    if (signedFieldNames(answer, { response: true }).some(removed)) continue;
    const op = operationOf(r) ?? 'call';
    if (verifySignature(answer, keys.responsePhrase, keys.shaType, { response: true }).ok) {
      out.matched++;
      out.evidence.push(relayRef(ctx, r, `APS's answer to ${op}: signature recomputed with the response phrase`));
    } else {
      out.mismatched.push(op);
      out.evidence.push(relayRef(ctx, r, `APS's answer to ${op}: signature does not match the response phrase given`));
    }
  }
  return out;
}

export function responseSignatureResult(ctx: VerifyContext, probes: ProbeResults): CheckOutcome {
  const outcome = probeResponseResult(ctx, probes);
  const relay = relayAnswers(ctx);
  if (!relay.matched && !relay.mismatched.length) return outcome;
  const unmatched = [...new Set(relay.mismatched)].join(', ');
  const note = relay.mismatched.length
    ? TEXT.relayMismatched(relay.mismatched.length, unmatched)
    : TEXT.relayMatched(relay.matched);
  return {
    ...extendSummary(outcome, note),
    status: relay.mismatched.length && outcome.status === 'passed' ? 'warn' : outcome.status,
    ...(relay.mismatched.length && !outcome.fix ? { fix: TEXT.phraseFix } : {}),
    evidence: [...(outcome.evidence ?? []), ...relay.evidence],
  };
}

function probeResponseResult(ctx: VerifyContext, probes: ProbeResults): CheckOutcome {
  const returns = ctx.scenarios.flatMap((ev) => returnPosts(ev));
  if (!returns.length) return noEvidence(ctx, ['card-declined', ...anyPayment(ctx)], TEXT.nothingToReplay);
  if (probes.signature) return probeOutcome(probes.signature, TEXT.signatureCheck, TEXT.fix);
  return {
    status: 'needs-confirmation',
    summary: TEXT.notProbed(probes.skipped ?? TEXT.noProbeRan),
    fix: TEXT.notProbedFix,
  };
}
