// Certkit on Souq Al Oud, a shop it has never seen, used as a new user would (test/merchants/souq/CERTKIT-TRIAL.md):
// `certkit sandbox`'s simulator (its demo store beside it, receiving the simulator's feedback), the shop, `certkit
// init`, the raw Recorder exports imported unchanged, `certkit run`, `certkit verify --probe-response`. The clean shop
// must come out green with nothing falsely failed; each of its integration mistakes must be caught by the right
// checkpoint; a payment APS declines must never pass as a success. One simulator and one shop serve every case (the
// shop's mistakes are switched per case); each case runs in its own copy of the imported workspace.
import { createHash } from 'node:crypto';
import { existsSync, promises as fs, readdirSync, readFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG } from '../../shared/aps/catalog-index';
import { buildPlan, slotsForScenario } from '../../shared/plan';
import { testCard } from '../../shared/aps/test-cards';
import type { ScenarioEvidence } from '../../shared/schema/evidence';
import { collectEvidence, readScenarioEvidence } from '../../electron/engine/evidence/store';
import { runWorkspace } from '../../electron/engine/run/index';
import type { VerifyReport } from '../../electron/engine/verify/index';
import { loadWorkspace } from '../../electron/engine/workspace/workspace';
import { resolveBrowser } from '../../electron/engine/browser/resolve';
import { removeTempDirs, tempDir } from '../helpers/tmp';
import { importSouqRecordings, SOUQ_IMPORTS, startSouqBench, type SouqBench } from './souq/certkit-bench';
import type { SouqFault } from './souq/faults';
import { RECORDINGS_DIR } from './souq/recordings';

const run = existsSync(resolveBrowser({ env: process.env })) ? describe : describe.skip;

afterAll(() => removeTempDirs());

const fixtureHashes = () =>
  Object.fromEntries(
    readdirSync(RECORDINGS_DIR).map((f) => [
      f,
      createHash('sha256')
        .update(readFileSync(path.join(RECORDINGS_DIR, f)))
        .digest('hex'),
    ]),
  );

async function verify(b: SouqBench, ws = b.ws): Promise<VerifyReport> {
  const v = await b.cli(['verify', ws, '--probe-response', '--json']);
  return JSON.parse(v.stdout) as VerifyReport;
}

/** A loopback port nothing listens on: the shop "moved away". */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const result = (report: VerifyReport, id: string) => report.results.find((r) => r.checkpointId === id);

interface FaultCase {
  fault: SouqFault;
  only: string[];
  /** What the run says, scenario by scenario (a regexp for a failure, 'passed' otherwise). */
  run: Record<string, RegExp | 'passed'>;
  /**
   * The checkpoint that must catch it, and what its summary says. Without one the run's own outcome check is the
   * catch (a result page that contradicts APS's answer), and verify names that scenario as failed.
   */
  checkpoint?: [string, RegExp];
}

