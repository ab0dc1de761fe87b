import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../shared/schema/events';
import { readRunIndex, readScenarioEvidence } from '../../electron/engine/evidence/store';
import { runWorkspace } from '../../electron/engine/run/index';
import { saveWorkspace } from '../../electron/engine/workspace/workspace';
import { tempDir } from '../helpers/tmp';

const tmp = tempDir('certkit-unstarted-');
afterAll(() => tmp.cleanup());

describe('scenarios that cannot start', () => {
  it('writes finished evidence with the reason: no flow is skipped, no browser is failed', async () => {
    const dir = tmp.dir;
    mkdirSync(path.join(dir, 'flows'));
    writeFileSync(
      path.join(dir, 'flows', 'card.json'),
      JSON.stringify({ title: 'card', steps: [{ type: 'navigate', url: '{{baseUrl}}/' }] }),
    );
    await saveWorkspace(dir, {
      version: 1,
      account: { name: 'No Browser Shop' },
      integrationTypes: ['hosted'],
      methods: ['VISA'],
      store: { baseUrl: 'http://127.0.0.1:9/' },
      flows: { 'card-3ds-success': { file: 'flows/card.json' } },
    });
    const events: RunEvent[] = [];
    const summary = await runWorkspace({
      workspaceDir: dir,
      only: ['card-3ds-success', 'card-declined'],
      // An executable that is no browser: every launch fails at once.
      browserPath: '/bin/false',
      onEvent: (e) => events.push(e),
    });
    expect(summary.results.map((r) => [r.scenarioId, r.status])).toEqual([
      ['card-3ds-success', 'failed'],
      ['card-declined', 'skipped'],
    ]);
    const noBrowser = (await readScenarioEvidence(dir, summary.runId, 'card-3ds-success'))!;
    expect(noBrowser.status).toBe('failed');
    expect(noBrowser.error?.message).toBeTruthy();
    expect(noBrowser.finishedAt).toBeTruthy();
    const noFlow = (await readScenarioEvidence(dir, summary.runId, 'card-declined'))!;
    expect(noFlow).toMatchObject({ status: 'skipped', error: { message: 'no flow recorded for card-declined' } });
    expect(noFlow.error?.hint).toMatch(/certkit capture/);
    expect(noFlow.finishedAt).toBeTruthy();
    const index = await readRunIndex(dir, summary.runId);
    expect(index.scenarios['card-3ds-success'].status).toBe('failed');
    expect(index.finishedAt).toBeTruthy();
    expect(events.at(-1)).toMatchObject({ type: 'run-finished', passed: 0, failed: 1, skipped: 1 });
  });
});
