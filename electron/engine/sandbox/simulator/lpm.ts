import type { LocalMethodId } from './config';

export type LpmField = 'bank' | 'card' | 'expiry' | 'pin' | 'cvv' | 'otp' | 'phone';

export interface LpmStep {
  /** Page kind, for titles: the method's payment page or its OTP page. */
  kind: 'payment' | 'otp';
  fields: LpmField[];
}

/** The pages each local method shows, in order; a confirmation page always follows the last one. */
export const LPM_STEPS: Record<LocalMethodId, LpmStep[]> = {
  KNET: [{ kind: 'payment', fields: ['bank', 'card', 'expiry', 'pin'] }],
  NAPS: [
    { kind: 'payment', fields: ['card', 'expiry', 'pin'] },
    { kind: 'otp', fields: ['otp'] },
  ],
  BENEFIT: [{ kind: 'payment', fields: ['card', 'expiry', 'pin'] }],
  OMANNET: [
    { kind: 'payment', fields: ['card', 'expiry', 'cvv'] },
    { kind: 'otp', fields: ['otp'] },
  ],
  STCPAY: [
    { kind: 'payment', fields: ['phone'] },
    { kind: 'otp', fields: ['otp'] },
  ],
};

export const KNET_BANKS = ['Knet Test Card [KNET1]', 'Certkit Test Bank [CKTB]'];

/** A Saudi mobile number as STC Pay takes it: 05xxxxxxxx, or with the 966 country code. */
export function isSaudiMobile(phone: string): boolean {
  return /^(05\d{8}|\+?9665\d{8})$/.test(phone.replace(/[\s-]/g, ''));
}

/** Approved only when every input matches the method's success values (any Saudi mobile for STC Pay). */
export function lpmApproved(
  method: LocalMethodId,
  inputs: Record<string, string>,
  success: Record<string, string>,
): boolean {
  for (const [field, expected] of Object.entries(success)) {
    const got = (inputs[field] ?? '').trim();
    if (method === 'STCPAY' && field === 'phone') {
      if (!isSaudiMobile(got)) return false;
      continue;
    }
    if (field === 'card' && got.replace(/\s/g, '') !== expected) return false;
    if (field !== 'card' && got !== expected) return false;
  }
  return true;
}
