import type { MethodId } from './methods';

export type CardOutcome = 'success' | 'declined';

export interface TestCard {
  id: string;
  brand: 'VISA' | 'MASTERCARD' | 'AMEX' | 'MADA';
  number: string;
  /** MM/YY as typed on a form. */
  expiry: string;
  cvv: string;
  threeDs: boolean;
  outcome: CardOutcome;
  /** 'aps': published by APS for its sandbox. 'certkit': chosen by Certkit where APS publishes none. */
  source: 'aps' | 'certkit';
}

// The expiry on APS's current page is 05/30; any future date works on the sandbox.
export const TEST_CARDS: TestCard[] = [
  {
    id: 'visa-frictionless',
    brand: 'VISA',
    number: '4005550000000001',
    expiry: '05/30',
    cvv: '123',
    threeDs: false,
    outcome: 'success',
    source: 'aps',
  },
  {
    id: 'mastercard-frictionless',
    brand: 'MASTERCARD',
    number: '5123456789012346',
    expiry: '05/30',
    cvv: '123',
    threeDs: false,
    outcome: 'success',
    source: 'aps',
  },
  {
    id: 'amex-frictionless',
    brand: 'AMEX',
    number: '345678901234564',
    expiry: '05/30',
    cvv: '1234',
    threeDs: false,
    outcome: 'success',
    source: 'aps',
  },
  {
    id: 'visa-3ds',
    brand: 'VISA',
    number: '4557012345678902',
    expiry: '05/30',
    cvv: '123',
    threeDs: true,
    outcome: 'success',
    source: 'aps',
  },
  {
    id: 'mastercard-3ds',
    brand: 'MASTERCARD',
    number: '5313581000123430',
    expiry: '05/30',
    cvv: '123',
    threeDs: true,
    outcome: 'success',
    source: 'aps',
  },
  {
    id: 'amex-3ds',
    brand: 'AMEX',
    number: '374200000000004',
    expiry: '05/30',
    cvv: '1234',
    threeDs: true,
    outcome: 'success',
    source: 'aps',
  },
  {
    id: 'mada-3ds',
    brand: 'MADA',
    number: '5297412542005689',
    expiry: '05/30',
    cvv: '350',
    threeDs: true,
    outcome: 'success',
    source: 'aps',
  },
  // APS's declined-card table was not available to us; these Luhn-valid numbers decline in Certkit's simulator only.
  {
    id: 'visa-declined',
    brand: 'VISA',
    number: '4111111111111111',
    expiry: '05/30',
    cvv: '123',
    threeDs: false,
    outcome: 'declined',
    source: 'certkit',
  },
  {
    id: 'mastercard-declined',
    brand: 'MASTERCARD',
    number: '5555555555554444',
    expiry: '05/30',
    cvv: '123',
    threeDs: false,
    outcome: 'declined',
    source: 'certkit',
  },
];

/** The password Certkit's simulated 3-D Secure page accepts; anything else fails authentication (the real sandbox's page differs). */
export const SIMULATOR_3DS_PASSWORD = '1234';

export function testCard(id: string): TestCard {
  const card = TEST_CARDS.find((c) => c.id === id);
  if (!card) throw new Error(`No test card "${id}" in the catalog`);
  return card;
}

export function testCardByNumber(number: string): TestCard | undefined {
  const digits = number.replace(/\D/g, '');
  return TEST_CARDS.find((c) => c.number === digits);
}

/** Values the local-method pages accept. `source` says whose value it is. */
export interface LocalTestValues {
  method: MethodId;
  /** Field name -> value that completes the payment. */
  success: Record<string, string>;
  /** Field name -> value that makes the payment decline. */
  declined: Record<string, string>;
  source: 'aps' | 'certkit';
  note: string;
}

export const LOCAL_TEST_VALUES: Record<'KNET' | 'NAPS' | 'BENEFIT' | 'OMANNET' | 'STCPAY', LocalTestValues> = {
  KNET: {
    method: 'KNET',
    source: 'aps',
    success: { bank: 'Knet Test Card [KNET1]', card: '0000000001', expiry: '09/30', pin: '1234' },
    declined: { bank: 'Knet Test Card [KNET1]', card: '0000000001', expiry: '09/30', pin: '0000' },
    note: "Card 0000000001 with PIN 1234 is APS's published KNET test card; PIN 0000 declining is Certkit's choice.",
  },
  NAPS: {
    method: 'NAPS',
    source: 'aps',
    success: { card: '4215375500883243', expiry: '06/30', otp: '1234', pin: '1234' },
    declined: { card: '4215375500883243', expiry: '06/30', otp: '0000', pin: '1234' },
    note: "APS publishes card 4215375500883243 with OTP 1234 and PIN 1234; OTP 0000 declining is Certkit's choice.",
  },
  BENEFIT: {
    method: 'BENEFIT',
    source: 'certkit',
    success: { card: '4600410123456789', expiry: '12/30', pin: '1234' },
    declined: { card: '4600410123456789', expiry: '12/30', pin: '0000' },
    note: 'APS publishes no BENEFIT sandbox card; these values are Certkit simulator values.',
  },
  OMANNET: {
    method: 'OMANNET',
    source: 'certkit',
    success: { card: '4837500000000001', expiry: '12/30', cvv: '123', otp: '123456' },
    declined: { card: '4837500000000001', expiry: '12/30', cvv: '123', otp: '000000' },
    note: 'APS publishes no OmanNet sandbox card; these values are Certkit simulator values.',
  },
  STCPAY: {
    method: 'STCPAY',
    source: 'certkit',
    success: { phone: '0501234567', otp: '123456' },
    declined: { phone: '0501234567', otp: '000000' },
    note: 'APS publishes no STC Pay sandbox values; any 05xxxxxxxx phone works, OTP 000000 declines (Certkit choice).',
  },
};
