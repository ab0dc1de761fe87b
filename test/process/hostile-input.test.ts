import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INPUT_LIMITS } from '../../shared/limits';
import { createApiTable } from '../../electron/engine/api/table';
import { MemoryRecentStore } from '../../electron/engine/api/recent-store';
import { MemorySecretStore } from '../../electron/engine/api/memory-secrets';
import { runCli } from '../helpers/cli';
import { spawnCli } from '../helpers/spawn-cli';
import { tempDir } from '../helpers/tmp';

// Bad input as a person hands it to Certkit: files outside the workspace, symlinks, runaway sizes and nesting, bytes
// that are not UTF-8, escape codes, stray arguments. Each is refused with exit 2 and a message naming the thing and
// the fix, nothing of the input is echoed, and nothing already in the workspace is changed.

const tmp = tempDir('certkit-hostile-');
afterAll(() => tmp.cleanup());

/** Text that must never reach the output: it stands for a private file's first bytes. */
const PRIVATE = 'root:x:0:0:PRIVATE-MARKER';
const SCENARIO = 'card-non3ds-success';
const FLOW = {
  title: 'checkout',
  steps: [
    { type: 'navigate', url: '{{baseUrl}}checkout' },
    { type: 'click', selectors: [['#pay']], offsetX: 1, offsetY: 1 },
  ],
};

let n = 0;
/** A workspace with one flow entry for SCENARIO pointing at `flowFile` (as written in certkit.json). */
async function workspace(flowFile?: string): Promise<string> {
  const dir = path.join(tmp.dir, `ws${++n}`);
  expect((await runCli(['init', dir, '--store-url', 'http://127.0.0.1:9/'])).code).toBe(0);
  if (flowFile !== undefined) {
    const file = path.join(dir, 'certkit.json');
    const ws = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
    ws.flows = { [SCENARIO]: { file: flowFile } };
    await fs.writeFile(file, JSON.stringify(ws, null, 2));
  }
  return dir;
}

async function exists(p: string): Promise<boolean> {
  return fs.lstat(p).then(
    () => true,
    () => false,
  );
}

let outside: string;
beforeAll(async () => {
  outside = path.join(tmp.dir, 'outside.json');
  await fs.writeFile(outside, PRIVATE);
});

