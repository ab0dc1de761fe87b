// `certkit relay` and `certkit traffic` as a user runs them: bad input refused with a fix, the relay writing into a
// workspace while it runs, and a log imported afterwards and linked to the scenarios.
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVIDENCE_VERSION, type ScenarioEvidence } from '../../shared/schema/evidence';
import { INPUT_LIMITS, MB } from '../../shared/limits';
import { writeRunIndex, writeScenarioEvidence } from '../../electron/engine/evidence/store';
import { main } from '../../electron/engine/cli/main';
import { readTrafficLog } from '../../electron/engine/relay';
import { startSimulator, type Simulator } from '../../electron/engine/sandbox';
import { cliContext, runCli } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';
import { relayExchange } from '../helpers/relay-record';

const tmp = tempDir('certkit-relay-cli-');
let sim: Simulator;
let merchant: http.Server;
let merchantUrl = '';

beforeAll(async () => {
  sim = await startSimulator({ feedbackRetry: { tries: 1, intervalMs: 5 } });
  merchant = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end('OK'));
  });
  await new Promise<void>((r) => merchant.listen(0, '127.0.0.1', r));
  merchantUrl = `http://127.0.0.1:${(merchant.address() as AddressInfo).port}/aps/feedback`;
});
afterAll(async () => {
  merchant?.closeAllConnections();
  await new Promise((r) => merchant?.close(r));
  await sim?.close();
  tmp.cleanup();
});

async function workspace(name: string): Promise<string> {
  const dir = path.join(tmp.dir, name);
  const out = await runCli([
    'init',
    dir,
    '--account',
    'Relay Test',
    '--methods',
    'VISA',
    '--integration',
    'custom_non_pci',
  ]);
  expect(out.code, out.stderr).toBe(0);
  return dir;
}

describe('certkit relay: bad input', () => {
  it.each([
    [[], /the relay has nothing to forward[\s\S]*fix: give --upstream/],
    [
      ['--upstream', 'https://paymentservices.payfort.com'],
      /is APS production[\s\S]*fix: the relay records certification traffic/,
    ],
    [['--upstream', 'ftp://x'], /must be an http\(s\) URL/],
    [['--listen', 'here', '--upstream', 'https://sbpaymentservices.payfort.com'], /--listen here is not HOST:PORT/],
    [['--notification-to', 'https://shop.example/n'], /--notification-to needs --feedback-to/],
    [['--feedback-to', 'shop.example'], /--feedback-to shop.example is not an http\(s\) URL/],
    [
      ['--upstream', 'https://sbpaymentservices.payfort.com', '--timeout', '0'],
      /--timeout 0 is not a whole number of at least 1/,
    ],
    [['--upstream', 'https://sbpaymentservices.payfort.com', '--workspace', '/nonexistent/ws'], /certkit\.json/],
  ])('relay %j exits 2', async (args, message) => {
    const cwd = await fs.mkdtemp(path.join(tmp.dir, 'bad-'));
    const out = await runCli(['relay', ...args], { cwd });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(message);
    // Refused before it started: no empty log left behind.
    expect(await fs.readdir(cwd)).toEqual([]);
  });
});

describe('certkit relay --workspace', () => {
  it('forwards API calls and feedback on one port and writes them into the workspace as they happen', async () => {
    const dir = await workspace('live');
    const cli = cliContext({ env: { CERTKIT_ACCESS_CODE: sim.config.access_code } });
    const running = main(
      ['relay', '--upstream', sim.origin, '--feedback-to', merchantUrl, '--workspace', dir, '--listen', '127.0.0.1:0'],
      cli.ctx,
    );
    const start = JSON.parse(await cli.firstLine) as {
      relay: string;
      paymentApi: string;
      feedback: { direct: string; notification: string };
      logs: string[];
    };
    expect(start.paymentApi).toBe(`${start.relay}/FortAPI/paymentApi`);
    expect(start.feedback).toEqual({
      direct: `${start.relay}/feedback/direct`,
      notification: `${start.relay}/feedback/notification`,
    });
    expect(start.logs[0]).toMatch(new RegExp(`^${dir}/traffic/relay-\\d{8}T\\d{6}-[0-9a-f]{6}\\.ndjson$`));
    const api = await fetch(start.paymentApi, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query_command: 'CHECK_STATUS',
        access_code: sim.config.access_code,
        merchant_reference: 'NOPE',
      }),
    });
    expect(api.status).toBe(200);
    const fb = await fetch(start.feedback.notification, {
      method: 'POST',
      body: 'merchant_reference=X1&status=06',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(await fb.text()).toBe('OK');
    cli.stop();
    // Stopped, like every command, is not a success (1 for a stop with no signal behind it; 130/143 for real signals).
    expect(await running).toBe(1);
    expect(cli.stderr()).toMatch(/relay: CHECK_STATUS NOPE from 127\.0\.0\.1 -> 200 00\d{3}/);
    expect(cli.stderr()).toMatch(/relay: 3 exchange\(s\) recorded, in /);
    const log = await readTrafficLog(start.logs[0]);
    expect(log.records.map((r) => [r.kind, r.feedbackKind, r.sentBy])).toEqual([
      ['paymentApi', undefined, undefined],
      ['feedback', 'notification', 'aps'],
      ['feedback', 'notification', 'relay'],
    ]);
    expect(await fs.readFile(start.logs[0], 'utf8')).not.toContain(sim.config.access_code);
  });
});

