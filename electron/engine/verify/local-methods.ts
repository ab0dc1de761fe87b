import { CATALOG } from '../../../shared/aps/catalog-index';
import { classifyResponse } from '../../../shared/aps/codes';
import { LOCAL_TEST_VALUES } from '../../../shared/aps/test-cards';
import type { Language } from '../../../shared/aps/methods';
import type { ScenarioEvidence } from '../../../shared/schema/evidence';
import { both, joinBoth, verbatim, type Bilingual } from '../../../shared/text';
import { receiptScreenshot, textShowsAmount } from './amount';
import {
  PAYMENT_COMMANDS,
  anyPayment,
  apsRequests,
  apsResponses,
  exchangeRef,
  fieldRef,
  noEvidence,
  screenshotRef,
  str,
  type Check,
  type EvidenceRef,
} from './context';

const MONTHS = 'jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec';
const DATE = new RegExp(
  `\\b\\d{4}-\\d{2}-\\d{2}\\b|\\b\\d{1,2}[/.-]\\d{1,2}[/.-]\\d{2,4}\\b|\\b\\d{1,2} (${MONTHS})[a-z]* \\d{4}\\b|\\b(${MONTHS})[a-z]* \\d{1,2},? \\d{4}\\b`,
  'i',
);

const LANGUAGE_NAME = { ar: both('Arabic', 'بالعربية'), en: both('English', 'بالإنجليزية') } as const;