describe('flow files resolve inside the workspace only', () => {
  it('refuses a flow path that climbs out with .., before the run writes anything', async () => {
    const dir = await workspace('../outside.json');
    const r = await runCli(['run', dir, '--only', SCENARIO]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the flow file of card-non3ds-success "\.\.\/outside\.json" must be inside .* climbs out/);
    expect(r.stderr).toMatch(/fix: .*flows\.card-non3ds-success\.file/);
    expect(r.stderr + r.stdout).not.toContain('PRIVATE-MARKER');
    expect(await exists(path.join(dir, 'runs'))).toBe(false);
  });

  it('refuses an absolute flow path', async () => {
    const dir = await workspace(outside);
    const r = await runCli(['run', dir, '--only', SCENARIO]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is an absolute path/);
    expect(r.stderr).not.toContain('PRIVATE-MARKER');
    expect(await exists(path.join(dir, 'runs'))).toBe(false);
  });

  it('refuses a flow file that is a symlink out of the workspace, without saying where it leads', async () => {
    const dir = await workspace('flows/checkout.json');
    await fs.mkdir(path.join(dir, 'flows'));
    await fs.symlink(outside, path.join(dir, 'flows/checkout.json'));
    const r = await runCli(['run', dir, '--only', SCENARIO]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"flows\/checkout\.json" is a symlink .* leads outside/);
    expect(r.stderr).not.toContain('PRIVATE-MARKER');
    expect(r.stderr).not.toContain(outside);
    expect(await exists(path.join(dir, 'runs'))).toBe(false);
  });

  it('refuses a flow under a symlinked folder that leads out', async () => {
    const dir = await workspace('flows/outside.json');
    await fs.symlink(tmp.dir, path.join(dir, 'flows'));
    const r = await runCli(['run', dir, '--only', SCENARIO]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/leads outside/);
    expect(await exists(path.join(dir, 'runs'))).toBe(false);
  });

  it('names a flow file that cannot be read (a folder) with exit 2', async () => {
    const dir = await workspace('flows/checkout.json');
    await fs.mkdir(path.join(dir, 'flows/checkout.json'), { recursive: true });
    const r = await runCli(['run', dir, '--only', SCENARIO]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Cannot read flow .*flows\/checkout\.json: EISDIR/);
    expect(await exists(path.join(dir, 'runs'))).toBe(false);
  });

  it('the app API uses the same rule: .. and outward symlinks refused, a symlink inside the workspace read', async () => {
    const dir = await workspace('flows/inside-link.json');
    await fs.mkdir(path.join(dir, 'flows'));
    await fs.writeFile(path.join(dir, 'flows/real.json'), JSON.stringify(FLOW));
    await fs.symlink('real.json', path.join(dir, 'flows/inside-link.json'));
    const api = createApiTable({
      transport: 'browser',
      secrets: new MemorySecretStore(),
      recent: new MemoryRecentStore(),
      emit: () => undefined,
      openPath: async () => false,
    });
    await api['workspace.open']({ dir });
    expect((await api['flows.get']({ name: SCENARIO })).stepCount).toBe(2);

    await fs.rm(path.join(dir, 'flows/inside-link.json'));
    await fs.symlink(outside, path.join(dir, 'flows/inside-link.json'));
    await expect(api['flows.get']({ name: SCENARIO })).rejects.toThrow(/leads outside/);

    const ws = JSON.parse(await fs.readFile(path.join(dir, 'certkit.json'), 'utf8')) as Record<string, unknown>;
    ws.flows = { [SCENARIO]: { file: '../outside.json' } };
    await fs.writeFile(path.join(dir, 'certkit.json'), JSON.stringify(ws));
    await expect(api['flows.get']({ name: SCENARIO })).rejects.toThrow(/climbs out of it with \.\./);
  });
});

