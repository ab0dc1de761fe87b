import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clampConcurrency, LIMITS } from '../../shared/limits';
import { extractRulesFor, SAMPLE_CUSTOMERS, WORKSPACE_VERSION } from '../../shared/schema/workspace';
import { parseConcurrency } from '../../electron/engine/cli/commands/run';
import { CertkitError } from '../../electron/engine/errors';
import { initWorkspace, loadWorkspace, parseWorkspace, saveWorkspace } from '../../electron/engine/workspace/workspace';
import { secretsFromEnv } from '../../electron/engine/cli/env';
import { arabicOfSchemaMessage } from '../../shared/schema/issue-text';
import { readsArabic } from '../../shared/text';
import { tempDir } from '../helpers/tmp';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function loadError(dir: string): Promise<CertkitError> {
  const err = await loadWorkspace(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CertkitError);
  return err as CertkitError;
}

describe('workspace file', () => {
  it('init writes a valid versioned certkit.json with defaults', async () => {
    const dir = path.join(tmp.dir, 'init');
    const ws = await initWorkspace(dir, { account: 'Souq Demo', methods: ['VISA', 'KNET'] });
    expect(ws.version).toBe(WORKSPACE_VERSION);
    const onDisk = JSON.parse(readFileSync(path.join(dir, 'certkit.json'), 'utf8'));
    expect(onDisk.account.name).toBe('Souq Demo');
    expect(onDisk.methods).toEqual(['VISA', 'KNET']);
    expect(onDisk.package.maxMb).toBe(20);
    await expect(initWorkspace(dir)).rejects.toThrow(/already exists/);
  });

  it('names the file, the field path and the fix for an invalid field', async () => {
    const dir = path.join(tmp.dir, 'bad-field');
    await initWorkspace(dir);
    const file = path.join(dir, 'certkit.json');
    const raw = JSON.parse(readFileSync(file, 'utf8'));
    raw.methods = ['VISA', 'PAYPAL'];
    raw.customers[1].email = 'not-an-email';
    writeFileSync(file, JSON.stringify(raw));
    const err = await loadError(dir);
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/methods\[1\]/);
    expect(err.message).toMatch(/customers\[1\]\.email/);
    expect(err.hint).toMatch(/edit field "methods\[1\]"/);
  });

  it('refuses broken JSON with the cause', async () => {
    const dir = path.join(tmp.dir, 'bad-json');
    await initWorkspace(dir);
    writeFileSync(path.join(dir, 'certkit.json'), '{"version": 1,}');
    const err = await loadError(dir);
    expect(err.message).toMatch(/not valid JSON/);
  });

  it('refuses a file from a newer Certkit', async () => {
    const err = (() => {
      try {
        parseWorkspace({ version: WORKSPACE_VERSION + 1 }, 'x/certkit.json');
      } catch (e) {
        return e as CertkitError;
      }
    })();
    expect(err?.message).toMatch(/newer Certkit/);
    expect(err?.hint).toMatch(/update Certkit/);
  });

  it('refuses secrets anywhere in the file and points at the environment', async () => {
    expect(() =>
      parseWorkspace(
        {
          version: 1,
          account: { name: 'x', sha_request_phrase: 'abc' },
          integrationTypes: ['hosted'],
          methods: ['VISA'],
        },
        'w/certkit.json',
      ),
    ).toThrow(/account\.sha_request_phrase.*secret/);
  });

  it('says how to create a missing workspace', async () => {
    const err = await loadError(path.join(tmp.dir, 'nothing-here'));
    expect(err.hint).toMatch(/certkit init/);
  });

  it('keeps a workspace written before workspace-wide extract rules valid, with each flow reading its own', () => {
    const rule = { field: 'merchant_reference', selector: '#ref' };
    const ws = parseWorkspace(
      {
        version: 1,
        account: { name: 'Old Shop' },
        integrationTypes: ['hosted'],
        methods: ['VISA'],
        flows: { 'card-3ds-success': { file: 'flows/3ds.json', extract: [rule] } },
      },
      'old/certkit.json',
    );
    // Not added on save either, so the file stays readable by a Certkit from before the setting.
    expect(Object.keys(ws)).not.toContain('extract');
    expect(extractRulesFor(ws, 'card-3ds-success')).toEqual([rule]);
    expect(extractRulesFor(ws, 'card-declined')).toEqual([]);
  });

  it('gives every flow the workspace extract rules; a flow adds its own or replaces one by field', () => {
    const ws = parseWorkspace(
      {
        version: 1,
        account: { name: 'Shop' },
        integrationTypes: ['hosted'],
        methods: ['VISA'],
        extract: [
          { field: 'merchant_reference', selector: '#ref' },
          { field: 'fort_id', selector: '#fort' },
        ],
        flows: {
          'card-3ds-success': { file: 'flows/a.json' },
          'card-declined': {
            file: 'flows/a.json',
            extract: [
              { field: 'merchant_reference', pattern: 'Order (\\w+)' },
              { field: 'response_code', selector: '#code' },
            ],
          },
        },
      },
      'w/certkit.json',
    );
    expect(extractRulesFor(ws, 'card-3ds-success')).toEqual(ws.extract);
    expect(extractRulesFor(ws, 'card-declined')).toEqual([
      { field: 'fort_id', selector: '#fort' },
      { field: 'merchant_reference', pattern: 'Order (\\w+)' },
      { field: 'response_code', selector: '#code' },
    ]);
    expect(() => parseWorkspace({ ...ws, extract: [{ field: 'x', selecter: '#typo' }] }, 'w/certkit.json')).toThrow(
      /extract\[0\]/,
    );
  });

  it('bounds concurrency and the package size where the CLI and the packager bound them', () => {
    const base = { version: 1, account: { name: 'x' }, integrationTypes: ['hosted'], methods: ['VISA'] };
    const tooMany = LIMITS.concurrency.max + 1;
    expect(() => parseWorkspace({ ...base, browser: { concurrency: tooMany } }, 'w/certkit.json')).toThrow(
      /browser\.concurrency/,
    );
    expect(() => parseWorkspace({ ...base, package: { maxMb: LIMITS.packageMb.min / 2 } }, 'w/certkit.json')).toThrow(
      /package\.maxMb/,
    );
    const ws = parseWorkspace(base, 'w/certkit.json');
    expect(ws.browser.concurrency).toBe(LIMITS.concurrency.default);
    expect(ws.package.maxMb).toBe(LIMITS.packageMb.default);
    expect(ws.customers).toEqual(SAMPLE_CUSTOMERS.slice(0, 2));
    expect(clampConcurrency(tooMany)).toBe(LIMITS.concurrency.max);
    expect(clampConcurrency(undefined)).toBe(LIMITS.concurrency.default);
    expect(() => parseConcurrency(String(tooMany))).toThrow(`from 1 to ${LIMITS.concurrency.max}`);
  });

  it('round-trips through save and load', async () => {
    const dir = path.join(tmp.dir, 'roundtrip');
    const ws = await initWorkspace(dir);
    ws.confirmations['inbound-ip'] = { confirmed: true, note: 'prod egress 203.0.113.7', at: new Date().toISOString() };
    await saveWorkspace(dir, ws);
    expect((await loadWorkspace(dir)).confirmations['inbound-ip'].note).toBe('prod egress 203.0.113.7');
  });
});

