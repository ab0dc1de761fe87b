import type { Fields } from './aps-signature';
import type { CountryCode, PaymentChoice } from './catalog';

export interface BagLine {
  slug: string;
  name: string;
  qty: number;
  unitMinor: number;
}

export interface Customer {
  name: string;
  email: string;
  mobile: string;
  area: string;
  giftNote: string;
}

export type AttemptOutcome = 'paid' | 'declined' | 'cancelled' | 'refused' | 'unverified' | 'amount-mismatch';

/** One trip to APS: each has its own merchant_reference, so a retry after a decline is a new request. */
export interface Attempt {
  reference: string;
  /** The fields the shop posted to paymentPage, as posted. */
  sent: Fields;
  /** The fields APS brought back to return_url, as received. */
  result?: Fields;
  outcome?: AttemptOutcome;
  /** When the answer arrived (shown as the transaction date). */
  answeredAt?: string;
  /** Direct feedback received from APS for this attempt, as received. */
  feedback: Fields[];
}

export interface Order {
  no: string;
  country: CountryCode;
  currency: string;
  lines: BagLine[];
  subtotal: number;
  delivery: number;
  total: number;
  customer: Customer;
  customerIp: string;
  method: PaymentChoice;
  createdAt: string;
  attempts: Attempt[];
}

export function lastAttempt(order: Order): Attempt | undefined {
  return order.attempts[order.attempts.length - 1];
}
