import { both, type Bilingual } from '../text';

export const METHOD_IDS = [
  'VISA',
  'MASTERCARD',
  'AMEX',
  'MADA',
  'KNET',
  'NAPS',
  'BENEFIT',
  'OMANNET',
  'STCPAY',
  'APPLE_PAY',
] as const;
export type MethodId = (typeof METHOD_IDS)[number];

export type Command = 'PURCHASE' | 'AUTHORIZATION';
/** The languages APS pages and Certkit's interface come in. */
export const LANGUAGES = ['en', 'ar'] as const;
export type Language = (typeof LANGUAGES)[number];
/** How the customer reaches the method: APS's hosted page, the merchant's own form (custom), or a wallet. */
export type Channel = 'hosted' | 'custom' | 'wallet';
/** How the method's screenshots are packed: with the general package, one zip per outcome, or one zip for both. */
export type Packing = 'general' | 'per-outcome' | 'combined';

export interface PaymentMethod {
  id: MethodId;
  label: string;
  labelAr: string;
  kind: 'card' | 'local' | 'wallet';
  /** ISO 3166 alpha-2, or null for international schemes. */
  country: string | null;
  /** Currencies the method accepts; null means any currency the account has. */
  currencies: string[] | null;
  defaultCurrency: string;
  commands: Command[];
  /** Languages the certification screenshots must cover. */
  languages: Language[];
  channels: Channel[];
  /** The request field that selects the method. */
  selector: { field: 'payment_option' | 'digital_wallet'; value: string };
  threeDsMandatory: boolean;
  packing: Packing;
  /** A branding document the checklist asks to follow, if any. */
  branding?: string;
}

