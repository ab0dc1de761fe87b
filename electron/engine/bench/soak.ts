import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeSignature } from '../aps/signature';
import { createDemoWorkspace } from '../demo/workspace';
import type { ShaType } from '../../../shared/aps/sha';
import type { BenchRow, BenchSection } from './types';
import { MB } from '../../../shared/limits';
import { heapTrend, samplepoints, type HeapSample } from './heap-trend';

// The soak: a real `certkit sandbox` process takes ~200k calls the way merchants and runs make them (hosted page,
// card page, server-to-server purchase, status check, a run's read of its own log entries), with its feedback posts
// going to the demo store. Every 10k calls the simulator runs a full collection and reports the heap it still uses;
// that retained heap must be flat over the second half (its bounded stores are full by then). RSS is recorded beside
// it but not judged: V8 grows and shrinks its heap on its own schedule. The heap is capped, so a leak cannot hide in
// free memory: it ends the soak. A one-scenario `certkit run` against it is measured before and after, and must not
// slow down or grow: a run reads only its own entries.

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/certkit.mjs');
/** Calls in flight at once, like a busy shop's servers and browsers together. */
const WORKERS = 16;
const CALLS_PER_CYCLE = 5;
const SCENARIO = 'card-non3ds-success';
/** The simulator's heap limit in the soak: well above what its bounds keep, low enough that a leak ends the run. */
const HEAP_CAP_MB = 300;
/** Calls between two retained-heap samples. */
const SAMPLE_EVERY = 10_000;
/** Retained-heap growth over the second half that counts as flat, per SAMPLE_EVERY calls (~100 bytes a call). */
const FLAT_MB_PER_STEP = 1;

interface SandboxLine {
  paymentPage: string;
  paymentApi: string;
  store: string;
  merchant: {
    merchant_identifier: string;
    access_code: string;
    sha_request_phrase: string;
    sha_response_phrase: string;
    sha_type: ShaType;
  };
}

/** A figure from /proc/PID/status (VmRSS, VmHWM), in bytes; undefined where /proc is missing or the process gone. */
function procStatus(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    // Not Linux, or the process has just exited: no figure rather than a wrong one.
    return undefined;
  }
}

function certkit(args: string[], env: NodeJS.ProcessEnv, nodeFlags: string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeFlags, BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
}

interface SandboxProcess {
  child: ChildProcess;
  line: SandboxLine;
  /** Rejects if the sandbox exits before it is stopped (a heap over the cap ends it), naming how and its last words. */
  died: Promise<never>;
}

async function startSandboxProcess(env: NodeJS.ProcessEnv): Promise<SandboxProcess> {
  const child = certkit(['sandbox'], env, ['--expose-gc', `--max-old-space-size=${HEAP_CAP_MB}`]);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
  const line = await new Promise<SandboxLine>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)) as SandboxLine);
    });
    child.once('exit', (code) => reject(new Error(`certkit sandbox exited (${code}) before its JSON line: ${err}`)));
  });
  child.stdout!.resume();
  const died = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) =>
      reject(
        new Error(
          `certkit sandbox exited (${signal ?? code}) during the soak; its heap was capped at ${HEAP_CAP_MB} MB. ` +
            `Last output: ${err.trim().slice(-600)}`,
        ),
      ),
    ),
  );
  // Only the soak's own wait listens; an exit at the planned stop must not count as an unhandled rejection.
  died.catch(() => {});
  return { child, line, died };
}

interface SimulatorStats {
  exchanges: { kept: number };
  transactions: number;
  sessions: number;
  tokens: number;
  feedback: { sent: number; delivered: number; timedOut: number; givenUp: number; dropped: number; queued: number };
  memory: { heapUsedBytes: number; rssBytes: number };
  afterGc: boolean;
}

/** The simulator's figures right after a full collection (it was started with --expose-gc). */
async function statsAfterGc(line: SandboxLine): Promise<SimulatorStats> {
  const res = await fetch(new URL('/__certkit/stats?gc=1', line.paymentApi));
  const body = (await res.json()) as SimulatorStats & { error?: string };
  if (!res.ok || !body.afterGc) throw new Error(`simulator stats after a collection: ${body.error ?? res.status}`);
  return body;
}

/** One sample of the soak: retained heap and RSS after `calls` calls, and what the bounded stores held. */
interface SoakSample extends HeapSample {
  rssBytes: number;
  kept: string;
}

interface MeasuredRun {
  ms: number;
  peakRss?: number;
  passed: boolean;
}

/** One `certkit run --only SCENARIO`, its wall time and its peak resident memory (polled from /proc). */
async function measuredRun(dir: string, env: NodeJS.ProcessEnv): Promise<MeasuredRun> {
  const started = performance.now();
  const child = certkit(['run', dir, '--only', SCENARIO, '--json'], env);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.resume();
  let peakRss: number | undefined;
  const poll = setInterval(() => {
    const hwm = procStatus(child.pid!, 'VmHWM');
    if (hwm !== undefined) peakRss = Math.max(peakRss ?? 0, hwm);
  }, 50);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(poll);
  const finished = out
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type?: string; passed?: number })
    .find((e) => e.type === 'run-finished');
  return { ms: performance.now() - started, peakRss, passed: code === 0 && finished?.passed === 1 };
}

