import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STORE_FAULTS } from '../../electron/engine/sandbox';
import { spawnCli } from '../helpers/spawn-cli';
import { removeTempDirs, tempDir } from '../helpers/tmp';

afterAll(removeTempDirs);

describe('certkit demo --faults', () => {
  it('refuses an unknown fault name at once with exit 2, naming every valid one, and starts nothing', async () => {
    const { dir } = tempDir('ck-faults-');
    const demoDir = path.join(dir, 'demo');
    const cli = spawnCli(['demo', demoDir, '--faults', 'static-email,bogus'], { env: { TMPDIR: dir } });
    const exit = await cli.exited;
    expect(exit.code).toBe(2);
    expect(cli.stderr()).toContain('"bogus" is not a demo-store fault switch');
    for (const name of STORE_FAULTS) expect(cli.stderr()).toContain(name);
    expect(cli.stdout()).not.toContain('demo store');
    expect(cli.stderr()).not.toContain('demo store');
    expect(existsSync(demoDir)).toBe(false);
  });

  it("docs/demo-store.md lists exactly the store's fault switches", () => {
    const doc = readFileSync(path.resolve(__dirname, '../../docs/demo-store.md'), 'utf8');
    const table = doc.split('## Fault switches')[1].split('\n## ')[0];
    const listed = [...table.matchAll(/^\| `([a-z0-9-]+)`(?: \/ `([a-z0-9-]+)`)? \|/gm)].flatMap((m) =>
      m.slice(1).filter(Boolean),
    );
    expect([...listed].sort()).toEqual([...STORE_FAULTS].sort());
  });
});
