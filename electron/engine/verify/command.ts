import { PAYMENT_METHODS, methodRuleViolation } from '../../../shared/aps/methods';
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

export const checkCommand: Check = (ctx) => {
  const failures: string[] = [];
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
          failures.push(`${ev.scenarioId}: command ${command} is not PURCHASE or AUTHORIZATION`);
        continue;
      }
      const method = scenarioMethod(ev, x);
      if (!method) continue;
      const currency = str(x.requestFields.currency) ?? PAYMENT_METHODS[method].defaultCurrency;
      const violation = methodRuleViolation(method, command, currency);
      if (violation) failures.push(`${ev.scenarioId}: ${violation}`);
    }
  }
  if (!seen) return noEvidence(ctx, anyPayment(ctx), 'no PURCHASE or AUTHORIZATION request was recorded');
  if (failures.length) {
    return {
      status: 'failed',
      summary: failures.join('; '),
      fix: 'Send command=PURCHASE for mada, KNET, NAPS, BENEFIT, OmanNet and STC Pay (they accept nothing else, APS answers 00049), and PURCHASE or AUTHORIZATION for Visa, Mastercard, Amex and Apple Pay, in a currency the method accepts.',
      evidence,
    };
  }
  return { status: 'passed', summary: `${seen} payment request(s) used a command the method allows`, evidence };
};
