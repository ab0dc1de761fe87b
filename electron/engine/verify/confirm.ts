import { CATALOG } from '../../../shared/aps/catalog-index';
import type { Checkpoint } from '../../../shared/aps/checkpoints';
import { buildPlan } from '../../../shared/plan';
import type { Workspace } from '../../../shared/schema/workspace';
import { CertkitError } from '../errors';
import { withWorkspaceLock } from '../util/workspace-lock';
import { loadWorkspace, saveWorkspace } from '../workspace/workspace';
import type { CheckOutcome } from './context';
import { checkpointTextAr } from '../../../shared/aps/catalog-ar';
import { LRM, both, type Bilingual } from '../../../shared/text';

/** Records the engineer's confirmation (or withdrawal) of one checkpoint in certkit.json. */
export async function confirmCheckpoint(
  workspaceDir: string,
  id: string,
  confirmed: boolean,
  note: string,
): Promise<Workspace> {
  // Read and write under one lock: two confirmations at once must both land.
  return withWorkspaceLock(workspaceDir, 'verify --confirm', () => confirmLocked(workspaceDir, id, confirmed, note));
}

async function confirmLocked(workspaceDir: string, id: string, confirmed: boolean, note: string): Promise<Workspace> {
  const workspace = await loadWorkspace(workspaceDir);
  const checkpoint = CATALOG.checkpoints.find(id);
  if (!checkpoint) {
    const ids = buildPlan(workspace)
      .checkpoints.map((c) => c.id)
      .join(', ');
    throw new CertkitError(both(`No checkpoint "${id}"`, `لا توجد نقطة تحقق "${id}"`), {
      hint: both(`use one of: ${ids}`, `استعمل واحدة من: ${ids}`),
    });
  }
  if (!buildPlan(workspace).checkpoints.some((c) => c.id === id)) {
    throw new CertkitError(
      both(
        `Checkpoint "${id}" does not apply to this workspace's integration types and methods`,
        `نقطة التحقق "${id}" لا تنطبق على أنواع التكامل وطرق الدفع في مساحة العمل هذه`,
      ),
      {
        hint: both(
          'run `certkit verify <workspace>` to see the checkpoints that apply',
          'شغّل `certkit verify <workspace>` لترى نقاط التحقق المنطبقة',
        ),
      },
    );
  }
  const text = note.trim();
  if (confirmed && !text) {
    const arText = checkpointTextAr(checkpoint.id);
    const what = both(
      checkpoint.guide ?? checkpoint.definition,
      (checkpoint.guide ? arText?.guide : arText?.definition) ?? checkpoint.guide ?? checkpoint.definition,
    );
    throw new CertkitError(
      both(
        `Confirming "${id}" needs a note saying what you checked`,
        `تأكيد "${id}" يحتاج إلى ملاحظة تذكر ما تحققت منه`,
      ),
      { hint: both(`add --note "…" (${what.en})`, `اكتب ملاحظة (${what.ar})`) },
    );
  }
  if (text.length > 2000)
    throw new CertkitError(
      both(
        `The note for "${id}" is ${text.length} characters; at most 2000`,
        `ملاحظة "${id}" طولها ${text.length} حرفًا، والحد الأقصى 2000`,
      ),
      { hint: both('shorten the note', 'اختصر الملاحظة') },
    );
  return saveWorkspace(workspaceDir, {
    ...workspace,
    confirmations: { ...workspace.confirmations, [id]: { confirmed, note: text, at: new Date().toISOString() } },
  });
}

/** The checkpoint's definition and guide in both languages (English where the Arabic table has no entry). */
export function checkpointText(checkpoint: Checkpoint): { definition: Bilingual; guide: Bilingual } {
  const ar = checkpointTextAr(checkpoint.id);
  const guideEn = checkpoint.guide ?? 'Check it yourself.';
  return {
    definition: both(checkpoint.definition, ar?.definition ?? checkpoint.definition),
    guide: both(guideEn, ar?.guide ?? (checkpoint.guide ? guideEn : 'افحص ذلك بنفسك.')),
  };
}

/** A checkpoint only the engineer can answer: confirmed with their note, or waiting for it. */
export function confirmOnly(workspace: Workspace, checkpoint: Checkpoint): CheckOutcome {
  const c = workspace.confirmations[checkpoint.id];
  const { definition, guide } = checkpointText(checkpoint);
  if (c?.confirmed) {
    const day = c.at.slice(0, 10);
    return {
      status: 'confirmed',
      summary: both(`Confirmed ${day}: ${definition.en}`, `أُكِّد في ${day}: ${definition.ar}`),
      note: c.note,
    };
  }
  return {
    status: 'needs-confirmation',
    summary: both(`Evidence cannot show this: ${definition.en}`, `لا تُثبت الأدلة هذا: ${definition.ar}`),
    fix: confirmFix(checkpoint, guide),
    note: c?.note || undefined,
  };
}

/** What to do for a checkpoint the engineer answers: its guide, then how to confirm it. */
export function confirmFix(checkpoint: Checkpoint, guide = checkpointText(checkpoint).guide): Bilingual {
  const command = `certkit verify <workspace> --confirm ${checkpoint.id} --note "…"`;
  return both(
    `${guide.en} Then confirm: ${command.replace('…', 'what you checked')}.`,
    `${guide.ar} ثم أكّده بملاحظة تقول ما فحصته (في التطبيق: «تأكيد»؛ وفي سطر الأوامر: ${command}${LRM}).`,
  );
}

/** An automatic check that could not decide may be settled by the engineer's note; a failure never is. */
export function applyConfirmation(workspace: Workspace, checkpoint: Checkpoint, outcome: CheckOutcome): CheckOutcome {
  const c = workspace.confirmations[checkpoint.id];
  if (!c?.confirmed || !['no-evidence', 'needs-confirmation'].includes(outcome.status)) return outcome;
  const day = c.at.slice(0, 10);
  const automatic = outcome.summary;
  return {
    ...outcome,
    status: 'confirmed',
    summary: both(
      `Confirmed ${day} by the engineer (automatic check: ${automatic.en})`,
      `أكّده المهندس في ${day} (الفحص الآلي: ${automatic.ar})`,
    ),
    fix: undefined,
    note: c.note,
  };
}