describe('secrets from the environment', () => {
  it('reads the four variables and accepts dashboard spellings', () => {
    const s = secretsFromEnv({
      CERTKIT_ACCESS_CODE: 'ac',
      CERTKIT_SHA_REQUEST_PHRASE: 'rq',
      CERTKIT_SHA_RESPONSE_PHRASE: 'rs',
      CERTKIT_SHA_TYPE: 'HMAC-512',
    });
    expect(s).toEqual({ accessCode: 'ac', requestPhrase: 'rq', responsePhrase: 'rs', shaType: 'hmac512' });
  });
  it('refuses an unknown SHA type naming the variable', () => {
    expect(() => secretsFromEnv({ CERTKIT_SHA_TYPE: 'SHA-128' })).toThrow(/CERTKIT_SHA_TYPE="SHA-128"/);
    expect(() => secretsFromEnv({ CERTKIT_APPLE_SHA_TYPE: 'SHA-1' }, 'CERTKIT_APPLE_')).toThrow(
      /CERTKIT_APPLE_SHA_TYPE="SHA-1"/,
    );
  });
  it("reads Apple Pay's own set by prefix, falling back to the main SHA type", () => {
    const env = {
      CERTKIT_ACCESS_CODE: 'main',
      CERTKIT_SHA_TYPE: 'SHA-512',
      CERTKIT_APPLE_ACCESS_CODE: 'apple-ac',
      CERTKIT_APPLE_SHA_REQUEST_PHRASE: 'apple-rq',
    };
    expect(secretsFromEnv(env, 'CERTKIT_APPLE_')).toEqual({
      accessCode: 'apple-ac',
      requestPhrase: 'apple-rq',
      responsePhrase: undefined,
      shaType: 'sha512',
    });
  });
});

