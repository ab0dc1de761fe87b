import http from 'node:http';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type FeedbackEvent, type Simulator } from '../../electron/engine/sandbox';
import { SECRET_MARKER } from '../../electron/engine/redact/index';
import { CARD_FIELDS, docSign, formOf, get, postForm, postJson, uniqueRef, type Params } from './docs-merchant';

let sim: Simulator;
let PAGE: string;
let API: string;
let creds: { merchant_identifier: string; access_code: string; req: string; res: string };
// The merchant's return_url: https on loopback, which the sandbox delivers over http.
const RETURN_URL = 'https://127.0.0.1:9/return';

beforeAll(async () => {
  sim = await startSimulator({ feedbackRetry: { tries: 3, intervalMs: 5 } });
  PAGE = `${sim.origin}/FortAPI/paymentPage`;
  API = `${sim.origin}/FortAPI/paymentApi`;
  const c = sim.config;
  creds = {
    merchant_identifier: c.merchant_identifier,
    access_code: c.access_code,
    req: c.sha_request_phrase,
    res: c.sha_response_phrase,
  };
});
afterAll(async () => {
  await sim.close();
});

function hosted(extra: Params = {}): Params {
  const f: Params = {
    command: 'PURCHASE',
    access_code: creds.access_code,
    merchant_identifier: creds.merchant_identifier,
    merchant_reference: uniqueRef('H'),
    amount: '10000',
    currency: 'SAR',
    language: 'en',
    customer_email: 'buyer.one@example.org',
    return_url: RETURN_URL,
    ...extra,
  };
  for (const k of Object.keys(f)) if (f[k] === undefined) delete f[k];
  f.signature = docSign(f, creds.req);
  return f;
}

function signedApi(fields: Record<string, unknown>, phrase = creds.req): Record<string, unknown> {
  return { ...fields, signature: docSign(fields, phrase) };
}

/** Reads the result a page hands back to return_url and checks it is signed with the response phrase. */
function returned(html: string, base: string, phrase = creds.res): Params {
  const { action, fields } = formOf(html, base);
  expect(action).toBe('http://127.0.0.1:9/return');
  expect(fields.signature).toBe(docSign(fields, phrase));
  for (const [k, v] of Object.entries(fields)) expect(v, `${k} is empty`).not.toBe('');
  return fields;
}

async function payOnCardPage(start: Params, card: { number: string; expiry: string; cvv: string }) {
  const first = await postForm(PAGE, start);
  expect(first.status).toBe(303);
  const cardPage = await get(first.location!);
  expect(cardPage.html).toContain('data-testid="card-number"');
  return postForm(first.location!, {
    card_number: card.number,
    expiry: card.expiry,
    cvv: card.cvv,
    card_holder_name: 'Test Buyer',
    action: 'pay',
  });
}

function tokenize(card: { number: string; expiry: string; cvv: string }, extra: Params = {}): Params {
  const f: Params = {
    service_command: 'TOKENIZATION',
    access_code: creds.access_code,
    merchant_identifier: creds.merchant_identifier,
    merchant_reference: uniqueRef('C'),
    language: 'en',
    return_url: RETURN_URL,
    ...extra,
  };
  f.signature = docSign(f, creds.req, CARD_FIELDS);
  return {
    ...f,
    card_number: card.number,
    expiry_date: card.expiry,
    card_security_code: card.cvv,
    card_holder_name: 'Test Buyer',
  };
}

