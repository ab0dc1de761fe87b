import { FEEDBACK_DELIVERY, FEEDBACK_KINDS, feedbackDelivered, type FeedbackKind } from '../../../shared/aps/feedback';
import type { TrafficRecord } from '../../../shared/schema/traffic';
import { both, concatBoth, joinBoth, verbatim, type Bilingual } from '../../../shared/text';
import { operationOf } from '../relay/index';
import { str, type CheckOutcome, type EvidenceRef, type VerifyContext } from './context';
import { currentRecords, listing, relayRef } from './relay-evidence';

// Feedback that passed the feedback relay shows what the Technical Settings hold: APS itself posted it to the
// address the merchant entered there, and the merchant's endpoint answered (the relay forwards unchanged). The
// relay also posts each accepted notification once more, as APS does when it retries, to see the repeat accepted.

const LIMIT_S = FEEDBACK_DELIVERY.answerWithinMs / 1000;

/** The two feedback channels in Arabic, after Direct Transaction Feedback and Notification Feedback. */
export const FEEDBACK_NAME_AR: Record<FeedbackKind, string> = {
  direct: 'الإشعار المباشر',
  notification: 'إشعار التنبيه',
};

const feedbackName = (kind: FeedbackKind) => both(kind, FEEDBACK_NAME_AR[kind]);

/** "10 ثوانٍ", "1.5 ثانية": Arabic counts 3 to 10 whole seconds in the plural. */
function secondsAr(n: number | string): string {
  const v = Number(n);
  return `${n} ${Number.isInteger(v) && v >= 3 && v <= 10 ? 'ثوانٍ' : 'ثانية'}`;
}

const TEXT = {
  noAnswer: (s: number) => both(`no answer within ${s} s`, `لا رد خلال ${secondsAr(s)}`),
  slow: (status: number, s: string) =>
    both(
      `HTTP ${status} after ${s} s (APS retries every ${LIMIT_S} s)`,
      `HTTP ${status} بعد ${secondsAr(s)} (تعيد APS الإرسال كل ${secondsAr(LIMIT_S)})`,
    ),
  answered: (kind: FeedbackKind, repeated: boolean, why: Bilingual) =>
    both(
      `the merchant answered a ${repeated ? 'repeated ' : ''}${kind} feedback post with ${why.en}`,
      `ردّ التاجر على ${repeated ? 'تكرار ' : ''}طلب ${FEEDBACK_NAME_AR[kind]}: ${why.ar}`,
    ),
  failed: (failures: Bilingual) =>
    both(`${failures.en} (recorded by the feedback relay)`, `${failures.ar} (كما سجّله مُرحِّل الإشعارات)`),
  answerEvery: both(
    `Answer every feedback post with 2xx (or 302) within ${LIMIT_S} s, also when the same result arrives again: verify the signature with the SHA response phrase, store the result once by fort_id, and answer 200 to a repeat. APS retries an unanswered post ${FEEDBACK_DELIVERY.tries} times, ${LIMIT_S} s apart.`,
    `أجب على كل طلب إشعار بـ 2xx (أو 302) خلال ${secondsAr(LIMIT_S)}، حتى عندما تصل النتيجة نفسها مرة أخرى: تحقّق من التوقيع بعبارة SHA للردود، واحفظ النتيجة مرة واحدة بحسب fort_id، وأجب بـ 200 على التكرار. تعيد APS إرسال الطلب الذي لم يُجَب عليه حتى ${FEEDBACK_DELIVERY.tries} مرات، بفاصل ${secondsAr(LIMIT_S)} بين المحاولة والأخرى.`,
  ),
  checkStatus: (times: number) =>
    both(
      `; the merchant also asked CHECK_STATUS ${times} time(s)`,
      `؛ واستدعى التاجر أيضًا CHECK_STATUS (عدد المرات: ${times})`,
    ),
  shown: (kinds: Bilingual, slowestMs: number) =>
    both(
      `APS posted ${kinds.en} feedback through the relay and the merchant answered every post within ${slowestMs} ms (APS allows ${LIMIT_S} s)`,
      `أرسلت APS ${kinds.ar} عبر المُرحِّل، وأجاب التاجر على كل طلب خلال ${slowestMs} ملّي ثانية (تسمح APS بـ ${secondsAr(LIMIT_S)})`,
    ),
  unrepeated: (kinds: Bilingual) =>
    both(
      `; no repeated ${kinds.en} post was seen, so idempotency is not shown`,
      `؛ لم يُرَ طلب مكرَّر من ${kinds.ar}، لذا لم يثبت أن نقطة الاستقبال تتحمّل التكرار (idempotency)`,
    ),
  missing: (kinds: Bilingual) =>
    both(`; no ${kinds.en} feedback passed the relay`, `؛ لم يمرّ أي طلب من ${kinds.ar} عبر المُرحِّل`),
  causeNotification: both(
    'APS sends notification feedback when a status changes later: refund or capture a sandbox payment while the relay runs, then verify again; or confirm with a note that the notification URL in Technical Settings is your endpoint.',
    'ترسل APS إشعار التنبيه عندما تتغيّر حالة المعاملة لاحقًا: نفّذ استردادًا (refund) أو تحصيلًا (capture) لدفعة في بيئة الاختبار والمُرحِّل يعمل، ثم تحقّق مرة أخرى؛ أو أكّد بملاحظة أن عنوان إشعار التنبيه في Technical Settings هو نقطة الاستقبال الخاصة بك.',
  ),
  repeatFeedback: both(
    'Run the feedback relay with --feedback-repeats 1 (the default) so it posts each accepted result again, then verify again; or confirm with a note.',
    'شغّل مُرحِّل الإشعارات مع --feedback-repeats 1 (القيمة الافتراضية) ليعيد إرسال كل نتيجة مقبولة مرة أخرى، ثم تحقّق مرة أخرى؛ أو أكّد بملاحظة.',
  ),
  repeatsAccepted: both(', and accepted each repeated post too', '، وقبل كل طلب مكرَّر أيضًا'),
};

