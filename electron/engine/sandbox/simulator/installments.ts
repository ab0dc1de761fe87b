import { formatMinorUnits } from '../../../../shared/aps/catalog';
import type { Lang } from './i18n';

// The simulator's installment issuers: two test banks, one of each banking system, whose BINs are those of the
// sandbox test cards, so a plan can be tried with and without 3-D Secure. Field names and meanings follow the API
// reference's GET_INSTALLMENTS_PLANS tables (issuer detail, plan details, bins) and the official SDKs that read them
// (PHP SDK InstallmentsCCCustom::prepareInstallmentsPlansDetails, .NET InstallmentsIssuerDetail/PlanDetails).

interface Plan {
  plan_code: string;
  months: number;
  /** Percentage added to the amount ("Flat" rate: on the whole amount, once). */
  feePercent: number;
  /** Processing fee in minor units, added once. */
  processingFee: number;
}

interface Issuer {
  issuer_code: string;
  name: Record<Lang, string>;
  banking_system: 'Non Islamic' | 'Islamic';
  bins: { bin: string; card_brand_code: string }[];
  plans: Plan[];
}

/** Plans apply to amounts between these, in minor units. */
export const PLAN_MIN_AMOUNT = 10_000;
export const PLAN_MAX_AMOUNT = 10_000_000;

export const ISSUERS: Issuer[] = [
  {
    issuer_code: 'CKBANK01',
    name: { en: 'Certkit Test Bank', ar: 'بنك Certkit للاختبار' },
    banking_system: 'Non Islamic',
    bins: [
      { bin: '400555', card_brand_code: 'VISA' },
      { bin: '512345', card_brand_code: 'MASTERCARD' },
    ],
    plans: [
      { plan_code: 'CKPLAN03', months: 3, feePercent: 0, processingFee: 0 },
      { plan_code: 'CKPLAN06', months: 6, feePercent: 0, processingFee: 0 },
      { plan_code: 'CKPLAN12', months: 12, feePercent: 5, processingFee: 1000 },
    ],
  },
  {
    issuer_code: 'CKISLM02',
    name: { en: 'Certkit Islamic Test Bank', ar: 'مصرف Certkit الإسلامي للاختبار' },
    banking_system: 'Islamic',
    bins: [
      { bin: '455701', card_brand_code: 'VISA' },
      { bin: '531358', card_brand_code: 'MASTERCARD' },
    ],
    plans: [
      { plan_code: 'CKISLM06', months: 6, feePercent: 3, processingFee: 0 },
      { plan_code: 'CKISLM12', months: 12, feePercent: 6, processingFee: 0 },
    ],
  },
];

/** The whole amount a plan collects, in minor units: amount plus its flat fee plus the processing fee. */
export function planTotal(plan: Plan, amount: number): number {
  return amount + Math.round((amount * plan.feePercent) / 100) + plan.processingFee;
}

/** What the customer pays each month, in major units with the currency's decimals (the API's "3.00" style). */
export function amountPerMonth(plan: Plan, amount: number, currency: string): string {
  return formatMinorUnits(Math.ceil(planTotal(plan, amount) / plan.months), currency);
}

export function issuerByCode(code: string): Issuer | undefined {
  return ISSUERS.find((i) => i.issuer_code === code);
}

export function issuerForBin(bin: string): Issuer | undefined {
  return ISSUERS.find((i) => i.bins.some((b) => bin.startsWith(b.bin)));
}

export function planOf(issuer: Issuer, months: number): Plan | undefined {
  return issuer.plans.find((p) => p.months === months);
}

/** Why a plan cannot pay this order, or null: APS checks the codes against the plans it offered. */
export function planProblem(
  issuerCode: string,
  planCode: string,
  amount: number,
  cardBin?: string,
): { plan?: Plan; problem?: string } {
  const issuer = issuerByCode(issuerCode);
  if (!issuer) return { problem: `issuer_code ${issuerCode} is not an issuer GET_INSTALLMENTS_PLANS offers` };
  const plan = issuer.plans.find((p) => p.plan_code === planCode);
  if (!plan) return { problem: `plan_code ${planCode} is not a plan of issuer ${issuerCode}` };
  if (amount < PLAN_MIN_AMOUNT || amount > PLAN_MAX_AMOUNT)
    return { problem: `amount ${amount} is outside the plan's range ${PLAN_MIN_AMOUNT}-${PLAN_MAX_AMOUNT}` };
  if (cardBin && !issuer.bins.some((b) => cardBin.startsWith(b.bin)))
    return { problem: `the card (BIN ${cardBin}) is not issued by ${issuerCode}` };
  return { plan };
}

