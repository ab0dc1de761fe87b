import { expect } from 'vitest';
// Builds evidence the way a correct merchant produces it, so each test can break exactly one thing.
import { CATALOG } from '../../shared/aps/catalog-index';
import { buildPlan } from '../../shared/plan';
import { EVIDENCE_VERSION, type Exchange, type ScenarioEvidence, type Screenshot } from '../../shared/schema/evidence';
import {
  SAMPLE_CUSTOMERS,
  WORKSPACE_VERSION,
  workspaceSchema,
  type Workspace,
  type WorkspaceInput,
} from '../../shared/schema/workspace';
import { computeSignature, type ApsParams } from '../../electron/engine/aps/signature';
import type { CollectedEvidence } from '../../electron/engine/evidence/store';
import type { MerchantSecrets } from '../../electron/engine/workspace/secrets';
import { SECRET_MARKER } from '../../electron/engine/redact/index';
import { LOCAL_TEST_VALUES, testCard } from '../../shared/aps/test-cards';
import { formatMinorUnits } from '../../shared/aps/currencies';
import type { CheckResult } from '../../shared/schema/verify';
import { readsArabic } from '../../shared/text';

export const SECRETS: MerchantSecrets = {
  accessCode: 'zx0IPmPy5jp1vAz8Kpg7',
  requestPhrase: 'TESTSHAIN$1',
  responsePhrase: 'TESTSHAOUT$2',
  shaType: 'sha256',
};
export const APPLE_SECRETS: MerchantSecrets = {
  accessCode: 'CkApplePayAccess0123',
  requestPhrase: 'ck-apple-request',
  responsePhrase: 'ck-apple-response',
  shaType: 'sha256',
};
export const STORE = 'http://127.0.0.1:4100';
export const SIM = 'http://127.0.0.1:4200';
export const RETURN_URL = `${STORE.replace('http:', 'https:')}/aps/return`;
const MERCHANT = 'CertkitDemo';

export function workspace(input: Partial<WorkspaceInput> = {}): Workspace {
  return workspaceSchema.parse({
    version: WORKSPACE_VERSION,
    account: { name: 'Demo Store', environment: 'simulator' },
    integrationTypes: ['hosted'],
    methods: ['VISA', 'MASTERCARD', 'MADA'],
    store: { baseUrl: STORE, returnUrl: RETURN_URL },
    aps: {
      paymentPage: `${SIM}/FortAPI/paymentPage`,
      paymentApi: `${SIM}/FortAPI/paymentApi`,
      hosts: ['127.0.0.1:4200'],
    },
    customers: SAMPLE_CUSTOMERS.slice(0, 2),
    ...input,
  });
}

/** Signs as the merchant does (request phrase), with the access code that the recorder later drops. */
export function signRequest(fields: Record<string, string>): string {
  return computeSignature(
    { ...fields, access_code: SECRETS.accessCode } as ApsParams,
    SECRETS.requestPhrase!,
    SECRETS.shaType,
  );
}

function signResponse(fields: Record<string, string>): string {
  return computeSignature(
    { ...fields, access_code: SECRETS.accessCode } as ApsParams,
    SECRETS.responsePhrase!,
    SECRETS.shaType,
    { response: true },
  );
}

let clock = Date.parse('2026-11-20T10:00:00Z');
const at = () => new Date((clock += 1000)).toISOString();
let seq = 0;

function exchange(
  kind: Exchange['kind'],
  method: string,
  url: string,
  fields: Record<string, unknown>,
  extra: Partial<Exchange> = {},
): Exchange {
  return {
    id: `x${++seq}`,
    kind,
    method,
    url,
    requestFields: fields,
    startedAt: at(),
    step: seq,
    frame: 'top',
    popup: false,
    observedBy: 'browser',
    ...extra,
  };
}

function shot(slot: string | undefined, url: string, text: string, extra: Partial<Screenshot> = {}): Screenshot {
  const file = `${String(++seq).padStart(2, '0')}-${slot ?? 'page'}.jpg`;
  return {
    file,
    rawFile: `raw/${file}`,
    slot,
    url,
    title: '',
    capturedAt: at(),
    timeZone: 'UTC',
    step: seq,
    stepLabel: slot ?? 'page',
    width: 1280,
    height: 900,
    bytes: 90000,
    lang: 'en',
    dir: 'ltr',
    text,
    failure: false,
    ...extra,
  };
}

