import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type FeedbackEvent, type SandboxHandle } from '../../electron/engine/sandbox';
import { docSign, formOf, get, postForm, postJson, type Hop, type Params } from './docs-merchant';

let sb: SandboxHandle;

beforeAll(async () => {
  sb = await startSandbox({ feedbackRetry: { tries: 2, intervalMs: 5 } });
});
afterAll(async () => {
  await sb.close();
});

/** Follows 303s with GETs, as a browser does. */
async function follow(hop: Hop): Promise<Hop> {
  let h = hop;
  for (let i = 0; i < 10 && h.status === 303 && h.location; i++) h = await get(h.location);
  return h;
}

/** Submits the page's auto-posting form (what the page's script does on load). */
async function autoSubmit(hop: Hop): Promise<Hop> {
  const { action, fields } = formOf(hop.html, hop.url);
  return postForm(action, fields);
}

function testid(html: string, id: string): string | undefined {
  const m = new RegExp(`data-testid="${id}"[^>]*>([^<]*)<`).exec(html);
  return m?.[1];
}

async function placeOrder(method: string, extra: Params = {}): Promise<Hop> {
  return postForm(`${sb.store}order`, { email: 'shopper.a@example.org', method, lang: 'en', fault: '', ...extra });
}

/** Store order -> simulator card page -> card -> the result page that posts back to the store. */
async function hostedToReturnPage(card = '4005550000000001', extra: Params = {}): Promise<Hop> {
  const toAps = await placeOrder('card', extra);
  const cardPage = await autoSubmit(toAps);
  expect(cardPage.status).toBe(303);
  return postForm(cardPage.location!, { card_number: card, expiry: '05/30', cvv: '123', action: 'pay' });
}

async function order(ref: string): Promise<Record<string, unknown>> {
  return (await (await fetch(`${sb.store}__store/orders/${ref}`)).json()) as Record<string, unknown>;
}