const FAULTS: FaultCase[] = [
  {
    fault: 'static-email',
    only: ['card-non3ds-success', 'card-declined'],
    run: { 'card-non3ds-success': 'passed', 'card-declined': 'passed' },
    checkpoint: ['customer-email', /APS received "orders@souq-aloud\.test", not the one the customer typed/],
  },
  {
    fault: 'return-rejects-post',
    only: ['card-non3ds-success', 'card-declined'],
    run: {
      'card-non3ds-success': /answered APS's post of the result to return_url .* with HTTP 405/,
      'card-declined': /answered APS's post of the result to return_url .* with HTTP 405/,
    },
    checkpoint: ['return-url-post', /HTTP 405/],
  },
  {
    fault: 'http-return-url',
    only: ['card-non3ds-success'],
    run: { 'card-non3ds-success': 'passed' },
    checkpoint: ['return-url-post', /http:/],
  },
  {
    fault: 'receipt-without-knet-ids',
    only: ['knet-success'],
    run: { 'knet-success': 'passed' },
    checkpoint: ['knet-receipt', /does not show knet_ref_number/],
  },
  {
    fault: 'signs-empty-params',
    only: ['card-non3ds-success'],
    run: { 'card-non3ds-success': /APS answered 00008 Invalid request: Signature mismatch/ },
    checkpoint: ['request-signature', /empty parameter\(s\) merchant_extra1/],
  },
  {
    fault: 'skips-response-signature',
    only: ['card-declined'],
    run: { 'card-declined': 'passed' },
    checkpoint: ['response-signature', /merchant showed success/],
  },
  {
    fault: 'checkout-in-iframe',
    only: ['card-non3ds-success', 'knet-success'],
    run: {
      'card-non3ds-success': /opened APS's payment page .* inside a frame of its own page/,
      'knet-success': /opened APS's payment page .* inside a frame of its own page/,
    },
    checkpoint: ['three-ds-top-window', /^(?!.*3DS page).*knet-success: APS's payment page .* opened in an iframe/],
  },
  {
    fault: 'skips-amount-check',
    only: ['card-non3ds-success', 'card-declined', 'knet-declined'],
    run: { 'card-non3ds-success': 'passed', 'card-declined': 'passed', 'knet-declined': 'passed' },
    checkpoint: ['amount-validation', /on an order APS had declined.* merchant showed success/],
  },
  {
    fault: 'success-on-decline',
    only: ['card-declined'],
    run: {
      'card-declined':
        /APS answered 13666 .* tells the customer it succeeded \("Thank you, \w+\. Your order is confirmed\."\)/,
    },
  },
];

run('Souq Al Oud under Certkit', () => {
  let bench: SouqBench;
  /** The workspace as import left it, never run: each case below runs in a copy of it. */
  let imported: string;
  let importOut: string;
  const before = fixtureHashes();

  beforeAll(async () => {
    bench = await startSouqBench();
    const imports = await importSouqRecordings(bench);
    for (const r of imports) expect(r.code, r.stderr).toBe(0);
    importOut = imports.map((r) => r.stdout).join('\n');
    imported = path.join(tempDir('certkit-souq-imported-').dir, 'ws');
    await fs.cp(bench.ws, imported, { recursive: true });
  }, 120_000);
  afterAll(async () => bench?.close());

  async function freshWorkspace(): Promise<string> {
    const ws = path.join(tempDir('certkit-souq-case-').dir, 'ws');
    await fs.cp(imported, ws, { recursive: true });
    return ws;
  }

  describe('the clean shop', () => {
    let evidence: Map<string, ScenarioEvidence>;
    let report: VerifyReport;

    beforeAll(async () => {
      bench.souq.setFaults([]);
      const r = await bench.cli(['run', bench.ws]);
      expect(r.code, r.stderr).toBe(0);
      evidence = (await collectEvidence(bench.ws)).byScenario;
      report = await verify(bench);
    }, 300_000);

    it('imports the raw exports unchanged: they stay as they are on disk, and the flows run as recorded', () => {
      expect(fixtureHashes()).toEqual(before);
      expect(importOut).toMatch(/^23 +Card number +APS page +0000000001 +\{\{knet\.card\}\}$/m);
      expect(importOut).toMatch(/^29 +PIN +APS page +1234 +\{\{knet\.pin\}\}$/m);
      expect(importOut).toMatch(/^7 +Full name +store page +Abdullah Al-Rashidi +\{\{customer\.name\}\}$/m);
    });

    it('passes every planned scenario, the other card brands included, with every required slot filled', async () => {
      const ws = await loadWorkspace(bench.ws);
      const planned = buildPlan(ws).scenarios.map((s) => s.id);
      expect(planned).toEqual([
        ...SOUQ_IMPORTS.slice(0, 3).map((i) => i.scenarios),
        'card-mastercard-success',
        'card-amex-success',
        ...SOUQ_IMPORTS.slice(3).map((i) => i.scenarios),
      ]);
      for (const id of planned) {
        const ev = evidence.get(id)!;
        expect(ev.status, `${id}: ${ev.error?.message}`).toBe('passed');
        const filled = new Set(ev.screenshots.map((s) => s.slot));
        for (const slot of slotsForScenario(CATALOG.scenarios.get(id), ws))
          expect(filled, `${id} ${slot}`).toContain(slot);
        expect(ev.ledger.values.response_code).toBe(
          CATALOG.scenarios.get(id).outcome === 'success' ? '14000' : '13666',
        );
      }
      // The Mastercard and Amex scenarios replayed the Visa recording with their own test cards.
      for (const [id, card] of [
        ['card-mastercard-success', 'mastercard-frictionless'],
        ['card-amex-success', 'amex-frictionless'],
      ]) {
        const ev = evidence.get(id)!;
        expect(ev.flowFile).toBe('flows/card-non3ds-success.json');
        const ret = ev.exchanges.find((x) => x.kind === 'return')!;
        expect(String(ret.requestFields.card_number).slice(0, 6)).toBe(testCard(card).number.slice(0, 6));
      }
    });

    it('names the customer as the same customer whose email and phone it typed', () => {
      for (const ev of evidence.values()) {
        const sent = ev.exchanges.find((x) => x.kind === 'paymentPage')!.requestFields;
        expect(sent.customer_email).toBe(ev.customer.email);
        expect(sent.customer_name).toBe(ev.customer.name);
      }
    });

    it("files no feedback the simulator sent to the demo store beside it as Souq's", () => {
      const demoStore = new URL(bench.sandbox.store).host;
      for (const ev of evidence.values()) {
        expect(ev.exchanges.filter((x) => x.url.includes(demoStore))).toEqual([]);
      }
    });

    it('verifies with no false failure: the amount probe uses an unpaid order, and the correct shop passes it', () => {
      expect(report.counts.failed, JSON.stringify(report.results.filter((r) => r.status === 'failed'))).toBe(0);
      expect(report.counts['no-evidence']).toBe(0);
      expect(result(report, 'amount-validation')).toMatchObject({ status: 'passed' });
      expect(result(report, 'response-signature')).toMatchObject({ status: 'passed' });
    });

    it('after a pass, newer failing runs (the shop moved: store.baseUrl changed) make verify fail and name them', async () => {
      const passed = report.scenarios.find((s) => s.id === 'card-declined')!.runId;
      // The recordings' store URLs are relative to store.baseUrl: pointing it elsewhere sends the flows there.
      const dead = `http://127.0.0.1:${await closedPort()}/`;
      expect((await bench.cli(['config', bench.ws, `store.baseUrl=${dead}`])).code).toBe(0);
      try {
        const r = await bench.cli(['run', bench.ws, '--only', 'card-non3ds-success,card-declined']);
        expect(r.code).toBe(1);
        expect(r.stderr).toContain(`${dead}kw/ could not be reached (ERR_CONNECTION_REFUSED)`);
      } finally {
        expect((await bench.cli(['config', bench.ws, `store.baseUrl=${bench.souq.url}`])).code).toBe(0);
      }
      const v = await bench.cli(['verify', bench.ws]);
      expect(v.code).toBe(1);
      expect(v.stdout).toMatch(
        /2 scenario\(s\) did not pass in the evidence used: card-non3ds-success \(failed.*card-declined \(failed/,
      );
      const after = await verify(bench);
      const declined = after.scenarios.find((s) => s.id === 'card-declined')!;
      expect(declined).toMatchObject({ state: 'failed', pinned: false });
      expect(declined.runId).not.toBe(passed);
      // Nothing passes on the older run's evidence any more: the request signature of card-declined is not vouched for.
      for (const r of after.results.filter((x) => x.status === 'passed'))
        expect(
          r.evidence.filter((e) => e.scenarioId === 'card-declined' || e.scenarioId === 'card-non3ds-success'),
        ).toEqual([]);
    }, 120_000);
  });

  it('a success recording paid with a declining card fails at once with the expected and the actual answer', async () => {
    bench.souq.setFaults([]);
    const ws = await freshWorkspace();
    const summary = await runWorkspace({
      workspaceDir: ws,
      only: ['card-non3ds-success'],
      secrets: bench.secrets,
      browserEnv: bench.env,
      variables: { 'card.number': testCard('visa-declined').number },
    });
    const ev = (await readScenarioEvidence(ws, summary.runId, 'card-non3ds-success'))!;
    expect(ev.status).toBe('failed');
    expect(ev.error?.message).toMatch(
      /^expected an approved payment \(14000 Purchase success: Success\), but APS answered 13666 Purchase failure: Transaction declined/,
    );
    expect(ev.error?.message).not.toMatch(/within \d+ s/);
    // It stopped on the payment's answer, not on the receipt link a declined order never shows.
    expect(ev.error?.step).toBeLessThanOrEqual(33);
    expect(ev.screenshots.at(-1)?.text).toMatch(/Your payment did not go through/);
  }, 120_000);

  describe('each integration mistake, caught where it belongs', () => {
    afterAll(() => bench?.souq.setFaults([]));

    it.each(FAULTS)(
      '$fault',
      async (c) => {
        bench.souq.setFaults([c.fault]);
        const ws = await freshWorkspace();
        await bench.cli(['run', ws, '--only', c.only.join(',')]);
        const { byScenario } = await collectEvidence(ws);
        const said = Object.fromEntries(
          Object.keys(c.run).map((id) => {
            const ev = byScenario.get(id);
            return [id, ev?.status === 'passed' ? 'passed' : (ev?.error?.message ?? 'no evidence')];
          }),
        );
        for (const [id, want] of Object.entries(c.run))
          if (want === 'passed') expect(said[id], id).toBe('passed');
          else expect(said[id], id).toMatch(want);
        const report = await verify(bench, ws);
        // A scenario the run failed is named by verify as failed evidence, and nothing passes on it.
        const failedRuns = Object.keys(c.run).filter((id) => c.run[id] !== 'passed');
        expect(report.scenarios.filter((s) => s.state === 'failed').map((s) => s.id)).toEqual(failedRuns);
        if (c.checkpoint) {
          const [id, summary] = c.checkpoint;
          const r = result(report, id);
          expect(r?.status, `${id}: ${r?.summary}`).toBe('failed');
          expect(r?.summary).toMatch(summary);
        }
      },
      120_000,
    );
  });
});
