import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { ApiTable, EvidenceScenario } from '../../../shared/api/contract';
import { buildPlan } from '../../../shared/plan';
import { collectEvidence, scenarioDir } from '../evidence/store';
import { attachScreen } from '../capture/attach';
import { editLedgerValue } from '../capture/ledger-edit';
import { both } from '../../../shared/text';
import { CertkitError, errnoCode } from '../errors';
import { resolveInside } from '../confine-path';
import type { ApiSession } from './context';
import { pinRun } from '../workspace/pins';
import { forgetChecks, refreshWorkspace, requireWorkspace } from './session';

type EvidenceCalls = Pick<
  ApiTable,
  'evidence.list' | 'evidence.image' | 'evidence.setLedger' | 'evidence.pin' | 'evidence.attach'
>;

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
          errorAr: ev?.error?.ar?.message,
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
      const abs = await resolveInside(scenarioDir(dir, runId, scenarioId), file, {
        what: both(`image of ${scenarioId}`, `صورة ${scenarioId}`),
        hint: both('pick an image from the evidence list', 'اختر صورة من قائمة الأدلة'),
        within: both('its scenario folder', 'مجلد السيناريو الخاص بها'),
      });
      const input = await fs.readFile(abs).catch((err: unknown) => {
        const code = errnoCode(err);
        throw new CertkitError(
          code === 'ENOENT'
            ? both(
                `screenshot ${file} of ${scenarioId} in run ${runId} is not in the workspace`,
                `لقطة الشاشة ${file} من ${scenarioId} في التشغيل ${runId} ليست في مساحة العمل`,
              )
            : both(
                `cannot read screenshot ${file} of ${scenarioId} (${code ?? 'read error'})`,
                `تعذّرت قراءة لقطة الشاشة ${file} من ${scenarioId} (${code ?? 'خطأ في القراءة'})`,
              ),
          {
            hint: both(
              'pick an image from the evidence list, or run the scenario again to recapture it',
              'اختر صورة من قائمة الأدلة، أو شغّل السيناريو من جديد لالتقاطها',
            ),
            cause: err,
          },
        );
      });
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
    'evidence.attach': async ({ scenarioId, slot, fileName, data, url, note }) => {
      const { dir } = await refreshWorkspace(session);
      const { evidence, shot, missingSlots } = await attachScreen({
        workspaceDir: dir,
        scenarioId,
        slot,
        image: Buffer.from(data, 'base64'),
        sourceName: fileName,
        url,
        note,
      });
      forgetChecks(session);
      return { runId: evidence.runId, file: shot.file, status: evidence.status, missingSlots };
    },
    'evidence.setLedger': async ({ scenarioId, field, value }) => {
      const { dir } = await refreshWorkspace(session);
      const ledger = await editLedgerValue(dir, scenarioId, field, value);
      forgetChecks(session);
      return ledger;
    },
  };
}
