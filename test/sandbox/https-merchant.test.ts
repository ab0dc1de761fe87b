import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type Frame, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../electron/engine/sandbox';
import { makeCertificate } from '../../electron/engine/sandbox/certificate';
import { chromiumTrustArgs, describeCertificate } from '../../electron/engine/tls-trust';
import { docSign } from './docs-merchant';
import { FullMerchant, OPTIONAL_FAMILIES } from './full-merchant';
import { resolveBrowser } from '../../electron/engine/browser/resolve';

// The docs-only merchant of full-merchant.ts against the sandbox started with https, as `certkit sandbox --https`
// starts it: standard checkout in an iframe, the trusted channel, installment plans.
// Found the way Certkit finds one (CERTKIT_BROWSER, then the usual places).
const CHROMIUM = resolveBrowser({ env: process.env });
const withBrowser = existsSync(CHROMIUM) ? it : it.skip;

let sb: SandboxHandle;
let shop: FullMerchant;
let browser: Browser | undefined;
const merchantTls = makeCertificate(['127.0.0.1']);

beforeAll(async () => {
  sb = await startSandbox({ https: true, feedbackRetry: { tries: 1, intervalMs: 5 } });
  const m = sb.merchant;
  shop = new FullMerchant({
    paymentPage: sb.paymentPage,
    paymentApi: sb.paymentApi,
    credentials: m,
    apsCa: sb.certificate!.cert,
    tls: merchantTls,
  });
  await shop.start();
});
afterAll(async () => {
  await browser?.close();
  await shop?.close();
  await sb?.close();
});

async function chromium(): Promise<Browser> {
  // Both certificates are accepted by their public keys; nothing else about certificates changes.
  browser ??= await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      ...chromiumTrustArgs([sb.certificate!, describeCertificate(merchantTls.cert)]),
    ],
  });
  return browser;
}

const sel = (id: string) => `[data-testid="${id}"]`;

async function cardFrame(page: Page): Promise<Frame> {
  await page.click(sel('open-card-form'));
  const handle = await page.waitForSelector(`iframe${sel('aps-iframe')}`);
  const frame = (await handle!.contentFrame())!;
  await frame.waitForSelector(sel('standard-checkout'));
  return frame;
}

async function receipt(page: Page): Promise<Record<string, string>> {
  await page.waitForFunction(() => location.pathname.startsWith('/receipt/'));
  await page.waitForSelector(sel('response_code'));
  return page.evaluate(() =>
    Object.fromEntries([...document.querySelectorAll('dd')].map((d) => [d.dataset.testid!, d.textContent ?? ''])),
  );
}

