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
import { WORKSPACE_FILE, pinsSchema, type Pins } from '../../../shared/schema/workspace';
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

/** Why a scenario's evidence is the one chosen. */
export interface EvidenceChoice {
  runId: string;
  /** Chosen by a pin in certkit.json rather than by being the newest. */
  pinned: boolean;
  /** The scenario's newest attempt, when a pin chose an older (or other) run. */
  newest?: { runId: string; status: ScenarioStatus };
}

export interface CollectedEvidence {
  /** Scenario id -> the evidence that speaks for it: the pinned run's, else the newest attempt's, whatever its status. */
  byScenario: Map<string, ScenarioEvidence>;
  choices: Map<string, EvidenceChoice>;
  /** Pins naming a run that holds no evidence of their scenario; those scenarios have no evidence (no fallback). */
  brokenPins: { scenarioId: string; runId: string }[];
  runIds: string[];
}

export interface CollectOptions {
  /** Scenario id -> run id. Default: the pins in the workspace's certkit.json. */
  pins?: Pins;
}

/**
 * The pins recorded in certkit.json. A file that is missing or not valid gives none: every command loads the
 * workspace itself first and reports what is wrong with it there.
 */
export async function readPins(workspaceDir: string): Promise<Pins> {
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(path.join(workspaceDir, WORKSPACE_FILE), 'utf8'));
  } catch {
    return {};
  }
  const parsed = pinsSchema.safeParse((raw as { pins?: unknown } | null)?.pins ?? {});
  return parsed.success ? parsed.data : {};
}

/** Every run holding evidence of one scenario, oldest first, with its status and time. */
export async function scenarioRuns(
  workspaceDir: string,
  scenarioId: string,
): Promise<{ runId: string; status: ScenarioStatus; at: string }[]> {
  const out: { runId: string; status: ScenarioStatus; at: string }[] = [];
  for (const runId of await listRuns(workspaceDir)) {
    const ev = await readScenarioEvidence(workspaceDir, runId, scenarioId);
    if (ev) out.push({ runId, status: ev.status, at: ev.finishedAt ?? ev.startedAt });
  }
  return out;
}

/** A skipped scenario was never attempted (no flow, or the run stopped first): it does not replace an attempt. */
const attempted = (ev: ScenarioEvidence) => ev.status !== 'skipped';

/**
 * The evidence of every scenario across runs. A later run (or --resume) may re-run only some scenarios, so each
 * scenario is taken from its own newest attempt, whatever its outcome: a failed newer run never falls back to an
 * older pass. A pin (`certkit pin`) names the run to use instead.
 */
export async function collectEvidence(workspaceDir: string, options: CollectOptions = {}): Promise<CollectedEvidence> {
  const pins = options.pins ?? (await readPins(workspaceDir));
  const runIds = await listRuns(workspaceDir);
  const newest = new Map<string, ScenarioEvidence>();
  const pinnedEvidence = new Map<string, ScenarioEvidence>();
  for (const runId of runIds) {
    const entries = await readDirIfPresent(runDir(workspaceDir, runId));
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const ev = await readScenarioEvidence(workspaceDir, runId, entry.name);
      if (!ev) continue;
      if (pins[ev.scenarioId] === runId) pinnedEvidence.set(ev.scenarioId, ev);
      const current = newest.get(ev.scenarioId);
      // Runs are read oldest first, so a later attempt replaces an earlier one.
      if (!current || attempted(ev) || !attempted(current)) newest.set(ev.scenarioId, ev);
    }
  }
  const byScenario = new Map<string, ScenarioEvidence>();
  const choices = new Map<string, EvidenceChoice>();
  const brokenPins: CollectedEvidence['brokenPins'] = [];
  for (const [scenarioId, runId] of Object.entries(pins)) {
    const ev = pinnedEvidence.get(scenarioId);
    if (!ev) brokenPins.push({ scenarioId, runId });
  }
  const ids = new Set([...newest.keys(), ...Object.keys(pins)]);
  for (const scenarioId of ids) {
    const latest = newest.get(scenarioId);
    if (pins[scenarioId] !== undefined) {
      const ev = pinnedEvidence.get(scenarioId);
      if (!ev) continue;
      byScenario.set(scenarioId, ev);
      choices.set(scenarioId, {
        runId: ev.runId,
        pinned: true,
        ...(latest && latest.runId !== ev.runId ? { newest: { runId: latest.runId, status: latest.status } } : {}),
      });
    } else if (latest) {
      byScenario.set(scenarioId, latest);
      choices.set(scenarioId, { runId: latest.runId, pinned: false });
    }
  }
  return { byScenario, choices, brokenPins, runIds };
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