describe('hosted checkout', () => {
  it('takes a non-3DS card to a signed 14000 result at return_url, echoing the request', async () => {
    const start = hosted({ customer_ip: '192.0.2.10' });
    const since = sim.exchanges().at(-1)?.seq ?? 0;
    const done = await payOnCardPage(start, { number: '4005550000000001', expiry: '05/30', cvv: '123' });
    expect(done.status).toBe(200);
    const r = returned(done.html, done.url);
    expect(r.response_code).toBe('14000');
    expect(r.status).toBe('14');
    expect(r.merchant_reference).toBe(start.merchant_reference);
    expect(r.amount).toBe('10000');
    expect(r.customer_ip).toBe('192.0.2.10');
    expect(r.card_number).toBe('400555******0001');
    expect(r.fort_id).toMatch(/^\d{15,20}$/);
    expect(r.authorization_code).toMatch(/^\d{6}$/);
    expect(r.token_name).toBeTruthy();
    expect(r.card_security_code).toBeUndefined();

    const log = sim.exchanges(since);
    const post = log.find((e) => e.kind === 'paymentPage')!;
    expect(post.requestFields.access_code).toBe(SECRET_MARKER);
    expect(post.remoteAddress).toBe('127.0.0.1');
    expect(post.redirectedTo).toContain('/FortAPI/pay/');
    const cardPost = log.find((e) => e.kind === 'other' && e.requestFields.card_number)!;
    expect(cardPost.requestFields.card_number).toBe('400555******0001');
    expect(cardPost.requestFields.cvv).toBeUndefined();
    expect(
      log.some((e) => e.kind === 'return' && e.requestFields.response_code === '14000' && e.url === RETURN_URL),
    ).toBe(true);
    expect(log.every((e) => e.observedBy === 'simulator' && e.seq > since)).toBe(true);
  });

  it('shows the 3DS challenge for a 3DS card and fails authentication on a wrong password', async () => {
    const challenge = await payOnCardPage(hosted(), { number: '4557012345678902', expiry: '05/30', cvv: '123' });
    expect(challenge.status).toBe(303);
    expect(challenge.location).toContain('/FortAPI/3ds/');
    const page = await get(challenge.location!);
    expect(page.html).toContain('data-testid="3ds-password"');
    const wrong = await postForm(challenge.location!, { password: '9999', action: 'submit' });
    expect(returned(wrong.html, wrong.url).response_code).toBe('13030');
  });

  it('declines the declined test card with 13666', async () => {
    const done = await payOnCardPage(hosted(), { number: '4111111111111111', expiry: '05/30', cvv: '123' });
    const r = returned(done.html, done.url);
    expect(r.response_code).toBe('13666');
    expect(r.authorization_code).toBeUndefined();
  });

  it('refuses a wrong signature with 00008, unsigned, back at return_url', async () => {
    const start = hosted();
    start.signature = docSign({ ...start, amount: '1' }, creds.req);
    const hop = await postForm(PAGE, start);
    const { fields } = formOf(hop.html, hop.url);
    expect(fields.response_code).toBe('00008');
    expect(fields.status).toBe('00');
    expect(fields.signature).toBeUndefined();
  });

  it('refuses a reused merchant_reference with 00066', async () => {
    const first = hosted();
    expect((await postForm(PAGE, first)).status).toBe(303);
    const again = hosted({ merchant_reference: first.merchant_reference });
    const hop = await postForm(PAGE, again);
    expect(formOf(hop.html, hop.url).fields.response_code).toBe('00066');
  });

  it('refuses an unknown parameter with 00027 and names it', async () => {
    const hop = await postForm(PAGE, hosted({ integration_type: 'hosted' }));
    const { fields } = formOf(hop.html, hop.url);
    expect(fields.response_code).toBe('00027');
    expect(fields.response_message).toContain('integration_type');
  });

  it('applies the method rules: KNET in SAR and mada with AUTHORIZATION are refused', async () => {
    const knetSar = await postForm(PAGE, hosted({ payment_option: 'KNET' }));
    expect(formOf(knetSar.html, knetSar.url).fields.response_code).toBe('00013');
    const madaAuth = await postForm(PAGE, hosted({ payment_option: 'MADA', command: 'AUTHORIZATION' }));
    expect(formOf(madaAuth.html, madaAuth.url).fields.response_code).toBe('00049');
    const badAmount = await postForm(PAGE, hosted({ amount: '10.50' }));
    expect(formOf(badAmount.html, badAmount.url).fields.response_code).toBe('00002');
    const noEmail = hosted();
    delete noEmail.customer_email;
    noEmail.signature = docSign(noEmail, creds.req);
    const missing = await postForm(PAGE, noEmail);
    expect(formOf(missing.html, missing.url).fields.response_code).toBe('00001');
  });

  it('shows its own error page when there is no return_url to send the refusal to', async () => {
    const hop = await postForm(PAGE, hosted({ return_url: undefined as unknown as string }));
    expect(hop.html).toContain('data-testid="sim-response-code">00037');
  });
});