const RESULT_CODES = {
  success: { response_code: '14000', status: '14', response_message: 'Success' },
  declined: { response_code: '13666', status: '13', response_message: 'Transaction declined' },
};

export interface PaymentOptions {
  scenarioId: string;
  customerIndex?: number;
  amount?: string;
  currency?: string;
  /** Posted fields to add or override (a value of undefined removes the field). */
  extraFields?: Record<string, string | undefined>;
  integration?: 'hosted' | 'custom';
}

/** Evidence of one correct payment scenario. */
export function payment(opts: PaymentOptions): ScenarioEvidence {
  const sc = CATALOG.scenarios.get(opts.scenarioId);
  const ws = workspace();
  const customer = ws.customers[(opts.customerIndex ?? seq) % ws.customers.length];
  const currency = opts.currency ?? (sc.method === 'KNET' ? 'KWD' : sc.method === 'NAPS' ? 'QAR' : 'SAR');
  const amount = opts.amount ?? (currency === 'KWD' ? '10500' : '15000');
  const reference = `ORD-${opts.scenarioId}-${++seq}`;
  const fortId = `16940${String(seq).padStart(10, '0')}`;
  const threeDs = sc.card ? testCard(sc.card).threeDs : false;
  const selector: Record<string, string> =
    sc.method === 'STCPAY'
      ? { digital_wallet: 'STCPAY' }
      : ['KNET', 'NAPS', 'BENEFIT', 'OMANNET', 'MADA'].includes(sc.method)
        ? { payment_option: sc.method }
        : {};
  const base: Record<string, string> = {
    command: 'PURCHASE',
    merchant_identifier: MERCHANT,
    merchant_reference: reference,
    amount,
    currency,
    language: sc.language,
    customer_email: customer.email,
    return_url: RETURN_URL,
    ...selector,
  };
  const ev: ScenarioEvidence = {
    version: EVIDENCE_VERSION,
    runId: 'run-1',
    scenarioId: sc.id,
    status: 'passed',
    startedAt: at(),
    customer,
    clientAddress: '127.0.0.1',
    screenshots: [],
    exchanges: [],
    ledger: { values: {}, sources: {} },
  };
  const outcome = sc.outcome;
  const responseExtra: Record<string, string> = {
    fort_id: fortId,
    ...RESULT_CODES[outcome],
    payment_option: sc.method === 'STCPAY' ? '' : sc.method,
  };
  if (sc.method === 'KNET' && outcome === 'success')
    Object.assign(responseExtra, { knet_ref_number: `KR${seq}7731`, third_party_transaction_number: `TP${seq}5520` });
  if (!responseExtra.payment_option) delete responseExtra.payment_option;
  ev.screenshots.push(
    shot(sc.slots.find((s) => s.endsWith('checkout')) ?? 'general.checkout', `${STORE}/checkout`, 'Checkout', {
      lang: sc.language,
      dir: sc.language === 'ar' ? 'rtl' : 'ltr',
      text: sc.language === 'ar' ? 'الدفع' : 'Checkout',
    }),
  );
  const integration = opts.integration ?? (sc.method === 'STCPAY' || sc.method === 'APPLE_PAY' ? 'custom' : 'hosted');
  let final: Record<string, string>;
  if (integration === 'hosted') {
    const posted = withExtra({ ...base }, opts.extraFields);
    posted.signature = signRequest(posted);
    ev.exchanges.push(exchange('paymentPage', 'POST', `${SIM}/FortAPI/paymentPage`, posted, { responseStatus: 200 }));
    if (threeDs) {
      const url = `${SIM}/FortAPI/3ds/sid${seq}`;
      ev.exchanges.push(exchange('other', 'GET', url, {}, { responseStatus: 200 }));
      ev.screenshots.push(shot('general.three_ds', url, '3-D Secure authentication'));
    }
    const { signature: _s, ...echo } = posted;
    void _s;
    final = { ...echo, ...responseExtra };
  } else if (sc.method === 'APPLE_PAY') {
    // The merchant server sends the Apple Pay token to APS; Apple Pay has its own phrases, so its signature is opaque here.
    const purchase: Record<string, unknown> = {
      ...base,
      digital_wallet: 'APPLE_PAY',
      customer_ip: '127.0.0.1',
      apple_header: { ephemeralPublicKey: 'k', transactionId: 't' },
    };
    delete purchase.return_url;
    purchase.signature = computeSignature(
      { ...purchase, access_code: APPLE_SECRETS.accessCode } as ApsParams,
      APPLE_SECRETS.requestPhrase!,
      'sha256',
    );
    final = { ...base, digital_wallet: 'APPLE_PAY', ...responseExtra, payment_option: 'VISA' };
    ev.exchanges.push(
      exchange('paymentApi', 'POST', `${SIM}/FortAPI/paymentApi`, purchase, {
        observedBy: 'simulator',
        remoteAddress: '127.0.0.1',
        responseStatus: 200,
        responseFields: final,
      }),
    );
    ev.screenshots.push(
      shot(
        'general.result',
        `${STORE}/receipt/${reference}`,
        `Thank you, payment successful ${formatMinorUnits(amount, currency)} ${currency}`,
      ),
    );
    return ev;
  } else if (sc.method === 'STCPAY') {
    const typed = LOCAL_TEST_VALUES.STCPAY[outcome];
    const otpFields = withExtra(
      {
        service_command: 'GENERATE_OTP',
        digital_wallet: 'STCPAY',
        merchant_identifier: MERCHANT,
        merchant_reference: reference,
        amount,
        currency,
        language: 'en',
        phone_number: customer.phone ?? typed.phone,
      },
      {},
    );
    otpFields.signature = signRequest(otpFields);
    ev.exchanges.push(
      exchange(
        'paymentApi',
        'POST',
        `${SIM}/FortAPI/paymentApi`,
        { ...otpFields, access_code: SECRET_MARKER },
        {
          observedBy: 'simulator',
          remoteAddress: '127.0.0.1',
          responseStatus: 200,
          responseFields: { response_code: '88000', status: '88', merchant_reference: reference },
        },
      ),
    );
    const purchase = withExtra(
      { ...base, phone_number: customer.phone ?? typed.phone, customer_ip: '127.0.0.1', otp: typed.otp },
      opts.extraFields,
    );
    purchase.signature = signRequest(purchase);
    const { otp: _otp, signature: _sig, ...recorded } = purchase;
    void _otp;
    void _sig;
    final = { ...recorded, ...responseExtra };
    ev.exchanges.push(
      exchange(
        'paymentApi',
        'POST',
        `${SIM}/FortAPI/paymentApi`,
        { ...recorded, signature: purchase.signature, access_code: SECRET_MARKER },
        {
          observedBy: 'simulator',
          remoteAddress: '127.0.0.1',
          responseStatus: 200,
          responseFields: { ...final, signature: signResponse(final) },
        },
      ),
    );
    ev.screenshots.push(
      shot(
        'stcpay.return',
        `${STORE}/receipt/${reference}`,
        `${outcome === 'success' ? 'Payment successful' : 'Payment declined'} ${formatMinorUnits(amount, currency)} ${currency}`,
      ),
    );
    ev.ledger.values = { merchant_reference: reference, fort_id: fortId, amount, currency };
    return ev;
  } else {
    const tokenization: Record<string, string> = {
      service_command: 'TOKENIZATION',
      merchant_identifier: MERCHANT,
      merchant_reference: reference,
      language: 'en',
      return_url: RETURN_URL,
    };
    tokenization.signature = signRequest(tokenization);
    ev.exchanges.push(
      exchange(
        'paymentPage',
        'POST',
        `${SIM}/FortAPI/paymentPage`,
        {
          ...tokenization,
          card_number: '400555******0001',
          expiry_date: '3005',
          card_holder_name: customer.name ?? '',
        },
        { responseStatus: 302 },
      ),
    );
    const token = `TKN${seq}ab`;
    ev.exchanges.push(
      exchange(
        'return',
        'POST',
        RETURN_URL,
        {
          ...tokenization,
          token_name: token,
          response_code: '18000',
          status: '18',
          response_message: 'Success',
          signature: 'x',
        },
        { responseStatus: 302 },
      ),
    );
    const purchase = withExtra(
      { ...base, customer_ip: '127.0.0.1', token_name: token, eci: 'ECOMMERCE' },
      opts.extraFields,
    );
    purchase.signature = signRequest(purchase);
    const { signature: _s2, ...echo } = purchase;
    void _s2;
    if (threeDs) {
      const url = `${SIM}/FortAPI/3ds/sid${seq}`;
      ev.exchanges.push(
        exchange(
          'paymentApi',
          'POST',
          `${SIM}/FortAPI/paymentApi`,
          { ...purchase, access_code: SECRET_MARKER },
          {
            observedBy: 'simulator',
            remoteAddress: '127.0.0.1',
            responseStatus: 200,
            responseFields: { ...echo, fort_id: fortId, response_code: '20064', status: '20', '3ds_url': url },
          },
        ),
      );
      ev.exchanges.push(exchange('other', 'GET', url, {}, { responseStatus: 200 }));
      ev.screenshots.push(shot('general.three_ds', url, '3-D Secure authentication'));
      final = { ...echo, ...responseExtra };
    } else {
      final = { ...echo, ...responseExtra };
      ev.exchanges.push(
        exchange(
          'paymentApi',
          'POST',
          `${SIM}/FortAPI/paymentApi`,
          { ...purchase, access_code: SECRET_MARKER },
          {
            observedBy: 'simulator',
            remoteAddress: '127.0.0.1',
            responseStatus: 200,
            responseFields: { ...final, signature: signResponse(final) },
          },
        ),
      );
      ev.screenshots.push(
        shot(
          'general.result',
          `${STORE}/receipt/${reference}`,
          `${outcome === 'success' ? 'Thank you, payment successful' : 'Payment declined'} ${formatMinorUnits(amount, currency)} ${currency}`,
        ),
      );
      ev.ledger.values = { merchant_reference: reference, fort_id: fortId, amount, currency };
      return ev;
    }
  }
  ev.exchanges.push(
    exchange(
      'return',
      'POST',
      RETURN_URL,
      { ...final, signature: signResponse(final) },
      { responseStatus: 303, redirectedTo: `${STORE}/receipt/${reference}` },
    ),
  );
  const receiptSlot = sc.slots.find((s) => /\.(result|receipt|return)$/.test(s)) ?? 'general.result';
  const knet =
    sc.method === 'KNET' && outcome === 'success'
      ? ` KNET reference ${final.knet_ref_number} Transaction ${final.third_party_transaction_number}`
      : '';
  const words =
    sc.language === 'ar'
      ? outcome === 'success'
        ? 'تم الدفع بنجاح'
        : 'تم رفض الدفع'
      : outcome === 'success'
        ? 'Thank you, payment successful'
        : 'Payment declined';
  ev.screenshots.push(
    shot(
      receiptSlot,
      `${STORE}/receipt/${reference}`,
      `${words} Order ${reference} Amount ${formatMinorUnits(amount, currency)} ${currency} Date 2026-11-20 10:01${knet}`,
      {
        lang: sc.language,
        dir: sc.language === 'ar' ? 'rtl' : 'ltr',
      },
    ),
  );
  ev.ledger.values = {
    merchant_reference: reference,
    fort_id: fortId,
    amount,
    currency,
    ...(final.knet_ref_number
      ? { knet_ref_number: final.knet_ref_number, third_party_transaction_number: final.third_party_transaction_number }
      : {}),
  };
  return ev;
}