/** What the checks of this module say, English beside Arabic. */
const TEXT = {
  knet: {
    amount: both('the amount', 'المبلغ'),
    date: both('the transaction date', 'تاريخ المعاملة'),
    notShown: (id: string, missing: Bilingual) =>
      both(`${id}: the receipt does not show ${missing.en}`, `${id}: الإيصال لا يُظهر ${missing.ar}`),
    fix: both(
      "Print knet_ref_number and third_party_transaction_number from APS's answer on the KNET receipt page, with the amount and the transaction date.",
      'اطبع knet_ref_number و third_party_transaction_number من ردّ APS على صفحة إيصال KNET، مع المبلغ وتاريخ المعاملة.',
    ),
    none: both('no KNET receipt with the KNET ids was captured', 'لم يُلتقط إيصال KNET يحمل معرّفات KNET'),
    passed: (n: number) =>
      both(
        `The KNET receipt showed both KNET ids, the amount and the date in ${n} scenario(s)`,
        `أظهر إيصال KNET معرّفَي KNET كليهما والمبلغ والتاريخ في ${n} من السيناريوهات`,
      ),
  },
  naps: {
    wrongRequest: (id: string, sent: string | undefined, want: string) =>
      both(
        `${id}: the request sent language=${sent ?? '(none)'}, expected ${want}`,
        `${id}: أرسل الطلب language=${sent ?? '(بلا قيمة)'}، والمتوقع ${want}`,
      ),
    wrongPages: (id: string, wrong: number, pages: number, want: Language) =>
      both(
        `${id}: ${wrong} of ${pages} page(s) are not in ${LANGUAGE_NAME[want].en}`,
        `${id}: صفحات ليست ${LANGUAGE_NAME[want].ar}: ${wrong} من ${pages}`,
      ),
    fix: both(
      "Send language=ar or language=en (two letters) from the customer's chosen language and render your own pages in it (Arabic right-to-left), so the whole NAPS flow exists in both languages.",
      'أرسل language=ar أو language=en (حرفان) وفق اللغة التي اختارها العميل، واعرض صفحاتك بها (العربية من اليمين إلى اليسار)، حتى يتوفر مسار NAPS كاملًا باللغتين.',
    ),
    notCaptured: (missing: readonly Language[]) =>
      both(
        `the NAPS flow was not captured in ${missing.map((l) => LANGUAGE_NAME[l].en).join(' and ')}`,
        `لم يُلتقط مسار NAPS ${missing.map((l) => LANGUAGE_NAME[l].ar).join(' ولا ')}`,
      ),
    passed: both(
      'The NAPS flow was captured in Arabic (right-to-left) and in English',
      'التُقط مسار NAPS بالعربية (من اليمين إلى اليسار) وبالإنجليزية',
    ),
  },
  stcPay: {
    phone: (id: string, phone: string, typed: string[]) =>
      both(
        `${id}: phone_number ${phone} is not the number the customer typed (${typed.join(' or ')})`,
        `${id}: phone_number ${phone} ليس الرقم الذي أدخله العميل (${typed.join(' أو ')})`,
      ),
    otp: (id: string, otp: string, typed: string) =>
      both(
        `${id}: otp ${otp} is not the code the customer typed (${typed})`,
        `${id}: otp ${otp} ليس الرمز الذي أدخله العميل (${typed})`,
      ),
    outcome: (id: string, code: string, cls: 'success' | 'declined', expected: 'success' | 'declined', otp: string) =>
      both(
        `${id}: APS answered ${code} (${cls}) although the customer typed the ${expected === 'success' ? 'approving' : 'declining'} OTP ${otp}, so the otp sent was not the customer's`,
        `${id}: أجاب APS بالرمز ${code} (${cls === 'success' ? 'نجاح' : 'رفض'}) مع أن العميل أدخل رمز OTP ${otp} الذي ${expected === 'success' ? 'يوافق على' : 'يرفض'} الدفع، أي أن otp المرسل لم يكن ما أدخله العميل`,
      ),
    sameOtp: (otp: string) =>
      both(`every STC Pay payment sent the same otp ${otp}`, `أرسلت كل مدفوعات STC Pay قيمة otp نفسها: ${otp}`),
    fix: both(
      "Take phone_number and otp from the customer's input on your STC Pay form for both GENERATE_OTP and PURCHASE; never fill them from configuration or code.",
      'خذ phone_number و otp مما يُدخله العميل في نموذج STC Pay لديك، في GENERATE_OTP وفي PURCHASE كليهما؛ ولا تملأهما أبدًا من الإعدادات أو من الشيفرة.',
    ),
    none: both('no STC Pay request with a phone number was recorded', 'لم يُسجَّل طلب STC Pay يحمل رقم هاتف'),
    passed: (n: number) =>
      both(
        `STC Pay phone_number and otp were the customer's own in ${n} payment(s)`,
        `كان phone_number و otp في STC Pay من إدخال العميل نفسه في ${n} من المدفوعات`,
      ),
  },
  tokenization: {
    fromServer: (id: string, ref: string, from: string | undefined) =>
      both(
        `${id}: the TOKENIZATION request for ${ref} came from ${from ?? 'the merchant server'}, not from the customer's browser`,
        `${id}: طلب TOKENIZATION للمرجع ${ref} جاء من ${from ?? 'خادم التاجر'}، لا من متصفح العميل`,
      ),
    chargedWithoutForm: (id: string, token: string | undefined) =>
      both(
        `${id}: token ${token} was charged, but the browser never posted a TOKENIZATION form to APS; the card data went through the merchant server`,
        `${id}: جرى الخصم على الرمز ${token}، لكن المتصفح لم يُرسل قط نموذج TOKENIZATION إلى APS؛ أي أن بيانات البطاقة مرّت عبر خادم التاجر`,
      ),
    cardOnServer: (id: string, command: string | undefined) =>
      both(
        `${id}: the server-to-server ${command ?? 'request'} carried card_number; card data passed through the merchant server`,
        `${id}: ${command ? `طلب ${command}` : 'الطلب'} بين الخوادم حمل card_number؛ أي أن بيانات البطاقة مرّت عبر خادم التاجر`,
      ),
    fix: both(
      "Post the TOKENIZATION form (card fields, signed parameters) from the customer's browser straight to APS paymentPage; your server only signs the non-card fields and later charges the token_name APS returns.",
      'أرسل نموذج TOKENIZATION (حقول البطاقة والمعاملات الموقَّعة) من متصفح العميل مباشرة إلى paymentPage في APS؛ ولا يفعل خادمك سوى توقيع الحقول غير المتعلقة بالبطاقة، ثم الخصم لاحقًا على token_name الذي يُعيده APS.',
    ),
    none: both('no TOKENIZATION request was recorded', 'لم يُسجَّل أي طلب TOKENIZATION'),
    passed: (n: number) =>
      both(
        `${n} TOKENIZATION form(s) went from the browser straight to APS`,
        `أُرسلت نماذج TOKENIZATION من المتصفح مباشرة إلى APS (عددها ${n})`,
      ),
  },
};

