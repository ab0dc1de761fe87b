import { classifyResponse } from '../../../shared/aps/codes';
import { currencyDecimals, formatMinorUnits } from '../../../shared/aps/currencies';
import type { Exchange, ScenarioEvidence, Screenshot } from '../../../shared/schema/evidence';
import { both, joinBoth, type Bilingual } from '../../../shared/text';
import type { ProbeResults } from './probe';
import { probeOutcome } from './response-signature';
import {
  anyPayment,
  apsResponses,
  exchangeRef,
  noEvidence,
  paymentRequests,
  scenarioMethod,
  screenshotRef,
  str,
  type CheckOutcome,
  type EvidenceRef,
  type Fields,
  type VerifyContext,
} from './context';

const TEXT = {
  none: both('no payment with a final APS answer was recorded', 'لم تُسجَّل أي عملية دفع لها رد نهائي من APS'),
  notInteger: (id: string, amount: string) =>
    both(
      `${id}: amount "${amount}" is not an integer in minor units`,
      `${id}: المبلغ "${amount}" ليس عددًا صحيحًا بالوحدات الصغرى للعملة`,
    ),
  differs: (id: string, requested: string, returned: string) =>
    both(`${id}: requested ${requested}, APS returned ${returned}`, `${id}: طُلب ${requested} وأعاد APS ${returned}`),
  visaRounding: (id: string, currency: string, amount: string) =>
    both(
      `${id}: ${currency} amount ${amount} should end in 0 for Visa (APS rounds 3-decimal Visa amounts)`,
      `${id}: ينبغي أن ينتهي مبلغ ${currency} ${amount} بالرقم 0 مع Visa (يقرّب APS مبالغ Visa ذات المنازل العشرية الثلاث)`,
    ),
  receiptMissing: (id: string, shown: string) =>
    both(`${id}: the receipt does not show ${shown}`, `${id}: لا يعرض الإيصال ${shown}`),
  fix: both(
    "Compare the amount and currency APS returns with the order's (in minor units: 2 decimals, 3 for KWD, BHD, OMR, JOD) before marking the order paid, and show that amount on the receipt.",
    'قبل اعتبار الطلب مدفوعًا، قارن المبلغ والعملة اللذين يعيدهما APS بمبلغ الطلب وعملته (بالوحدات الصغرى: منزلتان عشريتان، وثلاث لـ KWD و BHD و OMR و JOD)، واعرض ذلك المبلغ على الإيصال.',
  ),
  amountCheck: both('the amount check against the order', 'فحص المبلغ مقابل الطلب'),
  passed: (payments: number, probed: boolean) =>
    both(
      `Amount and currency matched APS's answer and the receipt in ${payments} payment(s)${probed ? '; a correctly signed result with a changed amount was refused' : ''}`,
      `تطابق المبلغ والعملة مع رد APS والإيصال في ${payments} من عمليات الدفع${probed ? '؛ ورُفضت نتيجة بمبلغ معدَّل وتوقيع صحيح' : ''}`,
    ),
};

const ARABIC_DIGITS = /[\u0660-\u0669]/g;

/** The page text with Arabic-Indic digits and thousands separators normalised, for finding amounts. */
export function normaliseDigits(text: string): string {
  return text
    .replace(ARABIC_DIGITS, (d) => String(d.charCodeAt(0) - 0x660))
    .replace(/(\d)[,\u066C\u00A0 ](?=\d{3}\b)/g, '$1')
    .replace(/\u066B/g, '.');
}

export function textShowsAmount(text: string, minor: string, currency: string): boolean {
  const formatted = formatMinorUnits(minor, currency);
  const pattern = new RegExp(`(^|[^\\d.])${formatted.replace('.', '\\.')}(?![\\d])`);
  return pattern.test(normaliseDigits(text));
}