describe('KNET', () => {
  it('goes through the bank page and the confirmation, returning knet_ref_number and third_party_transaction_number', async () => {
    const start = hosted({ payment_option: 'KNET', currency: 'KWD' });
    const first = await postForm(PAGE, start);
    expect(first.location).toMatch(/\/FortAPI\/lpm\/[0-9a-f]+\/0$/);
    const pay = await get(first.location!);
    expect(pay.html).toContain('data-testid="knet-pin"');
    const submitted = await postForm(first.location!, {
      bank: 'Knet Test Card [KNET1]',
      card: '0000000001',
      expiry: '09/30',
      pin: '1234',
      action: 'submit',
    });
    expect(submitted.location).toMatch(/\/confirm$/);
    const confirm = await get(submitted.location!);
    expect(confirm.html).toContain('data-testid="knet-continue"');
    const done = await postForm(submitted.location!, {});
    const r = returned(done.html, done.url);
    expect(r.response_code).toBe('14000');
    expect(r.payment_option).toBe('KNET');
    expect(r.knet_ref_number).toMatch(/^\d{12}$/);
    expect(r.third_party_transaction_number).toMatch(/^\d{16}$/);
    expect(confirm.html).toContain(r.knet_ref_number);
  });

  it('declines PIN 0000', async () => {
    const first = await postForm(PAGE, hosted({ payment_option: 'KNET', currency: 'KWD' }));
    const submitted = await postForm(first.location!, {
      bank: 'Knet Test Card [KNET1]',
      card: '0000000001',
      expiry: '09/30',
      pin: '0000',
      action: 'submit',
    });
    const done = await postForm(submitted.location!, {});
    expect(returned(done.html, done.url).response_code).toBe('13666');
  });
});

describe('STC Pay on the hosted page', () => {
  it('asks for the phone, then the OTP, and returns digital_wallet STCPAY with the phone', async () => {
    const first = await postForm(PAGE, hosted({ digital_wallet: 'STCPAY' }));
    expect((await get(first.location!)).html).toContain('data-testid="stcpay-phone"');
    const otpStep = await postForm(first.location!, { phone: '0551112222', action: 'submit' });
    expect((await get(otpStep.location!)).html).toContain('data-testid="stcpay-otp"');
    const confirm = await postForm(otpStep.location!, { otp: '123456', action: 'submit' });
    const done = await postForm(confirm.location!, {});
    const r = returned(done.html, done.url);
    expect(r.response_code).toBe('14000');
    expect(r.digital_wallet).toBe('STCPAY');
    expect(r.phone_number).toBe('0551112222');
  });
});

describe('custom integration', () => {
  it('tokenizes from the browser, purchases server-to-server, follows 3ds_url and returns the final result', async () => {
    const tok = await postForm(PAGE, tokenize({ number: '4557012345678902', expiry: '3005', cvv: '123' }));
    const t = returned(tok.html, tok.url);
    expect(t.response_code).toBe('18000');
    expect(t.card_number).toBe('455701******8902');
    const purchase = signedApi({
      command: 'PURCHASE',
      access_code: creds.access_code,
      merchant_identifier: creds.merchant_identifier,
      merchant_reference: t.merchant_reference,
      amount: '25000',
      currency: 'SAR',
      language: 'en',
      customer_email: 'buyer.two@example.org',
      customer_ip: '198.51.100.7',
      token_name: t.token_name,
      eci: 'ECOMMERCE',
      return_url: RETURN_URL,
    });
    const answer = await postJson(API, purchase);
    expect(answer.response_code).toBe('20064');
    expect(answer.signature).toBe(docSign(answer, creds.res));
    const url3ds = String(answer['3ds_url']);
    expect(url3ds).toContain('/FortAPI/3ds/');
    expect((await get(url3ds)).html).toContain('data-testid="3ds-submit"');
    const final = await postForm(url3ds, { password: '1234', action: 'submit' });
    const r = returned(final.html, final.url);
    expect(r.response_code).toBe('14000');
    expect(r.fort_id).toBe(answer.fort_id);
    expect(r.amount).toBe('25000');

    const status = await postJson(
      API,
      signedApi({
        query_command: 'CHECK_STATUS',
        access_code: creds.access_code,
        merchant_identifier: creds.merchant_identifier,
        merchant_reference: t.merchant_reference,
        language: 'en',
      }),
    );
    expect(status.response_code).toBe('12000');
    expect(status.transaction_status).toBe('14');
  });

  it('gives the final result in the JSON answer for a non-3DS card, and refuses a missing customer_ip', async () => {
    const tok = await postForm(PAGE, tokenize({ number: '5123456789012346', expiry: '3005', cvv: '123' }));
    const t = returned(tok.html, tok.url);
    const base = {
      command: 'PURCHASE',
      access_code: creds.access_code,
      merchant_identifier: creds.merchant_identifier,
      merchant_reference: t.merchant_reference,
      amount: '10000',
      currency: 'SAR',
      language: 'en',
      customer_email: 'buyer.three@example.org',
      token_name: t.token_name,
    };
    const noIp = await postJson(API, signedApi(base));
    expect(noIp.response_code).toBe('00001');
    const ok = await postJson(API, signedApi({ ...base, customer_ip: '203.0.113.5' }));
    expect(ok.response_code).toBe('14000');
    expect(ok['3ds_url']).toBeUndefined();
    expect(ok.signature).toBe(docSign(ok, creds.res));
  });

  it('refuses a tokenization with a bad signature (card fields are not signed)', async () => {
    const f = tokenize({ number: '4005550000000001', expiry: '3005', cvv: '123' });
    f.signature = docSign({ ...f }, creds.req); // wrongly signs the card fields too
    const hop = await postForm(PAGE, f);
    expect(formOf(hop.html, hop.url).fields.response_code).toBe('00008');
  });
});

