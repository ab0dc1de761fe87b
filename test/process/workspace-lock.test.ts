import { existsSync, promises as fs, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlan } from '../../shared/plan';
import { createDemoWorkspace } from '../../electron/engine/demo/workspace';
import { readPackageIndex } from '../../electron/engine/package/index';
import { startSandbox, type SandboxHandle } from '../../electron/engine/sandbox';
import { LOCK_FILE } from '../../electron/engine/util/workspace-lock';
import { collectEvidence } from '../../electron/engine/evidence/store';
import { createRedactor } from '../../electron/engine/redact/index';
import { probesFile, saveProbeRecord } from '../../electron/engine/verify/probe-store';
import { initWorkspace, loadWorkspace } from '../../electron/engine/workspace/workspace';
import { makeWorkspace, writeEvidence } from '../package/fixtures';
import { spawnCli } from '../helpers/spawn-cli';
import { removeTempDirs, tempDir } from '../helpers/tmp';
import { relayExchange } from '../helpers/relay-record';

// Real `certkit` processes writing to one workspace at the same time: one writer at a time, nothing lost, and the one
// that cannot get in says who holds the workspace and exits 2.

const METHODS = ['VISA', 'KNET', 'BENEFIT'] as const;
const SCENARIOS = ['card-non3ds-success', 'card-declined', 'knet-success', 'knet-declined', 'benefit-success'];

let tmp: string;
beforeAll(() => {
  tmp = tempDir('ck-lock-').dir;
});
afterAll(removeTempDirs);

async function evidenceWorkspace(name: string): Promise<string> {
  const ws = path.join(tmp, name);
  await makeWorkspace(ws, { methods: [...METHODS] });
  await writeEvidence(ws, { scenarios: SCENARIOS, methods: [...METHODS], distinctImages: 3, repeat: 3 });
  return ws;
}

/** Every file the package index lists is on disk with the size it lists; the folder holds nothing half-built. */
async function expectWholePackage(ws: string): Promise<void> {
  const out = path.join(ws, 'output', 'package');
  const idx = await readPackageIndex(out);
  expect(idx?.files.length).toBeGreaterThan(0);
  for (const f of idx!.files) expect((await fs.stat(f.path)).size, f.path).toBe(f.bytes);
  const beside = readdirSync(path.dirname(out));
  expect(beside.filter((n) => n.includes('.staging-') || n.endsWith('.previous'))).toEqual([]);
  expect(existsSync(path.join(ws, LOCK_FILE))).toBe(false);
}

function tempFilesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((n) => n.endsWith('.tmp'));
}

describe('two writers at once', () => {
  it('two `certkit package` at once: the second waits or exits 2 naming the first; the package is whole', async () => {
    const ws = await evidenceWorkspace('two-packages');
    const first = spawnCli(['package', ws, '--draft']);
    // The first is building (it prints its progress while it holds the workspace) when the second starts.
    await first.line(/^packing /);
    const second = spawnCli(['package', ws, '--draft']);
    const [a, b] = await Promise.all([first.exited, second.exited]);
    expect(a.code, first.stderr()).toBe(0);
    if (b.code === 2) {
      expect(second.stderr()).toContain(`is busy: certkit package (pid ${first.pid} on `);
      expect(second.stderr()).toMatch(/fix: wait for it to finish/);
    } else expect(b.code, second.stderr()).toBe(0);
    await expectWholePackage(ws);
  });

  it('three `verify --confirm` at once each keep their confirmation', async () => {
    const ws = path.join(tmp, 'three-confirms');
    const workspace = await initWorkspace(ws);
    const ids = buildPlan(workspace)
      .checkpoints.map((c) => c.id)
      .slice(0, 3);
    expect(ids).toHaveLength(3);
    const clis = ids.map((id) => spawnCli(['verify', ws, '--confirm', id, '--note', `checked ${id} by hand`]));
    const exits = await Promise.all(clis.map((c) => c.exited));
    // 1: checkpoints without evidence remain; never 2 (no one was turned away) and never a crash.
    for (const [i, e] of exits.entries()) expect(e.code, clis[i].stderr()).not.toBe(2);
    const saved = await loadWorkspace(ws);
    for (const id of ids) expect(saved.confirmations[id]?.note).toBe(`checked ${id} by hand`);
    expect(existsSync(path.join(ws, LOCK_FILE))).toBe(false);
  });

  it('a package SIGKILLed mid-build leaves a stale lock the next package takes over, and nothing of its own', async () => {
    const ws = await evidenceWorkspace('killed-package');
    const killed = spawnCli(['package', ws, '--draft']);
    await killed.line(/^packing /);
    // Taken while it still holds the workspace: the lock names it.
    const holder = JSON.parse(readFileSync(path.join(ws, LOCK_FILE), 'utf8'));
    expect(holder).toMatchObject({ pid: killed.pid, command: 'package' });
    killed.child.kill('SIGKILL');
    await killed.exited;
    // A temp file as a write cut short by the kill leaves it, in an evidence folder nothing writes to again.
    const scenario = path.join(ws, 'runs', readdirSync(path.join(ws, 'runs'))[0], 'knet-success');
    const cut = path.join(scenario, `.scenario.json.${killed.pid}.0123456789ab.tmp`);
    await fs.writeFile(cut, '{"half":');

    const next = spawnCli(['package', ws, '--draft']);
    expect((await next.exited).code, next.stderr()).toBe(0);
    await expectWholePackage(ws);
    expect(tempFilesUnder(ws)).toEqual([]);
  });
});