interface Reply {
  status: number;
  location?: string;
  body: string;
}

function request(agent: http.Agent, url: string, method: string, body?: string, type?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: body === undefined ? {} : { 'content-type': type, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Drives the simulator: `total` calls, in cycles of five, sampling its memory at each of `checkpoints`. */
async function drive(
  line: SandboxLine,
  pid: number,
  total: number,
  checkpoints: number[],
  log: (l: string) => void,
): Promise<{ ms: number; samples: SoakSample[]; failures: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: WORKERS });
  const m = line.merchant;
  const origin = new URL(line.paymentApi).origin;
  const sign = (f: Record<string, string>) => ({
    ...f,
    signature: computeSignature(f, m.sha_request_phrase, m.sha_type),
  });
  const base = { access_code: m.access_code, merchant_identifier: m.merchant_identifier, language: 'en' };
  const samples: SoakSample[] = [];
  const pending = [...checkpoints];
  let calls = 0;
  let failures = 0;
  let cycles = 0;
  // Samples run one after another while the calls go on; a collection pauses the simulator for a moment, like any.
  let sampling: Promise<void> = Promise.resolve();
  const sample = async (at: number) => {
    const rssBytes = procStatus(pid, 'VmRSS') ?? 0;
    const st = await statsAfterGc(line);
    const kept =
      `log ${st.exchanges.kept}, sessions ${st.sessions}, orders ${st.transactions}, tokens ${st.tokens}, ` +
      `feedback queued ${st.feedback.queued}`;
    samples.push({ calls: at, heapBytes: st.memory.heapUsedBytes, rssBytes, kept });
    log(
      `${at} calls: retained heap ${(st.memory.heapUsedBytes / MB).toFixed(1)} MB, ` +
        `RSS ${(rssBytes / MB).toFixed(0)} MB (${kept})`,
    );
  };
  const tag = Date.now().toString(36).toUpperCase();
  const count = (r: Reply, ok: (r: Reply) => boolean) => {
    calls++;
    if (!ok(r)) failures++;
    while (pending.length && calls >= pending[0]) {
      const at = pending.shift()!;
      sampling = sampling.then(() => sample(at));
      // Awaited once the calls are done; until then a failed sample must not count as unhandled.
      sampling.catch(() => {});
    }
    return r;
  };
  const cycle = async (n: number) => {
    const ref = `SOAK-${tag}-${n}`;
    const hosted = sign({
      command: 'PURCHASE',
      ...base,
      merchant_reference: `${ref}H`,
      amount: '10000',
      currency: 'SAR',
      customer_email: `soak.${n % 97}@example.org`,
      customer_ip: '203.0.113.9',
      return_url: `${line.store}return`,
    });
    const toCard = count(
      await request(
        agent,
        line.paymentPage,
        'POST',
        new URLSearchParams(hosted).toString(),
        'application/x-www-form-urlencoded',
      ),
      (r) => r.status === 303,
    );
    count(
      await request(
        agent,
        new URL(toCard.location ?? '/', origin).toString(),
        'POST',
        new URLSearchParams({ card_number: '4005550000000001', expiry: '05/30', cvv: '123', action: 'pay' }).toString(),
        'application/x-www-form-urlencoded',
      ),
      (r) => r.status === 200 && r.body.includes('14000'),
    );
    const s2s = `${ref}T`;
    const purchase = sign({
      command: 'PURCHASE',
      ...base,
      merchant_reference: s2s,
      amount: '10000',
      currency: 'SAR',
      customer_email: `soak.${n % 97}@example.org`,
      customer_ip: '203.0.113.9',
      eci: 'ECOMMERCE',
      card_number: '5123456789012346',
      expiry_date: '3005',
      card_security_code: '123',
    });
    count(await request(agent, line.paymentApi, 'POST', JSON.stringify(purchase), 'application/json'), (r) =>
      r.body.includes('"14000"'),
    );
    const status = sign({ query_command: 'CHECK_STATUS', ...base, merchant_reference: s2s });
    count(await request(agent, line.paymentApi, 'POST', JSON.stringify(status), 'application/json'), (r) =>
      r.body.includes('"12000"'),
    );
    count(
      await request(agent, `${origin}/__certkit/exchanges?since=0&merchant_reference=${s2s}`, 'GET'),
      (r) => r.status === 200,
    );
  };
  const started = performance.now();
  const worker = async () => {
    while (cycles * CALLS_PER_CYCLE < total) await cycle(cycles++);
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  const ms = performance.now() - started;
  await sampling;
  agent.destroy();
  return { ms, samples, failures };
}

export const soakBench: BenchSection = {
  name: 'soak',
  async run(log) {
    const total = Number(process.env.CERTKIT_SOAK_CALLS) || 200_000;
    const base = await fs.mkdtemp(path.join(os.tmpdir(), 'certkit-bench-soak-'));
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: base };
    const { child, line, died } = await startSandboxProcess(env);
    try {
      const wsDir = path.join(base, 'ws');
      await createDemoWorkspace(wsDir, line);
      const runEnv = {
        ...env,
        CERTKIT_ACCESS_CODE: line.merchant.access_code,
        CERTKIT_SHA_REQUEST_PHRASE: line.merchant.sha_request_phrase,
        CERTKIT_SHA_RESPONSE_PHRASE: line.merchant.sha_response_phrase,
        CERTKIT_SHA_TYPE: line.merchant.sha_type,
      };
      log(`certkit run --only ${SCENARIO} against a fresh simulator ...`);
      const before = await measuredRun(wsDir, runEnv);
      const fresh = await statsAfterGc(line);
      log(`fresh simulator: retained heap ${(fresh.memory.heapUsedBytes / MB).toFixed(1)} MB`);
      log(`${total} simulator calls, ${WORKERS} at a time, heap capped at ${HEAP_CAP_MB} MB ...`);
      const soak = await Promise.race([drive(line, child.pid!, total, samplepoints(total, SAMPLE_EVERY), log), died]);
      const stats = await statsAfterGc(line);
      log(
        `kept: ${stats.exchanges.kept} log entries, ${stats.sessions} sessions, ${stats.transactions} transactions; ` +
          `feedback ${stats.feedback.delivered}/${stats.feedback.sent} delivered, ${stats.feedback.timedOut} timed out`,
      );
      log(`certkit run --only ${SCENARIO} after the soak ...`);
      const after = await measuredRun(wsDir, runEnv);
      const trend = heapTrend(soak.samples, total, SAMPLE_EVERY);
      const at = (calls: number) => soak.samples.find((x) => x.calls >= calls) ?? soak.samples[soak.samples.length - 1];
      const marks = [...new Set([at(total * 0.1), at(total / 2), at(total)])].filter(Boolean);
      const per = `${SAMPLE_EVERY / 1000}k calls`;
      const rows: BenchRow[] = [
        { section: 'soak', name: 'simulator calls', value: total, unit: 'calls' },
        {
          section: 'soak',
          name: 'simulator answers not as expected',
          value: soak.failures,
          unit: 'calls',
          target: { value: 0, better: 'lower' },
        },
        { section: 'soak', name: 'simulator calls per second', value: (total / soak.ms) * 1000, unit: '/s' },
        {
          section: 'soak',
          name: 'simulator retained heap, fresh (after a forced GC)',
          value: fresh.memory.heapUsedBytes / MB,
          unit: 'MB',
        },
        ...marks.map((m) => ({
          section: 'soak',
          name: `simulator retained heap at ${m.calls} calls`,
          value: m.heapBytes / MB,
          unit: 'MB',
        })),
        {
          section: 'soak',
          name: `simulator retained heap, peak (cap ${HEAP_CAP_MB} MB)`,
          value: trend.peakBytes / MB,
          unit: 'MB',
        },
        {
          section: 'soak',
          name: `simulator retained heap growth per ${per}, second half (${trend.fitted.length} samples)`,
          value: trend.bytesPerStep === undefined ? NaN : trend.bytesPerStep / MB,
          unit: `MB/${per}`,
          target: { value: FLAT_MB_PER_STEP, better: 'lower' },
        },
        ...marks.map((m) => ({
          section: 'soak',
          name: `simulator RSS at ${m.calls} calls (not judged: V8's own sizing)`,
          value: m.rssBytes / MB,
          unit: 'MB',
        })),
        {
          section: 'soak',
          name: 'feedback posts timed out',
          value: stats.feedback.timedOut,
          unit: 'posts',
          target: { value: 0, better: 'lower' },
        },
        {
          section: 'soak',
          name: 'feedback posts given up or dropped',
          value: stats.feedback.givenUp + stats.feedback.dropped,
          unit: 'posts',
        },
        {
          section: 'soak',
          name: `certkit run, fresh simulator${before.passed ? '' : ' (FAILED)'}`,
          value: before.ms / 1000,
          unit: 's',
        },
        {
          section: 'soak',
          name: `certkit run, after the soak${after.passed ? '' : ' (FAILED)'}`,
          value: after.ms / 1000,
          unit: 's',
        },
        {
          section: 'soak',
          name: 'certkit run time ratio after/before',
          value: after.ms / before.ms,
          unit: 'x',
          target: { value: 1.5, better: 'lower' },
        },
      ];
      if (before.peakRss && after.peakRss)
        rows.push(
          { section: 'soak', name: 'certkit run peak RSS, fresh simulator', value: before.peakRss / MB, unit: 'MB' },
          { section: 'soak', name: 'certkit run peak RSS, after the soak', value: after.peakRss / MB, unit: 'MB' },
          {
            section: 'soak',
            name: 'certkit run peak RSS ratio after/before',
            value: after.peakRss / before.peakRss,
            unit: 'x',
            target: { value: 1.25, better: 'lower' },
          },
        );
      return rows;
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await fs.rm(base, { recursive: true, force: true });
    }
  },
};
