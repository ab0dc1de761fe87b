import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioEvidence } from '../../shared/schema/evidence';
import { guidedCapture } from '../../electron/engine/run/guided';
import { readScenarioEvidence } from '../../electron/engine/evidence/store';
import { createDemoWorkspace } from '../../electron/engine/demo/workspace';
import { runWorkspace, type RunSummary } from '../../electron/engine/run/index';
import { startSandbox, type SandboxHandle } from '../../electron/engine/sandbox/index';

// The engine against the real simulator and demo store: a cross-section of the catalog that covers hosted
// 3DS, a local method's receipt, Arabic pages, Apple Pay, server-to-server recurring and saved cards.
const ONLY = [
  'card-3ds-success',
  'card-save',
  'card-delete',
  'recurring-initial',
  'recurring-subsequent',
  'applepay-success',
  'knet-success',
  'naps-success-ar',
];

let sb: SandboxHandle;
let dir: string;
let summary: RunSummary;
const ev = new Map<string, ScenarioEvidence>();

beforeAll(async () => {
  sb = await startSandbox({ feedbackRetry: { tries: 1, intervalMs: 10 } });
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'certkit-demo-test-'));
  await createDemoWorkspace(dir, sb);
  const m = sb.merchant;
  summary = await runWorkspace({
    workspaceDir: dir,
    only: ONLY,
    concurrency: 2,
    secrets: {
      accessCode: m.access_code,
      requestPhrase: m.sha_request_phrase,
      responsePhrase: m.sha_response_phrase,
      shaType: m.sha_type,
    },
    checkStatus: true,
  });
  for (const r of summary.results)
    ev.set(r.scenarioId, (await readScenarioEvidence(dir, summary.runId, r.scenarioId))!);
}, 240_000);

afterAll(async () => {
  await sb?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe('demo store run', () => {
  it('passes every scenario with a merchant reference and its slots', () => {
    for (const r of summary.results) {
      expect({ id: r.scenarioId, status: r.status, error: r.error }).toEqual({
        id: r.scenarioId,
        status: 'passed',
        error: undefined,
      });
      expect(r.merchantReference).toMatch(/^CK-/);
    }
    expect(summary.results.map((r) => r.scenarioId).sort()).toEqual([...ONLY].sort());
  });

  it('confirms hosted 3DS with CHECK_STATUS and records it from traffic', () => {
    const e = ev.get('card-3ds-success')!;
    expect(e.ledger.sources.merchant_reference).toBe('traffic');
    expect(e.ledger.values.response_code).toBe('14000');
    expect(e.ledger.checkStatus).toMatchObject({ ok: true, transactionStatus: '14' });
    expect(e.screenshots.find((s) => s.slot === 'general.three_ds')!.url).toContain('/FortAPI/3ds/');
  });

  it('reads the KNET receipt values into the ledger and the screenshot text', () => {
    const e = ev.get('knet-success')!;
    const { knet_ref_number: knet, third_party_transaction_number: third } = e.ledger.values;
    expect(knet).toBeTruthy();
    expect(third).toBeTruthy();
    const receipt = e.screenshots.find((s) => s.slot === 'knet.receipt')!;
    expect(receipt.text).toContain(knet);
    expect(receipt.text).toContain(third);
  });

  it('captures NAPS in Arabic, right to left', () => {
    const shots = ev.get('naps-success-ar')!.screenshots;
    const payment = shots.find((s) => s.slot === 'naps.payment_page')!;
    expect(payment.dir).toBe('rtl');
    expect(payment.lang).toBe('ar');
    expect(payment.text).toMatch(/[\u0600-\u06FF]/);
  });

  it('probes Apple Pay and completes it against the simulator', () => {
    const e = ev.get('applepay-success')!;
    expect(e.applePay).toMatchObject({
      version: 5,
      request: { countryCode: 'SA', currencyCode: 'SAR', merchantCapabilities: ['supports3DS'] },
    });
    expect(e.applePay!.request.supportedNetworks).toEqual(expect.arrayContaining(['mada', 'amex']));
    const api = e.exchanges.find((x) => x.kind === 'paymentApi' && x.observedBy === 'simulator');
    expect(api?.requestFields.digital_wallet).toBe('APPLE_PAY');
    expect(e.ledger.values.response_code).toBe('14000');
  });

  it('links server-to-server recurring charges through the simulator log', () => {
    const initial = ev.get('recurring-initial')!;
    const next = ev.get('recurring-subsequent')!;
    expect(next.ledger.values.agreement_id).toBe(initial.ledger.values.agreement_id);
    expect(next.ledger.values.merchant_reference).not.toBe(initial.ledger.values.merchant_reference);
    expect(next.exchanges.some((x) => x.observedBy === 'simulator' && x.requestFields.eci === 'RECURRING')).toBe(true);
    expect(next.customer.email).toBe(initial.customer.email);
  });

  it('keeps the saved-card customer for the delete scenario, and varies customers otherwise', () => {
    expect(ev.get('card-delete')!.customer.email).toBe(ev.get('card-save')!.customer.email);
    expect(ev.get('card-delete')!.ledger.values.token_name).toBeTruthy();
    const emails = new Set([...ev.values()].map((e) => e.customer.email));
    expect(emails.size).toBeGreaterThan(2);
    expect(ev.get('card-3ds-success')!.clientAddress).toBe('127.0.0.1');
  });

  it('never writes secrets or full card numbers into the evidence', async () => {
    for (const id of ONLY) {
      const text = await fs.readFile(path.join(dir, 'runs', summary.runId, id, 'scenario.json'), 'utf8');
      expect(text).not.toContain(sb.merchant.access_code);
      expect(text).not.toContain(sb.merchant.sha_request_phrase);
      expect(text).not.toContain(sb.merchant.sha_response_phrase);
      expect(text).not.toMatch(/4557012345678902|4005550000000001/);
    }
  });

  it('--resume skips what is complete', async () => {
    const again = await runWorkspace({ workspaceDir: dir, only: ['card-3ds-success', 'knet-success'], resume: true });
    expect(again.results.map((r) => r.status)).toEqual(['skipped', 'skipped']);
    expect(again.results[0].merchantReference).toBe(ev.get('card-3ds-success')!.ledger.values.merchant_reference);
  });

  it('guided capture records each page the user reaches, with its traffic', async () => {
    let seen = 0;
    let done!: () => void;
    const until = new Promise<void>((r) => (done = r));
    let page: import('puppeteer-core').Page | undefined;
    const result = await guidedCapture({
      workspaceDir: dir,
      scenarioId: 'knet-success',
      until,
      headful: false,
      onPage: (p) => (page = p),
      onEvent: (e) => {
        if (e.type !== 'captured') return;
        seen++;
        if (seen === 1) void page!.goto(`${sb.store}checkout?method=knet`);
        else done();
      },
    });
    expect(result.screenshots.map((s) => new URL(s.url).pathname)).toEqual(['/', '/checkout']);
    // Browsing without paying leaves no merchant reference; the guided capture says so instead of passing.
    expect(result.error?.message).toMatch(/no merchant_reference/);
  }, 60_000);
});
