import path from 'node:path';
import type { ApiTable } from '../../../shared/api/contract';
import { CATALOG } from '../../../shared/aps/catalog-index';
import { buildPlan, slotsForScenario } from '../../../shared/plan';
import type { Blocker, ScenarioSource, SignoffAction, SignoffState } from '../../../shared/schema/signoff';
import type { CheckResult } from '../../../shared/schema/verify';
import type { Workspace } from '../../../shared/schema/workspace';
import { loadFlowFile } from '../capture/flow-file';
import { collectEvidence, packageDir } from '../evidence/store';
import { readPackageIndex } from '../package/index';
import { listSnippets } from '../snippets/index';
import type { ApiSession } from './context';
import { refreshWorkspace } from './session';

type SignoffCalls = Pick<ApiTable, 'signoff.status'>;

/** Checkpoints the response probes decide: a probe run settles them, a note confirms them otherwise. */
const PROBED = new Set(['response-signature', 'feedback-urls']);

/** The slots each scenario's flow is tagged with; a flow that cannot be read tags nothing. */
async function taggedSlots(dir: string, workspace: Workspace, scenario: string): Promise<Set<string> | undefined> {
  const ref = Object.hasOwn(workspace.flows, scenario) ? workspace.flows[scenario] : undefined;
  if (!ref) return undefined;
  const flow = await loadFlowFile(path.resolve(dir, ref.file)).catch(() => undefined);
  return new Set((flow?.tags ?? []).flatMap((t) => (t.slot ? [t.slot] : [])));
}

function checkpointBlocker(result: CheckResult, title: string): Blocker | undefined {
  const checkpoint = result.checkpointId;
  const scenarios = [...new Set(result.evidence.map((e) => e.scenarioId))];
  const probe = PROBED.has(checkpoint);
  const confirm: SignoffAction = { action: 'confirm', checkpoint };
  switch (result.status) {
    case 'failed':
      return {
        kind: 'checkpoint-failed',
        checkpoint,
        message: `${title}: ${result.summary}`,
        fix: { action: 'fix-integration', checkpoint, rerun: scenarios, probe },
        alternatives: [],
      };
    case 'needs-confirmation':
      return {
        kind: 'checkpoint-needs-confirmation',
        checkpoint,
        message: `${title} awaits your confirmation`,
        fix: probe ? { action: 'probe' } : confirm,
        alternatives: probe ? [confirm] : [],
      };
    case 'no-evidence':
      return {
        kind: 'checkpoint-no-evidence',
        checkpoint,
        message: `${title}: ${result.summary}`,
        fix: probe ? { action: 'probe' } : confirm,
        alternatives: probe ? [confirm] : [],
      };
    default:
      return undefined;
  }
}

/**
 * What blocks sign-off, read from the evidence, the flows, the snippets, the checklist as last verified and the
 * built package. Each item carries the action that removes it, for the app to offer as a button.
 */
export async function signoffState(
  dir: string,
  workspace: Workspace,
  checks: CheckResult[],
): Promise<SignoffState> {
  const plan = buildPlan(workspace);
  const { byScenario } = await collectEvidence(dir);
  const blockers: Blocker[] = [];
  const scenarios: ScenarioSource[] = [];
  for (const s of plan.scenarios) {
    const ev = byScenario.get(s.id);
    scenarios.push({ id: s.id, title: s.title, state: ev?.status ?? 'not-run', runId: ev?.runId, pinned: false });
    const tags = await taggedSlots(dir, workspace, s.id);
    if (!tags) {
      blockers.push({
        kind: 'scenario-not-run',
        scenario: s.id,
        message: `${s.title} has no recorded flow`,
        fix: { action: 'add-flow', scenario: s.id },
        alternatives: [],
      });
      continue;
    }
    const untagged = slotsForScenario(s, workspace).filter(
      (slot) => CATALOG.slots.get(slot).kind === 'page' && !tags.has(slot),
    );
    for (const slot of untagged) {
      blockers.push({
        kind: 'slot-missing',
        scenario: s.id,
        slot,
        message: `No step of ${s.title}'s flow is tagged ${slot}`,
        fix: { action: 'tag-step', scenario: s.id, slot },
        alternatives: [],
      });
    }
    if (!ev) {
      blockers.push({
        kind: 'scenario-not-run',
        scenario: s.id,
        message: `${s.title} has not been run`,
        fix: { action: 'rerun', scenario: s.id },
        alternatives: [],
      });
    } else if (ev.status === 'failed') {
      blockers.push({
        kind: 'scenario-failed',
        scenario: s.id,
        message: `${s.title} failed${ev.error?.message ? `: ${ev.error.message}` : ''}`,
        fix: { action: 'rerun', scenario: s.id },
        alternatives: [],
      });
    } else if (ev.status !== 'passed') {
      blockers.push({
        kind: 'scenario-unfinished',
        scenario: s.id,
        message: `${s.title} did not finish (${ev.status})`,
        fix: { action: 'rerun', scenario: s.id },
        alternatives: [],
      });
    }
  }
  const snippets = new Set((await listSnippets(dir)).map((x) => x.slot));
  for (const { slot } of plan.slots) {
    if (slot.kind !== 'snippet' || snippets.has(slot.id)) continue;
    blockers.push({
      kind: 'snippet-missing',
      slot: slot.id,
      message: `Code snippet missing: ${slot.checklistName}`,
      fix: { action: 'add-snippet', slot: slot.id },
      alternatives: [],
    });
  }
  for (const result of checks) {
    const title = CATALOG.checkpoints.find(result.checkpointId)?.title ?? result.checkpointId;
    const blocker = checkpointBlocker(result, title);
    if (blocker) blockers.push(blocker);
  }
  const built = await readPackageIndex(packageDir(dir));
  if (!built?.files.length) {
    blockers.push({
      kind: 'package-missing',
      message: 'The package has not been built',
      fix: { action: 'build-package' },
      alternatives: [],
    });
  }
  return {
    ready: blockers.length === 0,
    blockers,
    scenarios,
    checkpoints: checks.map((c) => ({
      id: c.checkpointId,
      title: CATALOG.checkpoints.find(c.checkpointId)?.title ?? c.checkpointId,
      status: c.status,
    })),
    verifiedAt: new Date().toISOString(),
  };
}

export function signoffCalls(session: ApiSession, checksFor: (dir: string) => Promise<CheckResult[]>): SignoffCalls {
  return {
    'signoff.status': async () => {
      const { dir, workspace } = await refreshWorkspace(session);
      return signoffState(dir, workspace, await checksFor(dir));
    },
  };
}
