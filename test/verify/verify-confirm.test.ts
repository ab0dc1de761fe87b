import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CertkitError } from '../../electron/engine/errors';
import { writeScenarioEvidence } from '../../electron/engine/evidence/store';
import { confirmCheckpoint, verifyWorkspace } from '../../electron/engine/verify';
import { initWorkspace } from '../../electron/engine/workspace/workspace';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';
import { SECRETS, correctEvidence, workspace } from './evidence-builder';

const tmp = tempDir('certkit-verify-');
afterAll(() => tmp.cleanup());
let n = 0;
async function newWorkspace(): Promise<string> {
  const dir = path.join(tmp.dir, `ws${++n}`);
  await initWorkspace(dir, { integrationTypes: ['hosted'], methods: ['VISA', 'MASTERCARD', 'MADA'] });
  return dir;
}
const env = {
  CERTKIT_ACCESS_CODE: SECRETS.accessCode,
  CERTKIT_SHA_REQUEST_PHRASE: SECRETS.requestPhrase,
  CERTKIT_SHA_RESPONSE_PHRASE: SECRETS.responsePhrase,
  CERTKIT_SHA_TYPE: 'SHA-256',
};

describe('confirmations', () => {
  it('confirmCheckpoint saves the note and verify reports it as confirmed', async () => {
    const dir = await newWorkspace();
    await confirmCheckpoint(dir, 'inbound-ip', true, 'Sandbox egress 203.0.113.4, production 198.51.100.9');
    const saved = JSON.parse(readFileSync(path.join(dir, 'certkit.json'), 'utf8'));
    expect(saved.confirmations['inbound-ip']).toMatchObject({
      confirmed: true,
      note: 'Sandbox egress 203.0.113.4, production 198.51.100.9',
    });
    const report = await verifyWorkspace(dir);
    const r = report.results.find((x) => x.checkpointId === 'inbound-ip')!;
    expect(r).toMatchObject({ status: 'confirmed', note: 'Sandbox egress 203.0.113.4, production 198.51.100.9' });
    expect(report.counts.confirmed).toBe(1);
  });

  it('refuses an unknown id, a checkpoint that does not apply, and a confirmation without a note', async () => {
    const dir = await newWorkspace();
    await expect(confirmCheckpoint(dir, 'no-such-point', true, 'x')).rejects.toThrow(/No checkpoint "no-such-point"/);
    await expect(confirmCheckpoint(dir, 'knet-receipt', true, 'x')).rejects.toThrow(/does not apply/);
    const err = await confirmCheckpoint(dir, 'inbound-ip', true, '  ').catch((e) => e);
    expect(err).toBeInstanceOf(CertkitError);
    expect(err.hint).toMatch(/--note/);
  });

  it('a confirmation settles a point without evidence but never overrides a failure', async () => {
    const dir = await newWorkspace();
    await confirmCheckpoint(dir, 'three-ds-top-window', true, 'Checked by hand on staging');
    await confirmCheckpoint(dir, 'customer-email', true, 'We think it is fine');
    const ws = workspace({ integrationTypes: ['hosted'], methods: ['VISA', 'MASTERCARD', 'MADA'] });
    const list = correctEvidence(ws, () => ({ extraFields: { customer_email: 'orders@shop.test' } })).filter(
      (e) => !e.screenshots.some((s) => s.slot === 'general.three_ds'),
    );
    for (const ev of list) await writeScenarioEvidence(dir, ev);
    const report = await verifyWorkspace(dir, { secrets: SECRETS });
    expect(report.results.find((r) => r.checkpointId === 'three-ds-top-window')!.status).toBe('confirmed');
    expect(report.results.find((r) => r.checkpointId === 'customer-email')!.status).toBe('failed');
  });
});

describe('certkit verify', () => {
  it('exits 0 with a table when nothing fails, and prints what to run for missing evidence', async () => {
    const dir = await newWorkspace();
    const r = await runCli(['verify', dir], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/NO EVIDENCE\s+customer-email/);
    expect(r.stdout).toMatch(/certkit run <workspace> --only card-non3ds-success/);
  });

  it('exits 1 when a check fails; --json gives the report; secrets never printed', async () => {
    const dir = await newWorkspace();
    const ws = workspace({ integrationTypes: ['hosted'], methods: ['VISA', 'MASTERCARD', 'MADA'] });
    for (const ev of correctEvidence(ws, () => ({ extraFields: { customer_email: 'orders@shop.test' } })))
      await writeScenarioEvidence(dir, ev);
    const r = await runCli(['verify', dir, '--json'], { env });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.results.find((x: { checkpointId: string }) => x.checkpointId === 'customer-email').status).toBe(
      'failed',
    );
    expect(report.results.find((x: { checkpointId: string }) => x.checkpointId === 'request-signature').status).toBe(
      'passed',
    );
    for (const secret of [SECRETS.accessCode!, SECRETS.requestPhrase!, SECRETS.responsePhrase!])
      expect(r.stdout).not.toContain(secret);
  });

  it('--confirm ID --note saves the confirmation; bad input exits 2', async () => {
    const dir = await newWorkspace();
    const ok = await runCli(
      ['verify', dir, '--confirm', 'other-browsers', '--note', 'Safari 18, Firefox 133, Edge 131 ok'],
      { env },
    );
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/CONFIRMED\s+other-browsers/);
    expect((await runCli(['verify'], { env })).code).toBe(2);
    expect((await runCli(['verify', dir, '--confirm', 'other-browsers'], { env })).code).toBe(2);
    expect((await runCli(['verify', path.join(tmp.dir, 'missing')], { env })).code).toBe(2);
  });
});