describe('demo store: hosted checkout', () => {
  it('pays, verifies the return, shows the receipt ids and accepts the direct feedback', async () => {
    const feedback = new Promise<FeedbackEvent>((resolve) =>
      sb.simulator.events.on('feedback', (e: FeedbackEvent) => e.done && resolve(e)),
    );
    const toAps = await placeOrder('card');
    const request = formOf(toAps.html, toAps.url);
    expect(request.action).toBe(sb.paymentPage);
    expect(request.fields.customer_email).toBe('shopper.a@example.org');
    expect(request.fields.customer_ip).toBe('127.0.0.1');
    expect(request.fields.return_url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/return$/);
    const resultPage = await hostedToReturnPage();
    const back = formOf(resultPage.html, resultPage.url);
    expect(back.action).toBe(`${sb.store}return`);
    const receipt = await follow(await postForm(back.action, back.fields));
    expect(receipt.url).toMatch(/\/receipt\//);
    expect(testid(receipt.html, 'response-code')).toBe('14000');
    expect(testid(receipt.html, 'result-outcome')).toBe('success');
    expect(testid(receipt.html, 'merchant-reference')).toBe(back.fields.merchant_reference);
    expect(testid(receipt.html, 'fort-id')).toBe(back.fields.fort_id);
    expect(testid(receipt.html, 'amount')).toBe('100.00');
    const ev = await feedback;
    expect(ev.ok).toBe(true);
    expect(ev.url).toBe(`${sb.store}feedback/direct`);
  });

  it('refuses a tampered response and one whose amount differs; accepts the genuine one', async () => {
    const page = await hostedToReturnPage('4111111111111111');
    const back = formOf(page.html, page.url);
    expect(back.fields.response_code).toBe('13666');
    const tampered = await postForm(back.action, { ...back.fields, response_code: '14000', status: '14' });
    expect(tampered.status).toBe(400);
    expect(testid(tampered.html, 'result-outcome')).toBe('error');
    const resigned: Params = { ...back.fields, amount: '1' };
    resigned.signature = docSign(resigned, sb.merchant.sha_response_phrase);
    expect((await postForm(back.action, resigned)).status).toBe(400);
    // The direct feedback may have settled the order meanwhile; either way the forged success was not taken.
    expect((await order(back.fields.merchant_reference)).state).not.toBe('paid');
    const genuine = await follow(await postForm(back.action, back.fields));
    expect(testid(genuine.html, 'result-outcome')).toBe('declined');
  });

  it('with no-response-signature-check and no-amount-validation, accepts the tampered responses', async () => {
    const page = await hostedToReturnPage('4111111111111111', { fault: 'no-response-signature-check' });
    const back = formOf(page.html, page.url);
    const tampered = await follow(
      await postForm(back.action, { ...back.fields, response_code: '14000', status: '14' }),
    );
    expect(testid(tampered.html, 'result-outcome')).toBe('success');
    const page2 = await hostedToReturnPage('4005550000000001', { fault: 'no-amount-validation' });
    const back2 = formOf(page2.html, page2.url);
    const resigned: Params = { ...back2.fields, amount: '1' };
    resigned.signature = docSign(resigned, sb.merchant.sha_response_phrase);
    expect((await postForm(back2.action, resigned)).status).toBe(303);
  });
});

describe('demo store: answers it cannot verify change nothing', () => {
  /** A paid hosted order and the genuine, signed answer that paid it. */
  async function paidOrder(): Promise<{ ref: string; back: { action: string; fields: Params } }> {
    const page = await hostedToReturnPage('4005550000000001');
    const back = formOf(page.html, page.url);
    await follow(await postForm(back.action, back.fields));
    const ref = back.fields.merchant_reference;
    expect((await order(ref)).state).toBe('paid');
    return { ref, back };
  }

  const attack = (ref: string, extra: Params = {}): Params => ({
    merchant_reference: ref,
    status: '00',
    response_code: '00006',
    response_message: 'Payment failed, call 0500000000 to pay by transfer',
    ...extra,
  });

  it('an unsigned status-00 POST to return_url leaves a paid order paid and shows a neutral page', async () => {
    const { ref, back } = await paidOrder();
    const before = await order(ref);
    const page = await postForm(back.action, attack(ref));
    expect(page.status).toBe(200);
    expect(testid(page.html, 'result-outcome')).toBe('unconfirmed');
    expect(page.html).not.toContain('0500000000');
    const after = await order(ref);
    expect([after.state, after.result]).toEqual(['paid', before.result]);
    expect(after.ignored).toEqual([
      expect.objectContaining({
        where: 'return',
        status: '00',
        response_code: '00006',
        why: expect.stringMatching(/refused/),
      }),
    ]);
  });

  it('a wrongly signed status-00 POST is refused and a pending order is not settled by it', async () => {
    const placed = formOf((await placeOrder('card')).html, sb.store);
    const ref = placed.fields.merchant_reference;
    const forged = attack(ref, { signature: 'f'.repeat(64) });
    const refused = await postForm(`${sb.store}return`, forged);
    expect(refused.status).toBe(400);
    expect(testid(refused.html, 'result-outcome')).toBe('error');
    expect(await postForm(`${sb.store}return`, attack(ref))).toMatchObject({ status: 200 });
    const stored = await order(ref);
    expect([stored.state, stored.result, stored.completedAt]).toEqual(['new', undefined, undefined]);
    expect((stored.ignored as { why: string }[]).map((i) => i.why)).toEqual([
      'the response signature does not match',
      expect.stringMatching(/^APS refused the request: 00006/),
    ]);
  });

  it('feedback endpoints ignore unsigned or wrongly signed status-00 posts, as JSON and as a form', async () => {
    const placed = formOf((await placeOrder('card')).html, sb.store);
    const ref = placed.fields.merchant_reference;
    const json = await fetch(`${sb.store}feedback/direct`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(attack(ref)),
    });
    expect(json.status).toBe(400);
    const form = await postForm(`${sb.store}feedback/notification`, attack(ref, { signature: 'abc' }));
    expect(form.status).toBe(400);
    const stored = await order(ref);
    expect([stored.state, stored.result, stored.feedback]).toEqual(['new', undefined, []]);
    expect((stored.ignored as { where: string }[]).map((i) => i.where)).toEqual([
      'feedback/direct',
      'feedback/notification',
    ]);
    const { ref: paidRef } = await paidOrder();
    await postForm(`${sb.store}feedback/direct`, attack(paidRef));
    expect((await order(paidRef)).state).toBe('paid');
  });
});

