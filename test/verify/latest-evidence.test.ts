import { afterAll, describe, expect, it } from 'vitest';
import { collectEvidence, emptyScenarioEvidence, writeScenarioEvidence } from '../../electron/engine/evidence/store';
import { verifyEvidence } from '../../electron/engine/verify';
import { verifyExitCode, formatReport } from '../../electron/engine/cli/commands/verify';
import { computeSignoff, packageGate } from '../../electron/engine/signoff/index';
import { pinRun } from '../../electron/engine/workspace/pins';
import { saveWorkspace } from '../../electron/engine/workspace/workspace';
import type { ScenarioEvidence, ScenarioStatus } from '../../shared/schema/evidence';
import { removeTempDirs, tempDir } from '../helpers/tmp';
import { APPLE_SECRETS, SECRETS, collected, correctEvidence, workspace } from './evidence-builder';

afterAll(removeTempDirs);

const CUSTOMER = { email: 'layla.haddad@example.net' };
const ev = (runId: string, scenarioId: string, status: ScenarioStatus) =>
  emptyScenarioEvidence(runId, scenarioId, CUSTOMER, status);

describe('which run speaks for a scenario', () => {
  it('the newest attempt, even a failed one; a skip does not replace it; a pin chooses another', async () => {
    const { dir } = tempDir('certkit-latest-');
    await saveWorkspace(dir, {
      version: 1,
      account: { name: 'Souq' },
      integrationTypes: ['hosted'],
      methods: ['VISA'],
    });
    await writeScenarioEvidence(dir, ev('2026-11-30T10-00-00-000Z-aaaa', 'card-declined', 'passed'));
    await writeScenarioEvidence(dir, ev('2026-11-30T10-00-00-000Z-aaaa', 'card-3ds-success', 'passed'));
    await writeScenarioEvidence(dir, ev('2026-11-30T11-00-00-000Z-bbbb', 'card-declined', 'failed'));
    await writeScenarioEvidence(dir, ev('2026-11-30T12-00-00-000Z-cccc', 'card-declined', 'skipped'));
    await writeScenarioEvidence(dir, ev('2026-11-30T12-00-00-000Z-cccc', 'card-non3ds-success', 'skipped'));

    let evidence = await collectEvidence(dir);
    expect(evidence.byScenario.get('card-declined')).toMatchObject({
      runId: '2026-11-30T11-00-00-000Z-bbbb',
      status: 'failed',
    });
    expect(evidence.byScenario.get('card-3ds-success')?.status).toBe('passed');
    // Never attempted anywhere else: the skip is all there is, and it is not a pass.
    expect(evidence.byScenario.get('card-non3ds-success')?.status).toBe('skipped');
    expect(evidence.choices.get('card-declined')).toEqual({ runId: '2026-11-30T11-00-00-000Z-bbbb', pinned: false });

    // Pinned in certkit.json: every reader that does not pass its own pins reads them from the file.
    const pinned = await pinRun(dir, 'card-declined', '2026-11-30T10-00-00-000Z-aaaa');
    expect(pinned.pins).toEqual({ 'card-declined': '2026-11-30T10-00-00-000Z-aaaa' });
    evidence = await collectEvidence(dir);
    expect(evidence.byScenario.get('card-declined')?.status).toBe('passed');
    expect(evidence.choices.get('card-declined')).toEqual({
      runId: '2026-11-30T10-00-00-000Z-aaaa',
      pinned: true,
      newest: { runId: '2026-11-30T11-00-00-000Z-bbbb', status: 'failed' },
    });
    // A pin to a run that does not hold the scenario is refused, naming the runs that do.
    await expect(pinRun(dir, 'card-declined', '2026-11-30T09-00-00-000Z-zzzz')).rejects.toThrow(
      /run 2026-11-30T09-00-00-000Z-zzzz holds no evidence of card-declined/,
    );
    // A pin whose run was removed since: no evidence at all, and said so, rather than a silent fallback.
    evidence = await collectEvidence(dir, { pins: { 'card-declined': 'gone' } });
    expect(evidence.byScenario.has('card-declined')).toBe(false);
    expect(evidence.brokenPins).toEqual([{ scenarioId: 'card-declined', runId: 'gone' }]);
    // Unpinned, the field leaves the file.
    expect((await pinRun(dir, 'card-declined', undefined)).pins).toBeUndefined();
    expect((await collectEvidence(dir)).byScenario.get('card-declined')?.status).toBe('failed');
  });
});

const hosted = workspace({ integrationTypes: ['hosted'], methods: ['VISA', 'MASTERCARD', 'KNET'] });

/** Correct evidence of every planned scenario, in a first run; then `failedIds` again in a second run, failed. */
function twoRuns(failedIds: string[], mutate: (ev: ScenarioEvidence) => void = () => undefined) {
  const first = correctEvidence(hosted);
  const second = first
    .filter((e) => failedIds.includes(e.scenarioId))
    .map((e) => {
      const copy: ScenarioEvidence = { ...structuredClone(e), runId: 'run-2', status: 'failed' };
      copy.error = { message: 'step 3/12: the page could not be reached' };
      mutate(copy);
      return copy;
    });
  return collected([...first.filter((e) => !failedIds.includes(e.scenarioId)), ...second]);
}

