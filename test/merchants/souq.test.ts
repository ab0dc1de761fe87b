// Souq Al Oud, the independent test merchant: each recorded flow paid over plain HTTP against Certkit's APS simulator,
// what the shop sends APS checked against an independent reading of the docs (test/sandbox/docs-merchant.ts), and
// each integration mistake it can be switched to shown to change exactly what it should.
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type FeedbackEvent, type Simulator } from '../../electron/engine/sandbox';
import { docSign } from '../sandbox/docs-merchant';
import { SOUQ_FLOWS, type FlowId, type SouqFlow } from './souq/flows';
import { formOf, HttpShopper, type Page } from './souq/http-shopper';
import { fromMinorUnits, startSouq, toMinorUnits, type Souq, type SouqFault } from './souq';

let sim: Simulator;
const shops: Souq[] = [];

beforeAll(async () => {
  sim = await startSimulator({ feedbackRetry: { tries: 1, intervalMs: 5 } });
});
afterAll(async () => {
  for (const s of shops) await s.close();
  await sim?.close();
});

async function shop(faults: SouqFault[] = []): Promise<Souq> {
  const c = sim.config;
  const s = await startSouq({
    apsBaseUrl: sim.origin,
    faults,
    merchant: {
      merchant_identifier: c.merchant_identifier,
      access_code: c.access_code,
      sha_request_phrase: c.sha_request_phrase,
      sha_response_phrase: c.sha_response_phrase,
      sha_type: c.sha_type,
    },
  });
  shops.push(s);
  return s;
}

const flow = (id: FlowId): SouqFlow => SOUQ_FLOWS.find((f) => f.id === id)!;

/** Checks out one flow's basket and returns the review page and the fields it will post to APS. */
async function review(
  s: Souq,
  f: SouqFlow,
  shopper = f.shopper,
): Promise<{ buyer: HttpShopper; page: Page; sent: Record<string, string> }> {
  const buyer = new HttpShopper();
  const page = await buyer.checkout(s.origin, { ...f, shopper });
  expect(page.url).toMatch(/\/order\/\d+\/pay$/);
  return { buyer, page, sent: formOf(page, /id="payment-form"/).fields };
}

const latest = (s: Souq) => s.orders().at(-1)!;

describe('amounts in major and minor units', () => {
  it('converts by the currency decimals, from text, never through floating point', () => {
    expect(toMinorUnits('12.500', 'KWD')).toBe(12500);
    expect(toMinorUnits('12.5', 'KWD')).toBe(12500);
    expect(toMinorUnits('0.1', 'BHD')).toBe(100);
    expect(toMinorUnits('19.99', 'SAR')).toBe(1999);
    expect(toMinorUnits('7', 'AED')).toBe(700);
    expect(() => toMinorUnits('1.2345', 'KWD')).toThrow(/3 decimals/);
    expect(fromMinorUnits(26000, 'KWD')).toBe('26.000');
    expect(fromMinorUnits(5, 'BHD')).toBe('0.005');
    expect(fromMinorUnits(1999, 'SAR')).toBe('19.99');
  });
});

// Prices + delivery, worked out by hand from the catalogue: the amount APS must receive, in minor units.
const EXPECTED_AMOUNT: Record<FlowId, string> = {
  'card-non3ds-success': '26000', // Oud Al Layl 24.500 + delivery 1.500 KWD
  'card-3ds-success': '38000', // Amber Majlis 38.000, free delivery from 30.000
  'card-declined': '16000', // 2 x Musk Tahara 7.250 + 1.500
  'knet-success': '14250', // Ward Taifi 12.750 + 1.500
  'knet-declined': '26000',
  'benefit-success': '9750', // Musk Tahara 8.750 + 1.000 BHD
  'benefit-declined': '16250', // Ward Taifi 15.250 + 1.000
};