describe('recurring', () => {
  async function citToken(): Promise<Params> {
    const tok = await postForm(
      PAGE,
      tokenize({ number: '4005550000000001', expiry: '3005', cvv: '123' }, { remember_me: 'YES' }),
    );
    return returned(tok.html, tok.url);
  }
  function cit(t: Params, extra: Record<string, unknown>) {
    return signedApi({
      command: 'PURCHASE',
      access_code: creds.access_code,
      merchant_identifier: creds.merchant_identifier,
      merchant_reference: t.merchant_reference,
      amount: '5000',
      currency: 'SAR',
      language: 'en',
      customer_email: 'member@example.org',
      customer_ip: '198.51.100.20',
      token_name: t.token_name,
      eci: 'ECOMMERCE',
      ...extra,
    });
  }
  const plan = {
    recurring_mode: 'FIXED',
    recurring_transactions_count: '12',
    recurring_expiry_date: '2030-01-31',
    recurring_days_between_payments: '30',
  };

  it('enforces the CIT rules on agreement_id and the FIXED fields', async () => {
    const t = await citToken();
    expect((await postJson(API, cit(t, { ...plan, agreement_id: 'AGR-1' }))).response_code).toBe('00002');
    expect((await postJson(API, cit(t, { ...plan, agreement_id: 'A123456789012345' }))).response_code).toBe('00032');
    const { recurring_days_between_payments: _, ...partial } = plan;
    expect((await postJson(API, cit(t, { ...partial, agreement_id: 'AGR1' }))).response_code).toBe('00001');
    expect((await postJson(API, cit(t, { agreement_id: 'AGR1' }))).response_code).toBe('00001');
  });

  it('runs CIT then MIT with the agreement_id APS returned', async () => {
    const t = await citToken();
    const requested = `AG${Date.now().toString(36)}`.slice(0, 15);
    const first = await postJson(API, cit(t, { ...plan, agreement_id: requested }));
    expect(first.response_code).toBe('14000');
    const returnedId = String(first.agreement_id);
    expect(returnedId).toMatch(/^[A-Za-z0-9]{1,15}$/);
    expect(returnedId).not.toBe(requested);
    const mit = (agreement: string) =>
      signedApi({
        command: 'PURCHASE',
        access_code: creds.access_code,
        merchant_identifier: creds.merchant_identifier,
        merchant_reference: uniqueRef('M'),
        amount: '5000',
        currency: 'SAR',
        language: 'en',
        customer_email: 'member@example.org',
        eci: 'RECURRING',
        token_name: t.token_name,
        agreement_id: agreement,
      });
    expect((await postJson(API, mit(requested))).response_code).toBe('00033');
    const second = await postJson(API, mit(returnedId));
    expect(second.response_code).toBe('14000');
    expect(second.agreement_id).toBe(returnedId);
    expect(second.signature).toBe(docSign(second, creds.res));
  });
});

