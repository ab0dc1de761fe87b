import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../shared/schema/evidence';
import {
  applyPageValues,
  ledgerFromExchanges,
  setManualValue,
  valuesFromText,
} from '../../electron/engine/capture/ledger';
import { parseBody } from '../../electron/engine/capture/body';
import { createRedactor, SECRET_MARKER } from '../../electron/engine/redact/index';
import { linkSimulatorExchanges, type SimExchange } from '../../electron/engine/capture/simulator-log';

const ex = (over: Partial<Exchange>): Exchange => ({
  id: 'x',
  kind: 'paymentPage',
  method: 'POST',
  url: 'http://aps/FortAPI/paymentPage',
  requestFields: {},
  startedAt: '2026-01-01T00:00:00.000Z',
  step: 0,
  frame: 'top',
  popup: false,
  observedBy: 'browser',
  ...over,
});

describe('redaction of recorded fields', () => {
  it('masks card numbers to first 6 and last 4, drops CVV, blanks credentials and scrubs secret values', () => {
    const out = createRedactor(['AC123456']).fields({
      card_number: '4005550000000001',
      card_security_code: '123',
      access_code: 'AC123456',
      signature: 'abc',
      merchant_extra: 'note AC123456 here',
      apple_data: { card: '5297412542005689' },
      merchant_reference: '4111111111111111',
    });
    expect(out.card_number).toBe('400555******0001');
    expect(out).not.toHaveProperty('card_security_code');
    expect(out.access_code).toBe(SECRET_MARKER);
    expect(out.merchant_extra).toBe(`note ${SECRET_MARKER} here`);
    expect((out.apple_data as Record<string, string>).card).toBe('529741******5689');
    // References are long digit strings too, and must stay readable even when one passes Luhn.
    expect(out.merchant_reference).toBe('4111111111111111');
    expect(out.signature).toBe('abc');
  });

  it('masks in URLs and parses form and JSON bodies', () => {
    const r = createRedactor([]);
    expect(r.url('http://x/p?card_number=4005550000000001&a=1')).toContain('card_number=400555******0001');
    expect(r.url('http://x/p?a=1&b=x%20y')).toBe('http://x/p?a=1&b=x%20y');
    expect(parseBody('a=1&b=x%20y', 'application/x-www-form-urlencoded')).toEqual({ a: '1', b: 'x y' });
    expect(parseBody('{"a":{"b":1}}', 'application/json')).toEqual({ a: { b: 1 } });
    expect(parseBody('{"a":', 'application/json')._body).toMatch(/^5 bytes of application\/json \(not JSON: /);
  });
});

describe('ledger', () => {
  it("takes the request, then APS's answer, ignoring CHECK_STATUS queries", () => {
    const ledger = ledgerFromExchanges([
      ex({
        startedAt: '2026-01-01T00:00:01Z',
        requestFields: { merchant_reference: 'R1', amount: '10000', currency: 'SAR', command: 'PURCHASE' },
      }),
      ex({
        kind: 'return',
        startedAt: '2026-01-01T00:00:03Z',
        requestFields: { merchant_reference: 'R1', fort_id: 'F1', response_code: '14000', status: '14' },
      }),
      ex({
        kind: 'paymentApi',
        startedAt: '2026-01-01T00:00:04Z',
        requestFields: { query_command: 'CHECK_STATUS', merchant_reference: 'R1' },
        responseFields: { status: '12', response_code: '12000' },
      }),
    ]);
    expect(ledger.values).toMatchObject({
      merchant_reference: 'R1',
      fort_id: 'F1',
      response_code: '14000',
      status: '14',
      amount: '10000',
      currency: 'SAR',
    });
    expect(ledger.sources.fort_id).toBe('traffic');
  });

  it('lets page values fill only gaps, and never overwrites a value entered by hand', () => {
    let ledger = ledgerFromExchanges([ex({ requestFields: { merchant_reference: 'R1' } })]);
    ledger = applyPageValues(ledger, { merchant_reference: 'PAGE', knet_ref_number: 'K9', unrelated: 'x' });
    expect(ledger.values).toEqual({ merchant_reference: 'R1', knet_ref_number: 'K9' });
    expect(ledger.sources.knet_ref_number).toBe('page');
    ledger = setManualValue(ledger, 'fort_id', 'F-hand');
    ledger = ledgerFromExchanges([ex({ kind: 'return', requestFields: { fort_id: 'F-traffic' } })], ledger);
    expect(ledger.values.fort_id).toBe('F-hand');
    expect(ledger.sources.fort_id).toBe('manual');
  });

  it('reads pattern rules from page text', () => {
    expect(
      valuesFromText(
        [{ field: 'knet_ref_number', pattern: 'Ref(?:erence)? ?No\\.?:? (\\d+)' }],
        'KNET Reference No: 998877\nx',
      ),
    ).toEqual({ knet_ref_number: '998877' });
  });
});

describe('simulator log linking', () => {
  const sim = (
    seq: number,
    kind: Exchange['kind'],
    fields: Record<string, unknown>,
    response?: Record<string, unknown>,
  ): SimExchange => ({
    ...ex({ kind, requestFields: fields, responseFields: response, observedBy: 'simulator', step: -1 }),
    seq,
  });

  it('keeps the server-to-server calls of this scenario only, following fort ids, without doubling browser posts', () => {
    const log = [
      sim(1, 'paymentPage', { merchant_reference: 'R1' }),
      sim(2, 'paymentApi', { merchant_reference: 'R1', access_code: 'SECRETCODE1' }, { fort_id: 'F1' }),
      sim(3, 'feedback', { fort_id: 'F1' }),
      sim(4, 'paymentApi', { merchant_reference: 'OTHER' }, { fort_id: 'F2' }),
    ];
    const linked = linkSimulatorExchanges(log, { merchant_reference: ['R1'] }, ['SECRETCODE1']);
    expect(linked.map((x) => x.id)).toEqual(['s2', 's3']);
    expect(JSON.stringify(linked)).not.toContain('SECRETCODE1');
    expect(linked.every((x) => x.observedBy === 'simulator')).toBe(true);
  });

  it("files feedback sent to the store's own hosts only, not the posts a shared simulator sent to another store", () => {
    const to = (seq: number, url: string) => ({ ...sim(seq, 'feedback', { merchant_reference: 'R1' }), url });
    const log = [
      to(1, 'http://127.0.0.1:4100/payments/aps/notify'),
      to(2, 'http://127.0.0.1:40929/feedback/direct'),
      sim(3, 'paymentApi', { merchant_reference: 'R1' }),
    ];
    const linked = linkSimulatorExchanges(log, { merchant_reference: ['R1'] }, [], ['127.0.0.1:4100']);
    expect(linked.map((x) => x.id)).toEqual(['s1', 's3']);
    // A workspace that names none of its URLs keeps every post carrying its references.
    expect(linkSimulatorExchanges(log, { merchant_reference: ['R1'] }, []).map((x) => x.id)).toEqual([
      's1',
      's2',
      's3',
    ]);
  });
});
