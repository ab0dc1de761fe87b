import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiTable } from '../../shared/api/contract';
import type { ApiSession } from '../../electron/engine/api/context';
import { callReply, dispatch } from '../../electron/engine/api/dispatch';
import { MemorySecretStore } from '../../electron/engine/api/memory-secrets';
import { MemoryRecentStore } from '../../electron/engine/api/recent-store';
import { createApiTable } from '../../electron/engine/api/table';
import {
  emptyScenarioEvidence,
  readScenarioEvidence,
  writeScenarioEvidence,
} from '../../electron/engine/evidence/store';
import { initWorkspace } from '../../electron/engine/workspace/workspace';
import { readsArabic } from '../../shared/text';

let tmp: string;
let ws: string;
let api: ApiTable;
const events: [string, unknown][] = [];

const RECORDING = {
  title: 'Checkout with a card',
  steps: [
    {
      type: 'setViewport',
      width: 1280,
      height: 800,
      deviceScaleFactor: 1,
      isMobile: false,
      hasTouch: false,
      isLandscape: false,
    },
    { type: 'navigate', url: 'https://shop.example/checkout' },
    { type: 'change', selectors: [['#email']], value: 'real.person@example.com' },
    { type: 'change', selectors: [['#card']], value: '4005550000000001' },
    { type: 'change', selectors: [['#cvv']], value: '123' },
    { type: 'click', selectors: [['#pay']], offsetX: 1, offsetY: 1 },
  ],
};

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'certkit-api-'));
  ws = path.join(tmp, 'ws');
  await initWorkspace(ws, { account: 'Api Store', methods: ['VISA'] });
  api = createApiTable({
    transport: 'browser',
    secrets: new MemorySecretStore(),
    recent: new MemoryRecentStore(),
    emit: (e, p) => events.push([e, p]),
    openPath: async () => false,
  });
  await api['workspace.open']({ dir: ws });
});

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('API table (plain Node, both transports bind it)', () => {
  it('imports a Recorder flow for a scenario with typed personal data turned into placeholders', async () => {
    const flow = await api['flows.import']({ name: 'card-declined', json: JSON.stringify(RECORDING) });
    expect(flow.stepCount).toBe(6);
    expect(flow.placeholders).toEqual(['baseUrl', 'card.cvv', 'card.number', 'customer.email']);
    // The same words the run's progress and the evidence use for a step, with placeholders instead of values.
    expect(flow.steps.map((s) => s.label)).toEqual([
      'Set the window size',
      'Open {{baseUrl}}/checkout',
      'Type {{customer.email}} into #email',
      'Type {{card.number}} into #card',
      'Type {{card.cvv}} into #cvv',
      'Click #pay',
    ]);
    // What the import did, for the app to show: the substitutions, the values per scenario, the slots it inferred.
    expect(flow.imported.substitutions.map((x) => [x.step, x.placeholder])).toEqual([
      [3, 'customer.email'],
      [4, 'card.number'],
      [5, 'card.cvv'],
    ]);
    expect(flow.imported.slots.map((x) => [x.step, x.slot, x.source])).toEqual([
      [5, 'general.checkout', 'inferred'],
      [6, 'general.result', 'inferred'],
    ]);
    expect(flow.imported.values.find((v) => v.placeholder === 'card.number')?.byScenario).toEqual({
      'card-declined': '4111111111111111',
    });
    expect(flow.imported.baseUrlSet).toBe('https://shop.example/');
    const onDisk = await fs.readFile(path.join(ws, 'flows', 'card-declined.json'), 'utf8');
    expect(onDisk).not.toMatch(/4005550000000001|real\.person/);
    const saved = JSON.parse(await fs.readFile(path.join(ws, 'certkit.json'), 'utf8'));
    expect(saved.flows['card-declined'].file).toBe('flows/card-declined.json');
    expect((await api['flows.list']({})).flows.map((f) => f.name)).toEqual(['card-declined']);
  });

  it('refuses a malformed recording naming the step', async () => {
    const broken = { title: 'x', steps: [{ type: 'navigate', url: 'https://a' }, { type: 'click' }] };
    await expect(api['flows.import']({ name: 'card-declined', json: JSON.stringify(broken) })).rejects.toThrow(
      /step 2/,
    );
    await expect(api['flows.import']({ name: 'card-declined', json: '{oops' })).rejects.toThrow(/not valid JSON/);
  });

  it('tags a step with a catalog slot and removes the tag again', async () => {
    const tagged = await api['flows.tag']({ name: 'card-declined', step: 5, slot: 'general.result' });
    expect(tagged.steps[5].slot).toBe('general.result');
    const raw = JSON.parse(await fs.readFile(path.join(ws, 'flows', 'card-declined.json'), 'utf8'));
    expect(raw.steps[5].certkit).toEqual({ slot: 'general.result' });
    await expect(api['flows.tag']({ name: 'card-declined', step: 5, slot: 'general.nope' })).rejects.toThrow(
      /not a screenshot slot/,
    );
    const untagged = await api['flows.tag']({ name: 'card-declined', step: 5, slot: null });
    expect(untagged.steps[5].slot).toBeUndefined();
    expect(
      JSON.parse(await fs.readFile(path.join(ws, 'flows', 'card-declined.json'), 'utf8')).steps[5].certkit,
    ).toBeUndefined();
  });

  it('lists evidence against the plan, serves downscaled images, and refuses paths outside the scenario', async () => {
    const ev = emptyScenarioEvidence('run-1', 'card-declined', { email: 'a@b.co' }, 'passed');
    const img = await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#336699' } })
      .jpeg()
      .toBuffer();
    const dir = path.join(ws, 'runs', 'run-1', 'card-declined');
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, '01-checkout.jpg'), img);
    ev.screenshots.push({
      file: '01-checkout.jpg',
      rawFile: 'raw/01.png',
      slot: 'general.checkout',
      url: 'https://shop.example/checkout',
      title: '',
      capturedAt: '2026-01-01T00:00:00+03:00',
      timeZone: 'Asia/Riyadh',
      step: 1,
      stepLabel: 'checkout',
      width: 1200,
      height: 900,
      bytes: img.length,
      failure: false,
    });
    ev.ledger.values.merchant_reference = 'CK-1';
    ev.ledger.sources.merchant_reference = 'traffic';
    await writeScenarioEvidence(ws, ev);

    const list = await api['evidence.list']({});
    const declined = list.scenarios.find((s) => s.id === 'card-declined')!;
    expect(declined.status).toBe('passed');
    expect(declined.screenshots[0].url).toBe('https://shop.example/checkout');
    expect(list.scenarios.find((s) => s.id === 'card-non3ds-success')?.status).toBe('not-run');
    expect(list.slots.find((s) => s.id === 'general.checkout')?.filled).toBe(true);
    expect(list.slots.find((s) => s.id === 'general.three_ds')?.filled).toBe(false);

    const image = await api['evidence.image']({
      runId: 'run-1',
      scenarioId: 'card-declined',
      file: '01-checkout.jpg',
      width: 300,
    });
    expect(image.width).toBe(300);
    expect(image.dataUrl).toMatch(/^data:image\/jpeg;base64,/);
    await expect(
      dispatch(api, 'evidence.image', { runId: 'run-1', scenarioId: 'card-declined', file: '../../../certkit.json' }),
    ).rejects.toThrow(/inside the scenario folder/);
  });

  it('records a hand-edited ledger value as manual, and clears it', async () => {
    const ledger = await api['evidence.setLedger']({ scenarioId: 'card-declined', field: 'fort_id', value: '1699' });
    expect(ledger.values).toMatchObject({ merchant_reference: 'CK-1', fort_id: '1699' });
    expect(ledger.sources).toMatchObject({ merchant_reference: 'traffic', fort_id: 'manual' });
    const onDisk = await readScenarioEvidence(ws, 'run-1', 'card-declined');
    expect(onDisk?.ledger.sources.fort_id).toBe('manual');
    const cleared = await api['evidence.setLedger']({ scenarioId: 'card-declined', field: 'fort_id', value: '' });
    expect(cleared.values.fort_id).toBeUndefined();
    await expect(
      api['evidence.setLedger']({ scenarioId: 'card-3ds-success', field: 'fort_id', value: '1' }),
    ).rejects.toThrow(/no evidence yet/);
  });

  it('imports a dropped screen as evidence (evidence.attach), lists it, and takes its merchant reference', async () => {
    const png = await sharp({ create: { width: 400, height: 700, channels: 3, background: '#0a7' } })
      .withExif({ IFD0: { Make: 'PhoneMaker' } })
      .png()
      .toBuffer();
    const input = { scenarioId: 'card-non3ds-success', fileName: 'app.png', data: png.toString('base64') };
    // Through dispatch, so the contract parses the input as either transport would.
    const res = (await dispatch(api, 'evidence.attach', {
      ...input,
      slot: 'general.result',
      url: 'Shop app > Paid',
    })) as { runId: string };
    expect(res).toMatchObject({ status: 'failed', missingSlots: ['general.checkout'] });
    const list = await api['evidence.list']({});
    const listed = list.scenarios.find((s) => s.id === 'card-non3ds-success')!;
    expect(listed.runId).toBe(res.runId);
    expect(listed.screenshots.map((s) => [s.slot, s.url, s.stepLabel])).toEqual([
      ['general.result', 'Shop app > Paid', 'imported by the engineer'],
    ]);
    const ledger = await api['evidence.setLedger']({
      scenarioId: 'card-non3ds-success',
      field: 'merchant_reference',
      value: 'APP-1',
    });
    expect(ledger.sources.merchant_reference).toBe('manual');
    const bad = await callReply(api, 'evidence.attach', { ...input, slot: 'knet.receipt' });
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'input', hint: expect.stringMatching(/general\.checkout/) },
    });
  });

  it('validates a workspace save and reports the field', async () => {
    await expect(
      dispatch(api, 'workspace.save', {
        workspace: { version: 1, account: { name: '' }, integrationTypes: ['hosted'], methods: ['VISA'] },
      }),
    ).rejects.toThrow(/account\.name/);
    await expect(
      dispatch(api, 'workspace.save', {
        workspace: {
          version: 1,
          account: { name: 'X', requestPhrase: 'p' },
          integrationTypes: ['hosted'],
          methods: ['VISA'],
        },
      }),
    ).rejects.toThrow(/secret/);
  });

  it('a refused workspace.save carries the field line in Arabic beside the unchanged English', async () => {
    const workspace = { version: 1, account: { name: 'X' }, integrationTypes: [], methods: ['VISA'] };
    const refused = await callReply(api, 'workspace.save', { workspace });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe('input');
    expect(refused.error.message).toBe('workspace.save: workspace.integrationTypes pick at least one integration type');
    expect(refused.error.ar?.message).toMatch(/^workspace\.save: workspace\.integrationTypes /);
    expect(readsArabic(refused.error.ar?.message ?? '')).toBe(true);
    expect(readsArabic(refused.error.ar?.hint ?? '')).toBe(true);
    const secret = await callReply(api, 'workspace.save', {
      workspace: { ...workspace, integrationTypes: ['hosted'], account: { name: 'X', requestPhrase: 'p' } },
    });
    if (secret.ok) throw new Error('a secret in the workspace was saved');
    expect(secret.error.message).toMatch(/holds a secret \("requestPhrase"\)/);
    expect(secret.error.ar?.message).toMatch(/workspace\.account .*"requestPhrase"/);
    expect(readsArabic(secret.error.ar?.message ?? '')).toBe(true);
  });

  it('saves the Project form without undoing a flow import or a confirmation made since the form loaded', async () => {
    const other = path.join(tmp, 'form-save');
    await initWorkspace(other, { account: 'Form Store', methods: ['VISA'] });
    const loaded = (await api['workspace.open']({ dir: other })).workspace;
    await api['flows.import']({ name: 'card-non3ds-success', json: JSON.stringify(RECORDING) });
    await api['checks.confirm']({ checkpointId: 'inbound-ip', confirmed: true, note: 'Two NAT gateways' });
    const saved = await api['workspace.save']({
      workspace: { ...loaded, account: { ...loaded.account, name: 'Renamed Store' } },
    });
    const onDisk = JSON.parse(await fs.readFile(path.join(other, 'certkit.json'), 'utf8'));
    await api['workspace.open']({ dir: ws });
    for (const w of [saved.workspace, onDisk]) {
      expect(w.account.name).toBe('Renamed Store');
      expect(w.flows['card-non3ds-success']).toBeDefined();
      expect(w.confirmations['inbound-ip']).toMatchObject({ confirmed: true, note: 'Two NAT gateways' });
    }
  });

  it('reports an idle run, and stopping when nothing runs is a no-op', async () => {
    const status = await api['run.status']({});
    expect(status.running).toBe(false);
    expect(await api['run.stop']({})).toEqual({ stopped: false });
  });

  it('refuses a final email while sign-off is blocked, and drafts one that says DRAFT without writing anything', async () => {
    const out = path.join(ws, 'output');
    const blocked = await callReply(api, 'email.draft', {});
    expect(blocked.ok).toBe(false);
    if (blocked.ok) return;
    expect(blocked.error.code).toBe('state');
    expect(blocked.error.message).toMatch(/cannot be final: \d+ item\(s\) block sign-off/);
    // The workspace's other scenarios never ran, and no package exists: both are named.
    expect(blocked.error.message).toMatch(
      /Successful transaction, 3DS card \(card-3ds-success\) has not run: it has no flow yet/,
    );
    expect(blocked.error.message).toMatch(/No package has been built/);
    expect(blocked.error.hint).toMatch(/make a draft/);
    const status = await api['signoff.status']({});
    expect(status.ready).toBe(false);
    expect(
      status.blockers.find((b) => b.kind === 'scenario-not-run' && b.scenario === 'card-3ds-success')?.fix,
    ).toEqual({ action: 'add-flow', scenario: 'card-3ds-success' });
    expect(status.blockers.at(-1)).toMatchObject({ kind: 'package-missing', fix: { action: 'build-package' } });
    expect(status.scenarios.find((s) => s.id === 'card-declined')).toMatchObject({ runId: 'run-1', pinned: false });

    const draft = await api['email.draft']({ draft: true });
    expect(draft.subject).toBe('DRAFT - Integration Sign-off - Api Store');
    expect(draft.draft).toBe(true);
    expect(draft.body).toMatch(/^DRAFT, not for sign-off: \d+ item\(s\) still block it/);
    expect(draft.body).toContain('merchant reference CK-1');
    await expect(fs.readdir(out)).rejects.toThrow(/ENOENT/);
    // Scenarios not run, checkpoints open, no package: not a sendable email, and nothing is written.
    await expect(api['email.saveEml']({ draft: false })).rejects.toThrow(/cannot be final/);
    await expect(fs.readdir(out)).rejects.toThrow(/ENOENT/);
    const saved = await api['email.saveEml']({ draft: true });
    expect(saved.path).toBe(path.join(out, 'signoff-email-DRAFT.eml'));
    expect((await fs.stat(saved.path)).size).toBe(saved.bytes);
    expect((await fs.readdir(out)).sort()).toEqual([
      'signoff-email-DRAFT.eml',
      'signoff-email-DRAFT.mailto.txt',
      'signoff-email-DRAFT.txt',
    ]);
    const eml = await fs.readFile(saved.path, 'utf8');
    expect(eml).toMatch(/^Subject: DRAFT - Integration Sign-off - Api Store/m);
    const text = await fs.readFile(path.join(out, 'signoff-email-DRAFT.txt'), 'utf8');
    expect(text).toMatch(/\n\nDRAFT, not for sign-off: \d+ item\(s\) still block it/);
  });

  it('lists what blocks sign-off, each with the action that fixes it', async () => {
    const state = await api['signoff.status']({});
    expect(state.ready).toBe(false);
    const byKind = (kind: string) => state.blockers.filter((b) => b.kind === kind);
    // card-declined has a flow and a run, but no screenshot of its result page: the step to tag is named.
    expect(byKind('slot-missing').map((b) => b.fix)).toContainEqual({
      action: 'tag-step',
      scenario: 'card-declined',
      slot: 'general.result',
    });
    // (card-non3ds-success has imported screens from the evidence.attach test above, so it is no longer unrun.)
    expect(byKind('scenario-not-run').map((b) => b.fix)).toContainEqual({
      action: 'add-flow',
      scenario: 'card-3ds-success',
    });
    expect(byKind('checkpoint-needs-confirmation').map((b) => b.fix)).toContainEqual({
      action: 'confirm',
      checkpoint: 'inbound-ip',
    });
    expect(byKind('package-missing').map((b) => b.fix)).toEqual([{ action: 'build-package' }]);
  });

  it('opens the saved .eml in the mail app, else a short mailto: link, else says neither worked', async () => {
    const tried: string[] = [];
    const host = (openPath: boolean, openExternal: boolean) =>
      createApiTable({
        transport: 'electron',
        secrets: new MemorySecretStore(),
        recent: new MemoryRecentStore(),
        emit: () => undefined,
        openPath: async (p) => (tried.push(p), openPath),
        openExternal: async (u) => (tried.push(u), openExternal),
      });
    const eml = path.join(ws, 'output', 'signoff-email-DRAFT.eml');
    await expect(host(true, true)['email.open']({ draft: true })).rejects.toThrow(/no workspace is open/);
    const viaFile = host(true, true);
    await viaFile['workspace.open']({ dir: ws });
    expect(await viaFile['email.open']({ draft: true })).toMatchObject({ path: eml, opened: 'file' });
    expect(tried).toEqual([eml]);
    const viaLink = host(false, true);
    await viaLink['workspace.open']({ dir: ws });
    const linked = await viaLink['email.open']({ draft: true });
    expect(linked.opened).toBe('mailto');
    expect(tried.at(-1)).toBe(linked.mailto);
    // The link names the file instead of carrying the whole body.
    expect(linked.mailto.length).toBeLessThan(1000);
    expect(decodeURIComponent(linked.mailto)).toContain(eml);
    expect(linked.mailto).toMatch(
      /^mailto:integration-ps@amazon\.com\?subject=DRAFT%20-%20Integration%20Sign-off%20-%20Api%20Store&body=/,
    );
    const none = host(false, false);
    await none['workspace.open']({ dir: ws });
    expect((await none['email.open']({ draft: true })).opened).toBe('none');
  });

  it('says what a typed folder is, and opens or creates only absolute ones', async () => {
    expect(await api['workspace.inspect']({ dir: ws })).toMatchObject({
      absolute: true,
      exists: true,
      folder: true,
      workspace: true,
      account: 'Api Store',
    });
    expect(await api['workspace.inspect']({ dir: path.join(tmp, 'new-shop') })).toMatchObject({
      absolute: true,
      exists: false,
      workspace: false,
    });
    expect(await api['workspace.inspect']({ dir: 'my-shop' })).toMatchObject({ absolute: false });
    await fs.mkdir(path.join(tmp, 'empty'));
    expect(await api['workspace.inspect']({ dir: path.join(tmp, 'empty') })).toMatchObject({
      folder: true,
      empty: true,
      workspace: false,
    });
    for (const call of ['workspace.open', 'workspace.init'] as const)
      await expect(dispatch(api, call, { dir: 'my-shop' })).rejects.toThrow(/dir must be an absolute folder path/);
  });

  it('forgets the checks it verified when a run finishes or evidence is edited', async () => {
    const session: ApiSession = {};
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    const own = createApiTable(
      {
        transport: 'browser',
        secrets: new MemorySecretStore(),
        recent: new MemoryRecentStore(),
        emit: (e) => e === 'run.finished' && finished(),
        openPath: async () => false,
      },
      session,
    );
    await own['workspace.open']({ dir: ws });
    await own['checks.verify']({});
    expect(session.checks?.dir).toBe(ws);
    await own['evidence.setLedger']({ scenarioId: 'card-declined', field: 'fort_id', value: '1700' });
    expect(session.checks).toBeUndefined();
    await own['checks.verify']({});
    expect(session.checks).toBeDefined();
    // A scenario without a recorded flow fails at once, and the run ends.
    await own['run.start']({ only: ['card-non3ds-success'] });
    await done;
    expect(session.checks).toBeUndefined();
  });
});