describe('demo store: request faults', () => {
  it('static-email, static-ip and http-return-url change what is sent', async () => {
    const hop = await placeOrder('card', { fault: 'static-email,static-ip,http-return-url' });
    const { fields } = formOf(hop.html, hop.url);
    expect(fields.customer_email).toBe('customer@example.com');
    expect(fields.customer_ip).toBe('10.10.10.10');
    expect(fields.return_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/return$/);
  });

  it('extra-param gets 00027 and sign-empty-params gets 00008, unsigned: the order stays as it was', async () => {
    for (const [fault, code] of [
      ['extra-param', '00027'],
      ['sign-empty-params', '00008'],
    ]) {
      const back = await autoSubmit(await placeOrder('card', { fault }));
      const { action, fields } = formOf(back.html, back.url);
      expect(fields.response_code, fault).toBe(code);
      expect(fields.signature, fault).toBeUndefined();
      const page = await postForm(action, fields);
      expect(page.status).toBe(200);
      expect(testid(page.html, 'result-outcome')).toBe('unconfirmed');
      expect(testid(page.html, 'response-code')).toBe(code);
      const stored = await order(fields.merchant_reference);
      expect([stored.state, stored.result]).toEqual(['new', undefined]);
    }
  });

  it('return-get-only answers the POSTed result with 405', async () => {
    const page = await hostedToReturnPage('4005550000000001', { fault: 'return-get-only' });
    const back = formOf(page.html, page.url);
    expect(back.action).toMatch(/\/return-get$/);
    expect((await postForm(back.action, back.fields)).status).toBe(405);
  });

  it('rejects an unknown fault name', async () => {
    const res = await fetch(`${sb.store}?fault=nope`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('static-email');
  });
});

describe('demo store: custom integration, saved cards', () => {
  it('tokenizes from the page, purchases, sends the top window to 3ds_url, then shows the result', async () => {
    const toCard = await placeOrder('card-custom', { email: 'custom.b@example.org' });
    expect(toCard.location).toMatch(/\/pay\//);
    const cardPage = await get(toCard.location!);
    const form = formOf(cardPage.html, cardPage.url);
    expect(form.action).toBe(sb.paymentPage);
    expect(form.fields.service_command).toBe('TOKENIZATION');
    const back = await postForm(form.action, {
      ...form.fields,
      card_number: '4557012345678902',
      expiry_date: '3005',
      card_security_code: '123',
    });
    const ret = formOf(back.html, back.url);
    expect(ret.fields.response_code).toBe('18000');
    const to3ds = await postForm(ret.action, ret.fields);
    expect(to3ds.status).toBe(303);
    expect(to3ds.location).toContain(`${sb.simulatorOrigin}/FortAPI/3ds/`);
    const after = await postForm(to3ds.location!, { password: '1234', action: 'submit' });
    const final = formOf(after.html, after.url);
    const receipt = await follow(await postForm(final.action, final.fields));
    expect(testid(receipt.html, 'response-code')).toBe('14000');
    const api = sb
      .exchanges()
      .filter((e) => e.kind === 'paymentApi' && e.requestFields.merchant_reference === ret.fields.merchant_reference);
    expect(api[0].requestFields.customer_ip).toBe('127.0.0.1');
    expect(api[0].responseFields?.response_code).toBe('20064');
  });

  it('3ds-iframe opens the challenge inside an iframe', async () => {
    const toCard = await placeOrder('card-custom', { fault: '3ds-iframe' });
    const form = formOf((await get(toCard.location!)).html, toCard.location!);
    const back = await postForm(form.action, {
      ...form.fields,
      card_number: '4557012345678902',
      expiry_date: '3005',
      card_security_code: '123',
    });
    const ret = formOf(back.html, back.url);
    const framed = await follow(await postForm(ret.action, ret.fields));
    expect(framed.html).toMatch(/<iframe src="http:\/\/127\.0\.0\.1:\d+\/FortAPI\/3ds\//);
  });

  it('saves a card, pays with it and its CVV, then deletes it with UPDATE_TOKEN', async () => {
    const email = `saver.${Date.now()}@example.org`;
    const toCard = await placeOrder('card-custom', { email });
    const form = formOf((await get(toCard.location!)).html, toCard.location!);
    const back = await postForm(form.action, {
      ...form.fields,
      card_number: '4005550000000001',
      expiry_date: '3005',
      card_security_code: '123',
      remember_me: 'YES',
    });
    const ret = formOf(back.html, back.url);
    const receipt = await follow(await postForm(ret.action, ret.fields));
    const token = testid(receipt.html, 'token-name');
    expect(token).toBeTruthy();

    const second = await placeOrder('card-custom', { email });
    const page = await get(second.location!);
    expect(page.html).toContain('data-testid="saved-card"');
    const paid = await follow(
      await postForm(`${second.location!}/saved`, { token_name: token!, card_security_code: '123' }),
    );
    expect(testid(paid.html, 'response-code')).toBe('14000');
    expect(testid(paid.html, 'token-name')).toBe(token);
    const sent = sb
      .exchanges()
      .filter((e) => e.kind === 'paymentApi' && e.requestFields.token_name === token)
      .at(-1)!;
    expect(sent.requestFields.card_security_code).toBeUndefined();

    const account = await get(`${sb.store}account?email=${encodeURIComponent(email)}`);
    expect(account.html).toContain('data-testid="delete-card"');
    const deleted = await follow(
      await postForm(`${sb.store}account/cards/delete`, { email, token_name: token!, lang: 'en' }),
    );
    expect(testid(deleted.html, 'response-code')).toBe('58000');
    expect(testid(deleted.html, 'token-name')).toBe(token);
    expect((await get(`${sb.store}account?email=${encodeURIComponent(email)}`)).html).toContain(
      'data-testid="no-saved-cards"',
    );
  });
});

describe('demo store: more hosted methods', () => {
  async function hostedFlow(
    method: string,
    steps: (location: string) => Promise<Hop>,
  ): Promise<{ request: Params; receipt: Hop; result: Params }> {
    const toAps = await placeOrder(method);
    const request = formOf(toAps.html, toAps.url).fields;
    const first = await autoSubmit(toAps);
    const page = await steps(first.location!);
    const back = formOf(page.html, page.url);
    return { request, receipt: await follow(await postForm(back.action, back.fields)), result: back.fields };
  }

  it('mada: SAR, payment_option MADA, 3DS challenge, success', async () => {
    const { request, receipt } = await hostedFlow('mada', async (loc) => {
      const challenge = await postForm(loc, {
        card_number: '5297412542005689',
        expiry: '05/30',
        cvv: '350',
        action: 'pay',
      });
      expect(challenge.location).toContain('/FortAPI/3ds/');
      return postForm(challenge.location!, { password: '1234', action: 'submit' });
    });
    expect(request.payment_option).toBe('MADA');
    expect(request.currency).toBe('SAR');
    expect(testid(receipt.html, 'response-code')).toBe('14000');
  });

  it('installments: STANDALONE, the chosen plan comes back as number_of_installments', async () => {
    const { request, result } = await hostedFlow('installments', async (loc) => {
      expect((await get(loc)).html).toContain('data-testid="installments-plan"');
      return postForm(loc, { card_number: '4005550000000001', expiry: '05/30', cvv: '123', plan: '6', action: 'pay' });
    });
    expect(request.installments).toBe('STANDALONE');
    expect(result.number_of_installments).toBe('6');
  });

  it('BENEFIT (BHD) and OmanNet (OMR, with its OTP page) succeed with their test values', async () => {
    const benefit = await hostedFlow('benefit', async (loc) => {
      const confirm = await postForm(loc, { card: '4600410123456789', expiry: '12/30', pin: '1234', action: 'submit' });
      return postForm(confirm.location!, {});
    });
    expect(benefit.request.currency).toBe('BHD');
    expect(testid(benefit.receipt.html, 'response-code')).toBe('14000');
    const omannet = await hostedFlow('omannet', async (loc) => {
      const otp = await postForm(loc, { card: '4837500000000001', expiry: '12/30', cvv: '123', action: 'submit' });
      expect(otp.location).toMatch(/\/1$/);
      expect((await get(otp.location!)).html).toContain('data-testid="omannet-otp"');
      const confirm = await postForm(otp.location!, { otp: '000000', action: 'submit' });
      return postForm(confirm.location!, {});
    });
    expect(omannet.request.currency).toBe('OMR');
    expect(testid(omannet.receipt.html, 'result-outcome')).toBe('declined');
  });

  it('3ds-popup opens the challenge with window.open; server-tokenization posts the card from the store server', async () => {
    const toCard = await placeOrder('card-custom', { fault: '3ds-popup' });
    const form = formOf((await get(toCard.location!)).html, toCard.location!);
    const back = await postForm(form.action, {
      ...form.fields,
      card_number: '4557012345678902',
      expiry_date: '3005',
      card_security_code: '123',
    });
    const ret = formOf(back.html, back.url);
    const popup = await follow(await postForm(ret.action, ret.fields));
    expect(popup.html).toContain('window.open(');

    const viaServer = await placeOrder('card-custom', { fault: 'server-tokenization' });
    const serverForm = formOf((await get(viaServer.location!)).html, viaServer.location!);
    expect(serverForm.action).toBe(`${viaServer.location!}/card`);
    const receipt = await follow(
      await postForm(serverForm.action, {
        ...serverForm.fields,
        card_number: '4005550000000001',
        expiry_date: '3005',
        card_security_code: '123',
      }),
    );
    expect(testid(receipt.html, 'response-code')).toBe('14000');
  });
});

describe('demo store: subscription', () => {
  it('runs consent + CIT, a merchant-initiated charge with the returned agreement_id, then cancels', async () => {
    const toAps = await postForm(`${sb.store}subscribe`, {
      email: 'member.c@example.org',
      consent: 'yes',
      lang: 'en',
      fault: '',
    });
    const req = formOf(toAps.html, toAps.url).fields;
    expect(req.agreement_id).toMatch(/^[A-Za-z0-9]{1,15}$/);
    expect(req.recurring_mode).toBe('FIXED');
    const cardPage = await autoSubmit(toAps);
    const result = await postForm(cardPage.location!, {
      card_number: '4005550000000001',
      expiry: '05/30',
      cvv: '123',
      action: 'pay',
    });
    const back = formOf(result.html, result.url);
    const receipt = await follow(await postForm(back.action, back.fields));
    const agreement = testid(receipt.html, 'agreement-id')!;
    expect(agreement).toBe(back.fields.agreement_id);
    expect(agreement).not.toBe(req.agreement_id);
    const subId = /action="\/subscription\/([^/]+)\/charge"/.exec(receipt.html)![1];
    const mit = await follow(await postForm(`${sb.store}subscription/${subId}/charge`, { lang: 'en' }));
    expect(testid(mit.html, 'response-code')).toBe('14000');
    expect(testid(mit.html, 'agreement-id')).toBe(agreement);
    const cancelled = await follow(await postForm(`${sb.store}subscription/${subId}/cancel`, { lang: 'en' }));
    expect(testid(cancelled.html, 'response-code')).toBe('58000');
    expect(cancelled.html).not.toContain('data-testid="charge-next"');
  });

  it('bad-agreement-id sends an id the simulator refuses', async () => {
    const toAps = await postForm(`${sb.store}subscribe`, {
      email: 'member.d@example.org',
      consent: 'yes',
      lang: 'en',
      fault: 'bad-agreement-id',
    });
    const back = await autoSubmit(toAps);
    expect(formOf(back.html, back.url).fields.response_code).toBe('00002');
  });
});

describe('demo store: local methods and wallets', () => {
  async function knet(fault = ''): Promise<Hop> {
    const toAps = await placeOrder('knet', { fault });
    expect(formOf(toAps.html, toAps.url).fields.currency).toBe('KWD');
    const step = await autoSubmit(toAps);
    const confirm = await postForm(step.location!, {
      bank: 'Knet Test Card [KNET1]',
      card: '0000000001',
      expiry: '09/30',
      pin: '1234',
      action: 'submit',
    });
    const back = await postForm(confirm.location!, {});
    const { action, fields } = formOf(back.html, back.url);
    return follow(await postForm(action, fields));
  }

  it('KNET receipt shows both KNET ids, amount and date; the fault hides the ids', async () => {
    const good = await knet();
    expect(testid(good.html, 'knet-ref-number')).toMatch(/^\d{12}$/);
    expect(testid(good.html, 'third-party-transaction-number')).toMatch(/^\d{16}$/);
    expect(testid(good.html, 'amount')).toBe('10.000');
    expect(testid(good.html, 'transaction-date')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    const bad = await knet('knet-receipt-missing-ids');
    expect(testid(bad.html, 'response-code')).toBe('14000');
    expect(bad.html).not.toContain('knet-ref-number');
  });

  it("STC Pay takes the customer's phone and OTP; static-stcpay ignores them", async () => {
    for (const fault of ['', 'static-stcpay']) {
      const start = await placeOrder('stcpay', { fault });
      const ref = start.location!.split('/').at(-1)!;
      const otpPage = await postForm(`${sb.store}stcpay/${ref}/otp`, { phone: '0557654321' });
      expect(otpPage.location).toMatch(/\/otp$/);
      const receipt = await follow(await postForm(`${sb.store}stcpay/${ref}/pay`, { otp: '123456' }));
      expect(testid(receipt.html, 'response-code')).toBe('14000');
      const sent = sb.exchanges().find((e) => e.kind === 'paymentApi' && e.requestFields.merchant_reference === ref)!;
      expect(sent.requestFields.phone_number).toBe(fault ? '0500000000' : '0557654321');
    }
  });

  it('Apple Pay: validation only for apple.com URLs; payment goes to paymentApi with nested apple_* fields', async () => {
    const refused = await fetch(`${sb.store}applepay/validate`, {
      method: 'POST',
      body: JSON.stringify({ validationURL: 'https://evil.example/x' }),
    });
    expect(refused.status).toBe(400);
    const session = await postJson(`${sb.store}applepay/validate`, {
      validationURL: 'https://apple-pay-gateway.apple.com/paymentservices/startSession',
    });
    expect(session.merchantSessionIdentifier).toBeTruthy();
    const answer = await postJson(`${sb.store}applepay/pay`, {
      email: 'apple.e@example.org',
      lang: 'en',
      fault: '',
      token: {
        paymentData: {
          data: 'ZW5jcnlwdGVk',
          signature: 'c2lnbmF0dXJl',
          header: { ephemeralPublicKey: 'a2V5', publicKeyHash: 'aGFzaA==', transactionId: 'abc123' },
          version: 'EC_v1',
        },
        paymentMethod: { displayName: 'Visa 0492', network: 'Visa', type: 'debit' },
        transactionIdentifier: 'abc123',
      },
    });
    expect(answer.ok).toBe(true);
    const receipt = await get(`${sb.store.replace(/\/$/, '')}${answer.redirect}`);
    expect(testid(receipt.html, 'response-code')).toBe('14000');
    const sent = sb
      .exchanges()
      .filter((e) => e.kind === 'paymentApi' && e.requestFields.digital_wallet === 'APPLE_PAY')
      .at(-1)!;
    expect(sent.requestFields.apple_header).toEqual({
      apple_ephemeralPublicKey: 'a2V5',
      apple_publicKeyHash: 'aGFzaA==',
      apple_transactionId: 'abc123',
    });
  });

  it('serves Arabic pages right-to-left', async () => {
    const page = await get(`${sb.store}checkout?method=naps&lang=ar`);
    expect(page.html).toContain('<html lang="ar" dir="rtl">');
    expect(page.html).toContain('data-testid="method-naps" checked');
  });
});

describe('demo store: routing', () => {
  it('answers unknown pages and orders with 404, wrong methods on return_url with 405, bad faults with 400', async () => {
    expect((await get(`${sb.store}no/such/page`)).status).toBe(404);
    expect((await get(`${sb.store}receipt/CK-NONE`)).status).toBe(404);
    expect((await get(`${sb.store}pay/CK-NONE`)).status).toBe(404);
    expect((await postForm(`${sb.store}subscription/SUB-NONE/charge`, {})).status).toBe(404);
    const missing = await fetch(`${sb.store}__store/orders/CK-NONE`);
    expect([missing.status, await missing.json()]).toEqual([404, { error: 'no order CK-NONE' }]);
    const getReturn = await fetch(`${sb.store}return`);
    expect([getReturn.status, getReturn.headers.get('allow')]).toEqual([405, 'POST']);
    const postReturnGet = await fetch(`${sb.store}return-get`, { method: 'POST' });
    expect([postReturnGet.status, postReturnGet.headers.get('allow')]).toEqual([405, 'GET']);
    const bad = await get(`${sb.store}checkout?fault=not-a-fault`);
    expect(bad.status).toBe(400);
    expect(bad.html).toMatch(/"not-a-fault" is not a demo-store fault switch/);
    // A known page with a method it does not take is not found, as before the route table.
    expect((await fetch(`${sb.store}subscribe`, { method: 'PUT' })).status).toBe(404);
  });
});
