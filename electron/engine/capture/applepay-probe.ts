import type { Page } from 'puppeteer-core';
import { speaksCdp } from '../browser/engine';
import { applePayProbeSchema, type ApplePayProbe } from '../../../shared/schema/evidence';

/**
 * Runs in the page before any of its scripts (evaluateOnNewDocument). Browsers other than Safari have no
 * ApplePaySession, so merchant pages hide Apple Pay; this stand-in makes the page build its real payment
 * request, records it through the `__certkitApplePay` binding, and answers the session callbacks with a
 * test token so the flow reaches the merchant's server and APS.
 */
export const APPLE_PAY_BINDING = '__certkitApplePay';

export function applePayProbeSource(): string {
  return `(() => {
  if (window.ApplePaySession) return;
  const report = (kind, data) => { try {
    const json = JSON.stringify({ kind, data, url: location.href });
    if (window.${APPLE_PAY_BINDING}) window.${APPLE_PAY_BINDING}(json); else console.debug('${APPLE_PAY_BINDING}', json);
  } catch (e) {} };
  class CertkitApplePaySession extends EventTarget {
    constructor(version, request) {
      super();
      this.version = version; this.request = request;
      this.onvalidatemerchant = null; this.onpaymentmethodselected = null; this.onpaymentauthorized = null; this.oncancel = null;
      report('session', { version, request: JSON.parse(JSON.stringify(request || {})) });
    }
    static canMakePayments() { return true; }
    static canMakePaymentsWithActiveCard() { return Promise.resolve(true); }
    static supportsVersion(v) { return v >= 1 && v <= 14; }
    begin() {
      setTimeout(() => {
        const ev = { validationURL: 'https://apple-pay-gateway-cert.apple.com/paymentservices/startSession' };
        if (this.onvalidatemerchant) this.onvalidatemerchant(ev); else this.completeMerchantValidation({});
      }, 0);
    }
    completeMerchantValidation(session) {
      report('validated', { ok: !!session });
      setTimeout(() => {
        const network = ((this.request && this.request.supportedNetworks) || ['visa'])[0] || 'visa';
        const payment = { token: {
          paymentData: { version: 'EC_v1', data: 'Y2VydGtpdC10ZXN0LXRva2Vu', signature: 'Y2VydGtpdA==',
            header: { ephemeralPublicKey: 'Y2VydGtpdA==', publicKeyHash: 'Y2VydGtpdA==', transactionId: 'certkit' + Date.now() } },
          paymentMethod: { displayName: network.toUpperCase() + ' 0001', network, type: 'debit' },
          transactionIdentifier: 'CERTKIT' + Date.now() } };
        if (this.onpaymentauthorized) this.onpaymentauthorized({ payment });
      }, 0);
    }
    completePaymentMethodSelection() {}
    completeShippingContactSelection() {}
    completeShippingMethodSelection() {}
    completePayment(result) { report('completed', { status: typeof result === 'object' && result ? result.status : result }); }
    abort() { report('aborted', {}); if (this.oncancel) this.oncancel({}); }
  }
  CertkitApplePaySession.STATUS_SUCCESS = 0;
  CertkitApplePaySession.STATUS_FAILURE = 1;
  window.ApplePaySession = CertkitApplePaySession;
})();`;
}

export interface ApplePayReport {
  kind: 'session' | 'validated' | 'completed' | 'aborted';
  data: { version?: number; request?: Record<string, unknown>; status?: unknown };
  url: string;
}

/**
 * Installs the stand-in in every document of `page`; returns a reader of the last Apple Pay request it saw.
 *
 * Chromium gets a binding (exposeFunction), whose call carries its argument. Over WebDriver BiDi (Firefox) an
 * exposed function's arguments are read back from the page afterwards, and a checkout that moves on to its result
 * page at once has taken them with it (seen in the demo: the request was never recorded); there the stand-in reports
 * on the console, whose entries arrive with their values.
 */
export async function watchApplePay(page: Page): Promise<() => ApplePayProbe | undefined> {
  let probe: ApplePayProbe | undefined;
  const received = (json: string) => {
    const report = JSON.parse(json) as ApplePayReport;
    if (report.kind !== 'session') return;
    const parsed = applePayProbeSchema.safeParse({
      version: Number(report.data.version),
      request: report.data.request ?? {},
      url: report.url,
      at: new Date().toISOString(),
    });
    if (parsed.success) probe = parsed.data;
  };
  if (speaksCdp(page.browser())) {
    await page.exposeFunction(APPLE_PAY_BINDING, received);
  } else {
    // The entry's text is its arguments joined by a space: the marker, then the report.
    const prefix = `${APPLE_PAY_BINDING} `;
    page.on('console', (message) => {
      const text = message.text();
      if (!text.startsWith(prefix)) return;
      try {
        received(text.slice(prefix.length));
      } catch {
        // Not a report of the stand-in's (a page writing the same marker): nothing to record.
      }
    });
  }
  await page.evaluateOnNewDocument(applePayProbeSource());
  return () => probe;
}
