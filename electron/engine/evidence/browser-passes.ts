import type { ScenarioEvidence } from '../../../shared/schema/evidence';
import { listRuns, readScenarioEvidence } from './store';

/** One scenario that passed in one browser, in one run. */
export interface BrowserPass {
  scenarioId: string;
  runId: string;
  engine: NonNullable<ScenarioEvidence['browser']>['engine'];
  version: string;
}

/**
 * Every passed scenario of every run with the browser it ran in. Unlike the evidence that speaks for a scenario (its
 * newest run), a pass in Firefox last week still shows the flow works there after today's Chromium run.
 */
export async function browserPasses(workspaceDir: string, scenarioIds: string[]): Promise<BrowserPass[]> {
  const out: BrowserPass[] = [];
  for (const runId of await listRuns(workspaceDir)) {
    for (const scenarioId of scenarioIds) {
      const ev = await readScenarioEvidence(workspaceDir, runId, scenarioId).catch(() => undefined);
      if (ev?.status === 'passed' && ev.browser) out.push({ scenarioId, runId, ...ev.browser });
    }
  }
  return out;
}
