// The parameter table of every APS request the simulator answers: which parameters each takes, which are required
// (always, or under a condition), and which are signed. Formats (type, length, allowed characters and values) come
// from PARAM_SPECS and the families' specs, so each format is written once.
//
// Sources, per request: the old API reference (bhaskarndas/payfortdoc docs/*parameters.md, incommon.md), the official
// PHP SDK's models (payfort/payfort-php-sdk src/AmazonPaymentServices/Model/**), the .NET SDK's request commands
// (payfort/payfort-dotnet-sdk APS/APS.DotNetSDK/Commands/Requests/*.cs) and ../../../shared/reference/aps-api.md.
// Where they disagree the rule below says which one it follows and why.
import { FAMILY_SPECS, PARAM_FAMILIES, type FamilyId } from './param-families';
import { PARAM_SPECS, type ParamSpec } from './params';

export type Presence = 'required' | 'optional' | 'conditional';
export type ParamType = 'numeric' | 'alphanumeric' | 'list of values' | 'text' | 'object';
type Fields = Readonly<Record<string, unknown>>;

export interface ParamRule {
  presence: Presence;
  /** For a conditional parameter: when APS requires it. */
  when?: string;
  /** For a conditional parameter the request alone decides: true when this request needs it. */
  requiredIf?: (f: Fields) => boolean;
  /** Allowed values for this request when narrower than the parameter's own list. */
  values?: readonly string[];
  /** False only for the card fields the browser adds to a custom-integration TOKENIZATION form. */
  signed: boolean;
}

export type RequestId =
  | 'hosted'
  | 'tokenization'
  | 'standard_tokenization'
  | 'PURCHASE'
  | 'AUTHORIZATION'
  | 'CAPTURE'
  | 'REFUND'
  | 'VOID_AUTHORIZATION'
  | 'CHECK_STATUS'
  | 'GET_INSTALLMENTS_PLANS'
  | 'SDK_TOKEN'
  | 'UPDATE_TOKEN'
  | 'GENERATE_OTP';

export interface RequestTable {
  id: RequestId;
  title: string;
  endpoint: 'paymentPage' | 'paymentApi';
  params: Readonly<Record<string, ParamRule>>;
  /** Optional families this request also takes. */
  families: readonly FamilyId[];
}

const has = (f: Fields, k: string) => f[k] !== undefined && f[k] !== null && f[k] !== '';
const req = (): ParamRule => ({ presence: 'required', signed: true });
const opt = (values?: readonly string[]): ParamRule => ({ presence: 'optional', signed: true, values });
const cond = (when: string, requiredIf?: (f: Fields) => boolean, values?: readonly string[]): ParamRule => ({
  presence: 'conditional',
  when,
  requiredIf,
  values,
  signed: true,
});

const CREDENTIALS = { access_code: req(), merchant_identifier: req(), signature: req() };
const APP = Object.fromEntries(
  ['app_programming', 'app_framework', 'app_ver', 'app_plugin', 'app_plugin_version'].map((k) => [k, opt()]),
);
const MERCHANT_EXTRA = Object.fromEntries(
  ['merchant_extra', 'merchant_extra1', 'merchant_extra2', 'merchant_extra3', 'merchant_extra4', 'merchant_extra5'].map(
    (k) => [k, opt()],
  ),
);
const PAYMENT_FAMILIES: FamilyId[] = [
  'billing',
  'shipping',
  'customer',
  'ship',
  'recipient',
  'items',
  'fraud_extra',
  'descriptor',
];

// APS sends the customer to return_url; without one it uses the Redirection URL of the account's technical settings.
// The simulator has no such setting, so a page flow without return_url is answered with 00037.
const RETURN_URL_PAGE = cond("unless the account's technical settings name a Redirection URL");

/** The recurring fields of the initial (customer-initiated) request, per the go-live "Recurring Validation" table. */
const RECURRING_CIT = {
  agreement_id: cond('with recurring_mode (initial request)', (f) => has(f, 'recurring_mode')),
  recurring_mode: cond(
    'with agreement_id in the initial request',
    (f) => has(f, 'agreement_id') && f.eci !== 'RECURRING',
  ),
  recurring_transactions_count: cond('with recurring_mode FIXED or VARIABLE', fixedOrVariable),
  recurring_expiry_date: cond('with recurring_mode FIXED or VARIABLE', fixedOrVariable),
  recurring_days_between_payments: cond('with recurring_mode FIXED or VARIABLE', fixedOrVariable),
};
function fixedOrVariable(f: Fields): boolean {
  return f.recurring_mode === 'FIXED' || f.recurring_mode === 'VARIABLE';
}

