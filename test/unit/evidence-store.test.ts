import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CertkitError } from '../../electron/engine/errors';
import {
  collectEvidence,
  emptyScenarioEvidence,
  scenarioDir,
  writeScenarioEvidence,
} from '../../electron/engine/evidence/store';
import { readPackageIndex } from '../../electron/engine/package/index';
import { listSnippets } from '../../electron/engine/snippets/index';
import { removeTempDirs, tempDir } from '../helpers/tmp';

afterAll(removeTempDirs);

describe('reading evidence back', () => {
  it('treats what is not there yet as nothing, and names a damaged file instead of skipping it', async () => {
    const { dir } = tempDir('certkit-store-');
    expect((await collectEvidence(dir)).byScenario.size).toBe(0);
    expect(await listSnippets(dir)).toEqual([]);
    expect(await readPackageIndex(path.join(dir, 'output', 'package'))).toBeUndefined();

    await writeScenarioEvidence(dir, emptyScenarioEvidence('run-1', 'card-declined', { email: 'a@b.co' }, 'passed'));
    // A scenario folder whose run stopped before its first write.
    await fs.mkdir(scenarioDir(dir, 'run-1', 'knet-success'), { recursive: true });
    expect([...(await collectEvidence(dir)).byScenario.keys()]).toEqual(['card-declined']);

    const file = path.join(scenarioDir(dir, 'run-1', 'card-declined'), 'scenario.json');
    await fs.writeFile(file, '{"version": 1, "runId": ');
    const err = await collectEvidence(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CertkitError);
    expect((err as CertkitError).message).toContain(`${file} is damaged`);
    expect((err as CertkitError).hint).toMatch(/run the scenario again/);

    await fs.writeFile(file, JSON.stringify({ version: 1, runId: 'run-1' }));
    await expect(collectEvidence(dir)).rejects.toThrow(`${file} is not scenario evidence`);

    await fs.mkdir(path.join(dir, 'snippets'));
    await fs.writeFile(path.join(dir, 'snippets', 'index.json'), '{}');
    await expect(listSnippets(dir)).rejects.toThrow(/index\.json is damaged/);
  });
});