describe('JSON input: nesting, size, encoding', () => {
  const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

  it('a deeply nested certkit.json exits 2 with the depth limit, not a stack overflow', async () => {
    const dir = await workspace();
    const file = path.join(dir, 'certkit.json');
    const text = `{"version":1,"extra":${deep(100_000)}}`;
    await fs.writeFile(file, text);
    const r = await runCli(['plan', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/certkit\.json is not usable JSON: arrays and objects nested more than 64 deep/);
    expect(r.stderr).not.toMatch(/call stack/);
    expect(await fs.readFile(file, 'utf8')).toBe(text);
  });

  it('a certkit.json over the size limit is refused before it is read, and left as it is', async () => {
    const dir = await workspace();
    const file = path.join(dir, 'certkit.json');
    const before = await fs.readFile(file, 'utf8');
    await fs.appendFile(file, ' '.repeat(INPUT_LIMITS.workspaceBytes));
    const r = await runCli(['config', dir, 'account.name=Changed']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/certkit\.json is \d\.\d MB; the limit is 2 MB/);
    expect((await fs.readFile(file, 'utf8')).trimEnd()).toBe(before.trimEnd());
  });

  it('a certkit.json that is not UTF-8 is refused naming the byte; one with a BOM is read', async () => {
    const dir = await workspace();
    const file = path.join(dir, 'certkit.json');
    const good = await fs.readFile(file);
    const bad = Buffer.from(good.toString('utf8').replace('"My Store"', '"My \u0001Store"'));
    bad[bad.indexOf(1)] = 0xff;
    await fs.writeFile(file, bad);
    const r = await runCli(['plan', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/certkit\.json is not UTF-8 text: byte \d+ \(line \d+\) is not valid UTF-8/);
    expect(r.stderr).toMatch(/fix: .*UTF-8/);

    await fs.writeFile(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), good]));
    const bom = await runCli(['plan', dir]);
    expect(bom.code).toBe(0);
    expect(bom.stdout).toMatch(/Plan for "My Store"/);
  });

  it('a recording nested too deep, too large or with too many steps is refused, and nothing is imported', async () => {
    const dir = await workspace();
    const before = await fs.readFile(path.join(dir, 'certkit.json'), 'utf8');
    const cases: [string, RegExp][] = [
      [`{"title":"x","steps":[${deep(5000)}]}`, /nested more than 64 deep/],
      [
        JSON.stringify({ ...FLOW, steps: Array(INPUT_LIMITS.recordingSteps + 1).fill(FLOW.steps[1]) }),
        /has 2001 steps; the limit is 2000/,
      ],
      [JSON.stringify({ ...FLOW, title: 'x'.repeat(INPUT_LIMITS.recordingBytes) }), /the limit is 5 MB/],
    ];
    for (const [text, message] of cases) {
      const file = path.join(tmp.dir, 'recording.json');
      await fs.writeFile(file, text);
      const r = await runCli(['import', dir, file, '--scenario', SCENARIO]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(await fs.readFile(path.join(dir, 'certkit.json'), 'utf8')).toBe(before);
    expect(await exists(path.join(dir, 'flows'))).toBe(false);
  });
});

describe('certkit sign reads stdin strictly', () => {
  it('deep nesting, bytes that are not UTF-8 and a runaway pipe exit 2 and sign nothing', async () => {
    const deep = await runCli(['sign', '--phrase', 'p'], { stdin: `{"a":${'['.repeat(200_000)}}` });
    expect(deep.code).toBe(2);
    expect(deep.stderr).toMatch(/stdin is not usable JSON: arrays and objects nested more than 64 deep/);
    expect(deep.stderr).not.toMatch(/call stack/);
    expect(deep.stdout).toBe('');

    const latin1 = await runCli(['sign', '--phrase', 'p'], {
      stdin: Buffer.from('{"customer_name":"Jos\xe9"}', 'latin1'),
    });
    expect(latin1.code).toBe(2);
    expect(latin1.stderr).toMatch(/stdin is not UTF-8 text: byte 21 \(line 1\)/);
    expect(latin1.stdout).toBe('');

    // 2 GB offered; the command stops at the limit and the pipe closes on the writer.
    const big = spawnCli(['sign', '--phrase', 'p'], { stdin: 'pipe' });
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let offered = 0;
    const writer = (async () => {
      const stdin = big.child.stdin!;
      stdin.on('error', () => undefined);
      while (offered < 2048 * chunk.length && !stdin.destroyed) {
        offered += chunk.length;
        if (!stdin.write(chunk))
          await new Promise((resolve) => {
            stdin.once('drain', resolve);
            stdin.once('close', resolve);
          });
      }
    })();
    const exit = await big.exited;
    await writer;
    expect(exit.code).toBe(2);
    expect(big.stderr()).toMatch(/stdin is over 1 MB; the limit is 1 MB/);
    expect(offered).toBeLessThan(64 * chunk.length);
    expect(big.stdout()).toBe('');
  });

  it('a BOM is accepted: the same signature as without it', async () => {
    const params = '{"command":"PURCHASE","amount":"1000"}';
    const plain = await runCli(['sign', '--phrase', 'p'], { stdin: params });
    const bom = await runCli(['sign', '--phrase', 'p'], { stdin: `\ufeff${params}` });
    expect(plain.code).toBe(0);
    expect(bom.code).toBe(0);
    expect(bom.stdout).toBe(plain.stdout);
    expect(plain.stdout).toMatch(/^[0-9a-f]{64}\n$/);
  });
});

describe('echoed input is printable', () => {
  it('no raw ESC from certkit.json reaches the terminal, and a symlinked file is not quoted', async () => {
    const dir = await workspace();
    const file = path.join(dir, 'certkit.json');
    // Valid JSON whose field name holds escape sequences (clear screen, set the window title): the schema error names it.
    await fs.writeFile(file, '{"version":1,"flows":{"\\u001b[2J\\u001b]0;pwned\\u0007x":{}}}');
    const esc = await runCli(['plan', dir]);
    expect(esc.code).toBe(2);
    expect(esc.stderr).toMatch(
      /certkit\.json is not a valid Certkit workspace:\n(.*\n)* {2}flows\.\[2J\]0;pwnedx\.file: /,
    );
    expect(esc.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);

    await fs.writeFile(file, `\u001b[31m{"version":1}`);
    const syntax = await runCli(['plan', dir]);
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toMatch(/not valid JSON: a value was expected .* at line 1, column 1/);
    expect(syntax.stderr).not.toContain('\u001b');

    await fs.rm(file);
    await fs.symlink(outside, file);
    const link = await runCli(['plan', dir]);
    expect(link.code).toBe(2);
    expect(link.stderr).toMatch(/not valid JSON/);
    expect(link.stderr).not.toContain('root');
    expect(link.stderr).not.toContain('PRIVATE-MARKER');
  });
});

describe('placeholders, symlinked certkit.json, positionals', () => {
  it('{{constructor}} is a placeholder without a value, not an inherited one', async () => {
    const dir = await workspace();
    const file = path.join(tmp.dir, 'constructor.json');
    await fs.writeFile(
      file,
      JSON.stringify({
        ...FLOW,
        steps: [...FLOW.steps, { type: 'change', selectors: [['#note']], value: '{{constructor}}' }],
      }),
    );
    const r = await runCli(['import', dir, file, '--scenario', SCENARIO]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: no value for \{\{constructor\}\}/);
    const run = await runCli(['run', dir, '--only', SCENARIO, '--json']);
    expect(run.stdout).toMatch(/no value for placeholder \{\{constructor\}\}/);
  });

  it('a symlinked certkit.json is written through: the link stays a link', async () => {
    const dir = await workspace();
    const file = path.join(dir, 'certkit.json');
    const shared = path.join(tmp.dir, `shared-${n}.json`);
    await fs.rename(file, shared);
    await fs.symlink(shared, file);
    const r = await runCli(['config', dir, 'account.name=Linked Store']);
    expect(r.code, r.stderr).toBe(0);
    expect((await fs.lstat(file)).isSymbolicLink()).toBe(true);
    expect(JSON.parse(await fs.readFile(shared, 'utf8')).account.name).toBe('Linked Store');
  });

  it('extra arguments are refused with exit 2 before anything runs or is written', async () => {
    const target = path.join(tmp.dir, 'never-made');
    const init = await runCli(['init', target, 'VISA']);
    expect(init.code).toBe(2);
    expect(init.stderr).toMatch(/unexpected argument "VISA" \(it takes at most 1\)/);
    expect(init.stderr).toMatch(/usage: certkit init <dir>/);
    expect(await exists(target)).toBe(false);

    const sign = await runCli(['sign', '--phrase', 'p', 'extra'], { stdin: '{"command":"PURCHASE"}' });
    expect(sign.code).toBe(2);
    expect(sign.stderr).toMatch(/unexpected argument "extra" \(it takes none\)/);
    expect(sign.stdout).toBe('');

    const esc = await runCli(['plan', tmp.dir, '\u001b[31mred']);
    expect(esc.code).toBe(2);
    expect(esc.stderr).toContain('"[31mred"');
    expect(esc.stderr).not.toContain('\u001b');
  });
});

describe('a port in use', () => {
  let blocker: net.Server;
  let port: number;
  beforeAll(async () => {
    blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    port = (blocker.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  it('certkit sandbox --port exits 2 naming the port and the fix', async () => {
    const sb = await runCli(['sandbox', '--port', String(port)]);
    expect(sb.code).toBe(2);
    expect(sb.stderr).toMatch(new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
    expect(sb.stderr).toMatch(/fix: .*pick another port with --port/);
    expect(sb.stderr).not.toMatch(/EADDRINUSE|at .*\.ts:\d+/);
  });

  it('certkit relay --listen exits 2 naming the address and the fix', async () => {
    const relay = await runCli(['relay', '--listen', `127.0.0.1:${port}`, '--upstream', 'http://127.0.0.1:9'], {
      cwd: tmp.dir,
    });
    expect(relay.code).toBe(2);
    expect(relay.stderr).toMatch(new RegExp(`127\\.0\\.0\\.1:${port} is already in use`));
    expect(relay.stderr).toMatch(/--listen/);
    // The log it would have written is not left behind, empty.
    expect((await fs.readdir(tmp.dir)).filter((f) => f.startsWith('certkit-relay-'))).toEqual([]);
  });
});
