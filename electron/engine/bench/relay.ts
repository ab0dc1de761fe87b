import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { computeSignature, type ApsParams } from '../aps/signature';
import { startRelay, TrafficLogWriter } from '../relay/index';
import { startSimulator } from '../sandbox/index';
import type { BenchRow, BenchSection } from './types';

const WARMUP = 200;
const CALLS = 2000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * What the relay adds to a server-to-server call on loopback: the same signed SDK_TOKEN request sent to the simulator
 * directly and through the relay (which logs every call to a file, as in use), one after the other, over kept-alive
 * connections from this process. All three (client, relay, simulator) share this process and the machine's cores.
 */
export const relayBench: BenchSection = {
  name: 'relay',
  async run(log) {
    const sim = await startSimulator({ feedbackRetry: { tries: 1, intervalMs: 10 } });
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'certkit-bench-relay-'));
    const writer = await TrafficLogWriter.open(path.join(dir, 'relay.ndjson'));
    const c = sim.config;
    const relay = await startRelay({
      upstream: sim.origin,
      logs: [writer],
      secrets: [c.access_code, c.sha_request_phrase, c.sha_response_phrase],
    });
    try {
      const body = (i: number) => {
        const fields: ApsParams = {
          service_command: 'SDK_TOKEN',
          access_code: c.access_code,
          merchant_identifier: c.merchant_identifier,
          language: 'en',
          device_id: `bench-device-${i}`,
        };
        return JSON.stringify({ ...fields, signature: computeSignature(fields, c.sha_request_phrase, c.sha_type) });
      };
      // Wall time is what a merchant waits; CPU time (this process: client, relay and simulator) is what the relay
      // costs, and unlike wall time it does not grow when other work shares the machine.
      const call = async (url: string, i: number): Promise<{ wall: number; cpu: number }> => {
        const cpu = process.cpuUsage();
        const t = performance.now();
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: body(i),
        });
        const answer = (await res.json()) as { response_code?: string };
        const wall = performance.now() - t;
        const used = process.cpuUsage(cpu);
        if (answer.response_code !== '22000') throw new Error(`the simulator answered ${JSON.stringify(answer)}`);
        return { wall, cpu: (used.user + used.system) / 1000 };
      };
      const direct = `${sim.origin}/FortAPI/paymentApi`;
      const relayed = relay.paymentApi!;
      log(`warming up (${WARMUP} calls each) ...`);
      for (let i = 0; i < WARMUP; i++) {
        await call(direct, i);
        await call(relayed, i);
      }
      log(
        `${CALLS} calls each, direct and through the relay, interleaved; load average ${os.loadavg()[0].toFixed(1)} ...`,
      );
      const d: number[] = [];
      const r: number[] = [];
      const dCpu: number[] = [];
      const rCpu: number[] = [];
      for (let i = 0; i < CALLS; i++) {
        const a = await call(direct, i);
        const b = await call(relayed, i);
        d.push(a.wall);
        dCpu.push(a.cpu);
        r.push(b.wall);
        rCpu.push(b.cpu);
      }
      for (const list of [d, r, dCpu, rCpu]) list.sort((x, y) => x - y);
      log(`load average after: ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`);
      const row = (name: string, value: number, target?: BenchRow['target']): BenchRow => ({
        section: 'relay',
        name,
        value,
        unit: 'ms',
        ...(target ? { target } : {}),
      });
      return [
        row('SDK_TOKEN to the simulator, direct, p50', percentile(d, 50)),
        row('SDK_TOKEN to the simulator, direct, p99', percentile(d, 99)),
        row('the same through the relay (logged), p50', percentile(r, 50)),
        row('the same through the relay (logged), p99', percentile(r, 99)),
        row('relay overhead p50', percentile(r, 50) - percentile(d, 50)),
        row('relay overhead p99', percentile(r, 99) - percentile(d, 99), { value: 5, better: 'lower' }),
        row('CPU per call added by the relay (median)', percentile(rCpu, 50) - percentile(dCpu, 50)),
      ];
    } finally {
      await relay.close();
      await writer.close();
      await sim.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  },
};