export function textShowsDate(text: string): boolean {
  return DATE.test(text.replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x660)));
}

export const checkKnetReceipt: Check = (ctx) => {
  const failures: Bilingual[] = [];
  const evidence: EvidenceRef[] = [];
  let checked = 0;
  for (const ev of ctx.scenarios.filter((e) => CATALOG.scenarios.find(e.scenarioId)?.method === 'KNET')) {
    const answer = apsResponses(ev).find(
      (r) => str(r.fields.knet_ref_number) || str(r.fields.third_party_transaction_number),
    );
    const values = {
      knet_ref_number: str(answer?.fields.knet_ref_number) ?? ev.ledger.values.knet_ref_number,
      third_party_transaction_number:
        str(answer?.fields.third_party_transaction_number) ?? ev.ledger.values.third_party_transaction_number,
    };
    if (!values.knet_ref_number && !values.third_party_transaction_number) continue;
    const receipt = ev.screenshots.find((s) => s.slot === 'knet.receipt' && !s.failure) ?? receiptScreenshot(ev);
    if (!receipt?.text) continue;
    checked++;
    const missing: Bilingual[] = [];
    for (const [name, value] of Object.entries(values))
      if (value && !receipt.text.includes(value)) missing.push(verbatim(`${name} ${value}`));
    const amount = str(answer?.fields.amount) ?? ev.ledger.values.amount;
    const currency = str(answer?.fields.currency) ?? ev.ledger.values.currency ?? 'KWD';
    if (amount && !textShowsAmount(receipt.text, amount, currency)) missing.push(TEXT.knet.amount);
    if (!textShowsDate(receipt.text)) missing.push(TEXT.knet.date);
    if (answer)
      evidence.push(
        exchangeRef(
          ev,
          answer.exchange,
          `knet_ref_number=${values.knet_ref_number ?? ''}, third_party_transaction_number=${values.third_party_transaction_number ?? ''}`,
        ),
      );
    evidence.push(
      screenshotRef(
        ev,
        receipt,
        missing.length ? `receipt lacks ${joinBoth(missing, ', ').en}` : 'receipt shows both KNET ids, amount and date',
      ),
    );
    if (missing.length) failures.push(TEXT.knet.notShown(ev.scenarioId, joinBoth(missing, ', ')));
  }
  if (failures.length) {
    return {
      status: 'failed',
      summary: joinBoth(failures),
      fix: TEXT.knet.fix,
      evidence,
    };
  }
  if (!checked) return noEvidence(ctx, ['knet-success', 'knet-declined'], TEXT.knet.none);
  return {
    status: 'passed',
    summary: TEXT.knet.passed(checked),
    evidence,
  };
};

function pageLanguage(
  text: string | undefined,
  lang: string | undefined,
  dir: string | undefined,
): Language | undefined {
  if (lang) return lang.toLowerCase().startsWith('ar') ? 'ar' : 'en';
  if (dir) return dir === 'rtl' ? 'ar' : 'en';
  if (text) return /[\u0600-\u06FF]/.test(text) ? 'ar' : 'en';
  return undefined;
}

