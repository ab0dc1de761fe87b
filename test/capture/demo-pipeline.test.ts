import { existsSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assertDemoFolder, DEMO_STEPS, runDemo, demoSucceeded } from '../../electron/engine/demo/pipeline';
import { initWorkspace } from '../../electron/engine/workspace/workspace';
import { removeTempDirs, tempDir } from '../helpers/tmp';

afterAll(removeTempDirs);

describe('the demo pipeline (certkit demo and the app share it)', () => {
  it('runs its steps in order on one scenario and closes the sandbox', async () => {
    const dir = path.join(tempDir('certkit-demo-pipeline-').dir, 'demo');
    const seen: string[] = [];
    let store = '';
    const state = await runDemo(
      { dir, only: ['card-non3ds-success'], concurrency: 1 },
      {
        sandbox: (sb) => {
          store = sb.store;
          seen.push('sandbox');
        },
        workspace: () => seen.push('workspace'),
        event: (e) => (e.type === 'run-started' || e.type === 'run-finished') && seen.push(e.type),
        ran: () => seen.push('ran'),
        verified: () => seen.push('verified'),
        packaged: () => seen.push('packaged'),
        emailed: () => void seen.push('emailed'),
      },
    );
    expect(DEMO_STEPS.map((s) => s.name)).toEqual([
      'folder',
      'sandbox',
      'workspace',
      'run',
      'verify',
      'package',
      'email',
    ]);
    expect(seen).toEqual([
      'sandbox',
      'workspace',
      'run-started',
      'run-finished',
      'ran',
      'verified',
      'packaged',
      'emailed',
    ]);
    expect(state.summary?.results.map((r) => [r.scenarioId, r.status])).toEqual([['card-non3ds-success', 'passed']]);
    expect(state.pkg?.files.some((f) => f.format === 'pdf')).toBe(true);
    expect(existsSync(state.email!.emlPath)).toBe(true);
    expect(demoSucceeded(state)).toBe(true);
    // One scenario of many, confirmations left to the engineer: the outputs are drafts that say why.
    expect(state.signoff?.ready).toBe(false);
    expect(state.pkg?.draft).toBe(true);
    expect(state.pkg!.files.every((f) => path.basename(f.path).startsWith('DRAFT_'))).toBe(true);
    expect(path.basename(state.email!.emlPath)).toBe('signoff-email-DRAFT.eml');
    // The sandbox's phrases signed the run, and never reach the email.
    const eml = await fs.readFile(state.email!.emlPath, 'utf8');
    expect(eml).toMatch(/^Subject: DRAFT - Integration Sign-off - Certkit Demo Store/m);
    expect(eml).not.toContain(state.demo!.secrets.requestPhrase!);
    await expect(fetch(store)).rejects.toThrow();
  }, 180_000);

  it('refuses a folder that holds a workspace that is not a demo, before starting anything', async () => {
    const { dir } = tempDir('certkit-demo-refuse-');
    await initWorkspace(dir, { account: 'Real Shop' });
    await expect(assertDemoFolder(dir)).rejects.toThrow(/already holds a workspace that is not a demo/);
    const state = await runDemo({ dir }).catch((e: unknown) => e);
    expect(state).toBeInstanceOf(Error);
    expect(JSON.parse(await fs.readFile(path.join(dir, 'certkit.json'), 'utf8')).account.name).toBe('Real Shop');
    // A new folder, or one the demo made before, is fine.
    await expect(assertDemoFolder(path.join(dir, 'new'))).resolves.toBeUndefined();
  });
});
