// Bayt Al Qahwa, a custom-integration shop written for this test from APS's docs, run in Chromium by Certkit while
// its server calls the APS simulator through the recording relay and APS's feedback reaches it through the feedback
// relay. The workspace is a sandbox one, so nothing of the simulator's own log is used: whatever the verifier knows
// of the server-to-server half comes from the relay.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_CARDS } from '../../shared/aps/test-cards';
import type { TrafficRecord } from '../../shared/schema/traffic';
import { operationOf } from '../../electron/engine/relay';
import { runWorkspace } from '../../electron/engine/run';
import { startSimulator, type Simulator } from '../../electron/engine/sandbox';
import { verifyWorkspace, type VerifyReport } from '../../electron/engine/verify';
import type { MerchantSecrets } from '../../electron/engine/workspace/secrets';
import { loadWorkspace, saveWorkspace } from '../../electron/engine/workspace/workspace';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';
import { qahwaBehindRelay, simulatorSecrets, type QahwaSetup } from './qahwa/harness';
import type { QahwaFault } from './qahwa';

const tmp = tempDir('certkit-qahwa-');
let sim: Simulator;
let secrets: MerchantSecrets;
const setups: QahwaSetup[] = [];

beforeAll(async () => {
  sim = await startSimulator({ feedbackRetry: { tries: 1, intervalMs: 5 } });
  secrets = simulatorSecrets(sim);
});
afterAll(async () => {
  for (const s of setups) await s.close();
  await sim?.close();
  tmp.cleanup();
});

const result = (report: VerifyReport, id: string) => report.results.find((r) => r.checkpointId === id)!;
const paidPurchase = (r: TrafficRecord) =>
  r.kind === 'paymentApi' && operationOf(r) === 'PURCHASE' && r.responseFields?.response_code === '14000';

/** Runs the shop's flows; then waits until the relay has posted each payment's direct feedback a second time. */
async function run(faults: QahwaFault[], only?: string[]): Promise<QahwaSetup> {
  const setup = await qahwaBehindRelay(sim, path.join(tmp.dir, faults.join('+') || 'correct'), faults);
  setups.push(setup);
  if (faults.length) {
    const ws = await loadWorkspace(setup.dir);
    await saveWorkspace(setup.dir, { ...ws, capture: { ...ws.capture, stepTimeoutMs: 12_000 } });
  }
  await runWorkspace({ workspaceDir: setup.dir, secrets, only, concurrency: 2 });
  for (const paid of setup.records.filter(paidPurchase)) {
    const fortId = paid.responseFields!.fort_id;
    await setup.recorded(
      (r) => r.kind === 'feedback' && r.repeatOf !== undefined && r.requestFields.fort_id === fortId,
    );
  }
  return setup;
}

