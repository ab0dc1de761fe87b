import { explainResponse } from '../../../shared/aps/codes';
import {
  answerMatches,
  expectedText,
  expectedTextAr,
  isInterimAnswer,
  type AnswerSeen,
  type ExpectedAnswer,
} from '../../../shared/aps/outcomes';
import type { Exchange, LedgerEntry } from '../../../shared/schema/evidence';
import { both, type Bilingual } from '../../../shared/text';

export type Fields = Record<string, unknown>;

/** One answer APS gave in a scenario, with the exchange it was read from. */
export interface ApsResponse {
  exchange: Exchange;
  fields: Fields;
}

const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);

/**
 * APS's answers as the merchant received them: the fields posted back to return_url, and the JSON bodies of
 * paymentApi calls. Each comes with the exchange it was read from.
 */
export function responsesIn(exchanges: Exchange[]): ApsResponse[] {
  const out: ApsResponse[] = [];
  for (const x of exchanges) {
    if (x.kind === 'return') out.push({ exchange: x, fields: x.requestFields });
    else if (x.kind === 'paymentApi' && x.responseFields) out.push({ exchange: x, fields: x.responseFields });
  }
  return out;
}

/** The operation an answer is about: command, service_command or query_command. */
export function answerCommand(fields: Fields): string | undefined {
  return text(fields.command) ?? text(fields.service_command) ?? text(fields.query_command);
}

/** Queries answer about a payment (CHECK_STATUS, installment plans, an SDK token); they never settle one. */
function isQuery(fields: Fields): boolean {
  return (
    typeof fields.query_command === 'string' ||
    ['SDK_TOKEN', 'GET_INSTALLMENTS_PLANS'].includes(answerCommand(fields) ?? '')
  );
}

export function answerOf(fields: Fields): AnswerSeen | undefined {
  const code = text(fields.response_code);
  if (!code || !/^\d{5}$/.test(code) || isQuery(fields)) return undefined;
  return {
    responseCode: code,
    status: text(fields.status),
    command: answerCommand(fields),
    message: text(fields.response_message),
  };
}

/** Every answer of the scenario in time order, feedback APS sent the merchant's server included. */
function answersInOrder(exchanges: Exchange[]): { answer: AnswerSeen; exchange: Exchange }[] {
  const out: { answer: AnswerSeen; exchange: Exchange }[] = [];
  const sorted = [...exchanges].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  for (const x of sorted) {
    const fields =
      x.kind === 'paymentApi'
        ? x.responseFields
        : x.kind === 'return' || x.kind === 'feedback'
          ? x.requestFields
          : undefined;
    const answer = fields && answerOf(fields);
    if (answer) out.push({ answer, exchange: x });
  }
  return out;
}

/**
 * The answer that decides the scenario: the last final one of the operation it expects (a saved card's purchase, not
 * the tokenization before it), else the last final answer of any operation. Interim answers (3-D Secure asked for,
 * pending) settle nothing. Without traffic, a response_code read from the page by an extract rule stands in.
 */
export function decidingAnswer(
  exchanges: Exchange[],
  expected: ExpectedAnswer,
  ledger?: LedgerEntry,
): { answer: AnswerSeen; exchange?: Exchange } | undefined {
  const all = answersInOrder(exchanges).filter((a) => !isInterimAnswer(a.answer.responseCode));
  const own = all.filter((a) => !a.answer.command || expected.commands.includes(a.answer.command));
  const found = (own.length ? own : all).at(-1);
  if (found) return found;
  const code = ledger?.values.response_code;
  if (code && ledger?.sources.response_code === 'page' && /^\d{5}$/.test(code) && !isInterimAnswer(code))
    return { answer: { responseCode: code, message: ledger.values.response_message } };
  return undefined;
}

/** "13666 Purchase failure: Transaction declined (usually: ...)": APS's code and words as APS writes them. */
function responseText(answer: AnswerSeen, advice: boolean): string {
  const text = explainResponse(answer.responseCode, answer.message);
  return advice ? text : text.replace(/ \(usually: .*\)$/, '');
}

/** "APS answered 13666 Purchase failure: Transaction declined (usually: ...)"; `advice` adds what it usually means. */
export function answeredText(answer: AnswerSeen, advice = true): string {
  return `APS answered ${responseText(answer, advice)}`;
}

/** The same in both languages; the code and APS's own words stay as APS wrote them. */
export function answeredBoth(answer: AnswerSeen, advice = true): Bilingual {
  const text = responseText(answer, advice);
  return both(`APS answered ${text}`, `ردّت APS بـ ${text}`);
}

/** Why APS's answer does not say the scenario happened, with the fix; undefined when it does. */
export function outcomeProblem(
  expected: ExpectedAnswer,
  found: { answer: AnswerSeen } | undefined,
): { message: string; hint: string; ar: { message: string; hint: string } } | undefined {
  const problem = (message: Bilingual, hint: Bilingual) => ({
    message: message.en,
    hint: hint.en,
    ar: { message: message.ar, hint: hint.ar },
  });
  if (!found) {
    return problem(
      both(
        `no answer from APS was seen; expected ${expectedText(expected)}`,
        `لم يُرَ أي ردّ من APS؛ وكان المتوقع ${expectedTextAr(expected)}`,
      ),
      both(
        "Certkit reads APS's answer from its post to store.returnUrl (set it in certkit.json), from paymentApi answers, or from an extract rule for response_code on your result page",
        'يقرأ Certkit ردّ APS من إرسالها إلى store.returnUrl (اضبطه في certkit.json)، أو من ردود paymentApi، أو من قاعدة استخراج لـ response_code في صفحة النتيجة',
      ),
    );
  }
  if (answerMatches(expected, found.answer)) return undefined;
  const invalid = found.answer.responseCode.startsWith('00');
  const answered = answeredBoth(found.answer);
  return problem(
    both(
      `expected ${expectedText(expected)}, but ${answered.en}`,
      `كان المتوقع ${expectedTextAr(expected)}، لكن ${answered.ar}`,
    ),
    invalid
      ? both(
          'APS refused the request itself: fix what the code names in the request your store sends',
          'رفضت APS الطلب نفسه: أصلح في الطلب الذي يرسله متجرك ما يسمّيه الرمز',
        )
      : expected.kind === 'success'
        ? both(
            'check the test card and values the flow types (`certkit import` lists them per scenario) and what the store sends',
            'تحقّق من بطاقة الاختبار والقيم التي يكتبها المسار (يسردها `certkit import` لكل سيناريو) ومما يرسله المتجر',
          )
        : both(
            'a declined scenario must be paid with a declining test card or test values; check what the flow types',
            'يجب أن يُدفع سيناريو الرفض ببطاقة اختبار مرفوضة أو بقيم اختبار تؤدي إلى الرفض؛ تحقّق مما يكتبه المسار',
          ),
  );
}