export const checkNapsLanguages: Check = (ctx) => {
  const failures: Bilingual[] = [];
  const evidence: EvidenceRef[] = [];
  const covered = new Set<string>();
  for (const ev of ctx.scenarios.filter((e) => CATALOG.scenarios.find(e.scenarioId)?.method === 'NAPS')) {
    const want = CATALOG.scenarios.find(ev.scenarioId)!.language;
    const request = apsRequests(ev).find((x) => str(x.requestFields.command));
    if (request) {
      evidence.push(fieldRef(ev, request, 'language', request.requestFields.language));
      const sent = str(request.requestFields.language);
      if (sent !== want) failures.push(TEXT.naps.wrongRequest(ev.scenarioId, sent, want));
    }
    const pages = ev.screenshots.filter((s) => !s.failure);
    const wrong = pages.filter((s) => {
      const seen = pageLanguage(s.text, s.lang, s.dir);
      return seen !== undefined && seen !== want;
    });
    for (const s of wrong)
      evidence.push(screenshotRef(ev, s, `page in ${s.lang ?? s.dir ?? 'another language'}, expected ${want}`));
    if (wrong.length) failures.push(TEXT.naps.wrongPages(ev.scenarioId, wrong.length, pages.length, want));
    if (pages.length && !wrong.length) covered.add(want);
  }
  if (failures.length) {
    return {
      status: 'failed',
      summary: joinBoth(failures),
      fix: TEXT.naps.fix,
      evidence,
    };
  }
  const missing = (['ar', 'en'] as const).filter((l) => !covered.has(l));
  if (missing.length) {
    const ids = missing.flatMap((l) => [`naps-success-${l}`, `naps-declined-${l}`]);
    return {
      ...noEvidence(ctx, ids, TEXT.naps.notCaptured(missing)),
      evidence,
    };
  }
  return { status: 'passed', summary: TEXT.naps.passed, evidence };
};

const digits = (s: string) => s.replace(/\D/g, '');
/** Same phone whatever the prefix (+966 5…, 05…, 5…). */
function samePhone(a: string, b: string): boolean {
  const x = digits(a);
  const y = digits(b);
  return x.length >= 7 && y.length >= 7 && x.slice(-9) === y.slice(-9);
}

export const checkStcPayDynamic: Check = (ctx) => {
  const failures: Bilingual[] = [];
  const evidence: EvidenceRef[] = [];
  const otps = new Map<string, string>();
  let checked = 0;
  for (const ev of ctx.scenarios.filter((e) => CATALOG.scenarios.find(e.scenarioId)?.method === 'STCPAY')) {
    const outcome = CATALOG.scenarios.find(ev.scenarioId)!.outcome;
    const typed = LOCAL_TEST_VALUES.STCPAY[outcome];
    const phones = [ev.customer.phone, typed.phone].filter((p): p is string => !!p);
    const requests = apsRequests(ev).filter((x) => str(x.requestFields.digital_wallet) === 'STCPAY');
    for (const x of requests) {
      const phone = str(x.requestFields.phone_number);
      const otp = str(x.requestFields.otp);
      if (phone) {
        checked++;
        evidence.push(fieldRef(ev, x, 'phone_number', phone));
        if (!phones.some((p) => samePhone(p, phone))) failures.push(TEXT.stcPay.phone(ev.scenarioId, phone, phones));
      }
      if (otp) {
        evidence.push(fieldRef(ev, x, 'otp', otp));
        otps.set(ev.scenarioId, otp);
        if (typed.otp && otp !== typed.otp) failures.push(TEXT.stcPay.otp(ev.scenarioId, otp, typed.otp));
      }
    }
  }
  // The recorder drops the otp value, so a fixed one shows as an outcome that does not follow the code typed.
  for (const ev of ctx.scenarios.filter((e) => CATALOG.scenarios.find(e.scenarioId)?.method === 'STCPAY')) {
    const outcome = CATALOG.scenarios.find(ev.scenarioId)!.outcome;
    const final = apsResponses(ev).find(
      (r) => str(r.fields.digital_wallet) === 'STCPAY' && str(r.fields.command) && str(r.fields.response_code),
    );
    const code = str(final?.fields.response_code);
    if (!final || !code) continue;
    const cls = classifyResponse(code);
    const expected = outcome === 'success' ? 'success' : 'declined';
    if ((cls === 'success' || cls === 'declined') && cls !== expected) {
      evidence.push(exchangeRef(ev, final.exchange, `APS answered ${code}`));
      failures.push(TEXT.stcPay.outcome(ev.scenarioId, code, cls, expected, LOCAL_TEST_VALUES.STCPAY[outcome].otp));
    }
  }
  const distinct = new Set(otps.values());
  if (otps.size > 1 && distinct.size === 1) failures.push(TEXT.stcPay.sameOtp([...distinct][0]));
  if (failures.length) {
    return {
      status: 'failed',
      summary: joinBoth(failures),
      fix: TEXT.stcPay.fix,
      evidence,
    };
  }
  if (!checked) return noEvidence(ctx, ['stcpay-success', 'stcpay-declined'], TEXT.stcPay.none);
  return {
    status: 'passed',
    summary: TEXT.stcPay.passed(otps.size || checked),
    evidence,
  };
};

