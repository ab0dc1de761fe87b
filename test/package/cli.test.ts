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
  it('refuses a final package and email while sign-off is blocked, and builds drafts that say DRAFT', async () => {
    const ws = tempDir('certkit-pkg-').dir;
    await makeWorkspace(ws, { methods: [...METHODS] });
    await writeEvidence(ws, { scenarios: SCENARIOS, methods: [...METHODS] });
    const refused = ctx(ws);
    expect(await main(['package', '.', '--format', 'zip'], refused.c)).toBe(1);
    expect(refused.err()).toMatch(/the package cannot be final: \d+ item\(s\) block sign-off/);
    // Each blocker with the command that fixes it.
    expect(refused.err()).toMatch(
      /awaiting confirmation[\s\S]*fix: check it and confirm: certkit verify <workspace> --confirm/,
    );
    expect(refused.err()).toMatch(/--draft/);
    await expect(fs.readdir(path.join(ws, 'output', 'package'))).rejects.toThrow(/ENOENT/);

    const p = ctx(ws);
    expect(await main(['package', '.', '--draft', '--format', 'zip', '--max-mb', '15'], p.c)).toBe(0);
    expect(p.out()).toContain('DRAFT_Desert-Rose-Trading_knet_success.zip');
    expect(p.out()).toMatch(/DRAFT: \d+ item\(s\) block sign-off/);
    const idx = await readPackageIndex(path.join(ws, 'output', 'package'));
    expect(idx!.draft).toBe(true);
    expect(idx!.files.map((f) => path.basename(f.path))).toEqual([
      'DRAFT_Desert-Rose-Trading_general.zip',
      'DRAFT_Desert-Rose-Trading_knet_success.zip',
      'DRAFT_Desert-Rose-Trading_knet_declined.zip',
      'DRAFT_Desert-Rose-Trading_benefit_success.zip',
      'DRAFT_Desert-Rose-Trading_benefit_declined.zip',
    ]);
    const manifest = JSON.parse((await readZip(idx!.files[0].path)).get('manifest.json')!.toString('utf8'));
    expect(manifest.draft).toBe(true);
    expect(manifest.signoff_blocked_by.length).toBeGreaterThan(0);
    expect(manifest.checklist.by_status['needs-confirmation'].length).toBeGreaterThan(0);
    const report = await fs.readFile(path.join(ws, 'output', 'package', 'report', 'index.html'), 'utf8');
    expect(report).toMatch(/<h1>DRAFT: APS go-live evidence/);

    const e = ctx(ws);
    expect(await main(['email', '.'], e.c)).toBe(1);
    expect(e.err()).toMatch(/the sign-off email cannot be final[\s\S]*The package on disk is a draft/);
    const d = ctx(ws);
    expect(await main(['email', '.', '--draft'], d.c)).toBe(0);
    expect(d.out()).toContain('subject: DRAFT - Integration Sign-off - Desert Rose Trading');
    expect(d.out()).toContain('signoff-email-DRAFT.eml');
    expect(d.out()).toContain('attachments inside the .eml');
    const text = await fs.readFile(path.join(ws, 'output', 'signoff-email-DRAFT.txt'), 'utf8');
    expect(text).toMatch(/^To: integration-ps@amazon\.com\nSubject: DRAFT - Integration Sign-off/);
    expect(text).toMatch(/DRAFT, not for sign-off: \d+ item\(s\) still block it\. Do not send this email/);
    expect(await fs.readdir(path.join(ws, 'output'))).not.toContain('signoff-email.eml');
  }, 120_000);

  it('says there is nothing to package instead of building an empty one', async () => {
    const ws = tempDir('certkit-pkg-').dir;
    await makeWorkspace(ws, { methods: [...METHODS] });
    for (const args of [
      ['package', '.'],
      ['package', '.', '--draft'],
    ]) {
      const r = ctx(ws);
      expect(await main(args, r.c)).toBe(1);
      expect(r.err()).toMatch(/has not run|nothing captured yet/);
    }
    const draft = ctx(ws);
    await main(['package', '.', '--draft'], draft.c);
    expect(draft.err()).toMatch(
      /nothing captured yet: there is no screenshot or code snippet to package[\s\S]*fix: run the scenarios first/,
    );
    await expect(fs.readdir(path.join(ws, 'output', 'package'))).rejects.toThrow(/ENOENT/);
  });

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
    expect(await main(['package', '.', '--draft', '--format', 'both'], ctx(ws).c)).toBe(0);
    const pkgDir = path.join(ws, 'output', 'package');
    const before = await readPackageIndex(pkgDir);
    // Second export, killed (SIGKILL, no cleanup) as soon as it has written its third file into staging.
    const child = spawn(process.execPath, [BIN, 'package', ws, '--draft', '--format', 'both'], {
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
    expect(await main(['package', '.', '--draft', '--format', 'zip'], ctx(ws).c)).toBe(0);
    expect((await fs.readdir(path.join(ws, 'output'))).filter((n) => n.startsWith('.'))).toEqual([]);
    expect((await readPackageIndex(pkgDir))!.files.every((f) => f.format === 'zip')).toBe(true);
  }, 180_000);
});
