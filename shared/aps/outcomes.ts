import { classifyResponse, describeResponse } from './codes';

/**
 * What APS answers when a scenario happened as the checklist means it: the operation whose answer decides, and the
 * statuses that count. A scenario passes only on such an answer from APS itself (its post to return_url, a
 * paymentApi answer, its feedback), never on what the merchant's page says.
 */
export interface ExpectedAnswer {
  /** In a person's words: "an approved payment". */
  label: string;
  /** The same in Arabic, for the app's Arabic view. */
  labelAr: string;
  /** Commands (`command` or `service_command`) whose answer decides; answers of other operations are steps on the way. */
  commands: string[];
  /** Two-digit statuses that mean the outcome happened. */
  statuses: string[];
  /** APS's own classification of the full code that must come with the status. */
  kind: 'success' | 'declined';
  /** The code quoted as the one expected. */
  example: string;
}

const PAYMENT_COMMANDS = ['PURCHASE', 'AUTHORIZATION'];

export const APPROVED_PAYMENT: ExpectedAnswer = {
  label: 'an approved payment',
  labelAr: 'دفعة مقبولة',
  commands: PAYMENT_COMMANDS,
  statuses: ['14', '02'],
  kind: 'success',
  example: '14000',
};

export const DECLINED_PAYMENT: ExpectedAnswer = {
  label: 'a declined payment',
  labelAr: 'دفعة مرفوضة',
  commands: PAYMENT_COMMANDS,
  statuses: ['13', '03'],
  kind: 'declined',
  example: '13666',
};

export const TOKEN_UPDATED: ExpectedAnswer = {
  label: 'the saved card (token) updated',
  labelAr: 'تحديث البطاقة المحفوظة (token)',
  commands: ['UPDATE_TOKEN'],
  statuses: ['58'],
  kind: 'success',
  example: '58000',
};

export const AGREEMENT_CANCELLED: ExpectedAnswer = {
  ...TOKEN_UPDATED,
  label: "the agreement's token updated (the recurring agreement changed or cancelled)",
  labelAr: 'تحديث token الاتفاقية (تعديل اتفاقية الدفع المتكرر أو إلغاؤها)',
};

/** An answer as read from APS: its code, and the command and status when it names them. */
export interface AnswerSeen {
  responseCode: string;
  status?: string;
  command?: string;
  message?: string;
}

/** Does APS's answer say the scenario happened? */
export function answerMatches(expected: ExpectedAnswer, answer: AnswerSeen): boolean {
  const status = answer.status ?? answer.responseCode.slice(0, 2);
  if (answer.command && !expected.commands.includes(answer.command)) return false;
  return expected.statuses.includes(status) && classifyResponse(answer.responseCode) === expected.kind;
}

/**
 * Answers that settle nothing yet: 3-D Secure asked for (20064), pending or on hold. A run waits for the answer after
 * them before judging.
 */
export function isInterimAnswer(responseCode: string): boolean {
  const c = classifyResponse(responseCode);
  return c === '3ds-required' || c === 'pending' || c === 'on-hold';
}

/** "an approved payment (14000 Purchase success: Success)"; APS's own code text stays as APS writes it. */
export function expectedText(expected: ExpectedAnswer): string {
  return `${expected.label} (${expected.example} ${describeResponse(expected.example)})`;
}

/** The expected answer named in Arabic, with APS's code and its English text as APS writes it. */
export function expectedTextAr(expected: ExpectedAnswer): string {
  return `${expected.labelAr} (${expected.example} ${describeResponse(expected.example)})`;
}