describe('verify on the newest evidence', () => {
  it('passes no checkpoint on the evidence of failed scenarios, and names them', async () => {
    const all = correctEvidence(hosted).map((e) => e.scenarioId);
    const before = await verifyEvidence(hosted, twoRuns([]), { secrets: SECRETS, appleSecrets: APPLE_SECRETS });
    expect(before.results.find((r) => r.checkpointId === 'customer-email')?.status).toBe('passed');
    expect(verifyExitCode(before)).toBe(0);

    // The same traffic, but every scenario's newest run failed (the shop went down after the passing run).
    const report = await verifyEvidence(hosted, twoRuns(all), { secrets: SECRETS, appleSecrets: APPLE_SECRETS });
    expect(report.counts.passed).toBe(0);
    const email = report.results.find((r) => r.checkpointId === 'customer-email')!;
    expect(email.status).toBe('no-evidence');
    expect(email.summary).toMatch(/the evidence of .*card-non3ds-success.*, which did not pass, is not counted/);
    expect(report.scenarios.filter((s) => s.state === 'failed').map((s) => s.runId)).toEqual(all.map(() => 'run-2'));
    expect(verifyExitCode(report)).toBe(1);
    const text = formatReport(report);
    expect(text).toMatch(/FAILED\s+card-declined\s+run-2/);
    expect(text).toMatch(
      /\d+ scenario\(s\) did not pass in the evidence used: card-non3ds-success \(failed, run run-2\)/,
    );
  });

  it('still fails a checkpoint on a fault seen in a failed attempt', async () => {
    const list = twoRuns(['card-declined'], (e) => {
      for (const x of e.exchanges)
        if (x.requestFields.customer_email !== undefined) x.requestFields.customer_email = 'test@test.com';
    });
    const report = await verifyEvidence(hosted, list, { secrets: SECRETS });
    const email = report.results.find((r) => r.checkpointId === 'customer-email')!;
    expect(email.status).toBe('failed');
    expect(email.summary).toMatch(/placeholder.*\(seen in the evidence of card-declined, which did not pass\)/);
  });
});

describe('sign-off state', () => {
  it('lists each blocker with the action that fixes it, in a stable order', async () => {
    const evidence = twoRuns(['card-declined']);
    evidence.byScenario.delete('knet-declined');
    const ws = { ...hosted, flows: { 'card-declined': { file: 'flows/card.json', extract: [] } } };
    const report = await verifyEvidence(ws, evidence, { secrets: SECRETS });
    const state = computeSignoff({ workspace: ws, evidence, report, snippets: [], built: undefined });
    expect(state.ready).toBe(false);
    const byKind = (kind: string) => state.blockers.filter((b) => b.kind === kind);
    expect(byKind('scenario-failed')).toEqual([
      expect.objectContaining({
        scenario: 'card-declined',
        message: expect.stringMatching(/card-declined\) failed in run run-2: step 3\/12/),
        fix: { action: 'rerun', scenario: 'card-declined' },
      }),
    ]);
    expect(byKind('scenario-not-run')).toEqual([
      expect.objectContaining({ scenario: 'knet-declined', fix: { action: 'add-flow', scenario: 'knet-declined' } }),
    ]);
    // The response probes never ran: probing comes first, a confirmation by hand is the other way out.
    expect(state.blockers.find((b) => b.checkpoint === 'response-signature')).toMatchObject({
      kind: 'checkpoint-needs-confirmation',
      fix: { action: 'probe' },
      alternatives: [{ action: 'confirm', checkpoint: 'response-signature' }],
    });
    const confirmOnly = state.blockers.find((b) => b.checkpoint === 'inbound-ip');
    expect(confirmOnly?.fix).toEqual({ action: 'confirm', checkpoint: 'inbound-ip' });
    expect(state.blockers.at(-1)).toMatchObject({ kind: 'package-missing', fix: { action: 'build-package' } });
    // The package itself may be built while only its own state is missing; not while a scenario failed.
    expect(packageGate(state).some((b) => b.kind === 'package-missing')).toBe(false);
    expect(packageGate(state).length).toBe(state.blockers.length - 1);
    expect(state.checkpoints.find((c) => c.id === 'customer-email')?.status).toBe(
      report.results.find((r) => r.checkpointId === 'customer-email')?.status,
    );
  });

  it('a passed scenario missing a required page asks for its step to be tagged', async () => {
    const slotBlockers = async (list: ScenarioEvidence[]) => {
      const evidence = collected(list);
      const report = await verifyEvidence(hosted, evidence, { secrets: SECRETS });
      const state = computeSignoff({ workspace: hosted, evidence, report, snippets: [], built: undefined });
      return state.blockers.filter((b) => b.kind === 'slot-missing');
    };
    const list = correctEvidence(hosted);
    const before = await slotBlockers(list);
    const declined = list.find((e) => e.scenarioId === 'card-declined')!;
    expect(declined.screenshots.some((s) => s.slot === 'general.result')).toBe(true);
    declined.screenshots = declined.screenshots.filter((s) => s.slot !== 'general.result');
    const after = await slotBlockers(list);
    expect(after.filter((b) => !before.some((x) => x.message === b.message))).toEqual([
      expect.objectContaining({
        scenario: 'card-declined',
        slot: 'general.result',
        fix: { action: 'tag-step', scenario: 'card-declined', slot: 'general.result' },
      }),
    ]);
  });
});
