import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../electron/engine/cli/main';
import { cliContext } from '../helpers/cli';
import { readPackageIndex } from '../../electron/engine/package/index';
import { makeWorkspace, writeEvidence } from './fixtures';
import { removeTempDirs, tempDir } from '../helpers/tmp';
import { readZip } from './zip-read';

afterAll(removeTempDirs);

const BIN = path.resolve(__dirname, '../../electron/bin/certkit.mjs');
const METHODS = ['VISA', 'KNET', 'BENEFIT'] as const;
const SCENARIOS = [
  'card-non3ds-success',
  'card-3ds-success',
  'card-declined',
  'knet-success',
  'knet-declined',
  'benefit-success',
  'benefit-declined',
];

function ctx(cwd: string) {
  const cli = cliContext({ cwd });
  return { c: cli.ctx, out: cli.stdout, err: cli.stderr };
}

describe('certkit package / email', () => {
  it('builds the package and the email from the command line', async () => {
    const ws = tempDir('certkit-pkg-').dir;
    await makeWorkspace(ws, { methods: [...METHODS] });
    await writeEvidence(ws, { scenarios: SCENARIOS, methods: [...METHODS] });
    const p = ctx(ws);
    expect(await main(['package', '.', '--format', 'zip', '--max-mb', '15'], p.c)).toBe(0);
    expect(p.out()).toContain('Desert-Rose-Trading_knet_success.zip');
    expect(p.out()).toContain('report:');
    const idx = await readPackageIndex(path.join(ws, 'output', 'package'));
    expect(idx!.files.map((f) => path.basename(f.path))).toEqual([
      'Desert-Rose-Trading_general.zip',
      'Desert-Rose-Trading_knet_success.zip',
      'Desert-Rose-Trading_knet_declined.zip',
      'Desert-Rose-Trading_benefit_success.zip',
      'Desert-Rose-Trading_benefit_declined.zip',
    ]);
    const e = ctx(ws);
    expect(await main(['email', '.'], e.c)).toBe(0);
    expect(e.out()).toContain('subject: Integration Sign-off - Desert Rose Trading');
    expect(e.out()).toContain('attachments inside the .eml');
  }, 120_000);

  it('answers bad input with exit code 2 and the fix', async () => {
    const ws = tempDir('certkit-pkg-').dir;
    await makeWorkspace(ws, { methods: [...METHODS] });
    const bad = ctx(ws);
    expect(await main(['package', '.', '--format', 'docx'], bad.c)).toBe(2);
    expect(bad.err()).toMatch(/--format docx is not known[\s\S]*zip, pdf or both/);
    const none = ctx(ws);
    expect(await main(['package', path.join(ws, 'nope')], none.c)).toBe(2);
    expect(none.err()).toMatch(/No workspace at/);
    const slot = ctx(ws);
    expect(await main(['snippet', '.', '--slot', 'general.checkout'], slot.c)).toBe(2);
    expect(slot.err()).toMatch(/not a code-snippet slot/);
  });

  it('a process killed in the middle of an export leaves the previous package or the new one, whole', async () => {
    const ws = tempDir('certkit-pkg-').dir;
    await makeWorkspace(ws, { methods: [...METHODS] });
    await writeEvidence(ws, { scenarios: SCENARIOS, methods: [...METHODS] });
    expect(await main(['package', '.', '--format', 'both'], ctx(ws).c)).toBe(0);
    const pkgDir = path.join(ws, 'output', 'package');
    const before = await readPackageIndex(pkgDir);
    // Second export, killed (SIGKILL, no cleanup) as soon as it has written its third file into staging.
    const child = spawn(process.execPath, [BIN, 'package', ws, '--format', 'both'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let wrote = 0;
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        wrote += (d.toString().match(/^wrote /gm) ?? []).length;
        if (wrote >= 3) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
    });
    expect(wrote).toBeGreaterThanOrEqual(3);
    const after = await readPackageIndex(pkgDir);
    expect(after).toEqual(before);
    for (const f of after!.files) {
      expect((await fs.stat(f.path)).size).toBe(f.bytes);
      if (f.format === 'zip') expect((await readZip(f.path)).has('manifest.json')).toBe(true);
    }
    // The next export cleans the dead one's staging folder and replaces the package.
    expect(await main(['package', '.', '--format', 'zip'], ctx(ws).c)).toBe(0);
    expect((await fs.readdir(path.join(ws, 'output'))).filter((n) => n.startsWith('.'))).toEqual([]);
    expect((await readPackageIndex(pkgDir))!.files.every((f) => f.format === 'zip')).toBe(true);
  }, 180_000);
});
