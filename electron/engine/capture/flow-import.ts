import path from 'node:path';
import type { Workspace } from '../../../shared/schema/workspace';
import { scrubRecording } from './flow-file';
import { requireCatalogScenario } from '../catalog-scenario';
import { CertkitError } from '../errors';
import { writeJsonAtomic } from '../util/atomic-write';
import { loadWorkspace, saveWorkspace } from '../workspace/workspace';

export const FLOWS_DIR = 'flows';

export interface ImportedFlow {
  workspace: Workspace;
  /** Path of the flow file, relative to the workspace. */
  file: string;
  /** Typed values that became placeholders (1-based step numbers). */
  replaced: { step: number; placeholder: string }[];
}

/**
 * Stores a Chrome DevTools Recorder export as the flow of one catalog scenario: validated with
 * @puppeteer/replay's parser, typed card numbers, emails and phones turned into placeholders before anything
 * reaches the disk, then listed under "flows" in certkit.json (keeping any extract rules it had).
 */
export async function importFlow(
  workspaceDir: string,
  scenarioId: string,
  recordingText: string,
  source = `${scenarioId}.json`,
): Promise<ImportedFlow> {
  requireCatalogScenario(scenarioId);
  const dir = path.resolve(workspaceDir);
  const workspace = await loadWorkspace(dir);
  let value: unknown;
  try {
    value = JSON.parse(recordingText);
  } catch (err) {
    throw new CertkitError(`${source} is not valid JSON: ${(err as Error).message}`, {
      hint: 'export the recording again from Chrome DevTools > Recorder > Export > JSON',
    });
  }
  const { flow, replaced } = scrubRecording(value, source);
  const file = `${FLOWS_DIR}/${scenarioId}.json`;
  await writeJsonAtomic(path.join(dir, file), flow);
  const saved = await saveWorkspace(dir, {
    ...workspace,
    flows: { ...workspace.flows, [scenarioId]: { file, extract: workspace.flows[scenarioId]?.extract ?? [] } },
  });
  return { workspace: saved, file, replaced };
}