/** The payment request's common parameters, browser form or JSON. */
const PAYMENT_COMMON = {
  command: req(),
  ...CREDENTIALS,
  merchant_reference: req(),
  amount: req(),
  currency: req(),
  language: req(),
  customer_email: req(),
  payment_option: opt(),
  eci: opt(),
  order_description: opt(),
  customer_name: opt(),
  ...MERCHANT_EXTRA,
  phone_number: opt(),
  settlement_reference: opt(),
  remember_me: opt(),
  check_3ds: opt(),
  ...RECURRING_CIT,
  ...APP,
};

const isWallet = (f: Fields) => f.digital_wallet === 'APPLE_PAY' || f.digital_wallet === 'STCPAY';
const isTrusted = (f: Fields) => has(f, 'card_number');
const eciOf = (f: Fields) => (has(f, 'eci') ? String(f.eci) : 'ECOMMERCE');
const installmentPlan = (f: Fields) => f.installments === 'YES' || f.installments === 'HOSTED';

/**
 * PURCHASE and AUTHORIZATION on paymentApi: a token (custom or standard checkout, saved cards, MOTO, recurring),
 * clear card data (trusted channel), Apple Pay or STC Pay.
 */
const PAYMENT_API: Record<string, ParamRule> = {
  ...PAYMENT_COMMON,
  token_name: cond(
    'unless the card itself is sent (trusted channel) or the payment is a digital wallet',
    (f) => !isTrusted(f) && !isWallet(f),
  ),
  // Trusted channel (PCI merchants): clear card data instead of a token. The old reference marks card_holder_name
  // mandatory; the official PHP SDK's PaymentTrustedModel makes it optional and its example never sends it, so it
  // stays optional here.
  card_number: cond('trusted channel, instead of token_name'),
  expiry_date: cond('with card_number', isTrusted),
  card_security_code: cond(
    'with card_number and eci ECOMMERCE; optional CVV check of a saved card',
    (f) => isTrusted(f) && eciOf(f) === 'ECOMMERCE',
  ),
  card_holder_name: opt(),
  customer_ip: cond(
    'card and token payments except eci RECURRING, and Apple Pay (the go-live checklist asks for the real one)',
    (f) => f.digital_wallet !== 'STCPAY' && eciOf(f) !== 'RECURRING',
  ),
  return_url: cond(
    "a 3-D Secure card, unless the token's TOKENIZATION request gave one (the simulator answers 00037 otherwise)",
  ),
  installments: opt(['YES', 'HOSTED', 'NO']),
  plan_code: cond('with installments YES or HOSTED', installmentPlan),
  issuer_code: cond('with installments YES or HOSTED', installmentPlan),
  sadad_olp: opt(),
  digital_wallet: opt(['APPLE_PAY', 'STCPAY']),
  apple_data: cond('with digital_wallet APPLE_PAY', (f) => f.digital_wallet === 'APPLE_PAY'),
  apple_signature: cond('with digital_wallet APPLE_PAY', (f) => f.digital_wallet === 'APPLE_PAY'),
  apple_header: cond('with digital_wallet APPLE_PAY', (f) => f.digital_wallet === 'APPLE_PAY'),
  apple_paymentMethod: cond('with digital_wallet APPLE_PAY', (f) => f.digital_wallet === 'APPLE_PAY'),
  apple_applicationData: opt(),
  otp: cond('STC Pay after GENERATE_OTP, unless a saved STC Pay token_name is sent'),
  phone_number: cond('with digital_wallet STCPAY', (f) => f.digital_wallet === 'STCPAY'),
  agreement_id: cond(
    'with eci RECURRING (the agreement APS returned for the initial request), and with recurring_mode',
    (f) => f.eci === 'RECURRING' || has(f, 'recurring_mode'),
  ),
  device_fingerprint: opt(),
};

/** The custom integration's browser form: card data posted straight to APS, never through the merchant's server. */
const CARD_FORM_FIELD = (when?: string, requiredIf?: (f: Fields) => boolean): ParamRule => ({
  presence: when ? 'conditional' : 'optional',
  when,
  requiredIf,
  signed: false,
});

