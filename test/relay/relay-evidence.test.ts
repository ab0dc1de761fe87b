// How relay records become evidence: which scenario each belongs to, and the checkpoints decided from them
// (sdk-token-server, inbound-ip, feedback-urls), each with the cases that must pass, fail or stay open.
import { describe, expect, it } from 'vitest';
import { EVIDENCE_VERSION, type ScenarioEvidence } from '../../shared/schema/evidence';
import { TRAFFIC_VERSION, type TrafficRecord } from '../../shared/schema/traffic';
import { linkTraffic, withRelayExchanges } from '../../electron/engine/relay';
import { verifyEvidence, type VerifyReport } from '../../electron/engine/verify';
import { expectBilingual, workspace } from '../verify/evidence-builder';

let n = 0;
function rec(fields: Partial<TrafficRecord> & { at?: string }): TrafficRecord {
  n++;
  return {
    type: 'exchange',
    v: TRAFFIC_VERSION,
    id: `r-${n}`,
    kind: 'paymentApi',
    at: fields.at ?? `2026-11-20T10:00:${String(n % 60).padStart(2, '0')}.000Z`,
    durationMs: 40,
    caller: { address: '10.0.4.7', userAgent: 'GuzzleHttp/7.8', headers: {} },
    method: 'POST',
    path: '/FortAPI/paymentApi',
    target: 'https://sbpaymentservices.payfort.com/FortAPI/paymentApi',
    requestFields: {},
    requestBytes: 300,
    responseStatus: 200,
    responseBytes: 400,
    localAddress: '10.0.4.9',
    ...fields,
  };
}

function scenario(
  id: string,
  values: ScenarioEvidence['ledger']['values'],
  window?: [string, string],
): ScenarioEvidence {
  return {
    version: EVIDENCE_VERSION,
    runId: 'run-1',
    scenarioId: id,
    status: 'passed',
    startedAt: window?.[0] ?? '2026-11-20T09:00:00.000Z',
    finishedAt: window?.[1] ?? '2026-11-20T09:00:30.000Z',
    customer: { email: 'layla.haddad@example.net' },
    clientAddress: '127.0.0.1',
    screenshots: [],
    exchanges: [],
    ledger: { values, sources: {} },
  };
}

const purchase = (ref: string, extra: Record<string, unknown> = {}, response: Record<string, unknown> = {}) =>
  rec({
    requestFields: { command: 'PURCHASE', merchant_reference: ref, ...extra },
    responseFields: { response_code: '14000', merchant_reference: ref, ...response },
  });

describe('linking relay records to scenarios', () => {
  it('links by merchant_reference, then by the fort_id that record carried', () => {
    const pay = purchase('ORD-1', {}, { fort_id: '169400000001' });
    const refund = rec({ requestFields: { command: 'REFUND', merchant_reference: 'OTHER', fort_id: '169400000001' } });
    const stranger = purchase('ORD-9');
    const links = linkTraffic(
      [scenario('card-non3ds-success', { merchant_reference: 'ORD-1' })],
      [refund, pay, stranger],
    );
    expect(links.byScenario.get('card-non3ds-success')?.map((r) => r.id)).toEqual([pay.id, refund.id]);
    expect(links.how.get(refund.id)).toBe('fort_id=169400000001');
    expect(links.unlinked).toEqual([stranger]);
  });

  it('links a shared token_name only to the scenario that was running then; leaves a tie unlinked', () => {
    const save = scenario('card-save', { merchant_reference: 'S-1', token_name: 'tok1' }, [
      '2026-11-20T10:00:00.000Z',
      '2026-11-20T10:00:20.000Z',
    ]);
    const del = scenario('card-delete', { merchant_reference: 'D-0', token_name: 'tok1' }, [
      '2026-11-20T10:05:00.000Z',
      '2026-11-20T10:05:20.000Z',
    ]);
    const update = rec({
      at: '2026-11-20T10:05:10.000Z',
      requestFields: { service_command: 'UPDATE_TOKEN', merchant_reference: 'D-77', token_name: 'tok1' },
    });
    const later = rec({
      at: '2026-11-20T12:00:00.000Z',
      requestFields: { service_command: 'UPDATE_TOKEN', token_name: 'tok1' },
    });
    const sdk = rec({ requestFields: { service_command: 'SDK_TOKEN', device_id: 'd1' } });
    const links = linkTraffic([save, del], [update, later, sdk]);
    expect(links.byScenario.get('card-delete')).toEqual([update]);
    expect(links.how.get(update.id)).toBe("token_name=tok1, during the scenario's run");
    expect(links.ambiguous.get(later.id)).toEqual(['card-save', 'card-delete']);
    expect(links.unlinked).toEqual([sdk, later]);
  });

  it("adds each scenario's records as relay exchanges, but not the repeats the relay sent itself", () => {
    const post = rec({
      kind: 'feedback',
      feedbackKind: 'direct',
      sentBy: 'aps',
      requestFields: { merchant_reference: 'A' },
    });
    const repeat = rec({ ...post, id: 'r-repeat', sentBy: 'relay', repeatOf: post.id });
    const [ev] = withRelayExchanges(
      [scenario('card-declined', { merchant_reference: 'A' })],
      linkTraffic([scenario('card-declined', { merchant_reference: 'A' })], [post, repeat]),
    );
    expect(ev.exchanges).toHaveLength(1);
    expect(ev.exchanges[0]).toMatchObject({
      id: `relay:${post.id}`,
      kind: 'feedback',
      observedBy: 'relay',
      remoteAddress: '10.0.4.7',
    });
  });
});