describe('each recorded flow, paid over HTTP against the simulator', () => {
  it.each(SOUQ_FLOWS.map((f) => [f.id, f] as const))('%s', async (_id, f) => {
    const s = await shop();
    const { buyer, page, sent } = await review(s, f);
    const c = sim.config;

    expect(formOf(page, /id="payment-form"/).action).toBe(`${sim.origin}/FortAPI/paymentPage`);
    expect(sent.command).toBe('PURCHASE');
    expect(sent.amount).toBe(EXPECTED_AMOUNT[f.id]);
    expect(sent.currency).toBe(f.country === 'kw' ? 'KWD' : 'BHD');
    expect(sent.payment_option).toBe({ card: undefined, knet: 'KNET', benefit: 'BENEFIT' }[f.method]);
    expect(sent.customer_email).toBe(f.shopper.email);
    expect(sent.return_url).toBe(`${s.origin.replace('http:', 'https:')}/payments/aps/return`);
    expect(Object.values(sent)).not.toContain('');
    expect(sent.signature).toBe(docSign(sent, c.sha_request_phrase));
    expect(page.html).toContain(`Pay ${fromMinorUnits(Number(EXPECTED_AMOUNT[f.id]), sent.currency)} ${sent.currency}`);

    const result = await buyer.payOnAps(page, f.pay);
    expect(result.url).toMatch(/\/order\/\d+\/confirmation$/);
    const attempt = latest(s).attempts.at(-1)!;
    expect(attempt.outcome).toBe(f.outcome);
    expect(attempt.result?.response_code).toBe(f.outcome === 'paid' ? '14000' : '13666');
    expect(attempt.result?.amount).toBe(sent.amount);
    if (f.outcome === 'paid') expect(result.html).toContain('Your order is confirmed');
    else expect(result.html).toContain('Your payment did not go through');

    // KNET: both ids APS returned, the amount and the date, on the page after the return and on the receipt.
    const receipt = await buyer.go(new URL(`/order/${latest(s).no}/receipt`, s.origin).toString());
    for (const p of [result, receipt]) {
      for (const field of ['knet_ref_number', 'third_party_transaction_number']) {
        const value = attempt.result?.[field];
        if (f.method === 'knet') {
          expect(value, field).toMatch(/^\d+$/);
          expect(p.html).toContain(value);
        } else expect(value).toBeUndefined();
      }
      expect(p.html).toContain(`${fromMinorUnits(Number(sent.amount), sent.currency)} ${sent.currency}`);
      expect(p.html).toMatch(/id="transaction-date">\d{1,2} \w{3} \d{4}, \d{2}:\d{2}</);
    }
  });

  it('retries a declined payment under a new merchant reference, which APS accepts', async () => {
    const s = await shop();
    const f = flow('card-declined');
    const { buyer, page, sent } = await review(s, f);
    await buyer.payOnAps(page, f.pay);
    const again = await buyer.go(`${s.origin}/order/${latest(s).no}/retry`, {});
    const resent = formOf(again, /id="payment-form"/).fields;
    expect(resent.merchant_reference).not.toBe(sent.merchant_reference);
    const paid = await buyer.payOnAps(again, flow('card-non3ds-success').pay);
    expect(paid.html).toContain('Your order is confirmed');
    expect(latest(s).attempts.map((a) => a.outcome)).toEqual(['declined', 'paid']);
  });

  it("takes APS's direct feedback, signed, and answers 200 so APS stops retrying", async () => {
    const s = await shop();
    const c = sim.config;
    c.direct_feedback_url = `${s.origin}/payments/aps/notify`;
    try {
      const f = flow('knet-success');
      const { buyer, page } = await review(s, f);
      const delivered = once(sim.events, 'feedback') as Promise<[FeedbackEvent]>;
      await buyer.payOnAps(page, f.pay);
      const [event] = await delivered;
      expect(event.status).toBe(200);
      expect(latest(s).attempts[0].feedback).toHaveLength(1);
      expect(latest(s).attempts[0].feedback[0].response_code).toBe('14000');
    } finally {
      delete c.direct_feedback_url;
    }
  });
});

/** An answer as APS would post it to return_url, signed with the response phrase unless told otherwise. */
function answer(sent: Record<string, string>, change: Record<string, string>, sign = true): Record<string, string> {
  const fields: Record<string, string> = {
    merchant_reference: sent.merchant_reference,
    amount: sent.amount,
    currency: sent.currency,
    command: 'PURCHASE',
    fort_id: '170000000000001',
    status: '14',
    response_code: '14000',
    response_message: 'Success',
    ...change,
  };
  fields.signature = sign ? docSign(fields, sim.config.sha_response_phrase) : 'f00d'.repeat(16);
  return fields;
}