const TOKENIZATION_COMMON = {
  service_command: req(),
  ...CREDENTIALS,
  merchant_reference: req(),
  language: req(),
  token_name: opt(),
  return_url: RETURN_URL_PAGE,
  // Installments on the merchant page: APS shows the plans for this amount (API reference, "Installments Merchant page
  // Service"; PHP SDK InstallmentsCCStandardTokenization).
  installments: opt(['STANDALONE']),
  amount: cond('with installments STANDALONE', (f) => f.installments === 'STANDALONE'),
  currency: cond('with installments STANDALONE', (f) => f.installments === 'STANDALONE'),
  customer_country_code: opt(),
  ...APP,
};

export const REQUEST_TABLES: Record<RequestId, RequestTable> = {
  hosted: {
    id: 'hosted',
    title: 'hosted checkout (redirection), AUTHORIZATION or PURCHASE to paymentPage',
    endpoint: 'paymentPage',
    params: {
      ...PAYMENT_COMMON,
      token_name: opt(),
      sadad_olp: opt(),
      customer_ip: opt(),
      return_url: RETURN_URL_PAGE,
      installments: opt(['STANDALONE']),
      // STC Pay's hosted flow; Apple Pay here is answered 00003 by the simulator (it is paid on paymentApi).
      digital_wallet: opt(),
    },
    families: PAYMENT_FAMILIES,
  },
  tokenization: {
    id: 'tokenization',
    title: 'custom integration (merchant page 2.0): TOKENIZATION form with card data to paymentPage',
    endpoint: 'paymentPage',
    params: {
      ...TOKENIZATION_COMMON,
      card_number: CARD_FORM_FIELD('unless token_name names a saved card', (f) => !has(f, 'token_name')),
      expiry_date: CARD_FORM_FIELD('with card_number', (f) => has(f, 'card_number')),
      card_security_code: CARD_FORM_FIELD('with card_number; optional for a saved card', (f) => has(f, 'card_number')),
      card_holder_name: CARD_FORM_FIELD(),
      remember_me: CARD_FORM_FIELD(),
    },
    families: [],
  },
  standard_tokenization: {
    id: 'standard_tokenization',
    title:
      'standard checkout (merchant page in an iframe): TOKENIZATION without card data to paymentPage; APS shows the card form',
    endpoint: 'paymentPage',
    params: TOKENIZATION_COMMON,
    families: [],
  },
  PURCHASE: {
    id: 'PURCHASE',
    title: 'PURCHASE to paymentApi',
    endpoint: 'paymentApi',
    params: PAYMENT_API,
    families: [...PAYMENT_FAMILIES, 'airline'],
  },
  AUTHORIZATION: {
    id: 'AUTHORIZATION',
    title: 'AUTHORIZATION to paymentApi',
    endpoint: 'paymentApi',
    params: PAYMENT_API,
    families: [...PAYMENT_FAMILIES, 'airline'],
  },
  CAPTURE: {
    id: 'CAPTURE',
    title: 'CAPTURE',
    endpoint: 'paymentApi',
    params: {
      command: req(),
      ...CREDENTIALS,
      merchant_reference: req(),
      amount: req(),
      currency: req(),
      language: req(),
      fort_id: opt(),
      order_description: opt(),
      ...APP,
    },
    families: [],
  },
  REFUND: {
    id: 'REFUND',
    title: 'REFUND',
    endpoint: 'paymentApi',
    params: {
      command: req(),
      ...CREDENTIALS,
      merchant_reference: req(),
      amount: req(),
      currency: req(),
      language: req(),
      fort_id: opt(),
      order_description: opt(),
      maintenance_reference: opt(),
      ...APP,
    },
    families: [],
  },
  VOID_AUTHORIZATION: {
    id: 'VOID_AUTHORIZATION',
    title: 'VOID_AUTHORIZATION (no amount: the PHP SDK and sevaske leave it out; the old table listing it is wrong)',
    endpoint: 'paymentApi',
    params: {
      command: req(),
      ...CREDENTIALS,
      merchant_reference: req(),
      language: req(),
      fort_id: opt(),
      order_description: opt(),
      ...APP,
    },
    families: [],
  },
  CHECK_STATUS: {
    id: 'CHECK_STATUS',
    title: 'CHECK_STATUS',
    endpoint: 'paymentApi',
    params: {
      query_command: req(),
      ...CREDENTIALS,
      language: req(),
      // "You can send merchant_reference and/or fort_id" (API reference, Check Status).
      merchant_reference: cond('unless fort_id is sent', (f) => !has(f, 'fort_id')),
      fort_id: opt(),
      return_third_party_response_codes: opt(),
      ...APP,
    },
    families: [],
  },
  GET_INSTALLMENTS_PLANS: {
    id: 'GET_INSTALLMENTS_PLANS',
    title: 'GET_INSTALLMENTS_PLANS',
    endpoint: 'paymentApi',
    params: {
      query_command: req(),
      ...CREDENTIALS,
      amount: opt(),
      currency: opt(),
      language: opt(),
      issuer_code: opt(),
      ...APP,
    },
    families: [],
  },
  SDK_TOKEN: {
    id: 'SDK_TOKEN',
    title: 'SDK_TOKEN (mobile SDK)',
    endpoint: 'paymentApi',
    params: { service_command: req(), ...CREDENTIALS, language: req(), device_id: req(), ...APP },
    families: [],
  },
  UPDATE_TOKEN: {
    id: 'UPDATE_TOKEN',
    title: 'UPDATE_TOKEN (token_status INACTIVE deletes a saved card)',
    endpoint: 'paymentApi',
    params: {
      service_command: req(),
      ...CREDENTIALS,
      merchant_reference: req(),
      language: req(),
      token_name: req(),
      expiry_date: opt(),
      card_holder_name: opt(),
      currency: opt(),
      token_status: opt(),
      new_token_name: opt(),
      ...APP,
    },
    families: [],
  },
  GENERATE_OTP: {
    id: 'GENERATE_OTP',
    title: 'GENERATE_OTP (STC Pay)',
    endpoint: 'paymentApi',
    params: {
      service_command: req(),
      ...CREDENTIALS,
      merchant_reference: req(),
      amount: req(),
      currency: req(),
      language: req(),
      digital_wallet: req(),
      phone_number: req(),
      customer_email: opt(),
      customer_ip: opt(),
      order_description: opt(),
      ...APP,
    },
    families: [],
  },
};

