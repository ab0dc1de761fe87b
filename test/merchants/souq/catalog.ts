// What Souq Al Oud sells, and where. Prices are written as a person would write them, in major units.
import { toMinorUnits } from './money';

export type CountryCode = 'kw' | 'bh';
export type PaymentChoice = 'card' | 'knet' | 'benefit';

export interface Storefront {
  code: CountryCode;
  country: string;
  currency: string;
  deliveryFee: string;
  /** Orders at or above this subtotal ship free. */
  freeDeliveryFrom: string;
  methods: PaymentChoice[];
  phoneHint: string;
}

export const STOREFRONTS: Record<CountryCode, Storefront> = {
  kw: {
    code: 'kw',
    country: 'Kuwait',
    currency: 'KWD',
    deliveryFee: '1.500',
    freeDeliveryFrom: '30.000',
    methods: ['card', 'knet'],
    phoneHint: '+965 5xxx xxxx',
  },
  bh: {
    code: 'bh',
    country: 'Bahrain',
    currency: 'BHD',
    deliveryFee: '1.000',
    freeDeliveryFrom: '35.000',
    methods: ['card', 'benefit'],
    phoneHint: '+973 3xxx xxxx',
  },
};

export const METHOD_LABELS: Record<PaymentChoice, string> = {
  card: 'Credit or debit card (Visa, Mastercard, American Express)',
  knet: 'KNET',
  benefit: 'BENEFIT',
};

export interface Perfume {
  slug: string;
  name: string;
  size: string;
  notes: string;
  /** Major units per storefront. */
  price: Record<CountryCode, string>;
  swatch: string;
}

export const PERFUMES: Perfume[] = [
  {
    slug: 'oud-al-layl',
    name: 'Oud Al Layl',
    size: 'Eau de parfum, 50 ml',
    notes: 'Cambodian oud, saffron and smoked rose.',
    price: { kw: '24.500', bh: '29.900' },
    swatch: '#3b2418',
  },
  {
    slug: 'musk-tahara',
    name: 'Musk Tahara',
    size: 'Perfume oil, 30 ml',
    notes: 'White musk with a soft powdery finish.',
    price: { kw: '7.250', bh: '8.750' },
    swatch: '#efe6dc',
  },
  {
    slug: 'amber-majlis',
    name: 'Amber Majlis',
    size: 'Eau de parfum, 100 ml',
    notes: 'Amber, labdanum and cardamom coffee.',
    price: { kw: '38.000', bh: '45.500' },
    swatch: '#b5651d',
  },
  {
    slug: 'ward-taifi',
    name: 'Ward Taifi',
    size: 'Concentrated oil, 12 ml',
    notes: 'Taif rose distilled with a touch of sandalwood.',
    price: { kw: '12.750', bh: '15.250' },
    swatch: '#c2466b',
  },
];

export function perfume(slug: string): Perfume | undefined {
  return PERFUMES.find((p) => p.slug === slug);
}

export function priceMinor(p: Perfume, cc: CountryCode): number {
  return toMinorUnits(p.price[cc], STOREFRONTS[cc].currency);
}

export function isCountry(v: string): v is CountryCode {
  return v === 'kw' || v === 'bh';
}
