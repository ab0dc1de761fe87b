import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  emptyScenarioEvidence,
  readScenarioEvidence,
  writeScenarioEvidence,
} from '../../electron/engine/evidence/store';
import { initWorkspace } from '../../electron/engine/workspace/workspace';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';

const tmp = tempDir('certkit-cli-flows-');
afterAll(() => tmp.cleanup());
let n = 0;
async function newWorkspace(): Promise<string> {
  const dir = path.join(tmp.dir, `ws${++n}`);
  await initWorkspace(dir, { account: 'Cli Store', methods: ['VISA', 'KNET'] });
  return dir;
}

const RECORDING = {
  title: 'KNET checkout',
  steps: [
    { type: 'navigate', url: 'https://shop.example/checkout' },
    { type: 'change', selectors: [['#email']], value: 'sara.ali@example.com' },
    { type: 'change', selectors: [['#phone']], value: '+965 5123 4567' },
    { type: 'click', selectors: [['#pay']], offsetX: 1, offsetY: 1, certkit: { slot: 'knet.checkout' } },
  ],
};

describe('certkit import', () => {
  it('stores the recording as the scenario flow with typed personal data replaced', async () => {
    const dir = await newWorkspace();
    const file = path.join(tmp.dir, 'knet.json');
    await fs.writeFile(file, JSON.stringify(RECORDING));
    const r = await runCli(['import', dir, file, '--scenario', 'knet-success']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/flows\/knet-success\.json/);
    expect(r.stdout).toMatch(/^2 +email +store page +sara\.ali@example\.com +\{\{customer\.email\}\}$/m);
    expect(r.stdout).toMatch(/^3 +phone +store page +\+965 5123 4567 +\{\{customer\.phone\}\}$/m);
    // What each placeholder will be, per scenario, and the store the recording was made on.
    expect(r.stdout).toMatch(/^\{\{customer\.email\}\} +\S+@example\.\w+$/m);
    expect(r.stdout).toMatch(/store\.baseUrl was not set; set to https:\/\/shop\.example\//);
    const stored = await fs.readFile(path.join(dir, 'flows', 'knet-success.json'), 'utf8');
    expect(stored).not.toMatch(/sara\.ali|5123/);
    expect(JSON.parse(stored).steps[3].certkit).toEqual({ slot: 'knet.checkout' });
    const ws = JSON.parse(await fs.readFile(path.join(dir, 'certkit.json'), 'utf8'));
    expect(ws.flows['knet-success'].file).toBe('flows/knet-success.json');
    expect(ws.store.baseUrl).toBe('https://shop.example/');
    expect(JSON.parse(stored).steps[0].url).toBe('{{baseUrl}}/checkout');
  });

  it('stores one recording for a method’s success and declined scenarios, slots changed with --slot', async () => {
    const dir = await newWorkspace();
    const file = path.join(tmp.dir, 'knet-both.json');
    await fs.writeFile(file, JSON.stringify(RECORDING));
    const r = await runCli([
      'import',
      dir,
      file,
      '--scenario',
      'knet-success,knet-declined',
      '--slot',
      '2=knet.pre_checkout',
      '--slot',
      '4=none',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^knet-success, knet-declined: flow stored as flows\/knet\.json$/m);
    expect(r.stdout).toMatch(/^2 +knet\.pre_checkout +https:\/\/shop\.example\/checkout +set with --slot$/m);
    expect(r.stdout).toMatch(/Not placed: .*knet\.checkout/);
    const ws = JSON.parse(await fs.readFile(path.join(dir, 'certkit.json'), 'utf8'));
    expect(ws.flows['knet-success'].file).toBe('flows/knet.json');
    expect(ws.flows['knet-declined'].file).toBe('flows/knet.json');
    const stored = JSON.parse(await fs.readFile(path.join(dir, 'flows', 'knet.json'), 'utf8'));
    expect(stored.steps[1].certkit).toEqual({ slot: 'knet.pre_checkout' });
    expect(stored.steps[3].certkit).toBeUndefined();
    const bad = await runCli(['import', dir, file, '--scenario', 'knet-success,card-declined']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/different methods/);
  });

  it('refuses a malformed recording with the step number, an unknown scenario and a missing file', async () => {
    const dir = await newWorkspace();
    const file = path.join(tmp.dir, 'broken.json');
    await fs.writeFile(
      file,
      JSON.stringify({ title: 'x', steps: [{ type: 'navigate', url: 'https://a' }, { type: 'click' }] }),
    );
    const broken = await runCli(['import', dir, file, '--scenario', 'knet-success']);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/step 2 is invalid/);
    const unknown = await runCli(['import', dir, file, '--scenario', 'knet-succes']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/not a scenario in the catalog/);
    const missing = await runCli(['import', dir, path.join(tmp.dir, 'nope.json'), '--scenario', 'knet-success']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read recording .*no such file/);
    // Nothing half-written: certkit.json still has no flow for the scenario.
    const ws = JSON.parse(await fs.readFile(path.join(dir, 'certkit.json'), 'utf8'));
    expect(ws.flows['knet-success']).toBeUndefined();
  });
});

describe('certkit ledger', () => {
  it('lists references, sets and clears a value by hand, marked as such', async () => {
    const dir = await newWorkspace();
    const ev = emptyScenarioEvidence('2026-11-28T00-00-00-000Z-abcd', 'knet-success', { email: 'a@b.test' }, 'passed');
    ev.ledger = {
      values: { merchant_reference: 'ORD-77', fort_id: '1699' },
      sources: { merchant_reference: 'traffic', fort_id: 'traffic' },
    };
    await writeScenarioEvidence(dir, ev);

    const list = await runCli(['ledger', dir]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/knet-success .*ORD-77 .*1699/);

    const set = await runCli([
      'ledger',
      dir,
      '--scenario',
      'knet-success',
      '--set',
      'knet_ref_number=861522',
      '--set',
      'fort_id=1700',
    ]);
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(/1700 \*/);
    expect(set.stdout).toMatch(/\* entered by hand/);
    let saved = await readScenarioEvidence(dir, ev.runId, 'knet-success');
    expect(saved!.ledger.values).toMatchObject({
      knet_ref_number: '861522',
      fort_id: '1700',
      merchant_reference: 'ORD-77',
    });
    expect(saved!.ledger.sources).toMatchObject({
      knet_ref_number: 'manual',
      fort_id: 'manual',
      merchant_reference: 'traffic',
    });

    const cleared = await runCli(['ledger', dir, '--scenario', 'knet-success', '--clear', 'fort_id']);
    expect(cleared.code).toBe(0);
    saved = await readScenarioEvidence(dir, ev.runId, 'knet-success');
    expect(saved!.ledger.values.fort_id).toBeUndefined();
    expect(saved!.ledger.sources.fort_id).toBeUndefined();
  });

  it('refuses an unknown field, a scenario without evidence and --set without --scenario', async () => {
    const dir = await newWorkspace();
    const badField = await runCli(['ledger', dir, '--scenario', 'knet-success', '--set', 'card_number=4111']);
    expect(badField.code).toBe(2);
    expect(badField.stderr).toMatch(/"card_number" is not a ledger field/);
    const noEvidence = await runCli(['ledger', dir, '--scenario', 'knet-success', '--set', 'fort_id=1']);
    expect(noEvidence.code).toBe(2);
    expect(noEvidence.stderr).toMatch(/knet-success has no evidence yet/);
    const noScenario = await runCli(['ledger', dir, '--set', 'fort_id=1']);
    expect(noScenario.code).toBe(2);
    expect(noScenario.stderr).toMatch(/need --scenario/);
    const badSyntax = await runCli(['ledger', dir, '--scenario', 'knet-success', '--set', 'fort_id']);
    expect(badSyntax.code).toBe(2);
    expect(badSyntax.stderr).toMatch(/FIELD=VALUE/);
  });
});
