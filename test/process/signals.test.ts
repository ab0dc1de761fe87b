import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoWorkspace } from '../../electron/engine/demo/workspace';
import { startSandbox, type SandboxHandle } from '../../electron/engine/sandbox';
import { PROFILE_PREFIX } from '../../electron/engine/browser/lifetime';
import { handlesSignals, processesMatching, spawnCli, waitFor, type CliProcess } from '../helpers/spawn-cli';
import { removeTempDirs, tempDir } from '../helpers/tmp';

// Real `certkit` processes and real signals: each test waits until the process has its handlers (or prints the line
// it is waiting on), sends the signal, and checks the exit code and what was kept. 130 = SIGINT, 143 = SIGTERM.

let sb: SandboxHandle;
let tmp: string;

beforeAll(async () => {
  sb = await startSandbox({ feedbackRetry: { tries: 1, intervalMs: 10 } });
  tmp = tempDir('ck-signals-').dir;
});
afterAll(async () => {
  await sb.close();
  removeTempDirs();
});

const BIN = path.resolve(__dirname, '../../electron/bin/certkit.mjs');

async function ready(cli: CliProcess): Promise<void> {
  await waitFor(() => handlesSignals(cli.pid) || cli.child.exitCode !== null, 'the signal handlers');
}

async function demoWorkspace(name: string): Promise<string> {
  const dir = path.join(tmp, name);
  await createDemoWorkspace(dir, sb);
  return dir;
}

function runIndex(ws: string): { scenarios: Record<string, { status: string }> } {
  const runs = path.join(ws, 'runs');
  const [runId] = readdirSync(runs);
  return JSON.parse(readFileSync(path.join(runs, runId, 'run.json'), 'utf8'));
}

