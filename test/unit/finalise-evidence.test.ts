import { describe, expect, it } from 'vitest';
import type { Exchange, ScenarioEvidence, Screenshot } from '../../shared/schema/evidence';
import {
  finaliseEvidence,
  linkKeys,
  unsavedEvidence,
  type ScenarioOutcome,
} from '../../electron/engine/capture/finalise-evidence';
import { emptyScenarioEvidence } from '../../electron/engine/evidence/store';
import { CATALOG } from '../../shared/aps/catalog-index';
import { readsArabic } from '../../shared/text';

const shot = (slot?: string): Screenshot => ({
  file: `01-${slot ?? 'page'}.jpg`,
  rawFile: `raw/01-${slot ?? 'page'}.jpg`,
  slot,
  url: 'http://store/x',
  title: '',
  capturedAt: '2026-01-01T10:00:00+03:00',
  timeZone: 'Asia/Riyadh',
  step: 0,
  stepLabel: 'step 1/1',
  width: 100,
  height: 100,
  bytes: 10,
  failure: false,
});

const exchange = (over: Partial<Exchange>): Exchange => ({
  id: 'e1',
  kind: 'paymentPage',
  method: 'POST',
  url: 'http://aps/FortAPI/paymentPage',
  requestFields: {},
  startedAt: '2026-01-01T10:00:00.000Z',
  step: 0,
  frame: 'top',
  popup: false,
  observedBy: 'browser',
  ...over,
});

function evidence(over: Partial<ScenarioEvidence> = {}): ScenarioEvidence {
  return { ...emptyScenarioEvidence('r1', 'knet-success', { email: 'a@b.example' }), ...over };
}

const outcome = (over: Partial<ScenarioOutcome> = {}): ScenarioOutcome => ({
  pageValues: {},
  simulatorExchanges: [],
  requiredSlots: [],
  needsMerchantReference: true,
  guided: false,
  ...over,
});

const paid = exchange({ requestFields: { merchant_reference: 'REF-1', amount: '100' } });