const API_REQUESTS = Object.values(REQUEST_TABLES)
  .filter((t) => t.endpoint === 'paymentApi')
  .map((t) => t.id);

/** Which table a request belongs to, or undefined for a command APS does not know there (00004). */
export function requestIdOf(fields: Fields, endpoint: 'paymentPage' | 'paymentApi'): RequestId | undefined {
  if (endpoint === 'paymentPage') {
    if (fields.service_command === 'TOKENIZATION') {
      // The standard checkout posts the same TOKENIZATION without card data; APS then renders the card form itself.
      const card = ['card_number', 'expiry_date', 'card_security_code'].some((k) => has(fields, k));
      return card ? 'tokenization' : 'standard_tokenization';
    }
    return fields.command === 'PURCHASE' || fields.command === 'AUTHORIZATION' ? 'hosted' : undefined;
  }
  const op = String(fields.command ?? fields.service_command ?? fields.query_command ?? '');
  return (API_REQUESTS as readonly string[]).includes(op) ? (op as RequestId) : undefined;
}

/** The rule for one parameter of a request: its own, or the optional one of a family the request takes. */
export function paramRule(id: RequestId, name: string): ParamRule | undefined {
  const table = REQUEST_TABLES[id];
  if (table.params[name]) return table.params[name];
  return table.families.some((f) => PARAM_FAMILIES[f].params.includes(name)) ? opt() : undefined;
}

/** Format of a parameter: type, length, characters, values. */
export function paramSpec(name: string): (ParamSpec & { object?: boolean }) | undefined {
  if (PARAM_SPECS[name]) return PARAM_SPECS[name];
  if (FAMILY_SPECS[name]) return FAMILY_SPECS[name];
  // Apple Pay's nested objects, copied from Apple's payment token; their inner keys are Apple's.
  if (name === 'apple_header' || name === 'apple_paymentMethod')
    return { name, maxLength: Number.MAX_SAFE_INTEGER, object: true };
  return undefined;
}

