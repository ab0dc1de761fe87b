import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statfsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlan } from '../../shared/plan';
import { initWorkspace } from '../../electron/engine/workspace/workspace';
import { makeWorkspace, writeEvidence } from '../package/fixtures';
import { runCli } from '../helpers/cli';
import { removeTempDirs, tempDir } from '../helpers/tmp';

// A real small disk: tmpfs mounts (root only; skipped elsewhere), one tiny and full, one read-only. Each command
// that writes says which path the disk refused and what to do, exits 2, and leaves nothing behind on that disk.

const root = process.getuid?.() === 0;
let base: string;
const mounts: string[] = [];

function mount(name: string, options: string): string {
  const dir = path.join(base, name);
  mkdirSync(dir);
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`mount ${dir}: ${r.stderr}`);
  mounts.push(dir);
  return dir;
}

function remount(dir: string, options: string): void {
  const r = spawnSync('mount', ['-o', `remount,${options}`, dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`remount ${dir}: ${r.stderr}`);
}

function usedBytes(dir: string): number {
  const s = statfsSync(dir);
  return (s.blocks - s.bfree) * s.bsize;
}

beforeAll(() => {
  base = tempDir('ck-disk-').dir;
});
afterAll(() => {
  for (const dir of mounts.reverse()) spawnSync('umount', [dir]);
  removeTempDirs();
});

describe.runIf(root)('on a real full or read-only disk', () => {
  it('package --out on a full 64 KB disk: exit 2 naming the path and the fix; the disk is left empty', async () => {
    const ws = path.join(base, 'ws');
    await makeWorkspace(ws, { methods: ['VISA'] });
    await writeEvidence(ws, { scenarios: ['card-non3ds-success', 'card-declined'], methods: ['VISA'] });
    const small = mount('small', 'size=64k');
    const out = path.join(small, 'package');
    const r = await runCli(['package', ws, '--draft', '--format', 'zip', '--out', out]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`certkit package: cannot write ${small}/\\S+: the disk is full \\(ENOSPC\\)`));
    expect(r.stderr).toContain('fix: free space on that disk (or write to another one), then run the command again');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // No staging folder, no temp file: the space is given back.
    expect(readdirSync(small)).toEqual([]);
    expect(usedBytes(small)).toBe(0);
  });

  it('init, verify --confirm and demo on a read-only disk: exit 2 with EROFS, the path and the fix', async () => {
    const ro = mount('ro', 'size=1m');
    const ws = path.join(ro, 'ws');
    const workspace = await initWorkspace(ws);
    remount(ro, 'ro');
    const fix = 'fix: copy the workspace to a writable disk (or remount this one read-write) and run the command there';

    const init = await runCli(['init', path.join(ro, 'new')]);
    expect(init.code, init.stderr).toBe(2);
    expect(init.stderr).toContain(`cannot write ${path.join(ro, 'new')}: the file system is read-only (EROFS)`);
    expect(init.stderr).toContain(fix);

    const id = buildPlan(workspace).checkpoints[0].id;
    const confirm = await runCli(['verify', ws, '--confirm', id, '--note', 'checked']);
    expect(confirm.code, confirm.stderr).toBe(2);
    expect(confirm.stderr).toContain(`cannot write ${path.join(ws, '.certkit.lock')}: the file system is read-only`);
    expect(confirm.stderr).toContain(fix);

    const demo = await runCli(['demo', path.join(ro, 'demo')]);
    expect(demo.code, demo.stderr).toBe(2);
    expect(demo.stderr).toContain(`${path.join(ro, 'demo')}`);
    expect(demo.stderr).toContain('read-only (EROFS)');
    expect(demo.stderr).toContain(fix);
  });
});