describe('other API commands', () => {
  const cred = () => ({
    access_code: creds.access_code,
    merchant_identifier: creds.merchant_identifier,
    language: 'en',
  });

  it('captures, refunds and voids within the authorized amounts', async () => {
    const start = hosted({ command: 'AUTHORIZATION' });
    const done = await payOnCardPage(start, { number: '4005550000000001', expiry: '05/30', cvv: '123' });
    expect(returned(done.html, done.url).response_code).toBe('02000');
    const ref = start.merchant_reference;
    const op = (command: string, amount?: string) =>
      postJson(
        API,
        signedApi({ command, ...cred(), merchant_reference: ref, ...(amount ? { amount, currency: 'SAR' } : {}) }),
      );
    expect((await op('CAPTURE', '20000')).response_code).toBe('05042');
    expect((await op('CAPTURE', '6000')).response_code).toBe('04000');
    expect((await op('VOID_AUTHORIZATION')).response_code).toBe('09047');
    expect((await op('REFUND', '7000')).response_code).toBe('07048');
    expect((await op('REFUND', '6000')).response_code).toBe('06000');
  });

  it('deletes a token with UPDATE_TOKEN INACTIVE, after which it cannot pay', async () => {
    const tok = await postForm(PAGE, tokenize({ number: '4005550000000001', expiry: '3005', cvv: '123' }));
    const t = returned(tok.html, tok.url);
    const upd = await postJson(
      API,
      signedApi({
        service_command: 'UPDATE_TOKEN',
        ...cred(),
        merchant_reference: uniqueRef('U'),
        token_name: t.token_name,
        token_status: 'INACTIVE',
      }),
    );
    expect(upd.response_code).toBe('58000');
    expect(upd.token_status).toBe('INACTIVE');
    const pay = await postJson(
      API,
      signedApi({
        command: 'PURCHASE',
        ...cred(),
        merchant_reference: uniqueRef('P'),
        amount: '100',
        currency: 'SAR',
        customer_email: 'x@example.org',
        customer_ip: '198.51.100.1',
        token_name: t.token_name,
      }),
    );
    expect(pay.response_code).toBe('13044');
  });

  it('runs STC Pay GENERATE_OTP then PURCHASE, refusing a changed phone with 748', async () => {
    const ref = uniqueRef('S');
    const otp = await postJson(
      API,
      signedApi({
        service_command: 'GENERATE_OTP',
        ...cred(),
        merchant_reference: ref,
        amount: '10000',
        currency: 'SAR',
        digital_wallet: 'STCPAY',
        phone_number: '0551234567',
      }),
    );
    expect(otp.response_code).toBe('88000');
    const buy = (phone: string, code: string) =>
      postJson(
        API,
        signedApi({
          command: 'PURCHASE',
          ...cred(),
          merchant_reference: ref,
          amount: '10000',
          currency: 'SAR',
          customer_email: 'stc@example.org',
          digital_wallet: 'STCPAY',
          phone_number: phone,
          otp: code,
        }),
      );
    expect((await buy('0559999999', '123456')).response_code).toBe('00748');
    expect((await buy('0551234567', '123456')).response_code).toBe('14000');
  });

  it('takes Apple Pay with the Apple credentials and nested apple_* objects, and refuses the card access code', async () => {
    const c = sim.config;
    const body = {
      command: 'PURCHASE',
      digital_wallet: 'APPLE_PAY',
      access_code: c.apple_access_code,
      merchant_identifier: c.merchant_identifier,
      merchant_reference: uniqueRef('A'),
      amount: '10000',
      currency: 'SAR',
      language: 'en',
      customer_email: 'apple@example.org',
      customer_ip: '198.51.100.30',
      apple_data: 'ZGF0YQ==',
      apple_signature: 'c2ln',
      apple_header: { apple_ephemeralPublicKey: 'key', apple_publicKeyHash: 'hash', apple_transactionId: 'tx1' },
      apple_paymentMethod: { apple_displayName: 'Visa 0492', apple_network: 'Visa', apple_type: 'debit' },
    };
    const ok = await postJson(API, signedApi(body, c.apple_sha_request_phrase));
    expect(ok.response_code).toBe('14000');
    expect(ok.signature).toBe(docSign(ok, c.apple_sha_response_phrase));
    const wrong = await postJson(
      API,
      signedApi({ ...body, merchant_reference: uniqueRef('A'), access_code: creds.access_code }, creds.req),
    );
    expect(wrong.response_code).toBe('00010');
  });

  it('returns installment plans whose signature leaves the nested list out', async () => {
    const plans = await postJson(
      API,
      signedApi({
        query_command: 'GET_INSTALLMENTS_PLANS',
        access_code: creds.access_code,
        merchant_identifier: creds.merchant_identifier,
        amount: '100000',
        currency: 'SAR',
        language: 'en',
      }),
    );
    expect(plans.response_code).toBe('62000');
    expect(plans.signature).toBe(docSign(plans, creds.res, ['installment_detail']));
  });

  it('answers a body that is not JSON with 00073', async () => {
    const res = await fetch(API, { method: 'POST', body: 'command=PURCHASE' });
    expect(((await res.json()) as { response_code: string }).response_code).toBe('00073');
  });
});