export function paramType(name: string): ParamType {
  const s = paramSpec(name);
  if (s?.object) return 'object';
  if (s?.values) return 'list of values';
  if (s?.chars === '0-9') return 'numeric';
  if (s?.chars?.startsWith('A-Za-z0-9')) return 'alphanumeric';
  return 'text';
}

/** Parameters a request carries that its table does not know: APS refuses them with 00027. */
export function unknownParams(id: RequestId, fields: Fields): string[] {
  return Object.keys(fields).filter((k) => !paramRule(id, k));
}

/** Required parameters (conditional ones included, when the request itself makes them required) that are empty. */
export function missingParams(id: RequestId, fields: Fields): string[] {
  return Object.entries(REQUEST_TABLES[id].params)
    .filter(([k, r]) => (r.presence === 'required' || r.requiredIf?.(fields)) && !has(fields, k))
    .map(([k]) => k);
}

export interface ParamProblem {
  /** APS's three-digit message: 027 extra, 001 missing, 002 format, 032 length, 033 value not allowed. */
  message: '027' | '001' | '002' | '032' | '033';
  params: string[];
  detail: string;
}

/** Why APS would refuse one value of a request, or null. */
export function valueProblem(id: RequestId, name: string, value: unknown): ParamProblem | null {
  const spec = paramSpec(name);
  if (value === '' || value === undefined || value === null) return null;
  if (typeof value === 'object') {
    return spec?.object ? null : { message: '002', params: [name], detail: `${name} must be a plain value` };
  }
  const text = String(value);
  if (typeof value === 'number' && !/^\d+(\.\d+)?$/.test(text))
    return { message: '002', params: [name], detail: `${name} is not a plain number` };
  if (typeof value === 'number' && spec?.chars === '0-9' && !/^\d+$/.test(text))
    return { message: '002', params: [name], detail: `${name} must be a whole number` };
  if (typeof value === 'boolean') return { message: '002', params: [name], detail: `${name} must be text` };
  if (!spec) return null;
  const values = paramRule(id, name)?.values ?? spec.values;
  if (spec.object) return { message: '002', params: [name], detail: `${name} must be an object` };
  if (text.length > spec.maxLength)
    return {
      message: '032',
      params: [name],
      detail: `${name} is ${text.length} characters, at most ${spec.maxLength}`,
    };
  if (values && !values.includes(text))
    return { message: '033', params: [name], detail: `${name} must be one of ${values.join(', ')}` };
  if (spec.chars && !new RegExp(`^[${spec.chars}]*$`).test(text))
    return { message: '002', params: [name], detail: `${name} has characters APS does not allow` };
  return null;
}

/** The table checks of a request in APS's order of concern: extra parameters, missing ones, then formats. */
export function checkParams(id: RequestId, fields: Fields): ParamProblem | null {
  const extra = unknownParams(id, fields);
  if (extra.length) return { message: '027', params: extra, detail: extra.join(', ') };
  const missing = missingParams(id, fields);
  if (missing.length) return { message: '001', params: missing, detail: missing.join(', ') };
  for (const [name, value] of Object.entries(fields)) {
    const p = valueProblem(id, name, value);
    if (p) return p;
  }
  return null;
}

/** The names that take part in a request's signature (for a table-driven signer or the verifier's explanation). */
export function signedParams(id: RequestId, fields: Fields): string[] {
  return Object.keys(fields).filter((k) => k !== 'signature' && has(fields, k) && paramRule(id, k)?.signed !== false);
}

export interface ParamRow {
  name: string;
  presence: Presence;
  when?: string;
  signed: boolean;
  type: ParamType;
  maxLength?: number;
  values?: readonly string[];
}

/** Every request's table as plain data (for `certkit catalog --json` and other readers). */
export function describeRequests() {
  return Object.values(REQUEST_TABLES).map((t) => ({
    id: t.id,
    title: t.title,
    endpoint: t.endpoint,
    params: Object.entries(t.params).map(([name, r]): ParamRow => {
      const spec = paramSpec(name);
      return {
        name,
        presence: r.presence,
        ...(r.when ? { when: r.when } : {}),
        signed: r.signed,
        type: paramType(name),
        ...(spec && !spec.object ? { maxLength: spec.maxLength } : {}),
        ...((r.values ?? spec?.values) ? { values: r.values ?? spec?.values } : {}),
      };
    }),
    optionalFamilies: t.families,
  }));
}