describe('evidence finaliser (no browser)', () => {
  it('passes a scenario with its page slots filled and a merchant reference from the traffic', () => {
    const ev = evidence({ screenshots: [shot('knet.checkout'), shot('knet.receipt')], exchanges: [paid] });
    const out = finaliseEvidence(ev, outcome({ requiredSlots: ['knet.checkout', 'knet.receipt'] }));
    expect(out.status).toBe('passed');
    expect(out.error).toBeUndefined();
    expect(out.ledger.values).toMatchObject({ merchant_reference: 'REF-1', amount: '100' });
    expect(out.ledger.sources.merchant_reference).toBe('traffic');
    // Pure: the input is left as it was.
    expect(ev.status).toBe('running');
  });

  it('names every missing page slot, and ignores slots that are not page screenshots', () => {
    const ev = evidence({ screenshots: [shot('knet.checkout')], exchanges: [paid] });
    const out = finaliseEvidence(
      ev,
      outcome({ requiredSlots: ['knet.checkout', 'knet.receipt', 'knet.payment_page', 'apple_pay.networks_code'] }),
    );
    expect(out.status).toBe('failed');
    expect(out.error?.message).toBe('no screenshot for slots knet.receipt, knet.payment_page');
    expect(out.error?.ar?.message).toBe('لا توجد لقطة شاشة للخانة knet.receipt، knet.payment_page');
    expect(out.error?.hint).toMatch(/--slot STEP=SLOT/);
  });

  it('fills the ledger from page values only where traffic left it empty', () => {
    const ev = evidence({ exchanges: [paid] });
    const out = finaliseEvidence(
      ev,
      outcome({
        pageValues: { merchant_reference: 'FROM-PAGE', knet_ref_number: 'K-9' },
        needsMerchantReference: true,
      }),
    );
    expect(out.ledger.values.merchant_reference).toBe('REF-1');
    expect(out.ledger.values.knet_ref_number).toBe('K-9');
    expect(out.ledger.sources.knet_ref_number).toBe('page');
  });

  it('fails without a merchant_reference when the scenario records one, with the extract-rule fix', () => {
    const out = finaliseEvidence(evidence(), outcome());
    expect(out.status).toBe('failed');
    expect(out.error).toMatchObject({
      message: 'no merchant_reference in the traffic or on the page',
      hint: 'add an extract rule for merchant_reference to the flow in certkit.json, or enter it by hand',
    });
    expect(readsArabic(out.error?.ar?.message ?? '')).toBe(true);
    expect(out.error?.ar?.message).toContain('merchant_reference');
    expect(readsArabic(out.error?.ar?.hint ?? '')).toBe(true);
    expect(finaliseEvidence(evidence(), outcome({ needsMerchantReference: false })).status).toBe('passed');
  });

  it('adds the simulator exchanges and lets them feed the ledger', () => {
    const api = exchange({
      id: 's4',
      kind: 'paymentApi',
      observedBy: 'simulator',
      requestFields: { merchant_reference: 'REF-S2S' },
      responseFields: { agreement_id: 'AG-1', response_code: '14000' },
    });
    const out = finaliseEvidence(evidence(), outcome({ simulatorExchanges: [api] }));
    expect(out.exchanges.map((x) => x.id)).toEqual(['s4']);
    expect(out.ledger.values).toMatchObject({ merchant_reference: 'REF-S2S', agreement_id: 'AG-1' });
    expect(out.status).toBe('passed');
  });

  it('puts a write failure first, saying the disk is full when it is', () => {
    const full = Object.assign(new Error('ENOSPC: no space left'), { code: 'ENOSPC' });
    const out = finaliseEvidence(evidence(), outcome({ fileError: full }));
    expect(out.error?.message).toBe(
      'evidence could not be written: the disk is full; no merchant_reference in the traffic or on the page',
    );
    expect(out.error?.hint).toMatch(/free disk space/);
    const saved = finaliseEvidence(evidence({ exchanges: [paid] }), outcome({ saveError: new Error('EACCES') }));
    expect(saved.error?.message).toBe('evidence could not be written: EACCES');
  });

  it('keeps the error of a scenario that already failed, adding a write failure to it', () => {
    const failed = evidence({ status: 'failed', error: { message: 'step 2/3: Click #pay failed', step: 1 } });
    expect(finaliseEvidence(failed, outcome()).error).toEqual(failed.error);
    const full = Object.assign(new Error('x'), { code: 'ENOSPC' });
    const out = finaliseEvidence(failed, outcome({ fileError: full }));
    expect(out.status).toBe('failed');
    expect(out.error).toEqual({
      message: 'step 2/3: Click #pay failed; also, evidence could not be written: the disk is full',
      step: 1,
    });
  });

  it('asks a guided capture for at least one page instead of its slots', () => {
    const none = finaliseEvidence(evidence({ exchanges: [paid] }), outcome({ guided: true, requiredSlots: ['x.y'] }));
    expect(none.error?.message).toBe('no page was captured (the window closed before any page loaded)');
    const some = finaliseEvidence(
      evidence({ exchanges: [paid], screenshots: [shot()] }),
      outcome({ guided: true, requiredSlots: ['knet.receipt'] }),
    );
    expect(some.status).toBe('passed');
  });

  it('records the Apple Pay request the page made', () => {
    const applePay = { version: 5, request: { supportedNetworks: [], merchantCapabilities: [] }, url: 'u', at: 't' };
    expect(finaliseEvidence(evidence(), outcome({ applePay })).applePay).toEqual(applePay);
  });

  it('fails a passed scenario whose last scenario.json write failed, and leaves others alone', () => {
    const passed = evidence({ status: 'passed' });
    expect(unsavedEvidence(passed, new Error('EIO')).error?.message).toBe('evidence could not be written: EIO');
    expect(unsavedEvidence(passed, undefined)).toBe(passed);
    const failed = evidence({ status: 'failed', error: { message: 'x' } });
    expect(unsavedEvidence(failed, new Error('EIO'))).toBe(failed);
  });

  it('links the simulator log by the references in traffic and on the page', () => {
    const ret = exchange({ kind: 'return', responseFields: { fort_id: 'F-1', merchant_reference: 'REF-1' } });
    expect(linkKeys([paid, ret], { merchant_reference: 'REF-PAGE', fort_id: 'F-1' })).toEqual({
      merchant_reference: ['REF-1', 'REF-PAGE'],
      fort_id: ['F-1'],
    });
  });
});

