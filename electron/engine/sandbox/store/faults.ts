import { CertkitError } from '../../errors';

export const STORE_FAULTS = [
  'static-email',
  'static-ip',
  'http-return-url',
  'return-get-only',
  '3ds-iframe',
  '3ds-popup',
  'knet-receipt-missing-ids',
  'sign-empty-params',
  'no-response-signature-check',
  'static-stcpay',
  'bad-agreement-id',
  'no-amount-validation',
  'extra-param',
  'server-tokenization',
  'feedback-not-idempotent',
  'phrase-in-page',
] as const;
export type StoreFault = (typeof STORE_FAULTS)[number];

export function isStoreFault(value: string): value is StoreFault {
  return (STORE_FAULTS as readonly string[]).includes(value);
}

/** "a,b" -> faults; unknown names are an input error naming the valid ones. */
export function parseFaults(text: string | null | undefined, source = 'fault'): StoreFault[] {
  if (!text) return [];
  const out: StoreFault[] = [];
  for (const name of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (!isStoreFault(name)) {
      throw new CertkitError(`${source}: "${name}" is not a demo-store fault switch`, {
        hint: `use any of: ${STORE_FAULTS.join(', ')}`,
      });
    }
    if (!out.includes(name)) out.push(name);
  }
  return out;
}