function withExtra(
  fields: Record<string, string>,
  extra: Record<string, string | undefined> = {},
): Record<string, string> {
  const out = { ...fields };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** Recurring: the initial payment on the hosted page and a merchant-initiated charge with the returned ids. */
export function recurring(
  opts: {
    agreementId?: string;
    returnedAgreementId?: string;
    mitAgreementId?: string;
    mitToken?: string;
    mode?: Record<string, string | undefined>;
  } = {},
): ScenarioEvidence[] {
  const agreement = opts.agreementId ?? 'AGR7731X';
  const returned = opts.returnedAgreementId ?? agreement;
  const initial = payment({
    scenarioId: 'recurring-initial',
    extraFields: {
      agreement_id: agreement,
      recurring_mode: 'VARIABLE',
      recurring_transactions_count: '12',
      recurring_expiry_date: '2027-11-20',
      recurring_days_between_payments: '30',
      ...opts.mode,
    },
  });
  const ret = initial.exchanges.find((x) => x.kind === 'return')!;
  Object.assign(ret.requestFields, { agreement_id: returned, token_name: 'TKNREC01' });
  const mit = payment({ scenarioId: 'recurring-subsequent', integration: 'hosted' });
  const fields: Record<string, string> = {
    command: 'PURCHASE',
    merchant_identifier: MERCHANT,
    merchant_reference: `MIT-${++seq}`,
    amount: '15000',
    currency: 'SAR',
    language: 'en',
    customer_email: initial.customer.email,
    eci: 'RECURRING',
    token_name: opts.mitToken ?? 'TKNREC01',
    agreement_id: opts.mitAgreementId ?? returned,
  };
  fields.signature = signRequest(fields);
  const { signature: _s, ...echo } = fields;
  void _s;
  mit.exchanges = [
    exchange(
      'paymentApi',
      'POST',
      `${SIM}/FortAPI/paymentApi`,
      { ...fields, access_code: SECRET_MARKER },
      {
        observedBy: 'simulator',
        remoteAddress: '127.0.0.1',
        responseStatus: 200,
        responseFields: { ...echo, fort_id: '1694099', ...RESULT_CODES.success },
      },
    ),
  ];
  return [initial, mit];
}

export function collected(list: ScenarioEvidence[]): CollectedEvidence {
  return {
    byScenario: new Map(list.map((e) => [e.scenarioId, e])),
    choices: new Map(list.map((e) => [e.scenarioId, { runId: e.runId, pinned: false }])),
    brokenPins: [],
    runIds: [...new Set(list.map((e) => e.runId))],
  };
}

/** Every scenario the workspace plans, as a correct merchant's evidence. */
export function correctEvidence(
  ws: Workspace,
  override: (scenarioId: string) => Partial<PaymentOptions> = () => ({}),
): ScenarioEvidence[] {
  const plan = buildPlan(ws);
  const custom = ws.integrationTypes.includes('custom_non_pci') && !ws.integrationTypes.includes('hosted');
  const out: ScenarioEvidence[] = [];
  const ids = plan.scenarios.map((s) => s.id);
  if (ids.includes('recurring-initial')) out.push(...recurring());
  plan.scenarios.forEach((s, i) => {
    if (s.id.startsWith('recurring-')) return;
    const ev = payment({
      scenarioId: s.id,
      customerIndex: i,
      integration: custom && s.card ? 'custom' : undefined,
      ...override(s.id),
    });
    if (s.method === 'APPLE_PAY') {
      ev.applePay = {
        version: 6,
        request: {
          countryCode: 'SA',
          currencyCode: 'SAR',
          supportedNetworks: ['mada', 'amex', 'visa', 'masterCard'],
          merchantCapabilities: ['supports3DS'],
        },
        url: `${STORE}/checkout`,
        at: at(),
      };
    }
    // The browser's leak scan looked at the store's pages and scripts and found no secret.
    ev.leakScan = {
      scripts: 2,
      pages: 3,
      unreadable: 0,
      searched: ['request phrase', 'response phrase', 'access code'],
      hits: [],
    };
    out.push(ev);
  });
  return out;
}

/**
 * Every finding of the report reads in Arabic too (the app's Arabic view shows `ar`), and no sentence printed an
 * object where a word belonged. Called on the reports the verifier tests make, so each message they reach is covered.
 */
export function expectBilingual(report: { results: CheckResult[] }): void {
  const problems: string[] = [];
  for (const r of report.results) {
    const texts: [string, string | undefined][] = [
      ['summary', r.summary],
      ['fix', r.fix],
      ['ar.summary', r.ar?.summary],
      ['ar.fix', r.ar?.fix],
    ];
    for (const [field, text] of texts)
      if (text?.includes('[object Object]')) problems.push(`${r.checkpointId} ${field} prints an object: ${text}`);
    if (!r.ar || !readsArabic(r.ar.summary))
      problems.push(`${r.checkpointId} (${r.status}) has no Arabic summary: ${r.ar?.summary ?? r.summary}`);
    if (r.fix !== undefined && (r.ar?.fix === undefined || !readsArabic(r.ar.fix)))
      problems.push(`${r.checkpointId} (${r.status}) has no Arabic fix: ${r.ar?.fix ?? r.fix}`);
  }
  expect(problems).toEqual([]);
}
