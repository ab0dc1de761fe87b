import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../electron/engine/sandbox';
import { CARD_FIELDS, docSign, formOf, get, postForm, postJson, uniqueRef, type Params } from './docs-merchant';

// What the official SDKs showed the simulator lacked (issue 15), checked with the docs-only merchant helpers.
let sim: Simulator;
let PAGE: string;
let API: string;
/** Notifications the merchant received, by merchant_reference, and who waits for one. */
const notifications = new Map<string, Params>();
const waiting = new Map<string, (p: Params) => void>();
let merchant: http.Server;
const RETURN_URL = 'https://127.0.0.1:9/return';
const VISA = { number: '4005550000000001', expiry: '3005', cvv: '123' };
const VISA_3DS = { number: '4557012345678902', expiry: '3005', cvv: '123' };

beforeAll(async () => {
  merchant = http.createServer((req, res) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => {
      const fields = Object.fromEntries(new URLSearchParams(b));
      notifications.set(fields.merchant_reference, fields);
      waiting.get(fields.merchant_reference)?.(fields);
      res.writeHead(200).end();
    });
  });
  merchant.listen(0, '127.0.0.1');
  await once(merchant, 'listening');
  sim = await startSimulator({
    config: {
      notification_feedback_url: `http://127.0.0.1:${(merchant.address() as AddressInfo).port}/notify`,
      feedback_format: 'form',
    },
    feedbackRetry: { tries: 1, intervalMs: 5 },
  });
  PAGE = `${sim.origin}/FortAPI/paymentPage`;
  API = `${sim.origin}/FortAPI/paymentApi`;
});
afterAll(async () => {
  await sim.close();
  merchant.close();
});

const c = () => sim.config;
const creds = () => ({ access_code: c().access_code, merchant_identifier: c().merchant_identifier, language: 'en' });
const signed = (f: Record<string, unknown>, phrase = c().sha_request_phrase) => ({
  ...f,
  signature: docSign(f, phrase),
});

function hosted(extra: Params = {}): Params {
  const f: Params = {
    command: 'PURCHASE',
    ...creds(),
    merchant_reference: uniqueRef('P'),
    amount: '10000',
    currency: 'SAR',
    customer_email: 'parity@example.org',
    return_url: RETURN_URL,
    ...extra,
  };
  return signed(f) as Params;
}

/** The result a page posts to return_url, its signature checked with the response phrase. */
function returned(html: string, base: string): Params {
  const { action, fields } = formOf(html, base);
  expect(action).toBe('http://127.0.0.1:9/return');
  if (fields.status !== '00') expect(fields.signature).toBe(docSign(fields, c().sha_response_phrase));
  return fields;
}

function notification(ref: string): Promise<Params> {
  const seen = notifications.get(ref);
  return seen ? Promise.resolve(seen) : new Promise((resolve) => waiting.set(ref, resolve));
}

async function payHosted(start: Params, card: { number: string; expiry: string; cvv: string }, cancel = false) {
  const first = await postForm(PAGE, start);
  expect(first.status).toBe(303);
  return postForm(first.location!, {
    card_number: card.number,
    expiry: `${card.expiry.slice(2)}/${card.expiry.slice(0, 2)}`,
    cvv: card.cvv,
    card_holder_name: 'Noura Saleh',
    action: cancel ? 'cancel' : 'pay',
  });
}

async function tokenize(card: { number: string; expiry: string; cvv: string }, ref = uniqueRef('T')) {
  const f: Params = { service_command: 'TOKENIZATION', ...creds(), merchant_reference: ref, return_url: RETURN_URL };
  f.signature = docSign(f, c().sha_request_phrase, CARD_FIELDS);
  const hop = await postForm(PAGE, {
    ...f,
    card_number: card.number,
    expiry_date: card.expiry,
    card_security_code: card.cvv,
    card_holder_name: 'Noura Saleh',
  });
  return returned(hop.html, hop.url);
}

const status = (ref: string, thirdParty = false) =>
  postJson(
    API,
    signed({
      query_command: 'CHECK_STATUS',
      ...creds(),
      merchant_reference: ref,
      ...(thirdParty ? { return_third_party_response_codes: 'YES' } : {}),
    }),
  );

function tokenPurchase(t: Params, extra: Record<string, unknown> = {}) {
  return signed({
    command: 'PURCHASE',
    ...creds(),
    merchant_reference: t.merchant_reference,
    amount: '10000',
    currency: 'SAR',
    customer_email: 'parity@example.org',
    customer_ip: '198.51.100.4',
    token_name: t.token_name,
    ...extra,
  });
}

