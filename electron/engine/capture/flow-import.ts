import path from 'node:path';
import { DEFAULT_APS_HOSTS } from '../../../shared/aps/endpoints';
import type { Scenario } from '../../../shared/aps/scenarios';
import { CATALOG } from '../../../shared/aps/catalog-index';
import { slotsForScenario } from '../../../shared/plan';
import type { Workspace } from '../../../shared/schema/workspace';
import { requireCatalogScenario } from '../catalog-scenario';
import { both } from '../../../shared/text';
import { CertkitError } from '../errors';
import { writeJsonAtomic } from '../util/atomic-write';
import { withWorkspaceLock } from '../util/workspace-lock';
import { loadWorkspace, saveWorkspace } from '../workspace/workspace';
import { prepareRecording, type RecordingReport } from './recording-import';
import { recordingSource } from './flow-file';
import { MB } from '../../../shared/limits';
import { parseJsonText } from '../read-input';

export const FLOWS_DIR = 'flows';

export interface ImportOptions {
  /** The scenarios the recording serves (a method's success and declined differ only in the test values). */
  scenarios: string[];
  /** 1-based step -> slot, or null to untag; wins over what the import infers. */
  slotOverrides?: Map<number, string | null>;
  /** The recording's name, for messages. */
  source?: string;
}

export interface ImportedFlow {
  workspace: Workspace;
  /** Path of the flow file, relative to the workspace. */
  file: string;
  scenarios: string[];
  /** store.baseUrl when the import set it (the workspace had none): the recording's own store origin. */
  baseUrlSet?: string;
  report: RecordingReport;
}

/** A flow file's name for the scenarios it serves: `knet` for knet-success and knet-declined, else the first id. */
export function flowFileName(scenarioIds: string[]): string {
  if (scenarioIds.length === 1) return scenarioIds[0];
  const parts = scenarioIds.map((id) => id.split('-'));
  const common: string[] = [];
  for (let i = 0; parts.every((p) => i < p.length - 1 && p[i] === parts[0][i]); i++) common.push(parts[0][i]);
  return common.length ? common.join('-') : scenarioIds[0];
}

function apsHosts(ws: Workspace): string[] {
  const hosts = new Set([...DEFAULT_APS_HOSTS, ...ws.aps.hosts]);
  for (const url of [ws.aps.paymentPage, ws.aps.paymentApi]) if (url) hosts.add(new URL(url).host);
  return [...hosts];
}

/** Page slots the scenarios need in this workspace, each once, in catalog order. */
function slotsOf(scenarios: Scenario[], ws: Workspace): string[] {
  const wanted = new Set(scenarios.flatMap((s) => slotsForScenario(s, ws)));
  return CATALOG.slots
    .ids()
    .filter((id) => wanted.has(id) && CATALOG.slots.get(id).kind === 'page')
    .sort((a, b) => CATALOG.slots.get(a).order - CATALOG.slots.get(b).order);
}

/**
 * Stores a raw Chrome DevTools Recorder export as the flow of one or more catalog scenarios, unchanged in what it
 * does: validated with @puppeteer/replay's parser, typed values turned into placeholders by role, store URLs made
 * relative to store.baseUrl, card numbers and emails scrubbed everywhere, and the pages tagged with the slots they
 * fill, all before anything reaches the disk. Each scenario then points at the file in certkit.json (keeping its
 * extract rules).
 */
export async function importFlow(
  workspaceDir: string,
  recordingText: string,
  options: ImportOptions,
): Promise<ImportedFlow> {
  const ids = [...new Set(options.scenarios.map((s) => s.trim()).filter(Boolean))];
  if (!ids.length)
    throw new CertkitError(both('no scenario named for the recording', 'لم يُسمَّ سيناريو للتسجيل'), {
      hint: both('e.g. --scenario knet-success,knet-declined', 'مثل --scenario knet-success,knet-declined'),
    });
  const scenarios = ids.map((id) => requireCatalogScenario(id));
  const source = options.source ?? `${ids[0]}.json`;
  const dir = path.resolve(workspaceDir);
  // Read and write certkit.json under one lock, so a change made meanwhile by another command is not written over.
  return withWorkspaceLock(dir, 'import', () => importLocked(dir, recordingText, options, ids, scenarios, source));
}

async function importLocked(
  dir: string,
  recordingText: string,
  options: ImportOptions,
  ids: string[],
  scenarios: Scenario[],
  source: string,
): Promise<ImportedFlow> {
  const workspace = await loadWorkspace(dir);
  const input = recordingSource(source);
  const bytes = Buffer.byteLength(recordingText);
  if (bytes > input.maxBytes)
    throw new CertkitError(
      both(
        `${source} is ${(bytes / MB).toFixed(1)} MB; the limit is ${input.maxBytes / MB} MB`,
        `حجم ${source} ${(bytes / MB).toFixed(1)} ميغابايت، والحد ${input.maxBytes / MB} ميغابايت`,
      ),
      { hint: input.hint },
    );
  const value = parseJsonText(recordingText, input);
  const { flow, report, storeOrigin } = prepareRecording(value, {
    scenarios,
    slots: slotsOf(scenarios, workspace),
    baseUrl: workspace.store.baseUrl,
    apsHosts: apsHosts(workspace),
    slotOverrides: options.slotOverrides,
    source,
  });
  const file = `${FLOWS_DIR}/${flowFileName(ids)}.json`;
  await writeJsonAtomic(path.join(dir, file), flow);
  const baseUrlSet = !workspace.store.baseUrl && storeOrigin ? `${storeOrigin}/` : undefined;
  const flows = { ...workspace.flows };
  for (const id of ids) flows[id] = { file, extract: workspace.flows[id]?.extract ?? [] };
  const saved = await saveWorkspace(dir, {
    ...workspace,
    store: baseUrlSet ? { ...workspace.store, baseUrl: baseUrlSet } : workspace.store,
    flows,
  });
  return { workspace: saved, file, scenarios: ids, baseUrlSet, report };
}

/** "3=knet.receipt" (1-based step, slot id or "none"), as `--slot` takes it. */
export function parseSlotOverride(text: string): [number, string | null] {
  const m = /^\s*(\d+)\s*=\s*([\w.]+)\s*$/.exec(text);
  if (!m)
    throw new CertkitError(`--slot ${text}: expected STEP=SLOT`, {
      hint: 'e.g. --slot 19=general.checkout (step numbers as the import lists them; SLOT "none" untags a step)',
    });
  return [Number(m[1]), m[2] === 'none' ? null : m[2]];
}
