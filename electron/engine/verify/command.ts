import { PAYMENT_METHODS, methodRuleBreach } from '../../../shared/aps/methods';
import { both, concatBoth, joinBoth, type Bilingual } from '../../../shared/text';
import {
  PAYMENT_COMMANDS,
  anyPayment,
  apsRequests,
  fieldRef,
  noEvidence,
  scenarioMethod,
  str,
  type Check,
  type EvidenceRef,
} from './context';

const TEXT = {
  notPayment: (scenarioId: string, command: string) =>
    both(
      `${scenarioId}: command ${command} is not PURCHASE or AUTHORIZATION`,
      `${scenarioId}: الأمر ${command} ليس PURCHASE ولا AUTHORIZATION`,
    ),
  breach: (scenarioId: string, why: Bilingual) => concatBoth(`${scenarioId}: `, why),
  none: both('no PURCHASE or AUTHORIZATION request was recorded', 'لم يُسجَّل أي طلب PURCHASE أو AUTHORIZATION'),
  fix: both(
    'Send command=PURCHASE for mada, KNET, NAPS, BENEFIT, OmanNet and STC Pay (they accept nothing else, APS answers 00049), and PURCHASE or AUTHORIZATION for Visa, Mastercard, Amex and Apple Pay, in a currency the method accepts.',
    'أرسل command=PURCHASE مع mada و KNET و NAPS و BENEFIT و OmanNet و STC Pay (فهي لا تقبل غيره، ويرد APS بالرمز 00049)، و PURCHASE أو AUTHORIZATION مع Visa و Mastercard و Amex و Apple Pay، وبعملة تقبلها وسيلة الدفع.',
  ),
  passed: (n: number) =>
    both(
      `${n} payment request(s) used a command the method allows`,
      `استخدم ${n} من طلبات الدفع أمرًا تسمح به وسيلة الدفع`,
    ),
};

export const checkCommand: Check = (ctx) => {
  const failures: Bilingual[] = [];
  const evidence: EvidenceRef[] = [];
  let seen = 0;
  for (const ev of ctx.scenarios) {
    for (const x of apsRequests(ev)) {
      const command = str(x.requestFields.command);
      if (!command) continue;
      seen++;
      evidence.push(fieldRef(ev, x, 'command', command));
      if (!PAYMENT_COMMANDS.includes(command)) {
        // Maintenance commands (CAPTURE, REFUND, VOID) are fine as follow-ups; they never start a payment.
        if (!['CAPTURE', 'REFUND', 'VOID_AUTHORIZATION'].includes(command))
          failures.push(TEXT.notPayment(ev.scenarioId, command));
        continue;
      }
      const method = scenarioMethod(ev, x);
      if (!method) continue;
      const currency = str(x.requestFields.currency) ?? PAYMENT_METHODS[method].defaultCurrency;
      const breach = methodRuleBreach(method, command, currency);
      if (breach) failures.push(TEXT.breach(ev.scenarioId, breach));
    }
  }
  if (!seen) return noEvidence(ctx, anyPayment(ctx), TEXT.none);
  if (failures.length) return { status: 'failed', summary: joinBoth(failures), fix: TEXT.fix, evidence };
  return { status: 'passed', summary: TEXT.passed(seen), evidence };
};