describe('standard checkout over https', () => {
  withBrowser(
    'card form in the merchant iframe, an installment plan, 3-D Secure in the main window, result at return_url',
    async () => {
      const page = await (await chromium()).newPage();
      await page.goto(`${shop.origin}/standard?installments=1`);
      const ref = await page.$eval(sel('order'), (e) => e.textContent!);
      const frame = await cardFrame(page);
      expect(frame.url()).toMatch(new RegExp(`^${sb.simulatorOrigin}/FortAPI/merchantPage/`));
      expect(page.url()).toBe(`${shop.origin}/standard?installments=1`);
      const options = await frame.$$eval(`${sel('installments-plan')} option`, (os) =>
        os.map((o) => [(o as HTMLOptionElement).value, o.textContent]),
      );
      expect(options).toContainEqual(['CKISLM06', expect.stringContaining('6 months, 171.67 SAR a month (3% fee)')]);
      await frame.type(sel('card-number'), '4557012345678902');
      await frame.type(sel('card-expiry'), '05/30');
      await frame.type(sel('card-cvv'), '123');
      await frame.type(sel('card-holder'), 'Noura Saleh');
      await frame.select(sel('installments-plan'), 'CKISLM06');
      await frame.click(sel('pay-button'));
      // The merchant's page in the iframe sends the top window to 3-D Secure.
      await page.waitForFunction(() => location.pathname.startsWith('/FortAPI/3ds/'));
      expect(page.url().startsWith(`${sb.simulatorOrigin}/FortAPI/3ds/`)).toBe(true);
      const answer = shop.orders.get(ref)!.answer!;
      expect(answer).toMatchObject({ response_code: '20064', installments: 'YES', plan_code: 'CKISLM06' });
      expect(answer.return_url).toBeUndefined();
      await page.type(sel('3ds-password'), '1234');
      await page.click(sel('3ds-submit'));
      const r = await receipt(page);
      expect(r).toMatchObject({
        response_code: '14000',
        merchant_reference: ref,
        number_of_installments: '6',
        plan_code: 'CKISLM06',
        card_number: '455701******8902',
        card_holder_name: 'Noura Saleh',
      });
      const result = shop.orders.get(ref)!.result!;
      expect(result.billing_street).toBe(OPTIONAL_FAMILIES.billing_street);
      expect(result.statement_descriptor).toBe('CERTKIT SHOP');
      await page.close();
    },
  );

  withBrowser('a non-3DS card pays in full; the purchase answer echoes every optional family', async () => {
    const page = await (await chromium()).newPage();
    await page.goto(`${shop.origin}/standard`);
    const ref = await page.$eval(sel('order'), (e) => e.textContent!);
    const frame = await cardFrame(page);
    expect(await frame.$(sel('installments-plan'))).toBeNull();
    await frame.type(sel('card-number'), '5123456789012346');
    await frame.type(sel('card-expiry'), '05/30');
    await frame.type(sel('card-cvv'), '123');
    await frame.click(sel('remember-me'));
    await frame.click(sel('pay-button'));
    expect(await receipt(page)).toMatchObject({ response_code: '14000', card_number: '512345******2346' });
    const answer = shop.orders.get(ref)!.answer!;
    for (const [k, v] of Object.entries(OPTIONAL_FAMILIES)) expect(answer[k], k).toBe(v);
    const purchase = sb.exchanges().find((e) => e.kind === 'paymentApi' && e.requestFields.merchant_reference === ref)!;
    expect(purchase.url).toBe(sb.paymentApi);
    expect(purchase.responseFields!.response_code).toBe('14000');
    await page.close();
  });

  it('shows a saved card as masked number and expiry and asks only its security code', async () => {
    const order = shop.newOrder();
    const tokenize = (extra: Record<string, string>) => {
      const fields: Record<string, string> = {
        service_command: 'TOKENIZATION',
        access_code: sb.merchant.access_code,
        merchant_identifier: sb.merchant.merchant_identifier,
        merchant_reference: order.ref,
        language: 'en',
        return_url: `${shop.origin}/return`,
        ...extra,
      };
      return { ...fields, signature: shop.sign(fields) };
    };
    const trusted = await shop.payTrusted(shop.newOrder(), {
      card_number: '4005550000000001',
      expiry_date: '3005',
      card_security_code: '123',
      card_holder_name: 'Noura Saleh',
    });
    const post = await fetch(sb.paymentPage, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(tokenize({ token_name: String(trusted.token_name) })).toString(),
      redirect: 'manual',
    });
    expect(post.status).toBe(303);
    const formUrl = new URL(post.headers.get('location')!, sb.paymentPage).toString();
    const form = await (await fetch(formUrl)).text();
    expect(form).toContain('data-testid="saved-card"');
    expect(form).toContain('400555******0001');
    expect(form).not.toContain('data-testid="card-number"');
    const done = await fetch(formUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ cvv: '123', action: 'pay' }).toString(),
    });
    const html = await done.text();
    expect(html).toContain(`action="${shop.origin}/return"`);
    expect(html).toContain('name="response_code" value="18000"');
    expect(html).toContain(`name="token_name" value="${trusted.token_name}"`);
  });
});

describe('trusted channel over https', () => {
  it('pays with the card itself, answers with the holder, a masked card and a token, echoing every family', async () => {
    const order = shop.newOrder();
    const a = await shop.payTrusted(order, {
      card_number: '4005550000000001',
      expiry_date: '3005',
      card_security_code: '123',
      card_holder_name: 'Noura Saleh',
    });
    expect(shop.verified(a)).toBe(true);
    expect(a).toMatchObject({
      response_code: '14000',
      card_holder_name: 'Noura Saleh',
      card_number: '400555******0001',
      expiry_date: '3005',
      eci: 'ECOMMERCE',
    });
    expect(a.token_name).toMatch(/^[A-Za-z0-9.@_-]+$/);
    expect(a.card_security_code).toBeUndefined();
    for (const [k, v] of Object.entries(OPTIONAL_FAMILIES)) expect(a[k], k).toBe(v);
    const logged = sb.exchanges().find((e) => e.requestFields.merchant_reference === order.ref)!;
    expect(logged.requestFields.card_number).toBe('400555******0001');
    expect(JSON.stringify(logged)).not.toContain('4005550000000001');
  });

  it('takes MOTO without a security code, needs one for e-commerce, and return_url for a 3-D Secure card', async () => {
    const card = { card_number: '5123456789012346', expiry_date: '3005' };
    expect((await shop.payTrusted(shop.newOrder(), card, { eci: 'MOTO' })).response_code).toBe('14000');
    const noCvv = await shop.payTrusted(shop.newOrder(), card);
    expect(noCvv.response_code).toBe('00001');
    expect(noCvv.response_message).toContain('card_security_code');
    const threeDs = { card_number: '5313581000123430', expiry_date: '3005', card_security_code: '123' };
    expect((await shop.payTrusted(shop.newOrder(), threeDs)).response_code).toBe('00037');
    const withReturn = await shop.payTrusted(shop.newOrder(), threeDs, { return_url: `${shop.origin}/return` });
    expect(withReturn.response_code).toBe('20064');
    expect(String(withReturn['3ds_url'])).toMatch(new RegExp(`^${sb.simulatorOrigin}/FortAPI/3ds/`));
    const bad = await shop.payTrusted(shop.newOrder(), {
      ...card,
      card_number: '5123456789012345',
      card_security_code: '123',
    });
    expect(bad.response_code).toBe('13016');
  });
});

