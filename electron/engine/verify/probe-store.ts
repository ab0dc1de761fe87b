import path from 'node:path';
import { promises as fs } from 'node:fs';
import { z } from 'zod';
import { errnoCode } from '../errors';
import { outputDir, type CollectedEvidence } from '../evidence/store';
import type { Redactor } from '../redact/index';
import { writeJsonAtomic } from '../util/atomic-write';
import { withWorkspaceLock } from '../util/workspace-lock';
import type { Workspace } from '../../../shared/schema/workspace';
import { both, verbatim, type Bilingual } from '../../../shared/text';
import { feedbackTargets, type ProbeResult, type ProbeResults } from './probe';

// The response probes post to the merchant, so they run only when asked (`verify --probe-response`). What they found
// is kept, so every later verification, package, report and email states the same results until the evidence the
// probes replayed is replaced by a newer run (or a pin), or the feedback URLs change.

export const PROBES_FILE = 'verify-probes.json';

export interface ProbeRecord {
  version: 1;
  at: string;
  /** Scenario id -> run id of each capture a probe replayed. */
  basis: Record<string, string>;
  /** The feedback URLs probed (or not) at the time. */
  feedbackUrls: string[];
  results: ProbeResults;
}

const recordSchema = z.object({
  version: z.literal(1),
  at: z.string(),
  basis: z.record(z.string(), z.string()),
  feedbackUrls: z.array(z.string()),
  results: z.looseObject({}),
});

const TEXT = {
  replaced: (at: string, scenarioId: string, runId: string, now?: { runId: string; status: string }) =>
    both(
      `the probe of ${at} replayed ${scenarioId} from run ${runId}, and that is no longer the evidence used for it${now ? ` (now run ${now.runId}, ${now.status})` : ''}`,
      `أعاد اختبار ${at} إرسال ${scenarioId} من التشغيل ${runId}، ولم يعد ذلك التشغيل هو الدليل المعتمد له${now ? ` (المعتمد الآن التشغيل ${now.runId}، ${now.status})` : ''}`,
    ),
  urlsChanged: (at: string) =>
    both(`the feedback URLs changed since the probe of ${at}`, `تغيّرت عناوين feedback منذ اختبار ${at}`),
};

export function probesFile(workspaceDir: string): string {
  return path.join(outputDir(workspaceDir), PROBES_FILE);
}

/** The record of probes just sent: which captures they replayed, in which runs. */
export function probeRecord(
  results: ProbeResults,
  evidence: CollectedEvidence,
  workspace: Workspace,
  at = new Date(),
): ProbeRecord {
  const used = [
    results.signature?.scenarioId,
    results.amount?.scenarioId,
    ...(results.feedback ?? []).map((f) => f.scenarioId),
  ];
  const basis: Record<string, string> = {};
  for (const id of used) {
    const runId = id ? evidence.byScenario.get(id)?.runId : undefined;
    if (id && runId) basis[id] = runId;
  }
  return {
    version: 1,
    at: at.toISOString(),
    basis,
    feedbackUrls: feedbackTargets(workspace).map((t) => t.url),
    results,
  };
}

/** Why a stored record no longer speaks for the current evidence, or undefined when it still does. */
export function staleReason(
  record: ProbeRecord,
  evidence: CollectedEvidence,
  workspace: Workspace,
): Bilingual | undefined {
  for (const [scenarioId, runId] of Object.entries(record.basis)) {
    const ev = evidence.byScenario.get(scenarioId);
    if (ev?.runId !== runId || ev.status !== 'passed') return TEXT.replaced(record.at, scenarioId, runId, ev);
  }
  const urls = feedbackTargets(workspace).map((t) => t.url);
  if (urls.join('\n') !== record.feedbackUrls.join('\n')) return TEXT.urlsChanged(record.at);
  return undefined;
}

/** Stored under the workspace lock: a package or email being built reads one record throughout, old or new. */
export async function saveProbeRecord(workspaceDir: string, record: ProbeRecord, redact: Redactor): Promise<void> {
  await withWorkspaceLock(workspaceDir, 'verify --probe-response', () =>
    writeJsonAtomic(probesFile(workspaceDir), redact.deep(record)),
  );
}

/** The stored record, or undefined when there is none (a damaged one counts as none: probing again replaces it). */
export async function loadProbeRecord(workspaceDir: string): Promise<ProbeRecord | undefined> {
  let text: string;
  try {
    text = await fs.readFile(probesFile(workspaceDir), 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = recordSchema.safeParse(raw);
  return parsed.success ? withBilingualTexts(parsed.data as ProbeRecord) : undefined;
}

/**
 * Records written before the probes spoke Arabic hold their sentences as English strings; they keep speaking for
 * their evidence, in English in both languages, rather than being thrown away.
 */
function withBilingualTexts(record: ProbeRecord): ProbeRecord {
  const text = (t: unknown): Bilingual | undefined => (typeof t === 'string' ? verbatim(t) : (t as Bilingual));
  const probe = (p: ProbeResult | undefined): ProbeResult | undefined =>
    p && { ...p, change: text(p.change) ?? verbatim(''), ...(p.note !== undefined ? { note: text(p.note) } : {}) };
  const r = record.results;
  return {
    ...record,
    results: {
      ...r,
      ...(r.signature ? { signature: probe(r.signature) } : {}),
      ...(r.amount ? { amount: probe(r.amount) } : {}),
      ...(r.skipped !== undefined ? { skipped: text(r.skipped) } : {}),
      ...(r.feedbackSkipped !== undefined ? { feedbackSkipped: text(r.feedbackSkipped) } : {}),
    },
  };
}
