import { describe, expect, it } from 'vitest';
import { computeSignature, hashSignatureString, type ApsParams } from '../../electron/engine/aps/signature';
import { verifyEvidence, type VerifyReport } from '../../electron/engine/verify';
import type { ScenarioEvidence } from '../../shared/schema/evidence';
import type { Workspace } from '../../shared/schema/workspace';
import {
  APPLE_SECRETS,
  SECRETS,
  collected,
  correctEvidence,
  expectBilingual,
  recurring,
  signRequest,
  workspace,
} from './evidence-builder';

const hosted = workspace({ integrationTypes: ['hosted'], methods: ['VISA', 'MASTERCARD', 'MADA', 'KNET', 'NAPS'] });
const custom = workspace({ integrationTypes: ['custom_non_pci'], methods: ['VISA', 'MASTERCARD', 'MADA', 'STCPAY'] });
const recurringWs = workspace({ integrationTypes: ['hosted', 'recurring'], methods: ['VISA', 'MASTERCARD'] });
const applePay = workspace({ integrationTypes: ['apple_pay_web'], methods: ['APPLE_PAY'] });

async function verify(ws: Workspace, list: ScenarioEvidence[]): Promise<VerifyReport> {
  const report = await verifyEvidence(ws, collected(list), { secrets: SECRETS, appleSecrets: APPLE_SECRETS });
  expectBilingual(report);
  return report;
}

/** The named checkpoint fails with a fix, and nothing else fails. */
function expectOnly(report: VerifyReport, id: string, summary: RegExp): void {
  const failed = report.results.filter((r) => r.status === 'failed');
  expect(failed.map((r) => r.checkpointId)).toEqual([id]);
  expect(failed[0].summary).toMatch(summary);
  expect(failed[0].fix ?? '').not.toBe('');
  expect(failed[0].evidence.length).toBeGreaterThan(0);
}

const byId = (list: ScenarioEvidence[], id: string) => list.find((e) => e.scenarioId === id)!;
const resign = (fields: Record<string, unknown>) => {
  const { signature: _s, ...rest } = fields as Record<string, string>;
  void _s;
  fields.signature = signRequest(rest);
};

