import { requireCatalogScenario } from '../catalog-scenario';
import { CertkitError } from '../errors';
import { readScenarioEvidence, scenarioRuns } from '../evidence/store';
import type { Workspace } from '../../../shared/schema/workspace';
import { loadWorkspace, saveWorkspace } from './workspace';

/**
 * Pins a scenario's evidence to one run (`runId`), or drops its pin (undefined) so its newest run speaks for it
 * again. The pin is kept in certkit.json; verify, package, report and email all read it.
 */
export async function pinRun(workspaceDir: string, scenarioId: string, runId: string | undefined): Promise<Workspace> {
  requireCatalogScenario(scenarioId);
  const workspace = await loadWorkspace(workspaceDir);
  const pins = { ...(workspace.pins ?? {}) };
  if (runId === undefined) {
    delete pins[scenarioId];
  } else {
    if (!/^[\w.-]+$/.test(runId))
      throw new CertkitError(`"${runId}" is not a run id`, { hint: 'run ids are the folder names under runs/' });
    const ev = await readScenarioEvidence(workspaceDir, runId, scenarioId);
    if (!ev || ev.status === 'skipped') {
      const runs = (await scenarioRuns(workspaceDir, scenarioId)).filter((r) => r.status !== 'skipped');
      throw new CertkitError(`run ${runId} holds no evidence of ${scenarioId}`, {
        hint: runs.length
          ? `runs of ${scenarioId}: ${runs.map((r) => `${r.runId} (${r.status})`).join(', ')}`
          : `${scenarioId} has not run yet (certkit run <workspace> --only ${scenarioId})`,
      });
    }
    pins[scenarioId] = runId;
  }
  // No pins at all: the field is left out, so the file stays readable by a Certkit from before pins.
  const { pins: _old, ...rest } = workspace;
  void _old;
  return saveWorkspace(workspaceDir, Object.keys(pins).length ? { ...rest, pins } : rest);
}
