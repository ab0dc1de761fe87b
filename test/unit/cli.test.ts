import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const DOC_PURCHASE = JSON.stringify({
  access_code: 'SILgpo7pWbmzuURp2qri',
  amount: '1000',
  command: 'PURCHASE',
  currency: 'USD',
  customer_email: 'test@gmail.com',
  language: 'en',
  merchant_identifier: 'MxvOupuG',
  merchant_reference: 'Test010',
});
const DOC_SIGNATURE = '94c38afc7bdae0114fc8c740edf12416f22998241ce4b4ea70d5521233a2c882';

describe('certkit sign', () => {
  it('prints the lowercase signature of stdin parameters', async () => {
    const r = await runCli(['sign', '--phrase', 'PASS'], { stdin: DOC_PURCHASE });
    expect(r).toMatchObject({ code: 0, stdout: `${DOC_SIGNATURE}\n` });
  });

  it('--verify exits 0 on a match and prints the hashed string with the phrase masked', async () => {
    const signed = JSON.stringify({ ...JSON.parse(DOC_PURCHASE), signature: DOC_SIGNATURE.toUpperCase() });
    const r = await runCli(['sign', '--verify', '--phrase', 'PASS'], { stdin: signed });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('<phrase>access_code=SILgpo7pWbmzuURp2qriamount=1000');
    expect(r.stdout).not.toMatch(/PASSaccess|PASS\n/);
  });

  it('--verify exits 1 on a mismatch', async () => {
    const tampered = JSON.stringify({ ...JSON.parse(DOC_PURCHASE), amount: '1001', signature: DOC_SIGNATURE });
    const r = await runCli(['sign', '--verify', '--phrase', 'PASS'], { stdin: tampered });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/does NOT match/);
  });

  it('supports the other algorithms', async () => {
    const a = await runCli(['sign', '--phrase', 'PASS', '--algo', 'sha512'], { stdin: DOC_PURCHASE });
    const b = await runCli(['sign', '--phrase', 'PASS', '--algo', 'hmac256'], { stdin: DOC_PURCHASE });
    expect(a.stdout.trim()).toMatch(/^[0-9a-f]{128}$/);
    expect(b.stdout.trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(b.stdout.trim()).not.toBe(DOC_SIGNATURE);
  });

  it('bad JSON, a non-object, a missing phrase and an unknown algorithm exit 2 saying what is wrong', async () => {
    const bad = await runCli(['sign', '--phrase', 'P'], { stdin: '{"a":' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not valid JSON/);
    expect((await runCli(['sign', '--phrase', 'P'], { stdin: '[1]' })).stderr).toMatch(/array, not an object/);
    expect((await runCli(['sign'], { stdin: '{}' })).stderr).toMatch(/--phrase/);
    const algo = await runCli(['sign', '--phrase', 'P', '--algo', 'md5'], { stdin: '{}' });
    expect(algo.code).toBe(2);
    expect(algo.stderr).toMatch(/md5.*sha256, sha512, hmac256 or hmac512/s);
  });
});

describe('certkit init, plan and catalog', () => {
  it('init then plan prints the matrix for the chosen methods', async () => {
    const dir = path.join(tmp.dir, 'w');
    const init = await runCli([
      'init',
      dir,
      '--account',
      'Gulf Mart',
      '--methods',
      'visa,mada,knet',
      '--features',
      'recurring',
    ]);
    expect(init.code).toBe(0);
    const plan = await runCli(['plan', dir]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('Gulf Mart');
    for (const id of [
      'card-non3ds-success',
      'card-3ds-success',
      'card-declined',
      'mada-success',
      'knet-success',
      'knet-declined',
      'recurring-initial',
    ]) {
      expect(plan.stdout).toContain(id);
    }
    expect(plan.stdout).not.toContain('naps-success');
    expect(plan.stdout).toContain('knet-receipt');
  });

  it('plan --json gives scenarios, slots and checkpoints', async () => {
    const dir = path.join(tmp.dir, 'json');
    await runCli(['init', dir, '--methods', 'naps', '--integration', 'hosted']);
    const out = JSON.parse((await runCli(['plan', dir, '--json'])).stdout);
    expect(out.scenarios.map((s: { id: string }) => s.id)).toEqual([
      'naps-success-ar',
      'naps-success-en',
      'naps-declined-ar',
      'naps-declined-en',
    ]);
    expect(out.checkpoints.map((c: { id: string }) => c.id)).toContain('naps-languages');
  });

  it('plan on an invalid workspace exits 2 naming the field', async () => {
    const dir = path.join(tmp.dir, 'invalid');
    await runCli(['init', dir]);
    const file = path.join(dir, 'certkit.json');
    const raw = JSON.parse(readFileSync(file, 'utf8'));
    raw.integrationTypes = ['hosted', 'carrier-pigeon'];
    writeFileSync(file, JSON.stringify(raw));
    const r = await runCli(['plan', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('integrationTypes[1]');
    expect(r.stderr).toContain(file);
  });

  it('init refuses unknown methods with the list of valid ones', async () => {
    const r = await runCli(['init', path.join(tmp.dir, 'x'), '--methods', 'visa,paypal']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"PAYPAL".*choose from VISA/s);
  });

  it('catalog --json holds every method with its rules', async () => {
    const out = JSON.parse((await runCli(['catalog', '--json'])).stdout);
    const knet = out.methods.find((m: { id: string }) => m.id === 'KNET');
    expect(knet).toMatchObject({ currencies: ['KWD'], commands: ['PURCHASE'], packing: 'per-outcome' });
    expect(out.signoffEmail.to).toBe('integration-ps@amazon.com');
  });

  it('every workspace command takes its folder relative to where it is run, and names its usage when it is missing', async () => {
    await runCli(['init', path.join(tmp.dir, 'rel'), '--methods', 'visa']);
    const cwd = tmp.dir;
    for (const argv of [
      ['plan', 'rel'],
      ['verify', 'rel', '--confirm', 'inbound-ip', '--note', 'egress 203.0.113.7'],
    ]) {
      const r = await runCli(argv, { cwd });
      expect({ argv, code: r.code, stderr: r.stderr }).toEqual({
        argv,
        code: 0,
        stderr: '',
      });
    }
    const saved = JSON.parse(readFileSync(path.join(tmp.dir, 'rel', 'certkit.json'), 'utf8'));
    expect(saved.confirmations['inbound-ip'].note).toBe('egress 203.0.113.7');
    for (const name of ['plan', 'run', 'verify', 'package', 'email', 'ledger', 'snippet', 'capture', 'import']) {
      const r = await runCli([name], { cwd });
      expect({ name, code: r.code }).toEqual({ name, code: 2 });
      expect(r.stderr).toMatch(new RegExp(`no workspace folder given\\n  fix: certkit ${name} <workspace>`));
    }
    const noScenario = await runCli(['capture', 'rel'], { cwd });
    expect(noScenario.stderr).toMatch(/--scenario is needed\n {2}fix: certkit capture <workspace> --scenario ID/);
  });

  it('unknown commands and options exit 2', async () => {
    expect((await runCli(['frobnicate'])).code).toBe(2);
    const r = await runCli(['plan', '--nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/usage: certkit plan/);
  });
});

describe('the certkit binary', () => {
  it('runs from the package bin with no build step', async () => {
    const bin = path.resolve(__dirname, '../../electron/bin/certkit.mjs');
    const { stdout } = await promisify(execFile)(process.execPath, [bin, '--help']);
    expect(stdout).toMatch(/Usage: certkit <command>/);
    expect(stdout).toMatch(/sign\s+Compute/);
  });
});