const MOBILE = workspace({ integrationTypes: ['custom_non_pci', 'mobile'], methods: ['VISA'] });

async function check(
  id: string,
  records: TrafficRecord[],
  scenarios: ScenarioEvidence[] = [],
  ws = MOBILE,
): Promise<VerifyReport['results'][number]> {
  const evidence = {
    byScenario: new Map(scenarios.map((s) => [s.scenarioId, s])),
    choices: new Map(),
    brokenPins: [],
    runIds: ['run-1'],
  };
  const report = await verifyEvidence(ws, evidence, { traffic: records });
  expectBilingual(report);
  return report.results.find((r) => r.checkpointId === id)!;
}

const sdkToken = (caller: Partial<TrafficRecord['caller']>) =>
  rec({
    requestFields: { service_command: 'SDK_TOKEN', device_id: 'ffd1' },
    responseFields: { sdk_token: 'abc', status: '22' },
    caller: { address: '10.0.4.7', headers: {}, ...caller },
  });

describe('sdk-token-server from relay evidence', () => {
  it('stays for the engineer without relay evidence, and says when the relay saw no SDK_TOKEN', async () => {
    expect((await check('sdk-token-server', [])).summary).toMatch(/^No relay evidence in this workspace/);
    const r = await check('sdk-token-server', [purchase('P1')]);
    expect(r.status).toBe('needs-confirmation');
    expect(r.summary).toContain('The relay recorded 1 API call(s) but no SDK_TOKEN request');
  });

  it('passes a token asked by the address that sent the payments', async () => {
    const r = await check('sdk-token-server', [purchase('P1'), sdkToken({ userAgent: undefined })]);
    expect(r.status).toBe('passed');
    expect(r.summary).toContain('10.0.4.7, the address that also sent the other server-to-server calls');
  });

  it('passes a token asked by a server HTTP client from another address', async () => {
    const r = await check('sdk-token-server', [sdkToken({ address: '10.0.9.9', userAgent: 'node' })]);
    expect(r.status).toBe('passed');
  });

  it('fails a token asked by an iOS or Android app', async () => {
    const ios = await check('sdk-token-server', [
      purchase('P1'),
      sdkToken({ address: '100.64.2.2', userAgent: 'Qahwa/3 CFNetwork/1410 Darwin/22.6.0' }),
    ]);
    expect(ios.status).toBe('failed');
    expect(ios.summary).toContain(`a phone app's HTTP client (user agent "Qahwa/3 CFNetwork/1410 Darwin/22.6.0")`);
    expect(ios.fix).toMatch(/Request SDK_TOKEN from your server/);
    const android = await check('sdk-token-server', [
      sdkToken({ address: '100.64.2.3', userAgent: 'okhttp/4.12.0', headers: { 'x-requested-with': 'sa.qahwa.app' } }),
    ]);
    expect(android.status).toBe('failed');
    expect(android.summary).toContain('an Android app (X-Requested-With: sa.qahwa.app)');
  });

  it('leaves an unplaceable caller to the engineer, whose note then settles it', async () => {
    const records = [sdkToken({ address: '100.64.2.4', userAgent: 'okhttp/4.12.0' })];
    const r = await check('sdk-token-server', records);
    expect(r.status).toBe('needs-confirmation');
    expect(r.summary).toContain('100.64.2.4, user agent "okhttp/4.12.0"');
    const confirmed = workspace({
      integrationTypes: ['mobile'],
      methods: ['VISA'],
      confirmations: {
        'sdk-token-server': { confirmed: true, note: 'okhttp is our Kotlin back end', at: '2026-11-20T10:00:00Z' },
      },
    });
    expect((await check('sdk-token-server', records, [], confirmed)).status).toBe('confirmed');
  });
});

