// The flows recorded on Souq Al Oud (test/fixtures/recordings/souq/<id>.json): who buys what, how they pay, and the
// sandbox test values they type on APS's pages. The values come from the catalog's test cards and local-method values,
// the same ones Certkit's simulator accepts.
import { LOCAL_TEST_VALUES, SIMULATOR_3DS_PASSWORD, testCard } from '../../../shared/aps/catalog';
import type { CountryCode, PaymentChoice } from './catalog';

export type FlowId =
  | 'card-non3ds-success'
  | 'card-3ds-success'
  | 'card-declined'
  | 'knet-success'
  | 'knet-declined'
  | 'benefit-success'
  | 'benefit-declined';

export interface Shopper {
  name: string;
  email: string;
  mobile: string;
  area: string;
}

export type PaymentEntry =
  | { kind: 'card'; number: string; expiry: string; cvv: string; holder: string; threeDsPassword?: string }
  /** `bank` is the one chosen in KNET's bank list (a browser keeps the first, which is KNET's test bank). */
  | { kind: 'knet'; bank: string; card: string; expiry: string; pin: string }
  | { kind: 'benefit'; card: string; expiry: string; pin: string };

export interface SouqFlow {
  id: FlowId;
  title: string;
  country: CountryCode;
  method: PaymentChoice;
  /** What the shop must end up with after the flow. */
  outcome: 'paid' | 'declined';
  perfume: string;
  qty: number;
  shopper: Shopper;
  pay: PaymentEntry;
}

const card = (id: string, holder: string, threeDs = false): PaymentEntry => {
  const c = testCard(id);
  return {
    kind: 'card',
    number: c.number,
    expiry: c.expiry,
    cvv: c.cvv,
    holder,
    threeDsPassword: threeDs ? SIMULATOR_3DS_PASSWORD : undefined,
  };
};
const knet = (which: 'success' | 'declined'): PaymentEntry => {
  const v = LOCAL_TEST_VALUES.KNET[which];
  return { kind: 'knet', bank: v.bank, card: v.card, expiry: v.expiry, pin: v.pin };
};
const benefit = (which: 'success' | 'declined'): PaymentEntry => {
  const v = LOCAL_TEST_VALUES.BENEFIT[which];
  return { kind: 'benefit', card: v.card, expiry: v.expiry, pin: v.pin };
};

export const SOUQ_FLOWS: SouqFlow[] = [
  {
    id: 'card-non3ds-success',
    title: 'Souq Al Oud - card payment (Visa, no 3DS)',
    country: 'kw',
    method: 'card',
    outcome: 'paid',
    perfume: 'oud-al-layl',
    qty: 1,
    shopper: {
      name: 'Fatma Al-Enezi',
      email: 'fatma.alenezi@example.com',
      mobile: '+965 6500 1234',
      area: 'Salmiya, Block 10, Salem Al Mubarak St',
    },
    pay: card('visa-frictionless', 'Fatma Al-Enezi'),
  },
  {
    id: 'card-3ds-success',
    title: 'Souq Al Oud - card payment with 3-D Secure',
    country: 'kw',
    method: 'card',
    outcome: 'paid',
    perfume: 'amber-majlis',
    qty: 1,
    shopper: {
      name: 'Yousef Al-Mutairi',
      email: 'y.almutairi@example.net',
      mobile: '+965 9911 2040',
      area: 'Jabriya, Block 8, Street 12, House 4',
    },
    pay: card('visa-3ds', 'Yousef Al-Mutairi', true),
  },
  {
    id: 'card-declined',
    title: 'Souq Al Oud - declined card',
    country: 'kw',
    method: 'card',
    outcome: 'declined',
    perfume: 'musk-tahara',
    qty: 2,
    shopper: {
      name: 'Noura Hamad',
      email: 'noura.hamad@example.org',
      mobile: '+965 5055 7788',
      area: 'Hawalli, Block 2, Tunis St',
    },
    pay: card('visa-declined', 'Noura Hamad'),
  },
  {
    id: 'knet-success',
    title: 'Souq Al Oud - KNET payment',
    country: 'kw',
    method: 'knet',
    outcome: 'paid',
    perfume: 'ward-taifi',
    qty: 1,
    shopper: {
      name: 'Abdullah Al-Rashidi',
      email: 'abdullah.rashidi@example.com',
      mobile: '+965 6677 1001',
      area: 'Kaifan, Block 5, Street 54',
    },
    pay: knet('success'),
  },
  {
    id: 'knet-declined',
    title: 'Souq Al Oud - KNET payment declined',
    country: 'kw',
    method: 'knet',
    outcome: 'declined',
    perfume: 'oud-al-layl',
    qty: 1,
    shopper: {
      name: 'Maryam Al-Kandari',
      email: 'maryam.k@example.com',
      mobile: '+965 9700 3344',
      area: 'Mishref, Block 3, Street 1',
    },
    pay: knet('declined'),
  },
  {
    id: 'benefit-success',
    title: 'Souq Al Oud Bahrain - BENEFIT payment',
    country: 'bh',
    method: 'benefit',
    outcome: 'paid',
    perfume: 'musk-tahara',
    qty: 1,
    shopper: {
      name: 'Ali Hasan',
      email: 'ali.hasan@example.com',
      mobile: '+973 3600 1122',
      area: 'Juffair, Road 4012, Block 340',
    },
    pay: benefit('success'),
  },
  {
    id: 'benefit-declined',
    title: 'Souq Al Oud Bahrain - BENEFIT payment declined',
    country: 'bh',
    method: 'benefit',
    outcome: 'declined',
    perfume: 'ward-taifi',
    qty: 1,
    shopper: {
      name: 'Zainab Ebrahim',
      email: 'zainab.ebrahim@example.org',
      mobile: '+973 3922 0456',
      area: 'Riffa, Road 15, Block 911',
    },
    pay: benefit('declined'),
  },
];
