import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { ApiTable, EvidenceScenario } from '../../../shared/api/contract';
import { buildPlan } from '../../../shared/plan';
import { collectEvidence, runsDir, scenarioDir } from '../evidence/store';
import { editLedgerValue } from '../capture/ledger-edit';
import { CertkitError, errnoCode } from '../errors';
import type { ApiSession } from './context';
import { pinRun } from '../workspace/pins';
import { forgetChecks, refreshWorkspace, requireWorkspace } from './session';

type EvidenceCalls = Pick<ApiTable, 'evidence.list' | 'evidence.image' | 'evidence.setLedger' | 'evidence.pin'>;

function inside(root: string, abs: string): boolean {
  return abs.startsWith(root + path.sep);
}

/**
 * An image of one scenario of one run. The names are checked after symlinks are resolved, so neither "..", nor a
 * link inside a scenario folder, reaches anything else; errors name the image, never a path on this machine.
 */
async function readEvidenceImage(dir: string, runId: string, scenarioId: string, file: string): Promise<Buffer> {
  const missing = (cause?: unknown) =>
    new CertkitError(`screenshot ${file} of ${scenarioId} in run ${runId} is not in the workspace`, {
      hint: 'pick an image from the evidence list, or run the scenario again to recapture it',
      cause,
    });
  const runs = await fs.realpath(runsDir(dir)).catch((err: unknown) => {
    throw missing(err);
  });
  const base = path.resolve(scenarioDir(dir, runId, scenarioId));
  const abs = path.resolve(base, file);
  if (!inside(path.resolve(runsDir(dir)), base) || !inside(base, abs)) {
    throw new CertkitError(`image ${file} of ${scenarioId} is outside its scenario folder`, {
      hint: 'pick an image from the evidence list',
    });
  }
  const [realBase, real] = await Promise.all([fs.realpath(base), fs.realpath(abs)]).catch((err: unknown) => {
    throw missing(err);
  });
  if (!inside(runs, realBase) || !inside(realBase, real)) {
    throw new CertkitError(`image ${file} of ${scenarioId} is a link out of its scenario folder`, {
      hint: 'pick an image from the evidence list; Certkit does not follow links out of evidence folders',
    });
  }
  return fs.readFile(real).catch((err: unknown) => {
    throw errnoCode(err) === 'ENOENT'
      ? missing(err)
      : new CertkitError(`cannot read screenshot ${file} of ${scenarioId} (${errnoCode(err) ?? 'read error'})`, {
          hint: 'check the file permissions of the workspace, or run the scenario again',
          cause: err,
        });
  });
}

export function evidenceCalls(session: ApiSession): EvidenceCalls {
  return {
    'evidence.list': async () => {
      const { dir, workspace } = await refreshWorkspace(session);
      const plan = buildPlan(workspace);
      const { byScenario, choices } = await collectEvidence(dir, { pins: workspace.pins ?? {} });
      const scenarios: EvidenceScenario[] = plan.scenarios.map((s) => {
        const ev = byScenario.get(s.id);
        return {
          id: s.id,
          title: s.title,
          method: s.method,
          outcome: s.outcome,
          language: s.language,
          status: ev?.status ?? 'not-run',
          runId: ev?.runId,
          pinned: !!choices.get(s.id)?.pinned,
          error: ev?.error?.message,
          screenshots: (ev?.screenshots ?? []).map((sh) => ({
            file: sh.file,
            slot: sh.slot,
            url: sh.url,
            stepLabel: sh.stepLabel,
            capturedAt: sh.capturedAt,
            failure: sh.failure,
          })),
          ledger: ev?.ledger ?? { values: {}, sources: {} },
        };
      });
      const filledSlots = new Set<string>();
      for (const s of scenarios) for (const sh of s.screenshots) if (sh.slot && !sh.failure) filledSlots.add(sh.slot);
      const snippetFiles = await fs.readdir(path.join(dir, 'snippets')).catch((err: NodeJS.ErrnoException) => {
        // No snippets/ folder yet: no code evidence added.
        if (err.code === 'ENOENT') return [] as string[];
        throw err;
      });
      return {
        scenarios,
        slots: plan.slots.map(({ slot }) => ({
          id: slot.id,
          checklistName: slot.checklistName,
          kind: slot.kind,
          filled:
            filledSlots.has(slot.id) ||
            (slot.kind === 'snippet' && snippetFiles.some((f) => f.startsWith(`${slot.id}.`))),
        })),
      };
    },
    'evidence.image': async ({ runId, scenarioId, file, width }) => {
      const { dir } = requireWorkspace(session);
      const input = await readEvidenceImage(dir, runId, scenarioId, file);
      // Downscaled copies keep the renderer light; the URL header stays readable from 900 px on.
      const { data, info } = await sharp(input)
        .resize({ width: width ?? 480, withoutEnlargement: true })
        .jpeg({ quality: 78 })
        .toBuffer({ resolveWithObject: true });
      return { dataUrl: `data:image/jpeg;base64,${data.toString('base64')}`, width: info.width, height: info.height };
    },
    'evidence.pin': async ({ scenarioId, runId }) => {
      const { dir } = requireWorkspace(session);
      session.workspace = await pinRun(dir, scenarioId, runId ?? undefined);
      forgetChecks(session);
      return { ok: true as const };
    },
    'evidence.setLedger': async ({ scenarioId, field, value }) => {
      const { dir } = await refreshWorkspace(session);
      const ledger = await editLedgerValue(dir, scenarioId, field, value);
      forgetChecks(session);
      return ledger;
    },
  };
}