/** The receipt: the page captured for the result slot, or the last page captured after the result came back. */
export function receiptScreenshot(ev: ScenarioEvidence): Screenshot | undefined {
  const bySlot = [...ev.screenshots]
    .reverse()
    .find((s) => !s.failure && s.slot && /\.(result|receipt|return)$/.test(s.slot));
  return bySlot ?? [...ev.screenshots].reverse().find((s) => !s.failure);
}

interface Pair {
  ev: ScenarioEvidence;
  request: Exchange;
  response: { exchange: Exchange; fields: Fields };
}

/** Each payment request with APS's final answer to it (3DS hand-offs and refused requests carry no final amount). */
function pairs(ctx: VerifyContext): Pair[] {
  const out: Pair[] = [];
  for (const ev of ctx.scenarios) {
    for (const request of paymentRequests(ev)) {
      const ref = str(request.requestFields.merchant_reference);
      const response = apsResponses(ev).find((r) => {
        const code = str(r.fields.response_code);
        if (!code || !['success', 'declined'].includes(classifyResponse(code))) return false;
        return (
          str(r.fields.merchant_reference) === ref &&
          r.exchange.startedAt >= request.startedAt &&
          r.fields.amount !== undefined
        );
      });
      if (response) out.push({ ev, request, response });
    }
  }
  return out;
}

export function amountResult(ctx: VerifyContext, probes: ProbeResults): CheckOutcome {
  const found = pairs(ctx);
  if (!found.length) return noEvidence(ctx, anyPayment(ctx), TEXT.none);
  const failures: Bilingual[] = [];
  const warnings: Bilingual[] = [];
  const evidence: EvidenceRef[] = [];
  for (const { ev, request, response } of found) {
    const reqAmount = str(request.requestFields.amount) ?? '';
    const reqCurrency = (str(request.requestFields.currency) ?? '').toUpperCase();
    const resAmount = str(response.fields.amount) ?? '';
    const resCurrency = (str(response.fields.currency) ?? '').toUpperCase();
    evidence.push(
      exchangeRef(ev, request, `requested ${reqAmount} ${reqCurrency}`),
      exchangeRef(ev, response.exchange, `APS returned ${resAmount} ${resCurrency}`),
    );
    if (!/^\d+$/.test(reqAmount)) {
      failures.push(TEXT.notInteger(ev.scenarioId, reqAmount));
      continue;
    }
    if (reqAmount !== resAmount || reqCurrency !== resCurrency) {
      failures.push(TEXT.differs(ev.scenarioId, `${reqAmount} ${reqCurrency}`, `${resAmount} ${resCurrency}`));
    }
    const method = scenarioMethod(ev, request);
    if (currencyDecimals(reqCurrency) === 3 && method === 'VISA' && !reqAmount.endsWith('0')) {
      warnings.push(TEXT.visaRounding(ev.scenarioId, reqCurrency, reqAmount));
    }
    const code = str(response.fields.response_code) ?? '';
    if (classifyResponse(code) !== 'success') continue;
    const receipt = receiptScreenshot(ev);
    if (!receipt?.text) continue;
    const shown = formatMinorUnits(reqAmount, reqCurrency);
    evidence.push(
      screenshotRef(
        ev,
        receipt,
        `receipt ${textShowsAmount(receipt.text, reqAmount, reqCurrency) ? 'shows' : 'does not show'} ${shown} ${reqCurrency}`,
      ),
    );
    if (!textShowsAmount(receipt.text, reqAmount, reqCurrency))
      warnings.push(TEXT.receiptMissing(ev.scenarioId, `${shown} ${reqCurrency}`));
  }
  if (failures.length) return { status: 'failed', summary: joinBoth(failures), fix: TEXT.fix, evidence };
  if (probes.amount) {
    const probe = probeOutcome(probes.amount, TEXT.amountCheck, TEXT.fix);
    if (probe.status !== 'passed') return { ...probe, evidence: [...(probe.evidence ?? []), ...evidence] };
  }
  if (warnings.length) return { status: 'warn', summary: joinBoth(warnings), fix: TEXT.fix, evidence };
  return { status: 'passed', summary: TEXT.passed(found.length, !!probes.amount), evidence };
}