describe('exchange log', () => {
  it('is served over HTTP and never holds phrases, access codes, full card numbers or CVVs', async () => {
    await payOnCardPage(hosted(), { number: '5123456789012346', expiry: '05/30', cvv: '321' });
    const res = await fetch(`${sim.origin}/__certkit/exchanges?since=0`);
    const { exchanges } = (await res.json()) as { exchanges: { seq: number }[] };
    expect(exchanges.length).toBeGreaterThan(5);
    const text = JSON.stringify(exchanges);
    for (const secret of [creds.access_code, creds.req, creds.res, sim.config.apple_access_code])
      expect(text).not.toContain(secret);
    for (const pan of ['5123456789012346', '4005550000000001', '4557012345678902']) expect(text).not.toContain(pan);
    expect(text).not.toContain('"cvv"');
    expect(text).not.toContain('card_security_code');
    const tail = (await (await fetch(`${sim.origin}/__certkit/exchanges?since=${exchanges.at(-2)!.seq}`)).json()) as {
      exchanges: unknown[];
    };
    expect(tail.exchanges).toHaveLength(1);
  });
});

describe('feedback', () => {
  it('retries direct feedback until the merchant answers 2xx, signed, as JSON', async () => {
    const bodies: string[] = [];
    const merchant = http.createServer((req, res) => {
      let b = '';
      req.on('data', (c) => (b += c));
      req.on('end', () => {
        bodies.push(b);
        res.writeHead(bodies.length < 3 ? 503 : 200).end();
      });
    });
    merchant.listen(0, '127.0.0.1');
    await once(merchant, 'listening');
    const port = (merchant.address() as { port: number }).port;
    const own = await startSimulator({
      config: { direct_feedback_url: `http://127.0.0.1:${port}/feedback` },
      feedbackRetry: { tries: 5, intervalMs: 5 },
    });
    try {
      const { events, order: f, config: c } = await payAndAwaitFeedback(own, 'F');
      expect(events.map((e) => [e.attempt, e.status, e.ok])).toEqual([
        [1, 503, false],
        [2, 503, false],
        [3, 200, true],
      ]);
      const json = JSON.parse(bodies[2]) as Record<string, string>;
      expect(json.merchant_reference).toBe(f.merchant_reference);
      expect(json.signature).toBe(docSign(json, c.sha_response_phrase));
      expect(own.exchanges().filter((e) => e.kind === 'feedback')).toHaveLength(3);
    } finally {
      await own.close();
      merchant.close();
    }
  });

  it('stops after the configured number of tries when the merchant never answers 2xx', async () => {
    const own = await startSimulator({
      config: { direct_feedback_url: 'http://127.0.0.1:9/nowhere', feedback_format: 'form' },
      feedbackRetry: { tries: 2, intervalMs: 5 },
    });
    try {
      const { events } = await payAndAwaitFeedback(own, 'G');
      expect(events.map((e) => e.ok)).toEqual([false, false]);
      expect(events.at(-1)!.done).toBe(true);
    } finally {
      await own.close();
    }
  });
});