describe('two runs at once', () => {
  let sb: SandboxHandle;
  beforeAll(async () => {
    sb = await startSandbox({ feedbackRetry: { tries: 1, intervalMs: 10 } });
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('the second `certkit run` exits 2 naming the first, which goes on; no run folder of the second', async () => {
    const ws = path.join(tmp, 'two-runs');
    await createDemoWorkspace(ws, sb);
    // The whole demo plan, one at a time: far longer than a second writer waits.
    const first = spawnCli(['run', ws, '--concurrency', '1']);
    await first.line(/^run \S+: \d+ scenario/);
    const second = spawnCli(['run', ws, '--only', 'card-declined']);
    const b = await second.exited;
    expect(b.code, second.stderr()).toBe(2);
    expect(second.stderr()).toContain(`is busy: certkit run (pid ${first.pid} on `);
    expect(second.stderr()).toContain('fix: wait for it to finish (or stop it)');
    // The first was not disturbed: it is still running, and stops as a stopped run does, keeping its evidence.
    expect(first.child.exitCode).toBeNull();
    first.child.kill('SIGTERM');
    expect((await first.exited).code, first.stderr()).toBe(143);
    const runs = readdirSync(path.join(ws, 'runs'));
    expect(runs).toHaveLength(1);
    expect(existsSync(path.join(ws, 'runs', runs[0], 'run.json'))).toBe(true);
    expect(existsSync(path.join(ws, LOCK_FILE))).toBe(false);
  });
});

describe('the smaller writers take the lock too', () => {
  // Held by another live Certkit on this machine (the test runner's parent stands in for it): never stale.
  async function holdLock(ws: string): Promise<string> {
    const holder = { pid: process.ppid, host: os.hostname(), command: 'package', since: new Date().toISOString() };
    await fs.writeFile(path.join(ws, LOCK_FILE), JSON.stringify({ ...holder, token: 'held-by-test' }));
    return `is busy: certkit package (pid ${process.ppid} on ${os.hostname()}`;
  }

  /** Every file under the workspace with its content, the lock file left out. */
  async function snapshot(ws: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const name of readdirSync(ws, { recursive: true }) as string[]) {
      const full = path.join(ws, name);
      if (name === LOCK_FILE || (await fs.stat(full)).isDirectory()) continue;
      out.set(name, (await fs.readFile(full)).toString('base64'));
    }
    return out;
  }

  it('ledger --set, attach, snippet and traffic import wait for a held workspace, then exit 2 naming the holder and write nothing', async () => {
    const ws = await evidenceWorkspace('held-small-writers');
    const image = path.join(tmp, 'held-screen.png');
    await sharp({ create: { width: 390, height: 844, channels: 3, background: '#f4f4f4' } })
      .png()
      .toFile(image);
    const relayLog = path.join(tmp, 'held-relay.ndjson');
    await fs.writeFile(
      relayLog,
      `${JSON.stringify(relayExchange('r-1', { command: 'PURCHASE', merchant_reference: 'R-1' }))}\n`,
    );
    const busy = await holdLock(ws);
    const before = await snapshot(ws);
    const writers = {
      ledger: spawnCli(['ledger', ws, '--scenario', 'card-non3ds-success', '--set', 'merchant_reference=BY-HAND-1']),
      attach: spawnCli(['attach', ws, '--scenario', 'card-non3ds-success', '--slot', 'general.checkout', image]),
      snippet: spawnCli(['snippet', ws, '--slot', 'general.tokenization_code'], { stdin: 'pipe' }),
      traffic: spawnCli(['traffic', 'import', ws, relayLog]),
    };
    writers.snippet.child.stdin!.end('fetch("/tokenize", { method: "POST" });\n');
    for (const [name, cli] of Object.entries(writers)) {
      const exit = await cli.exited;
      expect(exit.code, `${name}: ${cli.stderr()}`).toBe(2);
      expect(cli.stderr(), name).toContain(busy);
    }
    expect(await snapshot(ws)).toEqual(before);
  });

  it('a probe record is stored only when the workspace is free', async () => {
    const ws = await evidenceWorkspace('held-probes');
    await holdLock(ws);
    const record = { version: 1 as const, at: new Date().toISOString(), basis: {}, feedbackUrls: [], results: {} };
    await expect(saveProbeRecord(ws, record, createRedactor([]))).rejects.toThrow(/is busy: certkit package/);
    expect(existsSync(probesFile(ws))).toBe(false);
    await fs.rm(path.join(ws, LOCK_FILE));
    await saveProbeRecord(ws, record, createRedactor([]));
    expect(JSON.parse(readFileSync(probesFile(ws), 'utf8'))).toMatchObject({ version: 1, at: record.at });
    expect(existsSync(path.join(ws, LOCK_FILE))).toBe(false);
  });

  it('two `ledger --set` at once on one scenario keep both values', async () => {
    const ws = await evidenceWorkspace('two-ledger-edits');
    const edits = [
      spawnCli(['ledger', ws, '--scenario', 'knet-success', '--set', 'merchant_reference=BY-HAND-7']),
      spawnCli(['ledger', ws, '--scenario', 'knet-success', '--set', 'knet_ref_number=998877665544']),
    ];
    for (const e of edits) expect((await e.exited).code, e.stderr()).toBe(0);
    const ledger = (await collectEvidence(ws)).byScenario.get('knet-success')!.ledger;
    expect(ledger.values).toMatchObject({ merchant_reference: 'BY-HAND-7', knet_ref_number: '998877665544' });
    expect(existsSync(path.join(ws, LOCK_FILE))).toBe(false);
  });
});
