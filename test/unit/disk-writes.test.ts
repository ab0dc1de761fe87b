import { spawn, spawnSync } from 'node:child_process';
import { existsSync, promises as fs, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { CertkitError, diskWriteError } from '../../electron/engine/errors';
import { tempPathFor, writeFileAtomic } from '../../electron/engine/util/atomic-write';
import {
  acquireWorkspaceLock,
  LOCK_FILE,
  readLockHolder,
  withWorkspaceLock,
} from '../../electron/engine/util/workspace-lock';
import { callReply } from '../../electron/engine/api/dispatch';
import { MemorySecretStore } from '../../electron/engine/api/memory-secrets';
import { MemoryRecentStore } from '../../electron/engine/api/recent-store';
import { createApiTable } from '../../electron/engine/api/table';
import { recoverPackageDir } from '../../electron/engine/package/swap';
import { DRAFT_EMAIL_FILES } from '../../electron/engine/email/index';
import { initWorkspace, loadWorkspace, saveWorkspace } from '../../electron/engine/workspace/workspace';
import { makeWorkspace, writeEvidence } from '../package/fixtures';
import { runCli } from '../helpers/cli';
import { spawnCli } from '../helpers/spawn-cli';
import { removeTempDirs, tempDir } from '../helpers/tmp';

// Writes that fail (a full disk, a read-only one, no permission), writers that die, and writers that meet: the
// message names the path and the fix, the exit code is 2, no temp file stays, nothing half-written looks complete.

afterEach(() => vi.restoreAllMocks());
afterAll(removeTempDirs);

function errno(code: string, target: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: refused, write '${target}'`), { code, path: target, syscall: 'write' });
}

/** fs.open as usual, except that a temp file of `name` gets half its data and then the disk refuses with `code`. */
function refuseWritesOf(name: string, code: string) {
  const realOpen = fs.open.bind(fs);
  return vi.spyOn(fs, 'open').mockImplementation((async (file: string, ...rest: unknown[]) => {
    const handle = await realOpen(file, ...(rest as [string]));
    if (!path.basename(String(file)).startsWith(`.${name}.`)) return handle;
    const realWrite = handle.writeFile.bind(handle);
    handle.writeFile = (async (data: string | Uint8Array) => {
      await realWrite(typeof data === 'string' ? data.slice(0, data.length / 2) : data.subarray(0, data.length / 2));
      throw errno(code, String(file));
    }) as typeof handle.writeFile;
    return handle;
  }) as typeof fs.open);
}

/** A pid that belonged to a process which has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function tempsIn(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((n) => n.endsWith('.tmp'));
}

describe('a refused write', () => {
  it('ENOSPC halfway: the old file stays whole, the temp goes, the error names the file and the fix (exit 2)', async () => {
    const dir = tempDir().dir;
    const target = path.join(dir, 'report.txt');
    await writeFileAtomic(target, 'old report');
    refuseWritesOf('report.txt', 'ENOSPC');
    const err = await writeFileAtomic(target, 'x'.repeat(100_000)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CertkitError);
    expect((err as CertkitError).message).toBe(`cannot write ${target}: the disk is full (ENOSPC)`);
    expect((err as CertkitError).hint).toMatch(/free space on that disk/);
    expect((err as CertkitError).exitCode).toBe(2);
    expect(readFileSync(target, 'utf8')).toBe('old report');
    expect(tempsIn(dir)).toEqual([]);
  });

  it('maps each disk refusal once, with its own fix, and leaves other errors alone', () => {
    const cases: [string, RegExp, RegExp][] = [
      ['ENOSPC', /the disk is full/, /free space/],
      ['EDQUOT', /quota is used up/, /remove files/],
      ['EACCES', /permission denied/, /permission to read and write/],
      ['EROFS', /read-only/, /writable disk/],
    ];
    for (const [code, why, fix] of cases) {
      const mapped = diskWriteError(errno(code, '/w/x.json'), '/w/x.json') as CertkitError;
      expect(mapped.message, code).toMatch(why);
      expect(mapped.message, code).toContain('/w/x.json');
      expect(mapped.hint, code).toMatch(fix);
    }
    const other = errno('ENOENT', '/w/x.json');
    expect(diskWriteError(other, '/w/x.json')).toBe(other);
    // Without a path to name, nothing is gained by wrapping.
    const bare = Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
    expect(diskWriteError(bare)).toBe(bare);
  });

  it('`certkit email` on a full disk: exit 2 with the path and fix; no .eml, no temp (nothing looks complete)', async () => {
    const ws = tempDir().dir;
    await makeWorkspace(ws, { methods: ['VISA'] });
    await writeEvidence(ws, { scenarios: ['card-non3ds-success'], methods: ['VISA'] });
    refuseWritesOf(DRAFT_EMAIL_FILES.eml, 'ENOSPC');
    const r = await runCli(['email', ws, '--draft']);
    const eml = path.join(ws, 'output', DRAFT_EMAIL_FILES.eml);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`certkit email: cannot write ${eml}: the disk is full (ENOSPC)`);
    expect(r.stderr).toMatch(/fix: free space on that disk/);
    expect(existsSync(eml)).toBe(false);
    expect(tempsIn(ws)).toEqual([]);
    expect(existsSync(path.join(ws, LOCK_FILE))).toBe(false);
  });
});

describe('temp files of writers that died', () => {
  it("a killed writer's temp is removed by the next write in its folder; a live writer's stays", async () => {
    const dir = tempDir().dir;
    // A real writer, killed with its temp half-written.
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('fs'); const p = require('path').join(${JSON.stringify(dir)}, '.signoff-email.eml.' + process.pid + '.a1b2c3d4e5f6.tmp');
         fs.writeFileSync(p, 'From: half'); process.stdout.write('written\\n'); setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const live = path
      .basename(tempPathFor(path.join(dir, 'other.json')))
      .replace(String(process.pid), String(process.ppid));
    writeFileSync(path.join(dir, live), 'in progress');
    expect(tempsIn(dir)).toHaveLength(2);

    await writeFileAtomic(path.join(dir, 'signoff-email.txt'), 'text');
    expect(tempsIn(dir)).toEqual([live]);
  });
});

describe('package staging folders', () => {
  it("belong to their process: a live build's staging (and its half-done swap) is left alone, a dead one's removed", async () => {
    const parent = tempDir().dir;
    const target = path.join(parent, 'package');
    const live = path.join(parent, `.package.staging-${process.ppid}-aaaa1111`);
    const dead = path.join(parent, `.package.staging-${deadPid()}-bbbb2222`);
    const previous = path.join(parent, '.package.previous');
    for (const d of [live, dead, previous]) await fs.mkdir(d);
    writeFileSync(path.join(live, 'general.zip'), 'being written');
    // The live build is between its two renames: the target is gone, the previous package is set aside.
    await recoverPackageDir(target);
    expect(readdirSync(parent).sort()).toEqual([path.basename(previous), path.basename(live)].sort());
    // Once no build runs, the half-done swap is undone.
    await fs.rm(live, { recursive: true });
    await recoverPackageDir(target);
    expect(readdirSync(parent)).toEqual(['package']);
  });
});

describe('the workspace lock', () => {
  it('a lock whose holder died is taken over (its temps swept); one held by a live process refuses with its name', async () => {
    const ws = tempDir().dir;
    await initWorkspace(ws, { account: 'Before' });
    const dead = deadPid();
    const host = os.hostname();
    writeFileSync(
      path.join(ws, LOCK_FILE),
      JSON.stringify({ pid: dead, host, command: 'run', since: '2026-11-30T10:00:00.000Z', token: 'gone' }),
    );
    const deep = path.join(ws, 'runs', 'r1', 'card-declined');
    await fs.mkdir(deep, { recursive: true });
    writeFileSync(path.join(deep, `.scenario.json.${dead}.00aa11bb22cc.tmp`), '{"cut":');
    await saveWorkspace(ws, { ...(await loadWorkspace(ws)), account: { name: 'After', environment: 'sandbox' } });
    expect((await loadWorkspace(ws)).account.name).toBe('After');
    expect(existsSync(path.join(ws, LOCK_FILE))).toBe(false);
    expect(tempsIn(ws)).toEqual([]);

    // Held by a live process (the test runner's parent stands in for another Certkit).
    writeFileSync(
      path.join(ws, LOCK_FILE),
      JSON.stringify({ pid: process.ppid, host, command: 'package', since: '2026-11-30T10:00:00.000Z', token: 't' }),
    );
    const err = await acquireWorkspaceLock(ws, 'email', { waitMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CertkitError);
    expect((err as CertkitError).message).toBe(
      `the workspace ${ws} is busy: certkit package (pid ${process.ppid} on ${host}, since 2026-11-30T10:00:00.000Z) is writing to it`,
    );
    expect((err as CertkitError).exitCode).toBe(2);
    // Not ours to remove.
    expect((await readLockHolder(ws))?.pid).toBe(process.ppid);

    // Another machine's lock is never judged from here; the fix says when to delete it.
    writeFileSync(
      path.join(ws, LOCK_FILE),
      JSON.stringify({ pid: dead, host: 'build-7', command: 'run', since: '2026-11-30T10:00:00.000Z', token: 'x' }),
    );
    const far = await acquireWorkspaceLock(ws, 'email', { waitMs: 200 }).catch((e: unknown) => e);
    expect((far as CertkitError).hint).toBe(
      `wait for it to finish and run the command again; if Certkit no longer runs on build-7, delete ${path.join(ws, LOCK_FILE)}`,
    );
  });

  it('writers in one process take turns, and a writer may call another writer of the same workspace', async () => {
    const ws = tempDir().dir;
    await initWorkspace(ws);
    const order: string[] = [];
    let releaseFirst = () => {};
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstIn = () => {};
    const entered = new Promise<void>((resolve) => (firstIn = resolve));
    const first = withWorkspaceLock(ws, 'run', async () => {
      order.push('run in');
      firstIn();
      // Nested: the run's own save does not wait on the run.
      await saveWorkspace(ws, await loadWorkspace(ws));
      await firstHolds;
      order.push('run out');
    });
    await entered;
    const second = withWorkspaceLock(ws, 'package', async () => {
      order.push('package in');
    });
    expect((await readLockHolder(ws))?.command).toBe('run');
    releaseFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(['run in', 'run out', 'package in']);
    expect(existsSync(path.join(ws, LOCK_FILE))).toBe(false);
  });

  it('`certkit config` while another process holds the workspace: exit 2 naming it, certkit.json unchanged', async () => {
    const ws = tempDir().dir;
    await initWorkspace(ws, { account: 'Kept' });
    const holder = spawnCli(['sign', '--phrase', 'p'], { stdin: 'pipe' });
    writeFileSync(
      path.join(ws, LOCK_FILE),
      JSON.stringify({ pid: holder.pid, host: os.hostname(), command: 'run', since: 'now', token: 'h' }),
    );
    const before = readFileSync(path.join(ws, 'certkit.json'), 'utf8');
    const r = await runCli(['config', ws, 'account.name=Changed']);
    holder.child.kill('SIGKILL');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`is busy: certkit run (pid ${holder.pid} on ${os.hostname()}, since now)`);
    expect(r.stderr).toContain('fix: wait for it to finish (or stop it) and run the command again');
    expect(readFileSync(path.join(ws, 'certkit.json'), 'utf8')).toBe(before);
  });

  it('the app: run.start and workspace.save on a workspace another process holds answer with the holder and the fix', async () => {
    const ws = tempDir().dir;
    await initWorkspace(ws, { account: 'App Store', methods: ['VISA'] });
    const api = createApiTable({
      transport: 'browser',
      secrets: new MemorySecretStore(),
      recent: new MemoryRecentStore(),
      emit: () => undefined,
      openPath: async () => false,
    });
    const opened = await callReply(api, 'workspace.open', { dir: ws });
    expect(opened.ok).toBe(true);
    const host = os.hostname();
    writeFileSync(
      path.join(ws, LOCK_FILE),
      JSON.stringify({ pid: process.ppid, host, command: 'package', since: 'now', token: 'p' }),
    );
    const started = await callReply(api, 'run.start', {});
    expect(started).toEqual({
      ok: false,
      error: {
        message: `the workspace ${ws} is busy: certkit package (pid ${process.ppid} on ${host}, since now) is writing to it`,
        hint: 'wait for it to finish (or stop it) and run the command again',
        code: 'input',
        ar: {
          message: `مساحة العمل ${ws} مشغولة: certkit package (العملية ${process.ppid} على ${host}، منذ now) يكتب فيها`,
          hint: 'انتظر حتى ينتهي (أو أوقفه) ثم أعد تنفيذ الأمر',
        },
      },
    });
    // Nothing started: no run folder, and the tracker is free for the next try.
    expect(existsSync(path.join(ws, 'runs'))).toBe(false);
    expect(((await callReply(api, 'run.status', {})) as { value: { running: boolean } }).value.running).toBe(false);
    const workspace = await loadWorkspace(ws);
    const saved = await callReply(api, 'workspace.save', {
      workspace: { ...workspace, account: { ...workspace.account, name: 'Changed' } },
    });
    expect(saved.ok).toBe(false);
    expect((await loadWorkspace(ws)).account.name).toBe('App Store');
  });
});
