import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  EVIDENCE_VERSION,
  runIndexSchema,
  scenarioEvidenceSchema,
  type RunIndex,
  type ScenarioEvidence,
  type ScenarioStatus,
} from '../../../shared/schema/evidence';
import { CertkitError, errnoCode, errorMessage } from '../errors';
import { writeJsonAtomic } from '../util/atomic-write';

// Layout inside a workspace:
//   runs/<runId>/run.json                 which scenarios the run holds, and their status
//   runs/<runId>/<scenarioId>/scenario.json  screenshots, exchanges, ledger of one scenario
//   runs/<runId>/<scenarioId>/*.jpg, raw/*   the images
//   output/                                packages, email, report

export const RUNS_DIR = 'runs';
export const OUTPUT_DIR = 'output';
const RUN_FILE = 'run.json';
const SCENARIO_FILE = 'scenario.json';

export function runsDir(workspaceDir: string): string {
  return path.join(workspaceDir, RUNS_DIR);
}

export function runDir(workspaceDir: string, runId: string): string {
  return path.join(runsDir(workspaceDir), runId);
}

export function scenarioDir(workspaceDir: string, runId: string, scenarioId: string): string {
  return path.join(runDir(workspaceDir, runId), scenarioId);
}

export function outputDir(workspaceDir: string): string {
  return path.join(workspaceDir, OUTPUT_DIR);
}

/** Where the package is built by default (replaced as a whole on each build). */
export function packageDir(workspaceDir: string): string {
  return path.join(outputDir(workspaceDir), 'package');
}

/** Sortable by time, unique across processes. */
export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[:.]/g, '-')}-${randomBytes(2).toString('hex')}`;
}

/** A JSON file's value, or undefined when the file does not exist; a file that cannot be read or parsed throws. */
async function readJsonIfPresent(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    // Every write is atomic, so a file that does not parse was changed outside Certkit.
    throw new CertkitError(`${file} is damaged: ${errorMessage(err)}`, {
      hint: 'restore it from version control, or move its run folder aside and run the scenario again',
      exitCode: 1,
    });
  }
}

/** The entries of a folder, or none when it does not exist yet. */
async function readDirIfPresent(dir: string) {
  try {
    return await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw err;
  }
}

export async function writeRunIndex(workspaceDir: string, index: RunIndex): Promise<void> {
  await writeJsonAtomic(path.join(runDir(workspaceDir, index.runId), RUN_FILE), index);
}

export async function readRunIndex(workspaceDir: string, runId: string): Promise<RunIndex> {
  const file = path.join(runDir(workspaceDir, runId), RUN_FILE);
  const parsed = runIndexSchema.safeParse(await readJsonIfPresent(file));
  if (!parsed.success)
    throw new CertkitError(`${file} is missing or damaged`, {
      hint: 'run the scenarios again; other runs are untouched',
    });
  return parsed.data;
}

export async function writeScenarioEvidence(workspaceDir: string, evidence: ScenarioEvidence): Promise<void> {
  await writeJsonAtomic(
    path.join(scenarioDir(workspaceDir, evidence.runId, evidence.scenarioId), SCENARIO_FILE),
    evidence,
  );
}

export async function readScenarioEvidence(
  workspaceDir: string,
  runId: string,
  scenarioId: string,
): Promise<ScenarioEvidence | undefined> {
  const file = path.join(scenarioDir(workspaceDir, runId, scenarioId), SCENARIO_FILE);
  const raw = await readJsonIfPresent(file);
  // A scenario folder without its file yet: the run was stopped before its first write.
  if (raw === undefined) return undefined;
  const parsed = scenarioEvidenceSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CertkitError(
      `${file} is not scenario evidence: ${issue?.path.join('.') || '(top level)'} ${issue?.message}`,
      {
        hint: 'restore it from version control, or move its run folder aside and run the scenario again',
        exitCode: 1,
      },
    );
  }
  return parsed.data;
}

/** Run ids, oldest first. */
export async function listRuns(workspaceDir: string): Promise<string[]> {
  const entries = await readDirIfPresent(runsDir(workspaceDir));
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

export interface CollectedEvidence {
  /** Scenario id -> the evidence that speaks for it: the newest passed one, else the newest of any status. */
  byScenario: Map<string, ScenarioEvidence>;
  runIds: string[];
}

/**
 * The evidence of every scenario across runs. A later run (or --resume) may re-run only some scenarios,
 * so each scenario is taken from its own newest run rather than all from the last run.
 */
export async function collectEvidence(workspaceDir: string): Promise<CollectedEvidence> {
  const runIds = await listRuns(workspaceDir);
  const byScenario = new Map<string, ScenarioEvidence>();
  for (const runId of runIds) {
    const entries = await readDirIfPresent(runDir(workspaceDir, runId));
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const ev = await readScenarioEvidence(workspaceDir, runId, entry.name);
      if (!ev) continue;
      const current = byScenario.get(ev.scenarioId);
      if (!current || ev.status === 'passed' || current.status !== 'passed') byScenario.set(ev.scenarioId, ev);
    }
  }
  return { byScenario, runIds };
}

export function emptyScenarioEvidence(
  runId: string,
  scenarioId: string,
  customer: ScenarioEvidence['customer'],
  status: ScenarioStatus = 'running',
): ScenarioEvidence {
  return {
    version: EVIDENCE_VERSION,
    runId,
    scenarioId,
    status,
    startedAt: new Date().toISOString(),
    customer,
    screenshots: [],
    exchanges: [],
    ledger: { values: {}, sources: {} },
  };
}
