import { feedbackDelivered as delivered, type FeedbackKind } from '../../../shared/aps/feedback';
import { both, joinBoth, type Bilingual } from '../../../shared/text';
import type { CheckOutcome, EvidenceRef, VerifyContext } from './context';
import { FEEDBACK_NAME_AR, relayFeedbackResult } from './feedback-relay';
import { feedbackTargets, isPlaceholderUrl, type FeedbackProbe, type ProbeResults } from './probe';

const TEXT = {
  noTargets: both(
    'The workspace names no feedback URLs, so Certkit cannot probe them',
    'لا تذكر مساحة العمل أي عنوان لاستقبال الإشعارات، لذا لا يستطيع Certkit اختبار هذه العناوين',
  ),
  addTargets: both(
    'Add store.directFeedbackUrl and store.notificationFeedbackUrl to certkit.json (the URLs in Technical Settings) and verify with --probe-response, or check them yourself and confirm with a note.',
    'أضف store.directFeedbackUrl و store.notificationFeedbackUrl إلى certkit.json (وهما العنوانان المضبوطان في Technical Settings) ثم تحقّق باستخدام --probe-response، أو افحصهما بنفسك وأكّد ذلك بملاحظة.',
  ),
  placeholder: (kind: FeedbackKind, url: string) =>
    both(
      `the ${kind} feedback URL ${url} is a placeholder, not the merchant's endpoint`,
      `عنوان ${FEEDBACK_NAME_AR[kind]} ${url} عنوان وهمي، وليس نقطة استقبال لدى التاجر`,
    ),
  ownEndpoints: both(
    'APS refuses placeholder feedback URLs (apple.com, google.com, example.com): point both at your own endpoints in Technical Settings and in certkit.json.',
    'ترفض APS عناوين الإشعارات الوهمية (apple.com و google.com و example.com): اجعل العنوانين يشيران إلى نقاط الاستقبال الخاصة بك في Technical Settings وفي certkit.json.',
  ),
  noProbe: both('no probe ran', 'لم يُجرَ أي اختبار'),
  notProbed: (why: Bilingual) =>
    both(`The feedback URLs were not probed: ${why.en}`, `لم تُختبَر عناوين الإشعارات: ${why.ar}`),
  probeThem: both(
    'Verify with --probe-response against the loopback or staging store (with the SHA response phrase set), or confirm with a note that both URLs answer 2xx to a signed POST.',
    'تحقّق باستخدام --probe-response على المتجر المحلي (loopback) أو متجر الاختبار (staging) بعد ضبط عبارة SHA للردود، أو أكّد بملاحظة أن العنوانين يجيبان بـ 2xx على طلب POST موقّع.',
  ),
  refused: (kind: FeedbackKind, statuses: number[]) =>
    both(
      `the ${kind} feedback URL answered ${statuses.join(', then ')} to a correctly signed result sent twice`,
      `أجاب عنوان ${FEEDBACK_NAME_AR[kind]} بـ ${statuses.join('، ثم ')} على نتيجة موقّعة توقيعًا صحيحًا أُرسلت مرتين`,
    ),
  endpoint: both(
    'The feedback endpoint must take a JSON POST, verify its signature with the SHA response phrase, accept the same result again (APS retries until it gets 2xx or 302, 10 times, 10 s apart), and answer 200.',
    'يجب أن تستقبل نقطة الإشعارات طلب POST بصيغة JSON، وتتحقق من توقيعه بعبارة SHA للردود، وتقبل النتيجة نفسها إذا وصلت مرة أخرى (تعيد APS الإرسال حتى تتلقى 2xx أو 302، حتى 10 مرات بفاصل 10 ثوانٍ)، وتجيب بـ 200.',
  ),
  unreachable: (kind: FeedbackKind, error: string) =>
    both(`the ${kind} feedback URL (${error})`, `عنوان ${FEEDBACK_NAME_AR[kind]} (${error})`),
  couldNotReach: (targets: Bilingual[]) =>
    both(
      `The probe could not reach ${targets.map((t) => t.en).join(' or ')}`,
      `تعذّر على الاختبار الوصول إلى ${targets.map((t) => t.ar).join(' أو ')}`,
    ),
  startEndpoint: both(
    'Start the endpoint and verify again with --probe-response, or confirm with a note.',
    'شغّل نقطة الاستقبال وتحقّق مرة أخرى باستخدام --probe-response، أو أكّد بملاحظة.',
  ),
  acceptedAll: (kinds: FeedbackKind[]) =>
    both(
      `The ${kinds.join(' and ')} feedback URLs accepted a correctly signed result and its repeat; only you can see that they are the URLs set in Technical Settings`,
      `قبلت عناوين ${kinds.map((k) => FEEDBACK_NAME_AR[k]).join(' و')} نتيجةً موقّعة توقيعًا صحيحًا وتكرارَها؛ ولا يستطيع غيرك التأكد من أنها العناوين المضبوطة في Technical Settings`,
    ),
  acceptedOne: (kind: FeedbackKind) =>
    both(
      `The ${kind} feedback URL accepted a correctly signed result and its repeat; only you can see that it is the URL set in Technical Settings`,
      `قبل عنوان ${FEEDBACK_NAME_AR[kind]} نتيجةً موقّعة توقيعًا صحيحًا وتكرارَها؛ ولا يستطيع غيرك التأكد من أنه العنوان المضبوط في Technical Settings`,
    ),
  checkSettings: both(
    'Check Integration settings > Technical settings for each active channel, then confirm with a note.',
    'افحص Integration settings > Technical settings لكل قناة مفعّلة، ثم أكّد بملاحظة.',
  ),
};

/** Clauses joined into one sentence that starts with a capital. */
function sentence(clauses: Bilingual[]): Bilingual {
  const joined = joinBoth(clauses);
  return both(
    joined.en.replace(/^./, (c) => c.toUpperCase()),
    joined.ar,
  );
}

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
  if (!targets.length) return { status: 'needs-confirmation', summary: TEXT.noTargets, fix: TEXT.addTargets };
  if (placeholders.length) {
    return {
      status: 'failed',
      summary: sentence(placeholders.map((t) => TEXT.placeholder(t.kind, t.url))),
      fix: TEXT.ownEndpoints,
    };
  }
  if (!probes.feedback) {
    return {
      status: 'needs-confirmation',
      summary: TEXT.notProbed(probes.feedbackSkipped ?? probes.skipped ?? TEXT.noProbe),
      fix: TEXT.probeThem,
    };
  }
  const evidence = probes.feedback.map(ref);
  const refused = probes.feedback.filter((p) => !p.error && !p.statuses.every(delivered));
  if (refused.length) {
    return {
      status: 'failed',
      summary: sentence(refused.map((p) => TEXT.refused(p.kind, p.statuses))),
      fix: TEXT.endpoint,
      evidence,
    };
  }
  const unreachable = probes.feedback.filter((p) => p.error);
  if (unreachable.length) {
    return {
      status: 'warn',
      summary: TEXT.couldNotReach(unreachable.map((p) => TEXT.unreachable(p.kind, p.error ?? ''))),
      fix: TEXT.startEndpoint,
      evidence,
    };
  }
  return {
    status: 'needs-confirmation',
    summary:
      probes.feedback.length > 1
        ? TEXT.acceptedAll(probes.feedback.map((p) => p.kind))
        : TEXT.acceptedOne(probes.feedback[0].kind),
    fix: TEXT.checkSettings,
    evidence,
  };
}