describe('each integrator mistake is caught by its own checkpoint', () => {
  it('static customer_email', async () => {
    const list = correctEvidence(hosted, () => ({ extraFields: { customer_email: 'customer@shop.test' } }));
    expectOnly(
      await verify(hosted, list),
      'customer-email',
      /customer@shop\.test.*not the one the customer typed|same customer_email/,
    );
  });

  it('placeholder email is named as a placeholder', async () => {
    const list = correctEvidence(hosted, () => ({ extraFields: { customer_email: 'test@test.com' } }));
    expectOnly(await verify(hosted, list), 'customer-email', /a placeholder/);
  });

  it('static customer_ip (server or fixed address)', async () => {
    const list = correctEvidence(custom, () => ({ extraFields: { customer_ip: '10.20.30.40' } }));
    expectOnly(await verify(custom, list), 'customer-ip', /10\.20\.30\.40.*browser came from 127\.0\.0\.1/);
  });

  it('http return_url', async () => {
    const list = correctEvidence(hosted, () => ({ extraFields: { return_url: 'http://127.0.0.1:4100/aps/return' } }));
    expectOnly(await verify(hosted, list), 'return-url-post', /not https/);
  });

  it('http return_url on a sandbox staging store is a warning, not a failure', async () => {
    const staging = workspace({ ...hosted, account: { name: 'Demo Store', environment: 'sandbox' } });
    const list = correctEvidence(staging, () => ({ extraFields: { return_url: 'http://127.0.0.1:4100/aps/return' } }));
    const r = (await verify(staging, list)).results.find((x) => x.checkpointId === 'return-url-post')!;
    expect(r.status).toBe('warn');
  });

  it('return handler that refuses POST', async () => {
    const list = correctEvidence(hosted);
    for (const ev of list) for (const x of ev.exchanges) if (x.kind === 'return') x.responseStatus = 405;
    expectOnly(await verify(hosted, list), 'return-url-post', /HTTP 405/);
  });

  it('3DS in an iframe', async () => {
    const list = correctEvidence(hosted);
    const ev = byId(list, 'card-3ds-success');
    const x = ev.exchanges.find((e) => e.url.includes('/3ds/'))!;
    x.frame = 'iframe';
    ev.screenshots = ev.screenshots.filter((s) => s.slot !== 'general.three_ds');
    expectOnly(await verify(hosted, list), 'three-ds-top-window', /card-3ds-success.*iframe/);
  });

  it('3DS in a popup (custom integration)', async () => {
    const list = correctEvidence(custom);
    const ev = byId(list, 'mada-success');
    ev.exchanges.find((e) => e.url.includes('/3ds/') && e.kind === 'other')!.popup = true;
    expectOnly(await verify(custom, list), 'three-ds-top-window', /mada-success.*popup/);
  });

  it('3DS popup reported by the capture engine as a scenario error', async () => {
    const list = correctEvidence(custom);
    const ev = byId(list, 'card-3ds-success');
    const url = ev.exchanges.find((e) => e.kind === 'other' && e.url.includes('/3ds/'))!.url;
    ev.exchanges = ev.exchanges.filter((e) => !(e.kind === 'other' && e.url.includes('/3ds/')));
    ev.status = 'failed';
    ev.error = {
      message: `the page opened a popup window (${url}); APS requires payment and 3-D Secure pages in the main window`,
      step: 11,
    };
    expectOnly(
      await verify(custom, list),
      'three-ds-top-window',
      new RegExp(`card-3ds-success: the 3DS page ${url.replace(/[.?]/g, '\\$&')} opened in a popup window`),
    );
  });

  it('custom integration that never follows the 3ds_url', async () => {
    const list = correctEvidence(custom);
    const ev = byId(list, 'card-3ds-success');
    ev.exchanges = ev.exchanges.filter((e) => !(e.kind === 'other' && e.url.includes('/3ds/')));
    ev.screenshots = ev.screenshots.filter((s) => s.slot !== 'general.three_ds');
    expectOnly(await verify(custom, list), 'three-ds-top-window', /never opened it/);
  });

  it('KNET receipt without the KNET ids', async () => {
    const list = correctEvidence(hosted);
    const receipt = byId(list, 'knet-success').screenshots.at(-1)!;
    receipt.text = receipt.text!.replace(/KNET reference .*$/, '');
    expectOnly(await verify(hosted, list), 'knet-receipt', /knet_ref_number.*third_party_transaction_number/);
  });

  it('request signed over an empty parameter is named as that mistake', async () => {
    const list = correctEvidence(hosted);
    const x = byId(list, 'card-non3ds-success').exchanges.find((e) => e.kind === 'paymentPage')!;
    x.requestFields.customer_name = '';
    const names = Object.keys({ ...x.requestFields, access_code: '' })
      .filter((k) => k !== 'signature')
      .sort();
    const all = { ...x.requestFields, access_code: SECRETS.accessCode } as Record<string, unknown>;
    const body = names.map((k) => `${k}=${String(all[k] ?? '')}`).join('');
    x.requestFields.signature = hashSignatureString(
      SECRETS.requestPhrase! + body + SECRETS.requestPhrase!,
      SECRETS.requestPhrase!,
      'sha256',
    );
    expectOnly(await verify(hosted, list), 'request-signature', /empty parameter\(s\) customer_name/);
  });

  it('request signed with the response phrase, or before a field was added', async () => {
    const list = correctEvidence(hosted);
    const a = byId(list, 'card-non3ds-success').exchanges.find((e) => e.kind === 'paymentPage')!;
    a.requestFields.signature = computeSignature(
      { ...a.requestFields, access_code: SECRETS.accessCode } as ApsParams,
      SECRETS.responsePhrase!,
      'sha256',
    );
    const b = byId(list, 'card-declined').exchanges.find((e) => e.kind === 'paymentPage')!;
    b.requestFields.order_description = 'Order 7';
    const report = await verify(hosted, list);
    expectOnly(report, 'request-signature', /response phrase/);
    expect(report.results.find((r) => r.checkpointId === 'request-signature')!.summary).toMatch(
      /order_description is posted but was not signed/,
    );
  });

  it('extra parameter APS refuses with 00027', async () => {
    const list = correctEvidence(hosted, () => ({ extraFields: { integration_type: 'hosted' } }));
    expectOnly(await verify(hosted, list), 'request-signature', /refuses as extra \(00027\): integration_type/);
  });

  it('the optional families the SDKs send (addresses, fraud fields, items) are not extra parameters', async () => {
    const families = {
      billing_street: 'King Fahd Road 100',
      shipping_city: 'Jeddah',
      customer_first_name: 'Noura',
      item_sku: 'MUG-1',
      statement_descriptor: 'CERTKIT SHOP',
    };
    const fine = await verify(
      hosted,
      correctEvidence(hosted, () => ({ extraFields: families })),
    );
    expect(fine.results.find((r) => r.checkpointId === 'request-signature')!.status).toBe('passed');
    const tooLong = correctEvidence(hosted, () => ({ extraFields: { customer_first_name: 'N'.repeat(31) } }));
    expectOnly(await verify(hosted, tooLong), 'request-signature', /customer_first_name is 31 characters, at most 30/);
  });

  it('STC Pay phone and OTP fixed in the code', async () => {
    const list = correctEvidence(custom, () => ({ extraFields: {} }));
    for (const id of ['stcpay-success', 'stcpay-declined']) {
      for (const x of byId(list, id).exchanges.filter((e) => e.kind === 'paymentApi')) {
        x.requestFields.phone_number = '0555000111';
        resign(x.requestFields);
      }
    }
    const declined = byId(list, 'stcpay-declined').exchanges.find((e) => e.requestFields.command)!;
    Object.assign(declined.responseFields!, { response_code: '14000', status: '14' });
    expectOnly(
      await verify(custom, list),
      'stcpay-dynamic',
      /0555000111 is not the number the customer typed.*otp sent was not the customer's/,
    );
  });

  it('tokenization sent from the merchant server', async () => {
    const list = correctEvidence(custom);
    const ev = byId(list, 'card-non3ds-success');
    ev.exchanges = ev.exchanges.filter((e) => !(e.requestFields.service_command === 'TOKENIZATION'));
    expectOnly(await verify(custom, list), 'tokenization-client-side', /never posted a TOKENIZATION form/);
  });

  it('a TOKENIZATION post seen only in the simulator log names the server address', async () => {
    const list = correctEvidence(custom);
    const x = byId(list, 'card-declined').exchanges.find(
      (e) => e.requestFields.service_command === 'TOKENIZATION' && e.kind === 'paymentPage',
    )!;
    Object.assign(x, { observedBy: 'simulator', remoteAddress: '10.0.0.7' });
    expectOnly(await verify(custom, list), 'tokenization-client-side', /came from 10\.0\.0\.7/);
  });

  it('amount returned differs from the amount requested', async () => {
    const list = correctEvidence(hosted);
    const ret = byId(list, 'card-non3ds-success').exchanges.find((e) => e.kind === 'return')!;
    ret.requestFields.amount = '14900';
    expectOnly(await verify(hosted, list), 'amount-validation', /requested 15000 SAR, APS returned 14900 SAR/);
  });

  it('KWD amounts are read with 3 decimals on the receipt', async () => {
    const list = correctEvidence(hosted);
    const receipt = byId(list, 'knet-success').screenshots.at(-1)!;
    expect(receipt.text).toContain('10.500 KWD');
    receipt.text = receipt.text!.replace('10.500', '105.00');
    const report = await verify(hosted, list);
    expect(report.results.find((r) => r.checkpointId === 'knet-receipt')!.status).toBe('failed');
    expect(report.results.find((r) => r.checkpointId === 'amount-validation')!.summary).toMatch(
      /does not show 10\.500 KWD/,
    );
  });

  it('AUTHORIZATION with mada', async () => {
    const list = correctEvidence(hosted, (id) =>
      id === 'mada-success' ? { extraFields: { command: 'AUTHORIZATION' } } : {},
    );
    expectOnly(await verify(hosted, list), 'command', /mada accepts PURCHASE only, not AUTHORIZATION/);
  });

  it('NAPS Arabic run that shows English pages', async () => {
    const list = correctEvidence(hosted);
    for (const s of byId(list, 'naps-success-ar').screenshots)
      Object.assign(s, { lang: 'en', dir: 'ltr', text: 'Payment' });
    expectOnly(await verify(hosted, list), 'naps-languages', /naps-success-ar: \d of \d page\(s\) are not in Arabic/);
  });

  it('agreement_id too long and with special characters', async () => {
    const list = [
      ...correctEvidence(recurringWs).filter((e) => !e.scenarioId.startsWith('recurring-')),
      ...recurring({ agreementId: 'AGR-2026-11-20-0001' }),
    ];
    expectOnly(await verify(recurringWs, list), 'recurring-agreement', /must be letters and digits only, at most 15/);
  });

  it('MIT that ignores the agreement_id and token APS returned', async () => {
    const base = correctEvidence(recurringWs).filter((e) => !e.scenarioId.startsWith('recurring-'));
    const list = [
      ...base,
      ...recurring({ returnedAgreementId: 'APS99RETURNED', mitAgreementId: 'AGR7731X', mitToken: 'TKNOTHER' }),
    ];
    const report = await verify(recurringWs, list);
    const failed = report.results.filter((r) => r.status === 'failed').map((r) => r.checkpointId);
    expect(failed.sort()).toEqual(['recurring-agreement', 'recurring-token']);
    expect(report.results.find((r) => r.checkpointId === 'recurring-agreement')!.summary).toMatch(
      /APS returned APS99RETURNED/,
    );
  });

  it('recurring_mode VARIABLE without its plan fields', async () => {
    const list = [
      ...correctEvidence(recurringWs).filter((e) => !e.scenarioId.startsWith('recurring-')),
      ...recurring({ mode: { recurring_days_between_payments: undefined } }),
    ];
    expectOnly(await verify(recurringWs, list), 'recurring-mode', /recurring_days_between_payments is missing/);
  });

  it('Apple Pay request without mada, supports3DS or SA', async () => {
    const list = correctEvidence(applePay);
    list[0].applePay = {
      ...list[0].applePay!,
      version: 3,
      request: {
        countryCode: 'AE',
        supportedNetworks: ['visa', 'masterCard', 'mada'],
        merchantCapabilities: ['supportsCredit'],
      },
    };
    const report = await verify(applePay, list);
    const failed = report.results
      .filter((r) => r.status === 'failed')
      .map((r) => r.checkpointId)
      .sort();
    expect(failed).toEqual(['applepay-capability-web', 'applepay-country', 'applepay-networks']);
    expect(report.results.find((r) => r.checkpointId === 'applepay-networks')!.summary).toMatch(/lacks amex/);
    expect(report.results.find((r) => r.checkpointId === 'applepay-country')!.summary).toMatch(
      /countryCode is AE.*version 3/,
    );
  });
});