describe("the outcome is APS's answer, not the store's word", () => {
  const ret = (fields: Record<string, string>, over: Partial<Exchange> = {}) =>
    exchange({
      id: 'r1',
      kind: 'return',
      url: 'https://store/return',
      requestFields: { command: 'PURCHASE', merchant_reference: 'REF-1', ...fields },
      startedAt: '2026-01-01T10:00:05.000Z',
      ...over,
    });
  const approved = { response_code: '14000', status: '14', response_message: 'Success' };
  const declined = { response_code: '13666', status: '13', response_message: 'Transaction declined' };
  const result = (text: string, over: Partial<Screenshot> = {}): Screenshot => ({
    ...shot('knet.receipt'),
    text,
    ...over,
  });
  const judge = (scenario: string, ev: Partial<ScenarioEvidence>) =>
    finaliseEvidence(
      evidence({ scenarioId: scenario, ...ev }),
      outcome({ expects: CATALOG.scenarios.get(scenario).expects }),
    );

  it('passes a success scenario on 14000 and a declined one on 13666', () => {
    expect(judge('knet-success', { exchanges: [paid, ret(approved)] }).status).toBe('passed');
    expect(judge('knet-declined', { exchanges: [paid, ret(declined)] }).status).toBe('passed');
  });

  it('fails a success scenario APS declined, naming expected and actual code and message', () => {
    const out = judge('knet-success', { exchanges: [paid, ret(declined)] });
    expect(out.status).toBe('failed');
    expect(out.error?.message).toBe(
      'expected an approved payment (14000 Purchase success: Success), but APS answered 13666 Purchase failure: Transaction declined (usually: the payment was declined; on the sandbox, the test card or test values typed are ones that decline)',
    );
    // The Arabic view says the same: the expected outcome in Arabic, APS's code and its own words as APS wrote them.
    expect(out.error?.ar?.message).toMatch(
      /^كان المتوقع دفعة مقبولة \(14000 .*\)، لكن ردّت APS بـ 13666 Purchase failure/,
    );
    expect(out.error?.ar?.hint).toMatch(/بطاقة الاختبار/);
  });

  it('never counts a refused request as a decline, nor an answer of another operation as the payment', () => {
    const refused = judge('card-declined', {
      exchanges: [paid, ret({ response_code: '00008', status: '00', response_message: 'Signature mismatch' })],
    });
    expect(refused.error?.message).toMatch(
      /expected a declined payment .*APS answered 00008 Invalid request: Signature mismatch/,
    );
    expect(refused.error?.hint).toMatch(/refused the request itself/);
    // A saved card: the tokenization's 18000 comes first, the purchase's answer decides.
    const save = judge('card-save', {
      exchanges: [
        paid,
        ret({ service_command: 'TOKENIZATION', response_code: '18000', status: '18' }),
        exchange({
          id: 's1',
          kind: 'paymentApi',
          observedBy: 'simulator',
          startedAt: '2026-01-01T10:00:09.000Z',
          requestFields: { command: 'PURCHASE' },
          responseFields: { command: 'PURCHASE', merchant_reference: 'REF-1', ...declined },
        }),
      ],
    });
    expect(save.error?.message).toMatch(/APS answered 13666/);
    // CHECK_STATUS answers about a payment; it never is the payment's answer.
    const queried = judge('knet-success', {
      exchanges: [paid, ret(approved), ret({ query_command: 'CHECK_STATUS', response_code: '12000', status: '12' })],
    });
    expect(queried.status).toBe('passed');
  });

  it('without traffic, a response_code read from the result page stands in; with nothing at all it fails', () => {
    const fromPage = finaliseEvidence(
      evidence({ scenarioId: 'knet-success', exchanges: [paid] }),
      outcome({ pageValues: { response_code: '14000' }, expects: CATALOG.scenarios.get('knet-success').expects }),
    );
    expect(fromPage.status).toBe('passed');
    const none = judge('knet-success', { exchanges: [paid] });
    expect(none.error?.message).toMatch(/^no answer from APS was seen; expected an approved payment/);
    expect(none.error?.hint).toMatch(/store\.returnUrl/);
    expect(none.error?.ar?.message).toMatch(/^لم يُرَ أي ردّ من APS؛ وكان المتوقع دفعة مقبولة/);
  });

  it('a result page that is an HTTP error, or a return_url that refused the POST, is never a pass', () => {
    const refusedPost = judge('knet-declined', { exchanges: [paid, ret(declined, { responseStatus: 405 })] });
    expect(refusedPost.error?.message).toMatch(/answered APS's post of the result to return_url .* with HTTP 405/);
    const errorPage = judge('knet-declined', {
      exchanges: [paid, ret(declined)],
      screenshots: [result('Method Not Allowed', { httpStatus: 405 })],
    });
    expect(errorPage.error?.message).toMatch(/the result page http:\/\/store\/x is an HTTP 405 error page/);
  });

  it("fails when the store's result page tells the customer the opposite of APS's answer", () => {
    const successOnDecline = judge('card-declined', {
      exchanges: [paid, ret(declined)],
      screenshots: [
        result('Souq\nThank you, Noura. Your order is confirmed.\nPayment details', { slot: 'general.result' }),
      ],
    });
    expect(successOnDecline.error?.message).toBe(
      `APS answered 13666 Purchase failure: Transaction declined, but the store's page http://store/x tells the customer it succeeded ("Thank you, Noura. Your order is confirmed.")`,
    );
    // In Arabic: APS's code and words and the page's own line stay as written, the sentence around them is Arabic.
    expect(successOnDecline.error?.ar?.message).toMatch(
      /^ردّت APS بـ 13666 Purchase failure: Transaction declined، لكن صفحة المتجر .*http:\/\/store\/x.* تخبر العميل أن الدفع نجح \("Thank you, Noura\. Your order is confirmed\."\)/,
    );
    expect(successOnDecline.error?.ar?.hint).toMatch(/يجب أن تتبع صفحة النتيجة ردّ APS/);
    const honest = judge('card-declined', {
      exchanges: [paid, ret(declined)],
      screenshots: [
        result('Your payment did not go through\nThank you for shopping with us', { slot: 'general.result' }),
      ],
    });
    expect(honest.status).toBe('passed');
    const failedOnSuccess = judge('knet-success', {
      exchanges: [paid, ret(approved)],
      screenshots: [result('Payment failed. Please try again.')],
    });
    expect(failedOnSuccess.error?.message).toMatch(/APS answered 14000 .* tells the customer it failed/);
  });
});