describe('installment plans over https', () => {
  it('lists issuers with banking system, terms, logos, messages and each plan with its monthly amount', async () => {
    const a = await shop.installmentPlans('100000', 'SAR');
    expect(a.response_code).toBe('62000');
    expect(a.signature).toBe(docSign(a, sb.merchant.sha_response_phrase, ['installment_detail']));
    const issuers = (a.installment_detail as { issuer_detail: Record<string, any>[] }).issuer_detail;
    expect(issuers.map((i) => [i.issuer_code, i.banking_system])).toEqual([
      ['CKBANK01', 'Non Islamic'],
      ['CKISLM02', 'Islamic'],
    ]);
    const bank = issuers[0];
    for (const k of [
      'issuer_name_en',
      'issuer_name_ar',
      'terms_and_condition_en',
      'terms_and_condition_ar',
      'issuer_logo_en',
      'issuer_logo_ar',
      'confirmation_message_en',
      'confirmation_message_ar',
      'processing_fees_message_en',
      'processing_fees_message_ar',
    ])
      expect(bank[k], k).toBeTruthy();
    // (amount + amount * fee% / 100 + processing fee) / months, rounded up to the minor unit.
    expect(bank.plan_details.map((p: any) => [p.plan_code, p.number_of_installment, p.amountPerMonth])).toEqual([
      ['CKPLAN03', 3, '333.34'],
      ['CKPLAN06', 6, '166.67'],
      ['CKPLAN12', 12, '88.34'],
    ]);
    expect(bank.processing_fees_message_en).toContain('12: 10.00 SAR');
    expect(bank.bins).toContainEqual({ bin: '400555', card_brand_code: 'VISA', currency_code: 'SAR' });
    const logo = await shop.request(bank.issuer_logo_en);
    expect([logo.status, logo.type]).toEqual([200, 'image/svg+xml']);
    expect((await shop.request(bank.terms_and_condition_ar)).body).toContain('dir="rtl"');
    const one = await shop.installmentPlans('100000', 'SAR', { issuer_code: 'CKISLM02' });
    expect((one.installment_detail as any).issuer_detail).toHaveLength(1);
    expect((await shop.installmentPlans('100000', 'SAR', { issuer_code: 'NOPE0001' })).response_code).toBe('63033');
  });

  it('checks plan and issuer codes on the purchase and answers with number_of_installments', async () => {
    const visa = { card_number: '4005550000000001', expiry_date: '3005', card_security_code: '123' };
    const plan = (plan_code: string, issuer_code: string) => ({ installments: 'HOSTED', plan_code, issuer_code });
    const ok = await shop.payTrusted(shop.newOrder(), visa, plan('CKPLAN12', 'CKBANK01'));
    expect(ok).toMatchObject({ response_code: '14000', number_of_installments: '12', plan_code: 'CKPLAN12' });
    const wrongPlan = await shop.payTrusted(shop.newOrder(), visa, plan('CKISLM06', 'CKBANK01'));
    expect(wrongPlan.response_code).toBe('00033');
    expect(wrongPlan.response_message).toContain('not a plan of issuer CKBANK01');
    const wrongBank = await shop.payTrusted(shop.newOrder(), visa, plan('CKISLM06', 'CKISLM02'));
    expect(wrongBank.response_message).toContain('not issued by CKISLM02');
    const small = await shop.payTrusted(shop.newOrder('5000'), visa, plan('CKPLAN03', 'CKBANK01'));
    expect(small.response_message).toContain('outside the plan');
    const noCodes = await shop.payTrusted(shop.newOrder(), visa, { installments: 'YES' });
    expect(noCodes).toMatchObject({ response_code: '00001', response_message: expect.stringContaining('plan_code') });
  });
});