describe('optional parameter families', () => {
  it('are taken by the hosted checkout and come back in the result; a capture still refuses them', async () => {
    const start = hosted({ billing_street: 'King Fahd Road 1', shipping_city: 'Jeddah', customer_first_name: 'Noura' });
    const paid = await payHosted(start, VISA);
    const r = returned(paid.html, paid.url);
    expect(r.response_code).toBe('14000');
    expect(r.billing_street).toBe('King Fahd Road 1');
    expect(r.shipping_city).toBe('Jeddah');
    const capture = await postJson(
      API,
      signed({
        command: 'CAPTURE',
        ...creds(),
        merchant_reference: start.merchant_reference,
        amount: '100',
        currency: 'SAR',
        billing_city: 'Riyadh',
      }),
    );
    expect(capture.response_code).toBe('00027');
    expect(capture.response_message).toContain('billing_city');
  });

  it('still refuses a parameter no table takes, and Apple Pay on the hosted page', async () => {
    const extra = await postForm(PAGE, hosted({ integration_type: 'hosted' }));
    expect(formOf(extra.html, extra.url).fields.response_code).toBe('00027');
    const apple = await postForm(PAGE, hosted({ digital_wallet: 'APPLE_PAY' }));
    expect(formOf(apple.html, apple.url).fields.response_code).toBe('00003');
  });
});

describe('CHECK_STATUS', () => {
  it('reports no authorized amount for declined, cancelled and 3-D Secure pending orders', async () => {
    const declined = hosted();
    const d = await payHosted(declined, { number: '4111111111111111', expiry: '3005', cvv: '123' });
    expect(returned(d.html, d.url).response_code).toBe('13666');
    expect(await status(declined.merchant_reference)).toMatchObject({
      response_code: '12000',
      transaction_status: '13',
      transaction_code: '13666',
      authorized_amount: '0',
      captured_amount: '0',
    });

    const cancelled = hosted();
    const x = await payHosted(cancelled, VISA, true);
    expect(returned(x.html, x.url).response_code).toBe('00072');
    expect(await status(cancelled.merchant_reference)).toMatchObject({
      transaction_status: '00',
      authorized_amount: '0',
    });

    const t = await tokenize(VISA_3DS);
    const pending = await postJson(API, tokenPurchase(t));
    expect(pending.response_code).toBe('20064');
    const s = await status(String(t.merchant_reference), true);
    expect(s).toMatchObject({ transaction_status: '20', transaction_code: '20064', authorized_amount: '0' });
    expect(s.acquirer_response_code).toBeUndefined();
    expect(s.signature).toBe(docSign(s, c().sha_response_phrase));
  });

  it('follows the last operation: authorization, capture, refund, void; third-party codes only when asked', async () => {
    const auth = hosted({ command: 'AUTHORIZATION' });
    const done = await payHosted(auth, VISA);
    expect(returned(done.html, done.url).response_code).toBe('02000');
    const ref = auth.merchant_reference;
    const plain = await status(ref);
    expect(plain).toMatchObject({ transaction_status: '02', transaction_code: '02000', authorized_amount: '10000' });
    expect(plain.processor_response_code).toBeUndefined();
    expect(await status(ref, true)).toMatchObject({
      processor_response_code: 'APPROVED',
      acquirer_response_code: '00',
    });
    const op = (command: string, amount?: string) =>
      postJson(
        API,
        signed({ command, ...creds(), merchant_reference: ref, ...(amount ? { amount, currency: 'SAR' } : {}) }),
      );
    expect((await op('CAPTURE', '6000')).response_code).toBe('04000');
    expect(await status(ref)).toMatchObject({
      transaction_status: '04',
      captured_amount: '6000',
      authorized_amount: '10000',
    });
    expect((await op('REFUND', '2500')).response_code).toBe('06000');
    expect(await status(ref)).toMatchObject({
      transaction_status: '06',
      transaction_code: '06000',
      refunded_amount: '2500',
    });
    expect((await op('REFUND', '9000')).response_code).toBe('07048');
    expect(await status(ref)).toMatchObject({ transaction_status: '07', transaction_code: '07048' });

    const other = hosted({ command: 'AUTHORIZATION' });
    await payHosted(other, VISA);
    expect(
      (
        await postJson(
          API,
          signed({ command: 'VOID_AUTHORIZATION', ...creds(), merchant_reference: other.merchant_reference }),
        )
      ).response_code,
    ).toBe('08000');
    expect(await status(other.merchant_reference)).toMatchObject({ transaction_status: '08', authorized_amount: '0' });

    const declined = hosted();
    await payHosted(declined, { number: '4111111111111111', expiry: '3005', cvv: '123' });
    expect(await status(declined.merchant_reference, true)).toMatchObject({
      processor_response_code: 'DECLINED',
      acquirer_response_code: '05',
    });
  });
});