describe('inbound-ip from relay evidence', () => {
  const call = (localAddress: string) =>
    rec({ localAddress, requestFields: { command: 'PURCHASE', merchant_reference: `P-${localAddress}` } });
  const declared = (ips: string[]) =>
    workspace({
      integrationTypes: ['custom_non_pci'],
      methods: ['VISA'],
      aps: { hosts: [], productionInboundIps: ips },
    });

  it('shows the sandbox source addresses and asks for the production ones', async () => {
    const r = await check('inbound-ip', [call('198.51.100.20')]);
    expect(r.status).toBe('needs-confirmation');
    expect(r.summary).toBe(
      "Sandbox API calls reached APS from 198.51.100.20 (the relay's outgoing address), sent by the merchant server at 10.0.4.7; no production address is declared to compare them with",
    );
    expect(r.fix).toContain('aps.productionInboundIps');
  });

  it('passes a public sandbox address that differs from the declared production one', async () => {
    const r = await check('inbound-ip', [call('198.51.100.20')], [], declared(['203.0.113.40']));
    expect(r.status).toBe('passed');
    expect(r.summary).toContain('production requests will come from 203.0.113.40, a different address');
  });

  it('fails when a sandbox source address is declared for production', async () => {
    const r = await check('inbound-ip', [call('198.51.100.20'), call('203.0.113.40')], [], declared(['203.0.113.40']));
    expect(r.status).toBe('failed');
    expect(r.summary).toContain('203.0.113.40 is also declared as a production address');
  });

  it('cannot tell behind a private outgoing address', async () => {
    const r = await check('inbound-ip', [call('10.0.4.9')], [], declared(['203.0.113.40']));
    expect(r.status).toBe('needs-confirmation');
    expect(r.summary).toContain("APS saw your gateway's public address instead");
  });

  it('ignores calls that never reached APS', async () => {
    const r = await check('inbound-ip', [rec({ error: 'could not be reached', responseStatus: 502 })]);
    expect(r.summary).toMatch(/no API call that reached APS/);
  });
});

describe('feedback-urls from relay evidence', () => {
  const WS = workspace({ integrationTypes: ['custom_non_pci'], methods: ['VISA'] });
  const scenarios = [scenario('card-non3ds-success', { merchant_reference: 'F-1', fort_id: '169400000077' })];
  const post = (kind: 'direct' | 'notification', extra: Partial<TrafficRecord> = {}) =>
    rec({
      kind: 'feedback',
      feedbackKind: kind,
      sentBy: 'aps',
      target: 'https://shop.example/aps/feedback',
      caller: { address: '10.1.1.1', headers: {} },
      requestFields: { merchant_reference: 'F-1', fort_id: '169400000077', status: kind === 'direct' ? '14' : '06' },
      responseText: 'OK',
      ...extra,
    });
  const pair = (kind: 'direct' | 'notification', answer: Partial<TrafficRecord> = {}) => {
    const first = post(kind);
    return [first, post(kind, { sentBy: 'relay', repeatOf: first.id, ...answer })];
  };

  it('passes when both kinds were answered 2xx in time, repeats included', async () => {
    const r = await check('feedback-urls', [...pair('direct'), ...pair('notification')], scenarios, WS);
    expect(r.status).toBe('passed');
    expect(r.summary).toMatch(/^APS posted direct and notification feedback through the relay/);
    expect(r.evidence.filter((e) => e.ref.startsWith('relay:'))).toHaveLength(4);
  });

  it('fails a repeat the merchant refuses, and an answer slower than APS waits', async () => {
    const refused = await check(
      'feedback-urls',
      [...pair('direct', { responseStatus: 500 }), ...pair('notification')],
      scenarios,
      WS,
    );
    expect(refused.status).toBe('failed');
    expect(refused.summary).toContain('the merchant answered a repeated direct feedback post with HTTP 500');
    const slow = await check(
      'feedback-urls',
      [post('direct', { durationMs: 12_400 }), ...pair('notification')],
      scenarios,
      WS,
    );
    expect(slow.status).toBe('failed');
    expect(slow.summary).toContain('HTTP 200 after 12.4 s (APS retries every 10 s)');
  });

  it('says what is missing when only direct feedback passed the relay', async () => {
    const r = await check('feedback-urls', pair('direct'), scenarios, WS);
    expect(r.status).toBe('needs-confirmation');
    expect(r.summary).toContain('no notification feedback passed the relay');
    expect(r.fix).toMatch(/refund or capture a sandbox payment/);
  });

  it('ignores feedback of payments that are not in the verified evidence', async () => {
    const r = await check('feedback-urls', pair('direct'), [], WS);
    expect(r.summary).toBe('The workspace names no feedback URLs, so Certkit cannot probe them');
  });
});