describe('a correct custom-integration shop behind the relay', () => {
  let setup: QahwaSetup;
  let report: VerifyReport;

  beforeAll(async () => {
    setup = await run([]);
    // The app asks the shop's server for an SDK token, as the mobile SDK's docs describe.
    const token = await fetch(`${setup.shop.origin}/api/mobile/sdk-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'BaytAlQahwa/2.1 CFNetwork/1410 Darwin/22.6.0' },
      body: JSON.stringify({ device_id: 'A1B2C3D4-0000-4000-8000-00000000CAFE' }),
    });
    expect(((await token.json()) as { sdk_token?: string }).sdk_token).toMatch(/^\w{16,}$/);
    // A refund makes APS send notification feedback; the relay posts it once more to see the repeat accepted.
    // The refund goes to card-non3ds-success's order: the one that scenario also asked CHECK_STATUS about (with two
    // scenarios in flight, 'the first paid order' could be any of the three that buy beans).
    const status = setup.records.find((r) => operationOf(r) === 'CHECK_STATUS')!;
    const paid = setup.shop.orders().find((o) => o.ref === status.requestFields.merchant_reference)!;
    expect(paid.state).toBe('paid');
    const refund = await fetch(`${setup.shop.origin}/admin/refund/${paid.ref}`, { method: 'POST' });
    expect(((await refund.json()) as { response_code?: string }).response_code).toBe('06000');
    await setup.recorded((r) => r.feedbackKind === 'notification' && r.sentBy === 'relay');
    report = await verifyWorkspace(setup.dir, { secrets });
  }, 240_000);

  it('verifies customer_ip from the server-to-server payments the relay recorded', () => {
    const r = result(report, 'customer-ip');
    expect(r.status, r.summary).toBe('passed');
    expect(r.summary).toMatch(/\d+ server-to-server request\(s\) recorded by the relay/);
    expect(r.evidence.some((e) => e.ref.startsWith('relay:') && e.detail === 'customer_ip=127.0.0.1')).toBe(true);
  });

  it('recomputes the signature of every server-to-server call, UPDATE_TOKEN and CHECK_STATUS included', () => {
    const r = result(report, 'request-signature');
    expect(r.status, r.summary).toBe('passed');
    const relayed = r.evidence.filter((e) => e.ref.startsWith('relay:'));
    const ops = new Set(
      relayed.map((e) => setup.records.find((x) => `relay:${x.id}` === e.ref)).map((x) => x && operationOf(x)),
    );
    expect([...ops].sort()).toEqual(['CHECK_STATUS', 'PURCHASE', 'REFUND', 'UPDATE_TOKEN']);
    expect(r.summary).toMatch(/\(\d+ server-to-server call\(s\) recorded by the relay\)/);
  });

  it("recomputes APS's answers with the response phrase", () => {
    expect(result(report, 'response-signature').summary).toMatch(
      /APS's answers to \d+ server-to-server call\(s\) recorded by the relay recompute with the response phrase/,
    );
  });

  it('follows the agreement and the token from the initial payment into the later charge', () => {
    for (const id of ['recurring-mode', 'recurring-agreement', 'recurring-token']) {
      const r = result(report, id);
      expect(r.status, `${id}: ${r.summary}`).toBe('passed');
    }
  });

  it('passes feedback-urls from the feedback the relay carried: 2xx in time, repeats accepted', () => {
    const r = result(report, 'feedback-urls');
    expect(r.status, r.summary).toBe('passed');
    expect(r.summary).toMatch(/direct and notification feedback through the relay/);
    expect(r.summary).toMatch(/CHECK_STATUS \d+ time/);
    expect(setup.shop.feedback().length).toBeGreaterThan(0);
  });

  it('passes sdk-token-server: the token was asked by the server that also sent the payments', () => {
    const r = result(report, 'sdk-token-server');
    expect(r.status, r.summary).toBe('passed');
    expect(r.summary).toContain('127.0.0.1, the address that also sent the other server-to-server calls');
    const call = setup.records.find((x) => operationOf(x) === 'SDK_TOKEN')!;
    expect(call.caller.userAgent).not.toMatch(/CFNetwork/);
  });

  it('shows the sandbox source address beside the declared production address', async () => {
    expect(result(report, 'inbound-ip').status).toBe('needs-confirmation');
    expect(result(report, 'inbound-ip').summary).toMatch(/from 127\.0\.0\.1 \(the relay's outgoing address\)/);
    const ws = await loadWorkspace(setup.dir);
    await saveWorkspace(setup.dir, { ...ws, aps: { ...ws.aps, productionInboundIps: ['127.0.0.1'] } });
    const same = result(await verifyWorkspace(setup.dir, { secrets }), 'inbound-ip');
    expect(same.status).toBe('failed');
    expect(same.summary).toContain('127.0.0.1 is also declared as a production address');
    await saveWorkspace(setup.dir, ws);
  });

  it('links every relay exchange to its scenario (certkit traffic list)', async () => {
    const out = await runCli(['traffic', 'list', setup.dir, '--json']);
    expect(out.code, out.stderr).toBe(0);
    const list = JSON.parse(out.stdout) as {
      scenarios: { scenarioId: string; exchanges: { what: string; linkedBy?: string }[] }[];
      unlinked: { what: string }[];
    };
    const of = (id: string) => list.scenarios.find((s) => s.scenarioId === id)?.exchanges.map((x) => x.what) ?? [];
    expect(of('card-non3ds-success').join('\n')).toMatch(/^PURCHASE .*\n(.*\n)*CHECK_STATUS /m);
    expect(of('card-non3ds-success').join('\n')).toMatch(/REFUND .* -> 200 06000/);
    expect(of('card-delete').join('\n')).toMatch(/^UPDATE_TOKEN TK-.* -> 200 58000/m);
    expect(of('recurring-subsequent').join('\n')).toMatch(/^PURCHASE BQM-.* -> 200 14000/m);
    expect(of('recurring-cancel').join('\n')).toMatch(/^UPDATE_TOKEN /m);
    // SDK_TOKEN names no order, so it belongs to the workspace, not to a scenario.
    expect(list.unlinked.map((u) => u.what)).toEqual([expect.stringMatching(/^SDK_TOKEN from 127\.0\.0\.1/)]);
  });

  it("keeps no access code, SHA phrase, full card number or CVV in the relay's logs", async () => {
    const dir = path.join(setup.dir, 'traffic');
    const text = (await Promise.all((await fs.readdir(dir)).map((f) => fs.readFile(path.join(dir, f), 'utf8')))).join(
      '',
    );
    expect(text.length).toBeGreaterThan(1000);
    const c = sim.config;
    for (const secret of [c.access_code, c.sha_request_phrase, c.sha_response_phrase])
      expect(text).not.toContain(secret);
    for (const card of TEST_CARDS) expect(text).not.toContain(card.number);
    expect(text).not.toMatch(/card_security_code/);
    expect(text).toContain('"access_code":"[secret removed]"');
    expect(text).toMatch(/"card_number":"\d{6}\*+\d{4}"/);
  });
});

describe('integration mistakes, each caught by its own checkpoint from relay evidence', () => {
  it('a static customer_ip, an MIT without agreement_id and feedback that refuses a repeat', async () => {
    const setup = await run(
      ['static-customer-ip', 'mit-without-agreement', 'feedback-rejects-repeat'],
      ['card-non3ds-success', 'recurring-initial', 'recurring-subsequent'],
    );
    const report = await verifyWorkspace(setup.dir, { secrets });
    const ip = result(report, 'customer-ip');
    expect(ip.status).toBe('failed');
    expect(ip.summary).toContain("APS received 203.0.113.7, but the customer's browser came from 127.0.0.1");
    const agreement = result(report, 'recurring-agreement');
    expect(agreement.status).toBe('failed');
    expect(agreement.summary).toMatch(/recurring-subsequent used agreement_id \(none\), but APS returned \w+/);
    const feedback = result(report, 'feedback-urls');
    expect(feedback.status).toBe('failed');
    expect(feedback.summary).toContain('the merchant answered a repeated direct feedback post with HTTP 409');
    // The requests themselves are signed correctly: no other checkpoint takes the blame.
    expect(result(report, 'request-signature').status).toBe('passed');
    expect(result(report, 'recurring-mode').status).toBe('passed');
  }, 240_000);

  it('empty parameters signed on the server', async () => {
    const setup = await run(['signs-empty-params'], ['card-non3ds-success']);
    const report = await verifyWorkspace(setup.dir, { secrets });
    const sig = result(report, 'request-signature');
    expect(sig.status).toBe('failed');
    expect(sig.summary).toContain('card-non3ds-success PURCHASE: APS answered 00008 (Signature mismatch)');
    expect(sig.summary).toContain('the signature includes the empty parameter(s) merchant_extra1');
    // The run saw APS refuse the payment (the relay's answer is the verdict), so the scenario failed; no other
    // checkpoint takes the blame, and none passes on a failed scenario's evidence.
    expect(report.scenarios.find((s) => s.id === 'card-non3ds-success')?.state).toBe('failed');
    expect(result(report, 'customer-ip').status).not.toBe('failed');
  }, 240_000);
});