function tokenizationRequests(ev: ScenarioEvidence) {
  return apsRequests(ev).filter((x) => str(x.requestFields.service_command) === 'TOKENIZATION');
}

export const checkTokenizationClientSide: Check = (ctx) => {
  const failures: Bilingual[] = [];
  const evidence: EvidenceRef[] = [];
  let fromBrowser = 0;
  for (const ev of ctx.scenarios) {
    const posts = tokenizationRequests(ev);
    const refs = new Set(posts.map((x) => str(x.requestFields.merchant_reference) ?? x.id));
    for (const ref of refs) {
      const same = posts.filter((x) => (str(x.requestFields.merchant_reference) ?? x.id) === ref);
      const browser = same.find((x) => x.observedBy === 'browser');
      if (browser) {
        fromBrowser++;
        evidence.push(exchangeRef(ev, browser, 'TOKENIZATION posted by the browser'));
      } else {
        const server = same[0];
        evidence.push(
          exchangeRef(
            ev,
            server,
            `TOKENIZATION sent by ${server.remoteAddress ?? 'the merchant server'}, not seen in the browser`,
          ),
        );
        failures.push(TEXT.tokenization.fromServer(ev.scenarioId, ref, server.remoteAddress));
      }
    }
    // The simulator log links only API calls, so a form the server posted itself shows as a token charged
    // with no tokenization form ever leaving the browser.
    if (!posts.some((x) => x.observedBy === 'browser')) {
      const charge = apsRequests(ev).find(
        (r) =>
          r.kind === 'paymentApi' &&
          PAYMENT_COMMANDS.includes(str(r.requestFields.command) ?? '') &&
          str(r.requestFields.token_name) &&
          str(r.requestFields.eci) !== 'RECURRING',
      );
      const browserTokenized = ev.exchanges.some(
        (r) => r.kind === 'return' && str(r.requestFields.service_command) === 'TOKENIZATION',
      );
      if (
        charge &&
        !browserTokenized &&
        !posts.length &&
        CATALOG.scenarios.find(ev.scenarioId)?.dependsOn === undefined
      ) {
        evidence.push(
          exchangeRef(
            ev,
            charge,
            `token_name ${str(charge.requestFields.token_name)} charged; no TOKENIZATION form left the browser`,
          ),
        );
        failures.push(TEXT.tokenization.chargedWithoutForm(ev.scenarioId, str(charge.requestFields.token_name)));
      }
    }
    for (const x of apsRequests(ev).filter((r) => r.kind === 'paymentApi' && str(r.requestFields.card_number))) {
      evidence.push(exchangeRef(ev, x, 'card_number in a server-to-server request'));
      failures.push(TEXT.tokenization.cardOnServer(ev.scenarioId, str(x.requestFields.command)));
    }
  }
  if (failures.length) {
    return {
      status: 'failed',
      summary: joinBoth(failures),
      fix: TEXT.tokenization.fix,
      evidence,
    };
  }
  if (!fromBrowser) return noEvidence(ctx, anyPayment(ctx), TEXT.tokenization.none);
  return {
    status: 'passed',
    summary: TEXT.tokenization.passed(fromBrowser),
    evidence,
  };
};
