import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requireCatalogScenario } from '../../electron/engine/catalog-scenario';
import { CertkitError } from '../../electron/engine/errors';
import {
  apsHostsOf,
  customerOf,
  MissingFlowError,
  runContext,
  scenarioJob,
  unrunEvidence,
} from '../../electron/engine/run/job';
import { saveWorkspace } from '../../electron/engine/workspace/workspace';
import type { RunEvent } from '../../shared/schema/events';
import { emptyScenarioEvidence } from '../../electron/engine/evidence/store';
import type { WorkspaceInput } from '../../shared/schema/workspace';
import { tempDir } from '../helpers/tmp';

const tmp = tempDir('certkit-job-');
afterAll(() => tmp.cleanup());

const FLOW = {
  title: 'delete a saved card',
  steps: [
    { type: 'navigate', url: '{{baseUrl}}/cards?email={{customer.email}}&ref={{dep.merchant_reference}}' },
    { type: 'click', selectors: [['#delete']], offsetX: 1, offsetY: 1, certkit: { slot: 'general.delete_card' } },
  ],
};

const customers = [
  { email: 'first@shop.example' },
  { email: 'second@shop.example' },
  { email: 'third@shop.example' },
  { email: 'fourth@shop.example' },
  { email: 'fifth@shop.example' },
  { email: 'sixth@shop.example' },
  { email: 'seventh@shop.example' },
];

async function workspace(name: string, extra: Partial<WorkspaceInput> = {}) {
  const dir = path.join(tmp.dir, name);
  mkdirSync(path.join(dir, 'flows'), { recursive: true });
  writeFileSync(path.join(dir, 'flows', 'cards.json'), JSON.stringify(FLOW));
  const ws = await saveWorkspace(dir, {
    version: 1,
    account: { name: 'Job Shop', environment: 'sandbox' },
    integrationTypes: ['hosted'],
    methods: ['VISA', 'MADA'],
    features: { installments: false, savedCards: true, recurring: false },
    store: { baseUrl: 'https://shop.example/', returnUrl: 'https://shop.example/aps/return' },
    aps: { paymentPage: 'https://sbcheckout.example/FortAPI/paymentPage', hosts: ['extra.example'] },
    customers,
    extract: [
      { field: 'merchant_reference', selector: '#ref' },
      { field: 'fort_id', selector: '#fort' },
    ],
    flows: {
      'card-delete': { file: 'flows/cards.json', extract: [{ field: 'fort_id', pattern: 'Fort (\\d+)' }] },
      'card-save': { file: 'flows/cards.json' },
    },
    ...extra,
  });
  return { dir, ws };
}

const events: RunEvent[] = [];
const emit = (e: RunEvent) => events.push(e);

describe('scenario job factory', () => {
  it('loads the flow with the customer, the dependency ledger and the merged extract rules filled in', async () => {
    const { dir, ws } = await workspace('replay');
    const ctx = await runContext(ws, dir, { runId: 'r1', emit });
    const save = requireCatalogScenario('card-save');
    const del = requireCatalogScenario('card-delete');
    const dependency = emptyScenarioEvidence('r1', 'card-save', customerOf(ws, save));
    dependency.ledger.values.merchant_reference = 'REF-SAVE';
    const job = await scenarioJob(ctx, del, { dependency });

    // A delete builds on a save: same customer, whose cards they are.
    expect(job.customer).toEqual(customerOf(ws, save));
    expect(customerOf(ws, del)).toEqual(customerOf(ws, save));
    expect((job.flow.steps[0] as { url: string }).url).toBe(
      `https://shop.example/cards?email=${job.customer.email}&ref=REF-SAVE`,
    );
    expect(job.flowFile).toBe('flows/cards.json');
    expect(job.tags[1]).toMatchObject({ slot: 'general.delete_card' });
    expect(job.extract).toEqual([
      { field: 'merchant_reference', selector: '#ref' },
      { field: 'fort_id', pattern: 'Fort (\\d+)' },
    ]);
    expect(job.apsHosts.sort()).toEqual(['extra.example', 'sbcheckout.example']);
    expect(job.scenarioTimeoutMs).toBe(ws.capture.scenarioTimeoutMs);
    // Several scenarios may share one flow file.
    expect((await scenarioJob(ctx, save, { dependency })).flowFile).toBe('flows/cards.json');
  });

  it('gives a guided capture the same customer, rules and hosts as a replay, without a flow or a deadline', async () => {
    const { dir, ws } = await workspace('guided');
    const ctx = await runContext(ws, dir, { runId: 'r2', emit });
    const del = requireCatalogScenario('card-delete');
    const dependency = emptyScenarioEvidence('r0', 'card-save', { email: 'x@shop.example' });
    dependency.ledger.values.merchant_reference = 'REF-0';
    const replay = await scenarioJob(ctx, del, { dependency });
    const guided = await scenarioJob(ctx, del, { guided: { until: Promise.resolve() } });
    expect(guided.customer).toEqual(replay.customer);
    expect(guided.extract).toEqual(replay.extract);
    expect(guided.apsHosts).toEqual(replay.apsHosts);
    expect(guided.requiredSlots).toEqual(replay.requiredSlots);
    expect(guided.flow.steps).toEqual([]);
    expect(guided.scenarioTimeoutMs).toBeGreaterThanOrEqual(3600_000);
  });

  it('refuses a scenario without a flow with a MissingFlowError that says how to add one', async () => {
    const { dir, ws } = await workspace('missing');
    const ctx = await runContext(ws, dir, { runId: 'r3', emit });
    const err = await scenarioJob(ctx, requireCatalogScenario('card-3ds-success')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingFlowError);
    expect((err as CertkitError).hint).toContain(`certkit capture ${dir} --scenario card-3ds-success`);
  });

  it('falls back to APS hosts when the workspace names none', async () => {
    const { ws } = await workspace('hosts', { aps: { hosts: [] } });
    expect(apsHostsOf(ws).length).toBeGreaterThan(0);
    expect(apsHostsOf(ws).every((h) => /amazon|payfort/i.test(h))).toBe(true);
  });
});

