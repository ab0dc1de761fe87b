import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../electron/engine/cli/commands/index';
import { settableKeys } from '../../electron/engine/workspace/settings';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const read = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'certkit.json'), 'utf8'));

describe('certkit <command> --help', () => {
  it('describes every option of every command in one line', async () => {
    expect(COMMANDS.length).toBeGreaterThan(15);
    for (const cmd of COMMANDS) {
      const help = await runCli([cmd.name, '--help']);
      expect({ cmd: cmd.name, code: help.code }).toEqual({ cmd: cmd.name, code: 0 });
      const lines = help.stdout.split('\n');
      for (const [name, option] of Object.entries(cmd.options)) {
        expect({ cmd: cmd.name, name, description: option.description.trim().length > 10 }).toEqual({
          cmd: cmd.name,
          name,
          description: true,
        });
        expect(option.description).not.toMatch(/\n/);
        // The flag and its description share one line of the help.
        const line = lines.find((l) => new RegExp(`--${name}\\b`).test(l) && l.includes(option.description));
        expect({ cmd: cmd.name, name, line: !!line }).toEqual({ cmd: cmd.name, name, line: true });
      }
    }
  });
});

describe('certkit init with the store, return URL and environment', () => {
  it('writes them into certkit.json', async () => {
    const dir = path.join(tmp.dir, 'souq');
    const r = await runCli([
      'init',
      dir,
      '--account',
      'Souq Al Oud',
      '--methods',
      'VISA,KNET',
      '--store-url',
      'http://127.0.0.1:4100/',
      '--return-url',
      'https://127.0.0.1:4100/payments/aps/return',
      '--environment',
      'simulator',
      '--payment-page-url',
      'http://127.0.0.1:4200/FortAPI/paymentPage',
      '--payment-api-url',
      'http://127.0.0.1:4200/FortAPI/paymentApi',
      '--merchant-id',
      'SOUQ01',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(simulator)');
    const ws = read(dir);
    expect(ws.account).toMatchObject({ name: 'Souq Al Oud', environment: 'simulator', merchantIdentifier: 'SOUQ01' });
    expect(ws.store).toEqual({
      baseUrl: 'http://127.0.0.1:4100/',
      returnUrl: 'https://127.0.0.1:4100/payments/aps/return',
    });
    expect(ws.aps).toMatchObject({
      paymentPage: 'http://127.0.0.1:4200/FortAPI/paymentPage',
      paymentApi: 'http://127.0.0.1:4200/FortAPI/paymentApi',
    });
  });

  it('refuses a bad value naming the option, and writes nothing', async () => {
    const dir = path.join(tmp.dir, 'bad-init');
    const url = await runCli(['init', dir, '--store-url', 'shop.example']);
    expect(url.code).toBe(2);
    expect(url.stderr).toMatch(/--store-url="shop\.example" is refused: must be an http\(s\) URL/);
    expect(existsSync(path.join(dir, 'certkit.json'))).toBe(false);
    const env = await runCli(['init', dir, '--environment', 'staging']);
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/--environment: "staging" is not one of simulator, sandbox, production/);
    const sim = await runCli(['init', dir, '--environment', 'simulator']);
    expect(sim.code).toBe(2);
    expect(sim.stderr).toMatch(
      /needs the simulator's endpoints\n {2}fix: add --payment-page-url and --payment-api-url/,
    );
    expect(existsSync(path.join(dir, 'certkit.json'))).toBe(false);
  });
});

describe('certkit config', () => {
  const dir = path.join(tmp.dir, 'config');

  it('sets values by dotted path, checked by the workspace format', async () => {
    await runCli(['init', dir, '--methods', 'VISA']);
    const r = await runCli([
      'config',
      dir,
      'store.baseUrl=https://shop.example/',
      'account.environment=production',
      'browser.concurrency=3',
      'browser.headless=false',
      'methods=VISA,MASTERCARD,KNET',
      'aps.hosts=checkout.payfort.com,sbcheckout.payfort.com',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('account.environment: sandbox -> production');
    expect(r.stdout).toContain('store.baseUrl: (not set) -> https://shop.example/');
    const ws = read(dir);
    expect(ws.store.baseUrl).toBe('https://shop.example/');
    expect(ws.account.environment).toBe('production');
    expect(ws.browser).toMatchObject({ concurrency: 3, headless: false });
    expect(ws.methods).toEqual(['VISA', 'MASTERCARD', 'KNET']);
    expect(ws.aps.hosts).toEqual(['checkout.payfort.com', 'sbcheckout.payfort.com']);
    // An empty value clears an optional one.
    expect((await runCli(['config', dir, 'store.baseUrl='])).code).toBe(0);
    expect(read(dir).store.baseUrl).toBeUndefined();
    // Without pairs: every settable key with its value.
    const list = await runCli(['config', dir]);
    expect(list.stdout).toContain('browser.concurrency=3\n');
    expect(list.stdout.trim().split('\n')).toHaveLength(settableKeys().length);
  });

  it('refuses bad keys, values and secrets naming the key and what it takes, and changes nothing', async () => {
    const before = readFileSync(path.join(dir, 'certkit.json'), 'utf8');
    const cases: [string[], RegExp][] = [
      [['account.environment=staging'], /account\.environment: "staging" is not one of simulator, sandbox, production/],
      [
        ['browser.concurrency=9'],
        /browser\.concurrency="9" is refused: Too big.*\n {2}fix: give browser\.concurrency a number/,
      ],
      [['browser.headless=yes'], /browser\.headless: "yes" is not true or false/],
      [['methods=VISA,PAYPAL'], /methods: "VISA,PAYPAL" is not a comma-separated list of VISA, .*\("PAYPAL" unknown\)/],
      [
        ['store.homepage=https://x.example/'],
        /store\.homepage is not a setting of certkit\.json\n {2}fix: settable keys: .*store\.baseUrl/,
      ],
      [
        ['account.requestPhrase=abc'],
        /account\.requestPhrase would hold a secret.*\n {2}fix: give secrets through CERTKIT_ACCESS_CODE/,
      ],
      [['store.access_code=abc'], /would hold a secret/],
      [
        ['flows.card-declined=x.json'],
        /flows\.card-declined is not set with config\n {2}fix: import a flow with `certkit import/,
      ],
      [['confirmations.inbound-ip=yes'], /fix: confirm a checkpoint with `certkit verify/],
      [['pins.card-declined=run-1'], /fix: pin a run with `certkit pin/],
      [['account.name='], /account\.name cannot be empty/],
      [
        ['store.baseUrl=https://ok.example/', 'store.returnUrl=ftp://x'],
        /store\.returnUrl="ftp:\/\/x" is refused: must be an http\(s\) URL/,
      ],
      [['environment'], /"environment" is not key=value/],
    ];
    for (const [pairs, message] of cases) {
      const r = await runCli(['config', dir, ...pairs]);
      expect({ pairs, code: r.code }).toEqual({ pairs, code: 2 });
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toContain('abc');
    }
    expect(readFileSync(path.join(dir, 'certkit.json'), 'utf8')).toBe(before);
  });
});

describe('certkit plan', () => {
  /** Scenario id -> slot count in the scenario table, and how many rows of the slot table name it. */
  function counts(stdout: string, id: string): { inRow: number; inSlotTable: number } {
    const [scenarios, slots] = stdout.split('\nScreenshot slots\n');
    const row = scenarios.split('\n').find((l) => l.startsWith(`${id} `))!;
    const slotTable = slots.split('\nCheckpoints\n')[0];
    return {
      inRow: Number(row.trim().split(/\s+/).at(-1)),
      inSlotTable: slotTable.split('\n').filter((l) => l.split(/\s+/).at(-1)!.split(',').includes(id)).length,
    };
  }

  it('counts the slots its own slot table lists for each scenario', async () => {
    for (const [methods, expected] of [
      ['VISA,MASTERCARD,AMEX,KNET,BENEFIT', 2],
      ['VISA,MADA', 3],
    ] as const) {
      const dir = path.join(tmp.dir, `plan-${methods}`);
      await runCli(['init', dir, '--methods', methods]);
      const text = await runCli(['plan', dir]);
      expect(counts(text.stdout, 'card-non3ds-success')).toEqual({ inRow: expected, inSlotTable: expected });
      const json = JSON.parse((await runCli(['plan', dir, '--json'])).stdout);
      for (const s of json.scenarios as { id: string; slots: string[] }[]) {
        const listed = (json.slots as { id: string; scenarios: string[] }[])
          .filter((slot) => slot.scenarios.includes(s.id))
          .map((slot) => slot.id);
        expect({ id: s.id, slots: [...s.slots].sort() }).toEqual({ id: s.id, slots: listed.sort() });
        expect(counts(text.stdout, s.id)).toEqual({ inRow: s.slots.length, inSlotTable: s.slots.length });
      }
    }
  });
});