describe('what the verifier will not claim', () => {
  it('a workspace with no runs gives no-evidence rows, never passes', async () => {
    const report = await verify(hosted, []);
    expect(report.counts.passed).toBe(0);
    expect(report.counts.failed).toBe(0);
    const rows = report.results.filter((r) => r.status === 'no-evidence');
    expect(rows.length).toBeGreaterThan(5);
    for (const r of rows) expect(r.fix).toMatch(/Run scenario [a-z0-9-]+.*certkit run <workspace> --only/);
    expect(report.results.find((r) => r.checkpointId === 'knet-receipt')!.fix).toMatch(/knet-success/);
  });

  it('without the request phrase the signature is not passed', async () => {
    const report = await verifyEvidence(hosted, collected(correctEvidence(hosted)), {});
    const r = report.results.find((x) => x.checkpointId === 'request-signature')!;
    expect(r.status).toBe('needs-confirmation');
    expect(r.summary).toMatch(/needs the request phrase/);
  });

  it('APS answering 00008 fails the signature even without the phrase', async () => {
    const list = correctEvidence(hosted);
    const ret = byId(list, 'card-declined').exchanges.find((e) => e.kind === 'return')!;
    Object.assign(ret.requestFields, { response_code: '00008', status: '00', response_message: 'Signature mismatch' });
    const report = await verifyEvidence(hosted, collected(list), {});
    expect(report.results.find((x) => x.checkpointId === 'request-signature')!.summary).toMatch(/00008/);
  });

  it('the response signature is not passed without the opt-in probe', async () => {
    const r = (await verify(hosted, correctEvidence(hosted))).results.find(
      (x) => x.checkpointId === 'response-signature',
    )!;
    expect(r.status).toBe('needs-confirmation');
    expect(r.fix).toMatch(/--probe-response/);
  });
});
