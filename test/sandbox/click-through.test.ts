import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../electron/engine/sandbox';
import { resolveBrowser } from '../../electron/engine/browser/resolve';

// Clicks through the demo store and the simulator's pages the way a person would. Set CERTKIT_SANDBOX_SHOTS=dir
// to keep a screenshot of every page for a look.
// Found the way Certkit finds one (CERTKIT_BROWSER, then the usual places).
const CHROMIUM = resolveBrowser({ env: process.env });
const SHOTS = process.env.CERTKIT_SANDBOX_SHOTS;
const run = existsSync(CHROMIUM) ? describe : describe.skip;

let sb: SandboxHandle;
let browser: Browser;

beforeAll(async () => {
  sb = await startSandbox({ feedbackRetry: { tries: 1, intervalMs: 5 } });
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-gpu',
    ],
    defaultViewport: { width: 1100, height: 900 },
  });
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await sb?.close();
});

async function shot(page: Page, name: string): Promise<void> {
  // captureBeyondViewport: false, else Chromium shifts right-to-left pages that fit in the viewport.
  if (SHOTS)
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true, captureBeyondViewport: false });
}

const sel = (id: string) => `[data-testid="${id}"]`;

async function clickAndWait(page: Page, id: string): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(sel(id))]);
}

/** Waits until the page is a store page (the auto-posted forms in between navigate on their own). */
async function waitForUrl(page: Page, pattern: RegExp): Promise<void> {
  await page.waitForFunction((src) => new RegExp(src).test(location.href), {}, pattern.source);
  await page.waitForSelector('body');
}

async function text(page: Page, id: string): Promise<string> {
  return page.$eval(sel(id), (el) => (el.textContent ?? '').trim());
}