describe('atomic save survives being killed', () => {
  let writer = '';
  const dir = path.join(tmp.dir, 'kill');

  beforeAll(async () => {
    // Bundle a tiny writer once so each kill round costs a plain `node` start, not a TypeScript compile.
    writer = path.join(tmp.dir, 'writer.mjs');
    await build({
      stdin: {
        contents: `
          import { saveWorkspace } from './electron/engine/workspace/workspace';
          const dir = process.argv[2];
          const big = Object.fromEntries(Array.from({ length: 600 }, (_, i) => ['scenario-' + i, { file: 'flows/f' + i + '.json', extract: [] }]));
          let n = 0;
          process.stdout.write('ready\\n');
          for (;;) {
            const name = n % 2 ? 'Version B' : 'Version A';
            await saveWorkspace(dir, { version: 1, account: { name }, integrationTypes: ['hosted'], methods: ['VISA'], flows: big });
            n++;
            process.stdout.write('saved\\n');
          }`,
        resolveDir: process.cwd(),
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: writer,
      logLevel: 'silent',
    });
    await initWorkspace(dir, { account: 'Initial' });
  });

  it('leaves the old or the new version, never a partial file, over 50 kills', async () => {
    const seen = new Set<string>();
    for (let round = 0; round < 50; round++) {
      const child = spawn(process.execPath, [writer, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
      // Wait for a varying number of completed saves, then kill at a varying point inside the next one.
      const savesWanted = round % 3;
      await new Promise<void>((resolve) => {
        let lines = 0;
        child.stdout.on('data', (chunk: Buffer) => {
          lines += chunk.toString().split('\n').filter(Boolean).length;
          if (lines > savesWanted) resolve();
        });
      });
      await new Promise((r) => setTimeout(r, round % 4));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const ws = await loadWorkspace(dir);
      seen.add(ws.account.name);
      expect(['Initial', 'Version A', 'Version B']).toContain(ws.account.name);
    }
    // The kills landed at different points: both versions the writer saves were found on disk.
    expect(seen.has('Version A') && seen.has('Version B')).toBe(true);
  });
});

describe('an invalid workspace in both languages', () => {
  const mistakes = {
    version: 1,
    account: { name: '  ', merchantIdentifier: 'not an id!', environment: 'staging' },
    integrationTypes: [],
    methods: ['VISA'],
    browser: { concurrency: 'two' },
    capture: { quality: 500 },
    store: { baseUrl: 'ftp://shop.example' },
    stray: true,
  };

  function refusal(): CertkitError {
    try {
      parseWorkspace(mistakes, 'certkit.json');
    } catch (err) {
      if (err instanceof CertkitError) return err;
      throw err;
    }
    throw new Error('an invalid workspace was accepted');
  }

  it('keeps the English lines as zod and the schema write them', () => {
    expect(refusal().message.split('\n')).toEqual([
      'certkit.json is not a valid Certkit workspace:',
      '  account.name: the APS account name is needed for the sign-off email subject',
      '  account.merchantIdentifier: letters and digits, at most 20',
      '  account.environment: Invalid option: expected one of "simulator"|"sandbox"|"production"',
      '  integrationTypes: pick at least one integration type',
      '  store.baseUrl: must be an http(s) URL',
      '  browser.concurrency: Invalid input: expected number, received string',
      '  capture.quality: Too big: expected number to be <=100',
      '  (top level): Unrecognized key: "stray"',
    ]);
  });

  it('gives each line in Arabic under the same field path', () => {
    const err = refusal();
    const english = err.message.split('\n').slice(1);
    const arabic = err.ar?.message.split('\n') ?? [];
    expect(readsArabic(arabic[0] ?? '')).toBe(true);
    expect(arabic).toHaveLength(english.length + 1);
    arabic.slice(1).forEach((line, i) => {
      const field = english[i]!.slice(0, english[i]!.indexOf(': ') + 2);
      expect(line.startsWith(field)).toBe(true);
      expect(readsArabic(line.slice(field.length))).toBe(true);
    });
    // Values an engineer types stay as written inside the Arabic.
    expect(arabic.join('\n')).toMatch(/"simulator"، "sandbox"، "production"/);
    expect(arabic.join('\n')).toMatch(/100/);
    expect(arabic.join('\n')).toMatch(/"stray"/);
    expect(readsArabic(err.ar?.hint ?? '')).toBe(true);
  });
});

describe("the workspace schema's own messages", () => {
  it('each has its Arabic in the issue-text table', () => {
    const source = readFileSync(path.resolve('shared/schema/workspace.ts'), 'utf8');
    // The messages the schema writes: `error: '…'`, `.regex(/…/, '…')` and `.min(n, '…')`.
    const messages = [...source.matchAll(/(?:error: |\/, |\.min\(\d+, )'([^']+)'/g)].map((m) => m[1]!);
    expect(messages.length).toBeGreaterThanOrEqual(9);
    const missing = messages.filter((m) => !readsArabic(arabicOfSchemaMessage(m) ?? ''));
    expect(missing).toEqual([]);
  });
});
