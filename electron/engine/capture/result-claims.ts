import { classifyResponse } from '../../../shared/aps/codes';
import type { AnswerSeen } from '../../../shared/aps/outcomes';
import { answeredBoth } from '../aps/answers';
import { both, LRM, type Bilingual } from '../../../shared/text';

// What a merchant's result page tells the customer, in its own words. The first claim on the page decides: the
// heading comes before any "if your payment failed, contact us" further down.
const SUCCESS_CLAIM =
  /order is confirmed|order (has been )?(placed|confirmed)|payment (was |has been |is )?(successful|received|approved|complete)|we have received your payment|thank you for your (order|purchase|payment)|تمت عملية الدفع بنجاح|تم الدفع|تم تأكيد الطلب/i;
const FAILURE_CLAIM =
  /declin|did not go through|(was|were|could) not (be )?(completed|processed|approved|confirmed)|unsuccessful|payment failed|has failed|rejected|not paid|تم رفض|مرفوض|فشل|لم تتم/i;

export function pageClaim(text: string): { claim: 'success' | 'failure'; phrase: string } | undefined {
  const s = SUCCESS_CLAIM.exec(text);
  const f = FAILURE_CLAIM.exec(text);
  if (!s && !f) return undefined;
  if (s && (!f || s.index < f.index)) return { claim: 'success', phrase: s[0] };
  return { claim: 'failure', phrase: f![0] };
}

/**
 * Does the store's page tell the customer the opposite of what APS answered? A declined or refused payment shown as
 * paid is the mistake reviewers look for first; an approved one shown as failed leaves a paid order unfulfilled.
 */
export function contradiction(answer: AnswerSeen, pageText: string, url: string): Bilingual | undefined {
  const claim = pageClaim(pageText);
  if (!claim) return undefined;
  const kind = classifyResponse(answer.responseCode);
  const line = (pageText.split('\n').find((l) => l.includes(claim.phrase)) ?? claim.phrase).trim().slice(0, 120);
  const answered = answeredBoth(answer, false);
  if (claim.claim === 'success' && (kind === 'declined' || kind === 'invalid-request' || kind === 'error'))
    return both(
      `${answered.en}, but the store's page ${url} tells the customer it succeeded ("${line}")`,
      `${answered.ar}، لكن صفحة المتجر ${LRM}${url}${LRM} تخبر العميل أن الدفع نجح ("${line}")${LRM}`,
    );
  if (claim.claim === 'failure' && kind === 'success')
    return both(
      `${answered.en}, but the store's page ${url} tells the customer it failed ("${line}")`,
      `${answered.ar}، لكن صفحة المتجر ${LRM}${url}${LRM} تخبر العميل أن الدفع فشل ("${line}")${LRM}`,
    );
  return undefined;
}
