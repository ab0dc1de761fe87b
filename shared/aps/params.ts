// Formats of request parameters, from APS's parameter tables. Shared by the simulator (which refuses bad
// requests as APS does) and the verifier (which names what APS would refuse). Which request takes which parameter
// is in request-params.ts.
import { FAMILY_SPECS } from './param-families';

import { LANGUAGES } from './methods';
import { both, type Bilingual } from '../text';

export interface ParamSpec {
  name: string;
  maxLength: number;
  /** Characters allowed, as a RegExp source for one character; undefined means any printable text. */
  chars?: string;
  /** Closed list of values. */
  values?: readonly string[];
}

const ALNUM = 'A-Za-z0-9';
function spec(name: string, maxLength: number, chars?: string, values?: readonly string[]): ParamSpec {
  return { name, maxLength, chars, values };
}

export const PARAM_SPECS: Record<string, ParamSpec> = Object.fromEntries(
  [
    spec('command', 20, undefined, ['AUTHORIZATION', 'PURCHASE', 'CAPTURE', 'REFUND', 'VOID_AUTHORIZATION']),
    spec('service_command', 20, undefined, [
      'TOKENIZATION',
      'SDK_TOKEN',
      'UPDATE_TOKEN',
      'CREATE_TOKEN',
      'GENERATE_OTP',
    ]),
    spec('query_command', 30, undefined, ['CHECK_STATUS', 'GET_INSTALLMENTS_PLANS']),
    spec('access_code', 20, ALNUM),
    spec('merchant_identifier', 20, ALNUM),
    spec('merchant_reference', 40, `${ALNUM}\\-_.`),
    spec('amount', 10, '0-9'),
    spec('currency', 3, 'A-Z'),
    spec('language', 2, undefined, [...LANGUAGES]),
    spec('customer_email', 254, `${ALNUM}_\\-.@+`),
    spec('customer_ip', 45, 'A-Fa-f0-9.:'),
    spec('customer_name', 40, `${ALNUM}_\\\\/\\-.' \\u0600-\\u06FF`),
    spec('order_description', 150, `${ALNUM}'/._\\-#:$ \\u0600-\\u06FF`),
    spec('token_name', 100, `${ALNUM}.@\\-_`),
    spec('new_token_name', 100, `${ALNUM}.@\\-_`),
    spec('token_status', 8, undefined, ['ACTIVE', 'INACTIVE']),
    spec('payment_option', 10, undefined, [
      'MASTERCARD',
      'VISA',
      'AMEX',
      'MADA',
      'MEEZA',
      'KNET',
      'NAPS',
      'SADAD',
      'OMANNET',
      'BENEFIT',
      'VALU',
      'TABBY',
    ]),
    spec('digital_wallet', 20, undefined, ['APPLE_PAY', 'STCPAY', 'VISA_CHECKOUT']),
    spec('eci', 16, undefined, ['ECOMMERCE', 'MOTO', 'RECURRING']),
    spec('return_url', 400, `${ALNUM}$!=?#&\\-_/:.%`),
    spec('phone_number', 19, '0-9+\\-() '),
    spec('settlement_reference', 34, `${ALNUM}\\-_.`),
    spec('remember_me', 3, undefined, ['YES', 'NO']),
    spec('check_3ds', 2, undefined, ['NO']),
    spec('installments', 10, undefined, ['STANDALONE', 'YES', 'HOSTED']),
    spec('plan_code', 8, ALNUM),
    spec('issuer_code', 8, ALNUM),
    spec('agreement_id', 100, ALNUM),
    spec('recurring_mode', 11, undefined, ['FIXED', 'VARIABLE', 'UNSCHEDULED']),
    spec('recurring_transactions_count', 3, '0-9'),
    spec('recurring_expiry_date', 10, '0-9\\-'),
    spec('recurring_days_between_payments', 3, '0-9'),
    spec('card_number', 19, '0-9'),
    spec('card_security_code', 4, '0-9'),
    spec('expiry_date', 4, '0-9'),
    spec('card_holder_name', 50, `${ALNUM}\\-.' \\u0600-\\u06FF`),
    spec('otp', 10, '0-9'),
    spec('fort_id', 20, '0-9'),
    spec('device_id', 100),
    spec('device_fingerprint', 4000),
    spec('merchant_extra', 999),
    spec('merchant_extra1', 250),
    spec('merchant_extra2', 250),
    spec('merchant_extra3', 250),
    spec('merchant_extra4', 250),
    spec('merchant_extra5', 250),
    spec('sadad_olp', 12, ALNUM),
    spec('signature', 200, 'A-Fa-f0-9'),
    spec('return_third_party_response_codes', 3, undefined, ['YES', 'NO']),
    spec('maintenance_reference', 40, `${ALNUM}\\-_.`),
    spec('app_programming', 100),
    spec('app_framework', 100),
    spec('app_ver', 100),
    spec('app_plugin', 100),
    spec('app_plugin_version', 100),
  ].map((s) => [s.name, s]),
);

/** Why a value breaks its spec, in both languages, or null. Unknown names return null: the request tables decide on those. */
export function paramFormatText(name: string, value: string): Bilingual | null {
  const s = PARAM_SPECS[name] ?? FAMILY_SPECS[name];
  if (!s) return null;
  if (s.values && !s.values.includes(value))
    return both(
      `${name} must be one of ${s.values.join(', ')}`,
      `يجب أن تكون قيمة ${name} واحدة من: ${s.values.join('، ')}`,
    );
  if (value.length > s.maxLength)
    return both(
      `${name} is ${value.length} characters, at most ${s.maxLength} allowed`,
      `عدد أحرف ${name} هو ${value.length}، والحد الأقصى المسموح ${s.maxLength}`,
    );
  if (s.chars && !new RegExp(`^[${s.chars}]*$`).test(value))
    return both(`${name} has characters APS does not allow`, `في ${name} أحرف لا يسمح بها APS`);
  return null;
}

/** Why a value breaks its spec (English), or null. */
export function paramFormatError(name: string, value: string): string | null {
  return paramFormatText(name, value)?.en ?? null;
}

/** The go-live rule for agreement_id in the initial (CIT) request: no special characters, at most 15. */
export const CIT_AGREEMENT_ID_MAX = 15;
