import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyWorkspace } from '../../electron/engine/verify';
import { makeWorkspace, writeEvidence } from '../package/fixtures';
import { removeTempDirs, tempDir } from '../helpers/tmp';
import { readsArabic } from '../../shared/text';

afterAll(() => removeTempDirs());

/** Marks a scenario's evidence in a run as having run in the given browser. */
function ranIn(ws: string, runId: string, scenarioId: string, engine: string, version: string): void {
  const file = path.join(ws, 'runs', runId, scenarioId, 'scenario.json');
  const ev = JSON.parse(readFileSync(file, 'utf8'));
  writeFileSync(file, JSON.stringify({ ...ev, browser: { engine, version } }));
}

describe('other-browsers', () => {
  it('lists the families that passed each scenario across runs, and still asks for a confirmation', async () => {
    const { dir } = tempDir('ck-other-browsers-');
    const ws = path.join(dir, 'ws');
    await makeWorkspace(ws, { methods: ['VISA'] });
    const scenarios = ['card-non3ds-success', 'card-3ds-success'];
    const firefoxRun = '2026-11-27T20-00-00-000Z-ff01';
    const chromiumRun = '2026-11-27T21-00-00-000Z-cr01';
    await writeEvidence(ws, { scenarios: scenarios.slice(0, 1), methods: ['VISA'], runId: firefoxRun });
    await writeEvidence(ws, { scenarios, methods: ['VISA'], runId: chromiumRun });
    ranIn(ws, firefoxRun, 'card-non3ds-success', 'firefox', 'firefox/153.0');
    for (const id of scenarios) ranIn(ws, chromiumRun, id, 'chromium', 'HeadlessChrome/140.0.7339.80');

    const report = await verifyWorkspace(ws);
    const result = report.results.find((r) => r.checkpointId === 'other-browsers')!;
    // The Firefox pass is in an older run than the evidence chosen for the scenario, and still counts.
    expect(result.status).toBe('needs-confirmation');
    expect(result.summary).toMatch(/^Chromium 140\.0\.7339\.80: \d+ of \d+ scenarios passed; Firefox 153\.0: 1 of/);
    expect(result.summary).toContain('not in Firefox: ');
    expect(result.summary).toContain('card-3ds-success');
    expect(result.fix).toMatch(/Safari/);
    expect(result.fix).not.toMatch(/--browser firefox/);
    // The Arabic beside it names the same families and scenarios, with Arabic separators.
    expect(result.ar!.summary).toMatch(/^Chromium 140\.0\.7339\.80: .*؛ Firefox 153\.0: /);
    expect(result.ar!.summary).toContain('card-3ds-success');
    expect(readsArabic(result.ar!.summary) && readsArabic(result.ar!.fix ?? '')).toBe(true);
    expect(result.evidence.map((e) => e.detail)).toEqual([
      expect.stringContaining(`run ${chromiumRun}`),
      expect.stringContaining(`run ${firefoxRun}`),
    ]);
  });

  it('without a run that named its browser, says so and points at a Firefox run', async () => {
    const { dir } = tempDir('ck-other-browsers-none-');
    const ws = path.join(dir, 'ws');
    await makeWorkspace(ws, { methods: ['VISA'] });
    await writeEvidence(ws, { scenarios: ['card-non3ds-success'], methods: ['VISA'] });
    const result = (await verifyWorkspace(ws)).results.find((r) => r.checkpointId === 'other-browsers')!;
    expect(result.status).toBe('needs-confirmation');
    expect(result.summary).toBe('No run recorded its browser yet');
    expect(result.fix).toContain('certkit run <workspace> --browser firefox');
    expect(result.ar!.fix).toContain('certkit run <workspace> --browser firefox');
    expect(readsArabic(result.ar!.summary)).toBe(true);
  });
});