run('click-through in Chromium', () => {
  it('hosted card payment, non-3DS, English', async () => {
    const page = await browser.newPage();
    await page.goto(sb.store);
    await shot(page, '01-store-product');
    await clickAndWait(page, 'buy-now');
    await page.type(sel('customer-email'), 'person.one@example.org');
    await page.click(sel('method-card'));
    await shot(page, '02-store-checkout');
    await page.click(sel('place-order'));
    await waitForUrl(page, /\/FortAPI\/pay\//);
    await page.waitForSelector(sel('card-number'));
    await page.type(sel('card-number'), '4005550000000001');
    await page.type(sel('card-expiry'), '05/30');
    await page.type(sel('card-cvv'), '123');
    await page.type(sel('card-holder'), 'Person One');
    await shot(page, '03-sim-card-page');
    await page.click(sel('pay-button'));
    await waitForUrl(page, /\/receipt\//);
    await page.waitForSelector(sel('response-code'));
    await shot(page, '04-store-receipt');
    expect(await text(page, 'response-code')).toBe('14000');
    expect(await text(page, 'result-outcome')).toBe('success');
    expect(page.url().startsWith(sb.store)).toBe(true);
    await page.close();
  });

  it('custom integration with a 3DS card: the challenge is the top window', async () => {
    const page = await browser.newPage();
    await page.goto(`${sb.store}checkout?method=card-custom`);
    await page.type(sel('customer-email'), 'person.two@example.org');
    await clickAndWait(page, 'place-order');
    await page.type(sel('card-number'), '4557012345678902');
    await page.type(sel('card-expiry'), '05/30');
    await page.type(sel('card-cvv'), '123');
    await page.click(sel('save-card'));
    await shot(page, '05-store-custom-card-form');
    await page.click(sel('pay-button'));
    await waitForUrl(page, /\/FortAPI\/3ds\//);
    await page.waitForSelector(sel('3ds-password'));
    await shot(page, '06-sim-3ds');
    expect(page.mainFrame().url()).toContain('/FortAPI/3ds/');
    await page.type(sel('3ds-password'), '1234');
    await page.click(sel('3ds-submit'));
    await waitForUrl(page, /\/receipt\//);
    await page.waitForSelector(sel('token-name'));
    await shot(page, '07-store-receipt-saved-card');
    expect(await text(page, 'response-code')).toBe('14000');
    await page.goto(`${sb.store}checkout?method=card-custom&email=person.two@example.org`);
    await clickAndWait(page, 'place-order');
    await page.waitForSelector(sel('saved-card'));
    await shot(page, '08-store-saved-card-offered');
    await page.close();
  });

  it('standard checkout: the card form in a frame on the store page, 3-D Secure and the receipt in the top window', async () => {
    const page = await browser.newPage();
    await page.goto(`${sb.store}checkout?method=card-standard`);
    await page.type(sel('customer-email'), 'person.four@example.org');
    await clickAndWait(page, 'place-order');
    expect(page.url()).toMatch(/\/standard\//);
    const handle = await page.waitForSelector(sel('standard-frame'));
    const frame = (await handle!.contentFrame())!;
    await frame.waitForSelector(sel('standard-checkout'));
    // APS's form, in the frame; the store's page around it.
    expect(frame.url()).toContain('/FortAPI/merchantPage/');
    expect(page.url().startsWith(sb.store)).toBe(true);
    await frame.type(sel('card-number'), '4557012345678902');
    await frame.type(sel('card-expiry'), '05/30');
    await frame.type(sel('card-cvv'), '123');
    await shot(page, '08b-store-standard-checkout');
    await frame.click(sel('pay-button'));
    await waitForUrl(page, /\/FortAPI\/3ds\//);
    expect(page.mainFrame().url()).toContain('/FortAPI/3ds/');
    await page.waitForSelector(sel('3ds-password'));
    await page.type(sel('3ds-password'), '1234');
    await page.click(sel('3ds-submit'));
    await waitForUrl(page, /\/receipt\//);
    await page.waitForSelector(sel('response-code'));
    await shot(page, '08c-store-standard-receipt');
    expect(await text(page, 'response-code')).toBe('14000');
    expect(page.frames()).toHaveLength(1);
    await page.close();
  });

  it('KNET success with the confirmation page and the receipt ids', async () => {
    const page = await browser.newPage();
    await page.goto(`${sb.store}?method=knet`);
    await shot(page, '09-store-product-knet');
    await clickAndWait(page, 'buy-now');
    await page.type(sel('customer-email'), 'person.three@example.org');
    await page.click(sel('place-order'));
    await waitForUrl(page, /\/FortAPI\/lpm\//);
    await page.waitForSelector(sel('knet-card'));
    await page.select(sel('knet-bank'), 'Knet Test Card [KNET1]');
    await page.type(sel('knet-card'), '0000000001');
    await page.type(sel('knet-expiry'), '09/30');
    await page.type(sel('knet-pin'), '1234');
    await shot(page, '10-sim-knet-page');
    await clickAndWait(page, 'knet-submit');
    await shot(page, '11-sim-knet-confirmation');
    await page.click(sel('knet-continue'));
    await waitForUrl(page, /\/receipt\//);
    await page.waitForSelector(sel('knet-ref-number'));
    await shot(page, '12-store-knet-receipt');
    expect(await text(page, 'knet-ref-number')).toMatch(/^\d{12}$/);
    expect(await text(page, 'third-party-transaction-number')).toMatch(/^\d{16}$/);
    await page.close();
  });

  it('NAPS declined in Arabic, right to left throughout', async () => {
    const page = await browser.newPage();
    await page.goto(`${sb.store}?method=naps&lang=ar`);
    await shot(page, '13-store-product-ar');
    await clickAndWait(page, 'buy-now');
    await page.type(sel('customer-email'), 'person.four@example.org');
    await shot(page, '14-store-checkout-ar');
    await page.click(sel('place-order'));
    await waitForUrl(page, /\/FortAPI\/lpm\//);
    await page.waitForSelector(sel('naps-card'));
    expect(await page.$eval('html', (h) => h.getAttribute('dir'))).toBe('rtl');
    await page.type(sel('naps-card'), '4215375500883243');
    await page.type(sel('naps-expiry'), '06/30');
    await page.type(sel('naps-pin'), '1234');
    await shot(page, '15-sim-naps-ar');
    await clickAndWait(page, 'naps-submit');
    await page.type(sel('naps-otp'), '0000');
    await shot(page, '16-sim-naps-otp-ar');
    await clickAndWait(page, 'naps-submit');
    await shot(page, '17-sim-naps-confirmation-ar');
    await page.click(sel('naps-continue'));
    await waitForUrl(page, /\/receipt\//);
    await page.waitForSelector(sel('response-code'));
    await shot(page, '18-store-receipt-ar');
    expect(await text(page, 'result-outcome')).toBe('declined');
    expect(await page.$eval('html', (h) => h.getAttribute('dir'))).toBe('rtl');
    await page.close();
  });

  it('Apple Pay through a page-defined ApplePaySession stand-in', async () => {
    const page = await browser.newPage();
    await page.evaluateOnNewDocument(() => {
      const w = window as unknown as Record<string, unknown>;
      class FakeSession {
        static STATUS_SUCCESS = 0;
        static STATUS_FAILURE = 1;
        static canMakePayments() {
          return true;
        }
        onvalidatemerchant: ((e: unknown) => void) | null = null;
        onpaymentauthorized: ((e: unknown) => void) | null = null;
        oncancel: (() => void) | null = null;
        constructor(
          public version: number,
          public request: unknown,
        ) {
          w.__applePayRequest = { version, request };
        }
        begin() {
          this.onvalidatemerchant?.({
            validationURL: 'https://apple-pay-gateway.apple.com/paymentservices/startSession',
          });
        }
        completeMerchantValidation(session: unknown) {
          w.__merchantSession = session;
          this.onpaymentauthorized?.({
            payment: {
              token: {
                paymentData: {
                  data: 'ZW5j',
                  signature: 'c2ln',
                  header: { ephemeralPublicKey: 'a2V5', publicKeyHash: 'aGFzaA==', transactionId: 'tx9' },
                  version: 'EC_v1',
                },
                paymentMethod: { displayName: 'Visa 0492', network: 'Visa', type: 'debit' },
                transactionIdentifier: 'tx9',
              },
            },
          });
        }
        completePayment(status: number) {
          w.__applePayStatus = status;
        }
      }
      w.ApplePaySession = FakeSession;
    });
    await page.goto(`${sb.store}checkout`);
    await page.waitForSelector(sel('apple-pay-button'), { visible: true });
    await page.type(sel('customer-email'), 'person.five@example.org');
    await shot(page, '19-store-checkout-applepay');
    await page.click(sel('apple-pay-button'));
    await waitForUrl(page, /\/receipt\//);
    await page.waitForSelector(sel('response-code'));
    expect(await text(page, 'response-code')).toBe('14000');
    await page.close();
  });

  it('hides the Apple Pay button when ApplePaySession does not exist', async () => {
    const page = await browser.newPage();
    await page.goto(`${sb.store}checkout`);
    expect(await page.$eval(sel('apple-pay-button'), (b) => (b as HTMLElement).offsetParent === null)).toBe(true);
    await page.close();
  });

  it('STC Pay with phone and OTP typed by the customer', async () => {
    const page = await browser.newPage();
    await page.goto(`${sb.store}checkout?method=stcpay`);
    await page.type(sel('customer-email'), 'person.six@example.org');
    await clickAndWait(page, 'place-order');
    await page.type(sel('stcpay-phone'), '0501234567');
    await shot(page, '20-store-stcpay-phone');
    await clickAndWait(page, 'stcpay-send-otp');
    await page.type(sel('stcpay-otp'), '123456');
    await shot(page, '21-store-stcpay-otp');
    await clickAndWait(page, 'stcpay-confirm');
    expect(await text(page, 'response-code')).toBe('14000');
    await page.close();
  });

  it('subscription: consent page, then charge next period', async () => {
    const page = await browser.newPage();
    await page.goto(`${sb.store}subscribe`);
    await page.type(sel('customer-email'), 'person.seven@example.org');
    await page.click(sel('recurring-consent'));
    await shot(page, '22-store-subscribe');
    await page.click(sel('subscribe-button'));
    await waitForUrl(page, /\/FortAPI\/pay\//);
    await page.waitForSelector(sel('card-number'));
    await page.type(sel('card-number'), '4005550000000001');
    await page.type(sel('card-expiry'), '05/30');
    await page.type(sel('card-cvv'), '123');
    await page.click(sel('pay-button'));
    await waitForUrl(page, /\/receipt\//);
    await page.waitForSelector(sel('agreement-id'));
    await shot(page, '23-store-subscription-receipt');
    const agreement = await text(page, 'agreement-id');
    await clickAndWait(page, 'charge-next');
    expect(await text(page, 'agreement-id')).toBe(agreement);
    expect(await text(page, 'response-code')).toBe('14000');
    await shot(page, '24-store-mit-receipt');
    await page.close();
  });
});
