import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../shared/schema/evidence';
import { ApsCallError, callPaymentApi, checkAnswer } from '../../electron/engine/aps/client';
import { confirmWithCheckStatus } from '../../electron/engine/capture/check-status';
import { startSandbox, type SandboxHandle } from '../../electron/engine/sandbox';

// The one APS client against the simulator: what the demo store and CHECK_STATUS confirmation both rest on.

let sb: SandboxHandle;
let paid: LedgerEntry;

beforeAll(async () => {
  sb = await startSandbox({ feedbackRetry: { tries: 1, intervalMs: 5 } });
  // An STC Pay order is paid entirely server-to-server, so no browser is needed to get a real transaction.
  const form = (url: string, fields: Record<string, string>) =>
    fetch(url, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
  const order = await form(`${sb.store}order`, { email: 'shopper.c@example.org', method: 'stcpay', lang: 'en' });
  const ref = order.headers.get('location')!.split('/').pop()!;
  await form(`${sb.store}stcpay/${ref}/otp`, { phone: '0557654321' });
  await form(`${sb.store}stcpay/${ref}/pay`, { otp: '123456' });
  const stored = (await (await fetch(`${sb.store}__store/orders/${ref}`)).json()) as {
    state: string;
    result: Record<string, string>;
  };
  expect(stored.state).toBe('paid');
  paid = {
    values: { merchant_reference: ref, fort_id: stored.result.fort_id, status: stored.result.status },
    sources: {},
  };
});
afterAll(async () => {
  await sb?.close();
});

const secrets = () => ({
  accessCode: sb.merchant.access_code,
  requestPhrase: sb.merchant.sha_request_phrase,
  responsePhrase: sb.merchant.sha_response_phrase,
  shaType: sb.merchant.sha_type,
});
const target = () => ({ paymentApi: sb.paymentApi, merchantIdentifier: sb.merchant.merchant_identifier });

describe('APS client', () => {
  it('signs, posts and checks the signed answer; a wrong phrase or a refused request does not pass', async () => {
    const fields = {
      query_command: 'CHECK_STATUS',
      access_code: sb.merchant.access_code,
      merchant_identifier: sb.merchant.merchant_identifier,
      merchant_reference: paid.values.merchant_reference!,
      language: 'en',
    };
    const keys = { requestPhrase: sb.merchant.sha_request_phrase, shaType: sb.merchant.sha_type };
    const answer = await callPaymentApi(fields, {
      paymentApi: sb.paymentApi,
      keys: { ...keys, responsePhrase: sb.merchant.sha_response_phrase },
    });
    expect(answer.httpStatus).toBe(200);
    expect(answer.fields.status).toBe('12');
    expect(answer.check).toEqual({ ok: true });
    expect(typeof answer.request.signature).toBe('string');
    expect(checkAnswer(answer.fields, { ...keys, responsePhrase: 'not-the-phrase' })).toEqual({
      ok: false,
      why: 'the response signature does not match',
    });
    // A request signed with the wrong phrase is refused with status 00, unsigned, and the reason names it.
    const refused = await callPaymentApi(fields, {
      paymentApi: sb.paymentApi,
      keys: { ...keys, requestPhrase: 'wrong-phrase' },
    });
    expect(refused.check.ok).toBe(false);
    if (!refused.check.ok) expect(refused.check.why).toMatch(/^APS refused the request: 00008/);
  });

  it('says what went wrong when no JSON answer comes back', async () => {
    const html = http.createServer((_req, res) =>
      res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>x</h1>'),
    );
    await new Promise<void>((resolve) => html.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(html.address() as AddressInfo).port}/FortAPI/paymentApi`;
    const keys = { requestPhrase: 'p', shaType: 'sha256' as const };
    await expect(callPaymentApi({ a: '1' }, { paymentApi: url, keys })).rejects.toThrow(
      /answered HTTP 502 with 10 bytes that are not JSON/,
    );
    await new Promise<void>((resolve) => html.close(() => resolve()));
    const err = await callPaymentApi({ a: '1' }, { paymentApi: url, keys }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApsCallError);
    expect((err as ApsCallError).message).toMatch(/could not be reached: .*ECONNREFUSED/);
  });
});

describe('CHECK_STATUS confirmation', () => {
  it("agrees with a paid order's ledger", async () => {
    const r = await confirmWithCheckStatus(paid, { ...target(), secrets: secrets() });
    expect(r).toMatchObject({ ok: true, transactionStatus: '14' });
  });

  it('does not confirm on a status that differs, an answer it cannot trust, or no answer', async () => {
    const other = await confirmWithCheckStatus(
      { ...paid, values: { ...paid.values, status: '13' } },
      { ...target(), secrets: secrets() },
    );
    expect(other).toMatchObject({ ok: false, message: 'APS says status 14, the flow ended with 13' });
    const untrusted = await confirmWithCheckStatus(paid, {
      ...target(),
      secrets: { ...secrets(), responsePhrase: 'not-the-phrase' },
    });
    expect(untrusted).toMatchObject({
      ok: false,
      message: 'CHECK_STATUS answer not trusted: the response signature does not match',
    });
    const closed = await confirmWithCheckStatus(paid, {
      paymentApi: 'http://127.0.0.1:9/FortAPI/paymentApi',
      merchantIdentifier: sb.merchant.merchant_identifier,
      secrets: secrets(),
    });
    expect(closed.ok).toBe(false);
    expect(closed.message).toMatch(/^CHECK_STATUS could not be asked: .*could not be reached/);
  });
});