describe('commands waiting on stdin', () => {
  it('sign ends at once on SIGTERM with 143, and on Ctrl-C with 130, though stdin never closes', async () => {
    for (const [signal, code] of [
      ['SIGTERM', 143],
      ['SIGINT', 130],
    ] as const) {
      const cli = spawnCli(['sign', '--phrase', 'p'], { stdin: 'pipe' });
      await ready(cli);
      const sent = Date.now();
      cli.child.kill(signal);
      const exit = await cli.exited;
      expect(exit.code, signal).toBe(code);
      expect(cli.stderr()).toContain(`certkit sign: interrupted by ${signal}`);
      // Nothing left to wait for: not the input, not a wind-down.
      expect(Date.now() - sent, signal).toBeLessThan(5_000);
      cli.child.stdin!.destroy();
    }
  });

  it('`timeout 5 certkit sign` with stdin held open (sleep 60 | ...) ends when timeout fires, with 143', async () => {
    const child = spawn('timeout', ['--preserve-status', '5', process.execPath, BIN, 'sign', '--phrase', 'p'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const started = Date.now();
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(143);
    // timeout fires at 5 s; the sign no longer waits for input that never comes (it used to wait 60 s).
    expect(Date.now() - started).toBeLessThan(20_000);
    child.stdin.destroy();
  });

  it('snippet reading the code from stdin ends on Ctrl-C with 130 and stores nothing', async () => {
    const ws = await demoWorkspace('snippet-ws');
    const cli = spawnCli(['snippet', ws, '--slot', 'general.tokenization_code'], { stdin: 'pipe' });
    await ready(cli);
    cli.child.stdin!.write('const token = 1;\n');
    cli.child.kill('SIGINT');
    expect((await cli.exited).code).toBe(130);
    expect(() => readFileSync(path.join(ws, 'snippets', 'index.json'))).toThrow();
    cli.child.stdin!.destroy();
  });
});

describe('commands that wind down', () => {
  it('sandbox ends on SIGTERM with 143 and closes its servers', async () => {
    const cli = spawnCli(['sandbox']);
    const line = JSON.parse(await cli.line(/^\{"paymentPage"/)) as { store: string };
    expect((await fetch(line.store)).status).toBe(200);
    await ready(cli);
    cli.child.kill('SIGTERM');
    expect((await cli.exited).code).toBe(143);
    await expect(fetch(line.store)).rejects.toThrow();
  });

  it('relay ends on SIGTERM with 143, after writing its summary and closing its log', async () => {
    const log = path.join(tmp, 'relay-stopped.ndjson');
    const cli = spawnCli(['relay', '--upstream', 'https://sbpaymentservices.payfort.com', '--log', log]);
    const line = JSON.parse(await cli.line(/^\{"relay"/)) as { relay: string; logs: string[] };
    expect(line.logs).toEqual([log]);
    await ready(cli);
    cli.child.kill('SIGTERM');
    expect((await cli.exited).code).toBe(143);
    expect(cli.stderr()).toMatch(/relay: 0 exchange\(s\) recorded, in /);
    await expect(fetch(line.relay)).rejects.toThrow();
  });

  it('a run stopped at its very start is not a success', async () => {
    const ws = await demoWorkspace('start-ws');
    const cli = spawnCli(['run', ws, '--only', 'card-non3ds-success,card-declined']);
    await ready(cli);
    cli.child.kill('SIGTERM');
    const exit = await cli.exited;
    expect(exit.code).toBe(143);
    expect(cli.stdout()).not.toMatch(/passed/);
  });

  it('a run stopped by Ctrl-C after its first scenario keeps it, skips the rest, exits 130, leaves no browser', async () => {
    const ws = await demoWorkspace('mid-ws');
    const cli = spawnCli(
      ['run', ws, '--only', 'card-non3ds-success,card-declined,card-3ds-success,mada-success', '--concurrency', '1'],
      { env: { TMPDIR: tmp } },
    );
    await cli.line(/^card-non3ds-success: passed/);
    await ready(cli);
    cli.child.kill('SIGINT');
    const exit = await cli.exited;
    expect(exit.code).toBe(130);
    expect(cli.stderr()).toMatch(/was stopped; what it captured is kept: .*--resume/);
    const index = runIndex(ws);
    expect(index.scenarios['card-non3ds-success'].status).toBe('passed');
    expect(index.scenarios['mada-success'].status).not.toBe('passed');
    expect(processesMatching(path.join(tmp, `${PROFILE_PREFIX}${cli.pid}-`))).toEqual([]);
  });

  it('a demo stopped during its run exits 130, not 0', async () => {
    const dir = path.join(tmp, 'demo-stopped');
    const cli = spawnCli([
      'demo',
      dir,
      '--only',
      'card-non3ds-success,card-declined,card-3ds-success',
      '--concurrency',
      '1',
    ]);
    await cli.line(/^card-non3ds-success: passed/);
    await ready(cli);
    cli.child.kill('SIGINT');
    expect((await cli.exited).code).toBe(130);
    expect(cli.stdout()).not.toMatch(/^email /m);
  });
});

describe('the exit-code promise', () => {
  it('the help names the codes of an interrupted command', async () => {
    const cli = spawnCli(['--help']);
    await cli.exited;
    expect(cli.stdout()).toMatch(/Ctrl-C 130, by SIGTERM 143/);
  });
});

describe('a reader that stops early', () => {
  it('`certkit catalog --json | head -c 100` ends with 0 and no stack trace when head closes the pipe', async () => {
    const bin = path.resolve(__dirname, '../../electron/bin/certkit.mjs');
    const script = `"${process.execPath}" "${bin}" catalog --json 2>&3 | head -c 100 >/dev/null; echo "exit=\${PIPESTATUS[0]}"`;
    const child = spawn('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => (err += d.toString()));
    await new Promise<void>((resolve) => child.on('close', () => resolve()));
    expect(out.trim()).toBe('exit=0');
    expect(err).not.toMatch(/Unhandled|EPIPE/);
  });
});
