import type { BadgeId } from '../badges';
import type { Fields } from '../http';
import type { StoreFault } from './faults';
import type { Lang } from './i18n';

export type StoreMethod =
  | 'card'
  | 'card-custom'
  | 'card-standard'
  | 'mada'
  | 'installments'
  | 'knet'
  | 'naps'
  | 'benefit'
  | 'omannet'
  | 'stcpay';

export interface StoreMethodInfo {
  currency: string;
  /** Minor units. */
  amount: number;
  badge: BadgeId;
  /** payment_option sent on the hosted page, if the method preselects one. */
  paymentOption?: string;
  flow: 'hosted' | 'custom' | 'standard' | 'stcpay';
}

// One product; its price in each method's currency (3-decimal currencies: 10.000).
export const STORE_METHODS: Record<StoreMethod, StoreMethodInfo> = {
  card: { currency: 'SAR', amount: 10000, badge: 'visa', flow: 'hosted' },
  'card-custom': { currency: 'SAR', amount: 10000, badge: 'mastercard', flow: 'custom' },
  'card-standard': { currency: 'SAR', amount: 10000, badge: 'visa', flow: 'standard' },
  mada: { currency: 'SAR', amount: 10000, badge: 'mada', paymentOption: 'MADA', flow: 'hosted' },
  installments: { currency: 'SAR', amount: 10000, badge: 'amex', flow: 'hosted' },
  knet: { currency: 'KWD', amount: 10000, badge: 'knet', paymentOption: 'KNET', flow: 'hosted' },
  naps: { currency: 'QAR', amount: 10000, badge: 'naps', paymentOption: 'NAPS', flow: 'hosted' },
  benefit: { currency: 'BHD', amount: 10000, badge: 'benefit', paymentOption: 'BENEFIT', flow: 'hosted' },
  omannet: { currency: 'OMR', amount: 10000, badge: 'omannet', paymentOption: 'OMANNET', flow: 'hosted' },
  stcpay: { currency: 'SAR', amount: 10000, badge: 'stcpay', flow: 'stcpay' },
};

export function isStoreMethod(v: string): v is StoreMethod {
  return Object.prototype.hasOwnProperty.call(STORE_METHODS, v);
}

export type OrderFlow =
  | 'hosted'
  | 'custom'
  | 'standard'
  | 'stcpay'
  | 'applepay'
  | 'recurring-cit'
  | 'recurring-mit'
  | 'subscription-cancel'
  | 'delete-card';

export interface Order {
  ref: string;
  flow: OrderFlow;
  method: StoreMethod | 'applepay' | 'recurring';
  amount: number;
  currency: string;
  email: string;
  /** The customer's address as the store saw it (what customer_ip carries). */
  ip: string;
  lang: Lang;
  faults: StoreFault[];
  createdAt: string;
  state: 'new' | 'awaiting-3ds' | 'paid' | 'declined' | 'error' | 'refused' | 'done';
  /** The last verified APS answer for this order. */
  result?: Fields;
  completedAt?: string;
  note?: string;
  /** The customer ticked "save card": the token is kept once the payment succeeds. */
  saveCard?: boolean;
  subscriptionId?: string;
  agreementId?: string;
  stcPhone?: string;
  feedback: { kind: string; fields: Fields; at: string }[];
  /** Answers the store received for this order and did not act on (unsigned, wrongly signed), newest last. */
  ignored?: IgnoredAnswer[];
}

export interface IgnoredAnswer {
  at: string;
  /** The endpoint it arrived at: return, feedback/direct, feedback/notification. */
  where: string;
  why: string;
  status?: string;
  response_code?: string;
}

export interface SavedCard {
  token_name: string;
  masked: string;
  expiry: string;
  brand: string;
}

export interface Subscription {
  id: string;
  email: string;
  ip: string;
  lang: Lang;
  token_name: string;
  /** The agreement_id APS returned on the CIT (not necessarily the one sent). */
  agreement_id: string;
  amount: number;
  currency: string;
  status: 'active' | 'cancelled';
  citRef: string;
  charges: string[];
}