/** installment_detail of a GET_INSTALLMENTS_PLANS answer. */
export function installmentDetail(o: { origin: string; amount?: number; currency: string; issuerCode?: string }) {
  const issuers = o.issuerCode ? ISSUERS.filter((i) => i.issuer_code === o.issuerCode) : ISSUERS;
  const inRange = (amount?: number) => amount === undefined || (amount >= PLAN_MIN_AMOUNT && amount <= PLAN_MAX_AMOUNT);
  return {
    issuer_detail: issuers.map((i) => ({
      issuer_code: i.issuer_code,
      issuer_name_en: i.name.en,
      issuer_name_ar: i.name.ar,
      terms_and_condition_en: `${o.origin}/__certkit/issuers/${i.issuer_code}/terms?lang=en`,
      terms_and_condition_ar: `${o.origin}/__certkit/issuers/${i.issuer_code}/terms?lang=ar`,
      country_code: 'SAU',
      issuer_logo_en: `${o.origin}/__certkit/issuers/${i.issuer_code}/logo.svg`,
      issuer_logo_ar: `${o.origin}/__certkit/issuers/${i.issuer_code}/logo.svg`,
      banking_system: i.banking_system,
      formula: '(amount + (amount * effective rate / 100)) / period',
      plan_details: i.plans
        .filter(() => inRange(o.amount))
        .map((p) => ({
          plan_code: p.plan_code,
          currency_code: o.currency,
          number_of_installment: p.months,
          fees_type: 'Percentage',
          fees_amount: p.feePercent,
          processing_fees_type: 'Fixed',
          processing_fees_amount: p.processingFee,
          rate_type: 'Flat',
          plan_merchant_type: 'Non Partner',
          plan_type: 'Local',
          fee_display_value: p.feePercent,
          minimum_amount: PLAN_MIN_AMOUNT,
          maximum_amount: PLAN_MAX_AMOUNT,
          ...(o.amount !== undefined ? { amountPerMonth: amountPerMonth(p, o.amount, o.currency) } : {}),
        })),
      bins: i.bins.map((b) => ({ ...b, currency_code: o.currency })),
      confirmation_message_en: `You will pay in monthly installments to ${i.name.en}.`,
      confirmation_message_ar: `ستدفع على أقساط شهرية إلى ${i.name.ar}.`,
      disclaimer_message_en: `${i.name.en} may decline the plan; the order is then paid in full.`,
      disclaimer_message_ar: `قد يرفض ${i.name.ar} الخطة، وعندها يُدفع الطلب كاملاً.`,
      processing_fees_message_en: processingMessage(i, 'en', o.currency),
      processing_fees_message_ar: processingMessage(i, 'ar', o.currency),
    })),
  };
}

function processingMessage(i: Issuer, lang: Lang, currency: string): string {
  const fees = i.plans.filter((p) => p.processingFee > 0);
  if (!fees.length) return lang === 'en' ? 'No processing fee.' : 'لا توجد رسوم معالجة.';
  const parts = fees.map((p) => `${p.months}: ${formatMinorUnits(p.processingFee, currency)} ${currency}`);
  return lang === 'en'
    ? `A one-time processing fee applies (months: fee) ${parts.join(', ')}.`
    : `تُطبق رسوم معالجة لمرة واحدة (الأشهر: الرسوم) ${parts.join('، ')}.`;
}

/** A short terms page and a logo for the URLs in installment_detail, so a merchant page can show them. */
export function issuerTermsHtml(code: string, lang: Lang): string | undefined {
  const i = issuerByCode(code);
  if (!i) return undefined;
  const dir = lang === 'ar' ? 'rtl' : 'ltr';
  const text =
    lang === 'ar'
      ? 'شروط التقسيط لبنك اختبار في محاكي Certkit. لا تُحصّل أي أموال.'
      : 'Installment terms of a test bank in the Certkit simulator. No money is ever collected.';
  return `<!doctype html><html lang="${lang}" dir="${dir}"><meta charset="utf-8"><title>${i.name[lang]}</title><h1>${i.name[lang]}</h1><p>${text}</p></html>`;
}

export function issuerLogoSvg(code: string): string | undefined {
  const i = issuerByCode(code);
  if (!i) return undefined;
  const color = i.banking_system === 'Islamic' ? '#00664f' : '#0a6cb3';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40"><rect width="120" height="40" rx="6" fill="${color}"/><text x="60" y="26" font-family="sans-serif" font-size="14" fill="#fff" text-anchor="middle">${i.issuer_code}</text></svg>`;
}
