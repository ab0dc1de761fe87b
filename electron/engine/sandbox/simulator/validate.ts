import {
  CIT_AGREEMENT_ID_MAX,
  MESSAGE_TEXT,
  checkParams,
  methodFromRequest,
  methodRuleViolation,
  visaAmountProblem,
  type RequestId,
  type ShaType,
} from '../../../../shared/aps/catalog';
import { verifySignature, type ApsParams } from '../../aps/signature';

/** A refusal as APS words it: five-digit code (status + message) and its text. */
export interface ApsRefusal {
  response_code: string;
  status: string;
  response_message: string;
}

export function refusal(message: string, detail?: string, status = '00'): ApsRefusal {
  const text = MESSAGE_TEXT[message] ?? 'Invalid request';
  return { response_code: status + message, status, response_message: detail ? `${text}: ${detail}` : text };
}

export interface Credentials {
  merchant_identifier: string;
  access_code: string;
  phrase: string;
  sha_type: ShaType;
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

/**
 * The request's parameter table (extra, missing, formats), then credentials and signature: the checks every request
 * goes through, in APS's order of concern.
 */
export function checkRequest(fields: ApsParams, request: RequestId, creds: Credentials): ApsRefusal | null {
  const problem = checkParams(request, fields);
  if (problem) return refusal(problem.message, problem.detail);
  if (fields.merchant_identifier !== creds.merchant_identifier) return refusal('009');
  if (fields.access_code !== creds.access_code) return refusal('010');
  const sig = verifySignature(fields, creds.phrase, creds.sha_type);
  if (!sig.ok) return refusal('008');
  return null;
}

/** The Visa rule for 3-decimal currencies, once the card's brand is known. */
export function checkVisaAmount(brand: string | undefined, fields: ApsParams): ApsRefusal | null {
  const why = visaAmountProblem(brand, String(fields.currency ?? ''), String(fields.amount ?? ''));
  return why ? refusal('005', why) : null;
}

/** Amount, currency and the method's command/currency rules. */
export function checkPayment(fields: ApsParams): ApsRefusal | null {
  const amount = String(fields.amount ?? '');
  if (!/^\d+$/.test(amount) || Number(amount) <= 0)
    return refusal('005', 'amount must be a positive whole number of minor units');
  const currency = String(fields.currency ?? '');
  if (!/^[A-Z]{3}$/.test(currency)) return refusal('013');
  const method = methodFromRequest(fields);
  if (method) {
    const why = methodRuleViolation(method, String(fields.command), currency);
    if (why) return refusal(why.includes(' only, not ' + currency) ? '013' : '049', why);
    if (method === 'MADA' && fields.check_3ds === 'NO') return refusal('033', 'check_3ds=NO is not allowed for mada');
  }
  if (fields.installments && fields.installments !== 'NO' && fields.command !== 'PURCHASE')
    return refusal('049', 'installments need command PURCHASE');
  if (fields.payment_option === 'VISA') return checkVisaAmount('VISA', fields);
  if (fields.eci === 'RECURRING' && fields.command !== 'PURCHASE')
    return refusal('049', 'recurring payments are PURCHASE only');
  return null;
}

/** The go-live rules for the initial (customer-initiated) recurring request. */
export function checkCitRules(fields: ApsParams, agreementInUse: (id: string) => boolean): ApsRefusal | null {
  const mode = fields.recurring_mode;
  const agreement = fields.agreement_id;
  if (isEmpty(mode) && isEmpty(agreement)) return null;
  if (isEmpty(mode)) return refusal('001', 'recurring_mode (the initial recurring request must carry it)');
  if (mode === 'FIXED' || mode === 'VARIABLE') {
    const missing = ['recurring_transactions_count', 'recurring_expiry_date', 'recurring_days_between_payments'].filter(
      (k) => isEmpty(fields[k]),
    );
    if (missing.length) return refusal('001', `${missing.join(', ')} (needed with recurring_mode ${mode})`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(String(fields.recurring_expiry_date)))
      return refusal('002', 'recurring_expiry_date (YYYY-MM-DD)');
  }
  if (isEmpty(agreement)) return refusal('001', 'agreement_id');
  const id = String(agreement);
  if (!/^[A-Za-z0-9]+$/.test(id)) return refusal('002', 'agreement_id must have no special characters');
  if (id.length > CIT_AGREEMENT_ID_MAX)
    return refusal('032', `agreement_id is ${id.length} characters, at most ${CIT_AGREEMENT_ID_MAX}`);
  if (agreementInUse(id)) return refusal('033', 'agreement_id is already used by another agreement');
  return null;
}

/** YYMM in the future (the month itself counts). */
export function expiryProblem(yymm: string, now = new Date()): '100' | '012' | null {
  if (!/^\d{4}$/.test(yymm)) return '100';
  const yy = Number(yymm.slice(0, 2));
  const mm = Number(yymm.slice(2));
  if (mm < 1 || mm > 12) return '100';
  const year = 2000 + yy;
  const current = now.getUTCFullYear() * 12 + now.getUTCMonth();
  return year * 12 + (mm - 1) < current ? '012' : null;
}

/** "05/30" -> "3005". */
export function mmyyToYymm(mmyy: string): string {
  const m = /^\s*(\d{1,2})\s*\/\s*(\d{2})\s*$/.exec(mmyy);
  if (!m) return '';
  return m[2] + m[1].padStart(2, '0');
}

/** Brand by prefix; mada cards are known by the catalog only (their BIN list is long and changes). */
export function cardBrand(number: string): string {
  if (/^3[47]/.test(number)) return 'AMEX';
  if (/^(5[1-5]|2[2-7])/.test(number)) return 'MASTERCARD';
  if (/^4/.test(number)) return 'VISA';
  return 'UNKNOWN';
}