describe('notification feedback', () => {
  it('sends a signed, form-encoded notification when an authorization is captured', async () => {
    const bodies: { type: string; body: string }[] = [];
    const merchant = http.createServer((req, res) => {
      let b = '';
      req.on('data', (c) => (b += c));
      req.on('end', () => {
        bodies.push({ type: String(req.headers['content-type']), body: b });
        res.writeHead(200).end('OK');
      });
    });
    merchant.listen(0, '127.0.0.1');
    await once(merchant, 'listening');
    const port = (merchant.address() as { port: number }).port;
    const own = await startSimulator({
      config: { notification_feedback_url: `http://127.0.0.1:${port}/notify`, feedback_format: 'form' },
      feedbackRetry: { tries: 2, intervalMs: 5 },
    });
    try {
      const c = own.config;
      const f: Params = {
        command: 'AUTHORIZATION',
        access_code: c.access_code,
        merchant_identifier: c.merchant_identifier,
        merchant_reference: uniqueRef('N'),
        amount: '10000',
        currency: 'SAR',
        language: 'en',
        customer_email: 'n@example.org',
        return_url: RETURN_URL,
      };
      f.signature = docSign(f, c.sha_request_phrase);
      const first = await postForm(`${own.origin}/FortAPI/paymentPage`, f);
      await postForm(first.location!, { card_number: '4005550000000001', expiry: '05/30', cvv: '123', action: 'pay' });
      const sent = new Promise<FeedbackEvent>((resolve) =>
        own.events.on('feedback', (e: FeedbackEvent) => e.done && resolve(e)),
      );
      const capture = {
        command: 'CAPTURE',
        access_code: c.access_code,
        merchant_identifier: c.merchant_identifier,
        merchant_reference: f.merchant_reference,
        amount: '10000',
        currency: 'SAR',
        language: 'en',
      };
      expect(
        (
          await postJson(`${own.origin}/FortAPI/paymentApi`, {
            ...capture,
            signature: docSign(capture, c.sha_request_phrase),
          })
        ).response_code,
      ).toBe('04000');
      const ev = await sent;
      expect(ev.kind).toBe('notification');
      expect(bodies).toHaveLength(1);
      expect(bodies[0].type).toBe('application/x-www-form-urlencoded');
      const fields = Object.fromEntries(new URLSearchParams(bodies[0].body));
      expect(fields.response_code).toBe('04000');
      expect(fields.signature).toBe(docSign(fields, c.sha_response_phrase));
    } finally {
      await own.close();
      merchant.close();
    }
  });
});

describe('persistence', () => {
  it('keeps references across restarts, so a reused one is still 066', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ck-sim-')), 'state.json');
    const a = await startSimulator({ persistFile: file });
    const c = a.config;
    const f: Params = {
      command: 'PURCHASE',
      access_code: c.access_code,
      merchant_identifier: c.merchant_identifier,
      merchant_reference: uniqueRef('R'),
      amount: '10000',
      currency: 'SAR',
      language: 'en',
      customer_email: 'p@example.org',
      return_url: RETURN_URL,
    };
    f.signature = docSign(f, c.sha_request_phrase);
    expect((await postForm(`${a.origin}/FortAPI/paymentPage`, f)).status).toBe(303);
    await a.close();
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { references: string[] };
    expect(saved.references).toContain(f.merchant_reference);
    const b = await startSimulator({ persistFile: file });
    try {
      const hop = await postForm(`${b.origin}/FortAPI/paymentPage`, f);
      expect(formOf(hop.html, hop.url).fields.response_code).toBe('00066');
    } finally {
      await b.close();
    }
  });
});

/** Pays one hosted-checkout order on `own` and resolves once the simulator has finished sending its feedback. */
async function payAndAwaitFeedback(own: Awaited<ReturnType<typeof startSimulator>>, refPrefix: string) {
  const events: FeedbackEvent[] = [];
  const finished = new Promise<void>((resolve) =>
    own.events.on('feedback', (e: FeedbackEvent) => {
      events.push(e);
      if (e.done) resolve();
    }),
  );
  const config = own.config;
  const order: Params = {
    command: 'PURCHASE',
    access_code: config.access_code,
    merchant_identifier: config.merchant_identifier,
    merchant_reference: uniqueRef(refPrefix),
    amount: '10000',
    currency: 'SAR',
    language: 'en',
    customer_email: 'fb@example.org',
    return_url: RETURN_URL,
  };
  order.signature = docSign(order, config.sha_request_phrase);
  const first = await postForm(`${own.origin}/FortAPI/paymentPage`, order);
  await postForm(first.location!, { card_number: '4005550000000001', expiry: '05/30', cvv: '123', action: 'pay' });
  await finished;
  return { events, order, config };
}
