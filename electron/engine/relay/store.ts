import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { TrafficRecord } from '../../../shared/schema/traffic';
import { CertkitError, errnoCode } from '../errors';
import { createRedactor } from '../redact/index';
import { writeFileAtomic } from '../util/atomic-write';
import { withWorkspaceLock } from '../util/workspace-lock';
import { INPUT_LIMITS } from '../../../shared/limits';
import { parseTrafficLog, readTrafficLog, type TrafficFile } from './log';
import { redactRecord } from './record';

// Relay evidence in a workspace:
//   traffic/relay-<relayId>.ndjson    written live by `certkit relay --workspace <ws>`, one file per relay started
//   traffic/import-<hash>-<name>.ndjson   a log copied in by `certkit traffic import`
// The files are the evidence; which scenario an exchange belongs to is worked out when the evidence is read
// (link.ts), so a scenario run again later picks up what the relay saw for its new references.

export const TRAFFIC_DIR = 'traffic';

export function trafficDir(workspaceDir: string): string {
  return path.join(workspaceDir, TRAFFIC_DIR);
}

/** The file a relay started with --workspace appends to. */
export function liveLogFile(workspaceDir: string, relayId: string): string {
  return path.join(trafficDir(workspaceDir), `relay-${relayId}.ndjson`);
}

export interface WorkspaceTraffic {
  files: TrafficFile[];
  /** Every record of every file, each id once, in time order. */
  records: TrafficRecord[];
}

/** Every relay log in the workspace; none when the folder does not exist (no relay ever ran). */
export async function readWorkspaceTraffic(workspaceDir: string): Promise<WorkspaceTraffic> {
  let names: string[];
  try {
    names = (await fs.readdir(trafficDir(workspaceDir))).filter((n) => n.endsWith('.ndjson')).sort();
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return { files: [], records: [] };
    throw err;
  }
  const files = await Promise.all(names.map((n) => readTrafficLog(path.join(trafficDir(workspaceDir), n))));
  const byId = new Map<string, TrafficRecord>();
  for (const f of files) for (const r of f.records) if (!byId.has(r.id)) byId.set(r.id, r);
  return { files, records: [...byId.values()].sort((a, b) => a.at.localeCompare(b.at)) };
}

export interface ImportResult {
  /** Where the copy went, or the file that already held the same log. */
  file: string;
  alreadyImported: boolean;
  log: TrafficFile;
}

/**
 * Copies a relay log into the workspace. Every record is redacted again with the secrets given, so a log from an
 * older relay or another tool cannot bring a secret or a full card number into the workspace; damaged lines are
 * left out and reported. Importing the same log twice keeps one copy.
 */
export async function importTraffic(workspaceDir: string, source: string, secrets: string[]): Promise<ImportResult> {
  const original = await readTrafficLog(source, INPUT_LIMITS.trafficLogBytes);
  if (!original.records.length) {
    const why = original.problems[0] ? ` (line ${original.problems[0].line}: ${original.problems[0].message})` : '';
    throw new CertkitError(`${source} holds no relay exchanges${why}`, {
      hint: 'give the NDJSON file `certkit relay --log FILE` wrote while the merchant called APS through it',
      exitCode: 1,
    });
  }
  const redact = createRedactor(secrets);
  const lines = [
    ...(original.start ? [original.start] : []),
    ...original.records.map((r) => redactRecord(r, redact)),
  ].map((l) => JSON.stringify(l));
  const text = `${lines.join('\n')}\n`;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 12);
  // The check for an earlier copy and the write are one step for other writers (a package reads this folder).
  return withWorkspaceLock(workspaceDir, 'traffic import', () =>
    storeImport(workspaceDir, source, text, hash, original),
  );
}

async function storeImport(
  workspaceDir: string,
  source: string,
  text: string,
  hash: string,
  original: TrafficFile,
): Promise<ImportResult> {
  const dir = trafficDir(workspaceDir);
  const existing = await fs.readdir(dir).catch(() => [] as string[]);
  const same = existing.find((n) => n.startsWith(`import-${hash}-`));
  if (same) return { file: path.join(dir, same), alreadyImported: true, log: parseTrafficLog(text, source) };
  const base = path
    .basename(source)
    .replace(/\.(nd)?json$/i, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .slice(0, 60);
  const file = path.join(dir, `import-${hash}-${base || 'relay'}.ndjson`);
  await writeFileAtomic(file, text);
  return { file, alreadyImported: false, log: { ...parseTrafficLog(text, source), problems: original.problems } };
}