describe('certkit traffic', () => {
  async function withEvidence(dir: string): Promise<void> {
    const ev: ScenarioEvidence = {
      version: EVIDENCE_VERSION,
      runId: 'run-1',
      scenarioId: 'card-non3ds-success',
      status: 'passed',
      startedAt: '2026-11-20T10:00:00.000Z',
      finishedAt: '2026-11-20T10:00:20.000Z',
      customer: { email: 'layla.haddad@example.net' },
      screenshots: [],
      exchanges: [],
      ledger: { values: { merchant_reference: 'BQ-1' }, sources: { merchant_reference: 'page' } },
    };
    await writeScenarioEvidence(dir, ev);
    await writeRunIndex(dir, {
      version: EVIDENCE_VERSION,
      runId: 'run-1',
      startedAt: ev.startedAt,
      scenarios: { 'card-non3ds-success': { dir: 'card-non3ds-success', status: 'passed' } },
    });
  }

  const line = (o: object) => JSON.stringify(o);
  const record = relayExchange;

  it('imports a log once, scrubs it again, links what it can and lists the rest', async () => {
    const dir = await workspace('import');
    await withEvidence(dir);
    const file = path.join(tmp.dir, 'staging-relay.ndjson');
    await fs.writeFile(
      file,
      [
        line({ type: 'start', v: 1, relayId: 'x', at: '2026-11-20T09:59:00.000Z', listen: 'http://10.0.0.9:8787' }),
        line(record('x-1', { command: 'PURCHASE', merchant_reference: 'BQ-1', order_description: 'by S3cretPhrase!' })),
        line(record('x-2', { service_command: 'SDK_TOKEN', device_id: 'd' })),
        '{"type":"exchange","v":1,"id":"x-3","kind":"paym',
      ].join('\n'),
    );
    const env = { CERTKIT_SHA_REQUEST_PHRASE: 'S3cretPhrase!' };
    const out = await runCli(['traffic', 'import', dir, file], { env });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toMatch(/^imported into traffic\/import-[0-9a-f]{12}-staging-relay\.ndjson: 2 exchange\(s\)/);
    expect(out.stderr).toContain('warning: line 4 left out: the last line was cut short');
    expect(out.stdout).toMatch(
      /card-non3ds-success\s+PURCHASE BQ-1 from 10\.0\.0\.5 -> 200 \(31 ms\)\s+merchant_reference=BQ-1/,
    );
    expect(out.stdout).toContain('1 exchange(s) linked to no scenario:\n  SDK_TOKEN from 10.0.0.5 -> 200 (31 ms)');
    const copy = (await fs.readdir(path.join(dir, 'traffic')))[0];
    const text = await fs.readFile(path.join(dir, 'traffic', copy), 'utf8');
    expect(text).not.toContain('S3cretPhrase!');
    expect(text).toContain('by [secret removed]');

    const again = await runCli(['traffic', 'import', dir, file], { env });
    expect(again.stderr).toMatch(/^already imported as traffic\/import-/);
    expect(await fs.readdir(path.join(dir, 'traffic'))).toHaveLength(1);

    const list = await runCli(['traffic', 'list', dir, '--json']);
    const json = JSON.parse(list.stdout) as {
      records: number;
      scenarios: { scenarioId: string }[];
      unlinked: unknown[];
    };
    expect(json.records).toBe(2);
    expect(json.scenarios.map((s) => s.scenarioId)).toEqual(['card-non3ds-success']);
    expect(json.unlinked).toHaveLength(1);
  });

  it('refuses a log over the import limit by name, size and limit, before reading it, and writes nothing', async () => {
    const dir = await workspace('too-large');
    const file = path.join(tmp.dir, 'huge-relay.ndjson');
    // Sparse: the size is what is refused, so no test writes tens of megabytes.
    await fs.writeFile(file, '');
    await fs.truncate(file, INPUT_LIMITS.trafficLogBytes + 5 * MB);
    const out = await runCli(['traffic', 'import', dir, file]);
    expect(out.code, out.stderr).toBe(2);
    const limitMb = INPUT_LIMITS.trafficLogBytes / MB;
    expect(out.stderr).toContain(`the relay log ${file} is ${limitMb + 5} MB; the limit is ${limitMb} MB`);
    expect(out.stderr).toContain('fix: import the NDJSON file one relay session wrote');
    expect(await fs.readdir(path.join(dir, 'traffic')).catch(() => [])).toEqual([]);
  });

  it('refuses a file that is no relay log, and an unknown action', async () => {
    const dir = await workspace('bad');
    const file = path.join(tmp.dir, 'notes.txt');
    await fs.writeFile(file, 'these are my notes\n');
    const out = await runCli(['traffic', 'import', dir, file]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(`${file} holds no relay exchanges (line 1: not JSON)`);
    const action = await runCli(['traffic', 'export', dir]);
    expect(action.code).toBe(2);
    expect(action.stderr).toContain('no traffic action "export"');
  });
});