describe('run context', () => {
  it('turns CHECK_STATUS on in a simulator workspace with secrets, and off without them', async () => {
    const { dir, ws } = await workspace('sim', {
      account: { name: 'Sim', environment: 'simulator', merchantIdentifier: 'M1' },
      aps: {
        paymentPage: 'http://127.0.0.1:1/FortAPI/paymentPage',
        paymentApi: 'http://127.0.0.1:1/FortAPI/paymentApi',
      },
    });
    const log = { since: async () => [], lastSeq: async () => 41 };
    const secrets = {
      accessCode: 'ACCESS-1',
      requestPhrase: 'request-phrase',
      responsePhrase: 'response-phrase',
      shaType: 'sha256' as const,
    };
    const on = await runContext(ws, dir, { runId: 'r4', emit, secrets, exchangeLog: log });
    expect(on.checkStatus).toMatchObject({ merchantIdentifier: 'M1' });
    expect(on.exchangeLogSince).toBe(41);
    expect(on.secrets).toEqual(['ACCESS-1', 'request-phrase', 'response-phrase']);
    const off = await runContext(ws, dir, { runId: 'r5', emit, exchangeLog: log });
    expect(off.checkStatus).toBeUndefined();
  });

  it("warns in the run's log when the simulator's log cannot be read, and reads it from the start", async () => {
    const { dir, ws } = await workspace('sim-down', { account: { name: 'Sim', environment: 'simulator' } });
    const down = {
      since: async () => [],
      lastSeq: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:1');
      },
    };
    const seen: RunEvent[] = [];
    const ctx = await runContext(ws, dir, { runId: 'r6', emit: (e) => seen.push(e), exchangeLog: down });
    expect(ctx.exchangeLogSince).toBe(0);
    expect(seen).toEqual([
      {
        type: 'warning',
        runId: 'r6',
        message: "reading the simulator's exchange log: connect ECONNREFUSED 127.0.0.1:1",
      },
    ]);
  });
});

describe('evidence of a scenario that did not run', () => {
  it('carries the reason, the fix when there is one, and when it finished', () => {
    const s = requireCatalogScenario('knet-success');
    const customer = { email: 'a@shop.example' };
    const known = unrunEvidence('r1', s, customer, 'failed', new CertkitError('flow broken', { hint: 'fix it' }));
    expect(known).toMatchObject({ status: 'failed', error: { message: 'flow broken', hint: 'fix it' } });
    expect(Date.parse(known.finishedAt!)).not.toBeNaN();
    const plain = unrunEvidence('r1', s, customer, 'skipped', new Error('no browser'));
    expect(plain.error).toEqual({ message: 'no browser' });
    expect(plain.finishedAt).toBeTruthy();
  });
});