/** One answer: taken by APS's rule (2xx or 302, within the retry interval), or why not. */
function problem(r: TrafficRecord): Bilingual | undefined {
  if (r.error) return r.timedOut ? TEXT.noAnswer(Math.round(r.durationMs / 1000)) : verbatim(r.error);
  if (r.responseStatus === undefined || !feedbackDelivered(r.responseStatus))
    return verbatim(`HTTP ${r.responseStatus ?? '-'}`);
  if (r.durationMs > FEEDBACK_DELIVERY.answerWithinMs)
    return TEXT.slow(r.responseStatus, (r.durationMs / 1000).toFixed(1));
  return undefined;
}

const answer = (r: TrafficRecord) =>
  `${problem(r)?.en ?? `HTTP ${r.responseStatus}`} in ${Math.round(r.durationMs)} ms${r.responseText ? `: ${r.responseText.slice(0, 80)}` : ''}`;

/**
 * feedback-urls from the relay's records, or undefined when no feedback of the verified scenarios passed the relay
 * (the probe and the engineer's confirmation decide then).
 */
export function relayFeedbackResult(ctx: VerifyContext): CheckOutcome | undefined {
  const records = currentRecords(ctx);
  const feedback = records.filter((r) => r.kind === 'feedback');
  if (!feedback.length) return undefined;
  const evidence: EvidenceRef[] = [];
  // Keyed by the English sentence: the same failure seen twice is said once.
  const failures = new Map<string, Bilingual>();
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
      if (why) {
        const failure = TEXT.answered(kind, !!r.repeatOf, why);
        if (!failures.has(failure.en)) failures.set(failure.en, failure);
      }
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
  const statusNote = checks.length ? TEXT.checkStatus(checks.length) : undefined;
  if (failures.size)
    return {
      status: 'failed',
      summary: TEXT.failed(joinBoth([...failures.values()])),
      fix: TEXT.answerEvery,
      evidence,
    };
  const missing = FEEDBACK_KINDS.filter((k) => !proven.includes(k));
  const names = (kinds: FeedbackKind[]) => listing(kinds.map(feedbackName));
  const shown = TEXT.shown(names(proven), Math.ceil(slowest));
  if (missing.length || unrepeated.length)
    return {
      status: 'needs-confirmation',
      summary: concatBoth(
        shown,
        unrepeated.length ? TEXT.unrepeated(names(unrepeated)) : undefined,
        missing.length ? TEXT.missing(names(missing)) : undefined,
        statusNote,
      ),
      fix: missing.includes('notification') ? TEXT.causeNotification : TEXT.repeatFeedback,
      evidence,
    };
  return {
    status: 'passed',
    summary: concatBoth(shown, TEXT.repeatsAccepted, statusNote),
    evidence,
  };
}