export const PAYMENT_METHODS: Record<MethodId, PaymentMethod> = {
  VISA: {
    id: 'VISA',
    label: 'Visa',
    labelAr: 'فيزا',
    kind: 'card',
    country: null,
    currencies: null,
    defaultCurrency: 'SAR',
    commands: ['PURCHASE', 'AUTHORIZATION'],
    languages: ['en'],
    channels: ['hosted', 'custom'],
    selector: { field: 'payment_option', value: 'VISA' },
    threeDsMandatory: false,
    packing: 'general',
  },
  MASTERCARD: {
    id: 'MASTERCARD',
    label: 'Mastercard',
    labelAr: 'ماستركارد',
    kind: 'card',
    country: null,
    currencies: null,
    defaultCurrency: 'SAR',
    commands: ['PURCHASE', 'AUTHORIZATION'],
    languages: ['en'],
    channels: ['hosted', 'custom'],
    selector: { field: 'payment_option', value: 'MASTERCARD' },
    threeDsMandatory: false,
    packing: 'general',
  },
  AMEX: {
    id: 'AMEX',
    label: 'American Express',
    labelAr: 'أمريكان إكسبريس',
    kind: 'card',
    country: null,
    currencies: null,
    defaultCurrency: 'SAR',
    commands: ['PURCHASE', 'AUTHORIZATION'],
    languages: ['en'],
    channels: ['hosted', 'custom'],
    selector: { field: 'payment_option', value: 'AMEX' },
    threeDsMandatory: false,
    packing: 'general',
    branding: 'AMEX branding guidelines',
  },
  MADA: {
    id: 'MADA',
    label: 'mada',
    labelAr: 'مدى',
    kind: 'card',
    country: 'SA',
    currencies: ['SAR'],
    defaultCurrency: 'SAR',
    commands: ['PURCHASE'],
    languages: ['en'],
    channels: ['hosted', 'custom'],
    selector: { field: 'payment_option', value: 'MADA' },
    threeDsMandatory: true,
    packing: 'general',
    branding: 'MADA Branding Document',
  },
  KNET: {
    id: 'KNET',
    label: 'KNET',
    labelAr: 'كي نت',
    kind: 'local',
    country: 'KW',
    currencies: ['KWD'],
    defaultCurrency: 'KWD',
    commands: ['PURCHASE'],
    languages: ['en'],
    channels: ['hosted'],
    selector: { field: 'payment_option', value: 'KNET' },
    threeDsMandatory: false,
    packing: 'per-outcome',
  },
  NAPS: {
    id: 'NAPS',
    label: 'NAPS (QPay)',
    labelAr: 'نابس',
    kind: 'local',
    country: 'QA',
    currencies: ['QAR'],
    defaultCurrency: 'QAR',
    commands: ['PURCHASE'],
    languages: ['ar', 'en'],
    channels: ['hosted'],
    selector: { field: 'payment_option', value: 'NAPS' },
    threeDsMandatory: false,
    packing: 'per-outcome',
    branding: 'QPAY PG certification guidelines and UI best practices',
  },
  BENEFIT: {
    id: 'BENEFIT',
    label: 'BENEFIT',
    labelAr: 'بنفت',
    kind: 'local',
    country: 'BH',
    currencies: ['BHD'],
    defaultCurrency: 'BHD',
    commands: ['PURCHASE'],
    languages: ['en'],
    channels: ['hosted'],
    selector: { field: 'payment_option', value: 'BENEFIT' },
    threeDsMandatory: false,
    packing: 'per-outcome',
    branding: 'BENEFIT Branding Document',
  },
  OMANNET: {
    id: 'OMANNET',
    label: 'OmanNet',
    labelAr: 'عمان نت',
    kind: 'local',
    country: 'OM',
    currencies: ['OMR'],
    defaultCurrency: 'OMR',
    commands: ['PURCHASE'],
    languages: ['en'],
    channels: ['hosted'],
    selector: { field: 'payment_option', value: 'OMANNET' },
    threeDsMandatory: false,
    packing: 'combined',
  },
  STCPAY: {
    id: 'STCPAY',
    label: 'STC Pay',
    labelAr: 'إس تي سي باي',
    kind: 'wallet',
    country: 'SA',
    currencies: ['SAR'],
    defaultCurrency: 'SAR',
    commands: ['PURCHASE'],
    languages: ['en'],
    channels: ['hosted', 'custom'],
    selector: { field: 'digital_wallet', value: 'STCPAY' },
    threeDsMandatory: false,
    packing: 'per-outcome',
  },
  APPLE_PAY: {
    id: 'APPLE_PAY',
    label: 'Apple Pay',
    labelAr: 'آبل باي',
    kind: 'wallet',
    country: null,
    currencies: null,
    defaultCurrency: 'SAR',
    commands: ['PURCHASE', 'AUTHORIZATION'],
    languages: ['en'],
    channels: ['wallet'],
    selector: { field: 'digital_wallet', value: 'APPLE_PAY' },
    threeDsMandatory: false,
    packing: 'general',
  },
};

export const CARD_METHODS: MethodId[] = ['VISA', 'MASTERCARD', 'AMEX', 'MADA'];
export const LOCAL_METHODS: MethodId[] = ['KNET', 'NAPS', 'BENEFIT', 'OMANNET', 'STCPAY'];

/** Why a command/currency pair is refused for a method, in both languages, or null when it is allowed. */
export function methodRuleBreach(method: MethodId, command: string, currency: string): Bilingual | null {
  const m = PAYMENT_METHODS[method];
  if (!m.commands.includes(command as Command)) {
    return both(
      `${m.label} accepts ${m.commands.join(' or ')} only, not ${command}`,
      `لا يقبل ${m.label} إلا ${m.commands.join(' أو ')}، وليس ${command}`,
    );
  }
  if (m.currencies && !m.currencies.includes(currency.toUpperCase())) {
    return both(
      `${m.label} accepts ${m.currencies.join(', ')} only, not ${currency}`,
      `لا يقبل ${m.label} إلا العملات ${m.currencies.join('، ')}، وليس ${currency}`,
    );
  }
  return null;
}

/** Why a command/currency pair is refused for a method, or null when it is allowed. */
export function methodRuleViolation(method: MethodId, command: string, currency: string): string | null {
  return methodRuleBreach(method, command, currency)?.en ?? null;
}

/** Which method a request selects, from payment_option or digital_wallet. */
export function methodFromRequest(fields: Record<string, unknown>): MethodId | undefined {
  for (const m of Object.values(PAYMENT_METHODS)) {
    if (fields[m.selector.field] === m.selector.value) return m.id;
  }
  return undefined;
}
