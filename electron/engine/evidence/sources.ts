import type { Scenario } from '../../../shared/aps/scenarios';
import type { ScenarioSource } from '../../../shared/schema/signoff';
import type { CollectedEvidence } from './store';

/** Each scenario with the run its evidence comes from (and why), for the verify report, package and email. */
export function scenarioSources(scenarios: readonly Scenario[], evidence: CollectedEvidence): ScenarioSource[] {
  return scenarios.map((s) => {
    const ev = evidence.byScenario.get(s.id);
    const choice = evidence.choices.get(s.id);
    return {
      id: s.id,
      title: s.title,
      state: ev?.status ?? 'not-run',
      runId: ev?.runId,
      at: ev ? (ev.finishedAt ?? ev.startedAt) : undefined,
      pinned: !!choice?.pinned,
      ...(choice?.newest ? { newest: choice.newest } : {}),
    };
  });
}