describe('Apple Pay orders', () => {
  it('take captures and status checks with the Apple Pay access code, answered and notified with the Apple Pay phrase', async () => {
    const cfg = c();
    const ref = uniqueRef('A');
    const body = {
      command: 'AUTHORIZATION',
      digital_wallet: 'APPLE_PAY',
      access_code: cfg.apple_access_code,
      merchant_identifier: cfg.merchant_identifier,
      merchant_reference: ref,
      amount: '10000',
      currency: 'SAR',
      language: 'en',
      customer_email: 'apple@example.org',
      customer_ip: '198.51.100.30',
      apple_data: 'ZGF0YQ==',
      apple_signature: 'c2ln',
      apple_header: { apple_transactionId: 'tx1', apple_ephemeralPublicKey: 'key', apple_publicKeyHash: 'hash' },
      apple_paymentMethod: { apple_displayName: 'MasterCard 1471', apple_network: 'MasterCard', apple_type: 'credit' },
    };
    expect((await postJson(API, signed(body, cfg.apple_sha_request_phrase))).response_code).toBe('02000');
    const apple = { access_code: cfg.apple_access_code, merchant_identifier: cfg.merchant_identifier, language: 'en' };
    const capture = await postJson(
      API,
      signed(
        { command: 'CAPTURE', ...apple, merchant_reference: ref, amount: '10000', currency: 'SAR' },
        cfg.apple_sha_request_phrase,
      ),
    );
    expect(capture.response_code).toBe('04000');
    expect(capture.signature).toBe(docSign(capture, cfg.apple_sha_response_phrase));
    const note = await notification(ref);
    expect(note.response_code).toBe('04000');
    expect(note.signature).toBe(docSign(note, cfg.apple_sha_response_phrase));
    const check = await postJson(
      API,
      signed({ query_command: 'CHECK_STATUS', ...apple, merchant_reference: ref }, cfg.apple_sha_request_phrase),
    );
    expect(check).toMatchObject({ response_code: '12000', transaction_status: '04' });
    expect(check.signature).toBe(docSign(check, cfg.apple_sha_response_phrase));
    // Refunded with the card access code instead (as the PHP SDK's maintenance models do): answer and notification
    // are then signed with the card phrases.
    notifications.delete(ref);
    const refund = await postJson(
      API,
      signed({ command: 'REFUND', ...creds(), merchant_reference: ref, amount: '4000', currency: 'SAR' }),
    );
    expect(refund.signature).toBe(docSign(refund, cfg.sha_response_phrase));
    const refundNote = await notification(ref);
    expect(refundNote.response_code).toBe('06000');
    expect(refundNote.signature).toBe(docSign(refundNote, cfg.sha_response_phrase));
    // The card access code with the Apple Pay phrase is still a mismatch.
    const mixed = await postJson(
      API,
      signed({ query_command: 'CHECK_STATUS', ...creds(), merchant_reference: ref }, cfg.apple_sha_request_phrase),
    );
    expect(mixed.response_code).toBe('00008');
  });
});

describe('server-to-server payments', () => {
  it('answer with the card holder name the token holds', async () => {
    const t = await tokenize(VISA);
    const answer = await postJson(API, tokenPurchase(t));
    expect(answer).toMatchObject({
      response_code: '14000',
      card_holder_name: 'Noura Saleh',
      card_number: '400555******0001',
    });
    expect(answer.signature).toBe(docSign(answer, c().sha_response_phrase));
  });

  it('refuse a Visa amount in a 3-decimal currency that does not end in 0, on the API and on the card page', async () => {
    const t = await tokenize(VISA);
    const odd = await postJson(API, tokenPurchase(t, { currency: 'KWD', amount: '10005' }));
    expect(odd.response_code).toBe('00005');
    expect(odd.response_message).toMatch(/must end in 0/);
    expect((await postJson(API, tokenPurchase(t, { currency: 'KWD', amount: '10010' }))).response_code).toBe('14000');
    const page = await payHosted(hosted({ currency: 'KWD', amount: '10005' }), VISA);
    expect(returned(page.html, page.url).response_code).toBe('00005');
    const mc = await payHosted(hosted({ currency: 'KWD', amount: '10005' }), {
      number: '5123456789012346',
      expiry: '3005',
      cvv: '123',
    });
    expect(returned(mc.html, mc.url).response_code).toBe('14000');
  });

  it('send a 3-D Secure customer back to the tokenization return_url when the purchase names none', async () => {
    const t = await tokenize(VISA_3DS);
    const answer = await postJson(API, tokenPurchase(t));
    expect(answer.response_code).toBe('20064');
    const final = await postForm(String(answer['3ds_url']), { password: '1234', action: 'submit' });
    const r = returned(final.html, final.url);
    expect(r.response_code).toBe('14000');
    expect(r.merchant_reference).toBe(t.merchant_reference);
    // Sanity: the 3DS page itself was the simulator's.
    expect((await get(String(answer['3ds_url']))).status).toBe(410);
  });

  it('MOTO skips 3-D Secure: nobody is there to authenticate', async () => {
    const t = await tokenize(VISA_3DS);
    const answer = await postJson(API, tokenPurchase(t, { eci: 'MOTO' }));
    expect(answer).toMatchObject({ response_code: '14000', eci: 'MOTO' });
    expect(answer['3ds_url']).toBeUndefined();
  });
});