describe('integration mistakes, one switch each', () => {
  it('static-email: two customers, one customer_email', async () => {
    const f = flow('card-non3ds-success');
    const other = { ...f.shopper, name: 'Hessa Al-Ajmi', email: 'hessa.ajmi@example.net' };
    const good = await shop();
    expect((await review(good, f)).sent.customer_email).toBe(f.shopper.email);
    expect((await review(good, f, other)).sent.customer_email).toBe(other.email);
    const bad = await shop(['static-email']);
    const a = (await review(bad, f)).sent.customer_email;
    const b = (await review(bad, f, other)).sent.customer_email;
    expect(a).toBe(b);
    expect(a).not.toBe(f.shopper.email);
  });

  it("return-rejects-post: APS's POST to return_url gets 405 and the order is never settled", async () => {
    const f = flow('card-non3ds-success');
    const good = await shop();
    const ok = await review(good, f);
    const okAnswer = await ok.buyer.request(`${good.origin}/payments/aps/return`, answer(ok.sent, {}));
    expect(okAnswer.status).toBe(303);

    const bad = await shop(['return-rejects-post']);
    const { buyer, page } = await review(bad, f);
    const result = await buyer.payOnAps(page, f.pay);
    expect(result.status).toBe(405);
    expect(result.headers.get('allow')).toBe('GET');
    expect(result.url).toBe(`${bad.origin}/payments/aps/return`);
    expect(latest(bad).attempts[0].outcome).toBeUndefined();
  });

  it('http-return-url: return_url is http://', async () => {
    const f = flow('knet-success');
    expect((await review(await shop(), f)).sent.return_url).toMatch(/^https:\/\//);
    expect((await review(await shop(['http-return-url']), f)).sent.return_url).toMatch(/^http:\/\//);
  });

  it('receipt-without-knet-ids: a paid KNET order shows neither KNET id', async () => {
    const f = flow('knet-success');
    const bad = await shop(['receipt-without-knet-ids']);
    const { buyer, page } = await review(bad, f);
    const result = await buyer.payOnAps(page, f.pay);
    const r = latest(bad).attempts[0].result!;
    const receipt = await buyer.go(`${bad.origin}/order/${latest(bad).no}/receipt`);
    expect(latest(bad).attempts[0].outcome).toBe('paid');
    for (const p of [result, receipt]) {
      expect(p.html).not.toContain(r.knet_ref_number);
      expect(p.html).not.toContain(r.third_party_transaction_number);
      expect(p.html).not.toContain('KNET reference');
    }
  });

  it('signs-empty-params: an empty field is posted and signed, and APS refuses the request (00008)', async () => {
    const f = flow('card-non3ds-success');
    const bad = await shop(['signs-empty-params']);
    const { buyer, page, sent } = await review(bad, f);
    expect(sent.merchant_extra1).toBe('');
    expect(sent.signature).not.toBe(docSign(sent, sim.config.sha_request_phrase));
    // APS refuses at once: no payment page, straight back to return_url with an unsigned status-00 answer.
    const handedBack = await buyer.submit(page, {}, /id="payment-form"/);
    expect(formOf(handedBack, /id="autopost"/).action).toBe(`${bad.origin}/payments/aps/return`);
    const refused = await buyer.autoPost(handedBack);
    expect(refused.html).toContain('Your payment did not go through');
    expect(latest(bad).attempts[0].outcome).toBe('refused');
    expect(latest(bad).attempts[0].result?.response_code).toBe('00008');
  });

  it('skips-response-signature: a forged answer marks the order paid', async () => {
    const f = flow('card-declined');
    const good = await shop();
    const g = await review(good, f);
    const rejected = await g.buyer.request(`${good.origin}/payments/aps/return`, answer(g.sent, {}, false));
    expect(rejected.status).toBe(400);
    expect(latest(good).attempts[0].outcome).toBe('unverified');

    const bad = await shop(['skips-response-signature']);
    const b = await review(bad, f);
    const accepted = await b.buyer.go(`${bad.origin}/payments/aps/return`, answer(b.sent, {}, false));
    expect(accepted.html).toContain('Your order is confirmed');
    expect(latest(bad).attempts[0].outcome).toBe('paid');
  });

  it('checkout-in-iframe: the payment form opens APS inside a frame on the shop page', async () => {
    const f = flow('card-3ds-success');
    const good = (await review(await shop(), f)).page;
    expect(good.html).not.toContain('<iframe');
    expect(formOf(good, /id="payment-form"/).tag).not.toContain('target=');
    const bad = (await review(await shop(['checkout-in-iframe']), f)).page;
    expect(formOf(bad, /id="payment-form"/).tag).toContain('target="payment-frame"');
    expect(bad.html).toContain('<iframe name="payment-frame"');
  });

  it('skips-amount-check: a signed answer for another amount marks the order paid', async () => {
    const f = flow('knet-success');
    const good = await shop();
    const g = await review(good, f);
    const held = await g.buyer.go(`${good.origin}/payments/aps/return`, answer(g.sent, { amount: '10' }));
    expect(held.html).toContain('We could not confirm your payment');
    expect(latest(good).attempts[0].outcome).toBe('amount-mismatch');

    const bad = await shop(['skips-amount-check']);
    const b = await review(bad, f);
    const paid = await b.buyer.go(`${bad.origin}/payments/aps/return`, answer(b.sent, { amount: '10' }));
    expect(paid.html).toContain('Your order is confirmed');
    expect(latest(bad).attempts[0].outcome).toBe('paid');
  });

  it('success-on-decline: a declined card shows the thank-you page', async () => {
    const f = flow('card-declined');
    const bad = await shop(['success-on-decline']);
    const { buyer, page } = await review(bad, f);
    const result = await buyer.payOnAps(page, f.pay);
    expect(latest(bad).attempts[0].result?.response_code).toBe('13666');
    expect(result.html).toContain('Your order is confirmed');
    expect(latest(bad).attempts[0].outcome).toBe('paid');
  });

  it('refuses an unknown fault name, naming the valid ones', async () => {
    await expect(shop(['no-such-mistake' as SouqFault])).rejects.toThrow(/not a Souq fault; use one of: static-email/);
  });
});
