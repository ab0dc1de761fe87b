import path from 'node:path';
import sharp from 'sharp';
import { CATALOG } from '../../../shared/aps/catalog-index';
import { buildPlan, slotsForScenario } from '../../../shared/plan';
import { EVIDENCE_VERSION, type ScenarioEvidence, type Screenshot } from '../../../shared/schema/evidence';
import { requireCatalogScenario } from '../catalog-scenario';
import { both } from '../../../shared/text';
import { CertkitError, errorMessage } from '../errors';
import {
  collectEvidence,
  emptyScenarioEvidence,
  newRunId,
  scenarioDir,
  writeRunIndex,
  writeScenarioEvidence,
} from '../evidence/store';
import { writeFileAtomic } from '../util/atomic-write';
import { withWorkspaceLock } from '../util/workspace-lock';
import { loadWorkspace } from '../workspace/workspace';
import { drawHeader, formatCaptureTime } from './header';
import { INPUT_LIMITS } from '../../../shared/limits';

// Some evidence cannot come from a Chromium run: a mobile SDK app's screens, Safari's Apple Pay sheet, a real OTP.
// The engineer imports those screens; each becomes evidence of its scenario, marked as imported everywhere it shows.

/** The step label an imported screen carries, in the header and the app's gallery. */
export const IMPORTED_STEP_LABEL = 'imported by the engineer';
/** A phone screen is padded to this width, so the header's URL and time are readable above it. */
const MIN_WIDTH = 720;
/** Larger than any phone or desktop screenshot; a bigger file is not a screenshot. */

export interface AttachInput {
  workspaceDir: string;
  scenarioId: string;
  slot: string;
  image: Buffer;
  /** The file's own name, kept as where the screen came from. */
  sourceName: string;
  /** The page's URL, or the app screen it shows (drawn where a capture has its URL). */
  url?: string;
  note?: string;
  now?: Date;
  timeZone?: string;
}

export interface AttachResult {
  evidence: ScenarioEvidence;
  shot: Screenshot;
  /** Page slots of the scenario that still have no image. */
  missingSlots: string[];
}

/** The scenario and slot, checked against the workspace's plan and the catalog, with the fix when they do not fit. */
async function target(workspaceDir: string, scenarioId: string, slot: string) {
  const workspace = await loadWorkspace(workspaceDir);
  const scenario = requireCatalogScenario(scenarioId);
  const plan = buildPlan(workspace);
  if (!plan.scenarios.some((s) => s.id === scenario.id))
    throw new CertkitError(
      both(
        `scenario ${scenario.id} is not in this workspace's plan`,
        `السيناريو ${scenario.id} ليس في خطة مساحة العمل هذه`,
      ),
      {
        hint: both(
          `attach to one of ${plan.scenarios.map((s) => s.id).join(', ')} (\`certkit plan <workspace>\` lists them), or add its method to the workspace`,
          `أرفق بواحد من ${plan.scenarios.map((s) => s.id).join('، ')} (ويسردها \`certkit plan <workspace>\`)، أو أضف طريقة دفعه إلى مساحة العمل`,
        ),
      },
    );
  const pageSlots = slotsForScenario(scenario, workspace).filter((id) => CATALOG.slots.get(id).kind === 'page');
  if (!pageSlots.includes(slot)) {
    const known = CATALOG.slots.find(slot);
    throw new CertkitError(
      known?.kind === 'snippet'
        ? both(`slot ${slot} takes code, not a screen`, `الخانة ${slot} تأخذ شيفرة لا شاشة`)
        : both(
            `"${slot}" is not a screenshot slot of scenario ${scenario.id}`,
            `"${slot}" ليست خانة لقطة شاشة للسيناريو ${scenario.id}`,
          ),
      {
        hint:
          known?.kind === 'snippet'
            ? both(
                `add code with certkit snippet <workspace> --slot ${slot}; screens of ${scenario.id} go to ${pageSlots.join(', ')}`,
                `أضف الشيفرة بـ certkit snippet <workspace> --slot ${slot}؛ وشاشات ${scenario.id} تذهب إلى ${pageSlots.join('، ')}`,
              )
            : both(`use one of ${pageSlots.join(', ')}`, `استعمل واحدة من ${pageSlots.join('، ')}`),
      },
    );
  }
  return { workspace, scenario, pageSlots };
}

/** The image re-encoded as JPEG: orientation applied, everything else the file carried (EXIF, GPS, ICC) left out. */
async function reencode(image: Buffer, sourceName: string, quality: number) {
  if (image.length > INPUT_LIMITS.screenshotBytes)
    throw new CertkitError(
      both(
        `${sourceName} is ${Math.round(image.length / 1048576)} MB; a screenshot is far smaller`,
        `حجم ${sourceName} ${Math.round(image.length / 1048576)} ميغابايت؛ ولقطة الشاشة أصغر من ذلك بكثير`,
      ),
      { hint: both('export the screen as PNG or JPEG at its own size', 'صدّر الشاشة بصيغة PNG أو JPEG بحجمها الأصلي') },
    );
  let format: string | undefined;
  try {
    format = (await sharp(image).metadata()).format;
  } catch (err) {
    const why = errorMessage(err);
    throw new CertkitError(
      both(`${sourceName} is not an image Certkit can read: ${why}`, `${sourceName} ليس صورة يقرؤها Certkit: ${why}`),
      { hint: both('attach a PNG or JPEG screenshot', 'أرفق لقطة شاشة بصيغة PNG أو JPEG') },
    );
  }
  if (format !== 'png' && format !== 'jpeg')
    throw new CertkitError(
      both(
        `${sourceName} is ${format ?? 'of an unknown format'}, not PNG or JPEG`,
        `${sourceName} ${format ? `بصيغة ${format}` : 'بصيغة غير معروفة'}، لا PNG ولا JPEG`,
      ),
      { hint: both('save the screen as PNG or JPEG and attach that', 'احفظ الشاشة بصيغة PNG أو JPEG وأرفقها') },
    );
  // sharp writes no metadata unless asked to; rotate() first bakes the EXIF orientation into the pixels.
  const upright = await sharp(image)
    .rotate()
    .flatten({ background: '#ffffff' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const side = Math.max(0, MIN_WIDTH - upright.info.width);
  return sharp(upright.data, { raw: upright.info })
    .extend({ left: Math.floor(side / 2), right: Math.ceil(side / 2), background: '#ffffff' })
    .jpeg({ quality })
    .toBuffer({ resolveWithObject: true });
}

/** Status of an import record: passed once every page slot of the scenario has its screen. */
function withVerdict(evidence: ScenarioEvidence, pageSlots: string[]): { ev: ScenarioEvidence; missing: string[] } {
  const have = new Set(evidence.screenshots.map((s) => s.slot));
  const missing = pageSlots.filter((s) => !have.has(s));
  const { error: _previous, ...rest } = evidence;
  if (!missing.length) return { ev: { ...rest, status: 'passed' }, missing };
  return {
    ev: {
      ...rest,
      status: 'failed',
      error: {
        message: `screens still to import: ${missing.join(', ')}`,
        hint: `certkit attach <workspace> --scenario ${evidence.scenarioId} --slot ${missing[0]} <image>`,
      },
    },
    missing,
  };
}

/**
 * Adds an imported screen to a scenario. The screen joins the scenario's import record when that record is the
 * evidence in use (so several slots build one record); otherwise it starts a new run of its own, which then wins by
 * the newest-evidence rule, and a pin can still choose a captured run over it.
 */
export async function attachScreen(input: AttachInput): Promise<AttachResult> {
  const dir = path.resolve(input.workspaceDir);
  const { workspace, scenario, pageSlots } = await target(dir, input.scenarioId, input.slot);
  const now = input.now ?? new Date();
  const timeZone = input.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
  const sourceName = path.basename(input.sourceName);
  const page = await reencode(input.image, sourceName, workspace.capture.quality);
  // The import record is read, extended and written back: two screens attached at once must both stay.
  return withWorkspaceLock(dir, 'attach', async () => {
    const current = (await collectEvidence(dir, { pins: workspace.pins })).byScenario.get(scenario.id);
    const record: ScenarioEvidence = current?.imported
      ? { ...current, screenshots: current.screenshots.filter((s) => s.slot !== input.slot) }
      : {
          ...emptyScenarioEvidence(newRunId(now), scenario.id, { email: '' }, 'running'),
          startedAt: now.toISOString(),
          imported: true,
        };
    const note = input.note?.trim() || undefined;
    const url = input.url?.trim() ?? '';
    const drawn = await drawHeader(
      page.data,
      page.info.width,
      page.info.height,
      {
        url: url || '(no URL given: a screen from outside the browser)',
        capturedAt: now,
        timeZone,
        scenarioId: scenario.id,
        stepLabel: IMPORTED_STEP_LABEL,
        slot: input.slot,
        imported: { note },
      },
      'jpeg',
      workspace.capture.quality,
    );
    const sequence = record.screenshots.length + 1;
    const name = `${String(sequence).padStart(2, '0')}-imported-${input.slot.replace(/[^\w-]+/g, '-')}-${now.getTime()}.jpg`;
    const folder = scenarioDir(dir, record.runId, scenario.id);
    await writeFileAtomic(path.join(folder, 'raw', name), page.data);
    await writeFileAtomic(path.join(folder, name), drawn.data);
    const shot: Screenshot = {
      file: name,
      rawFile: `raw/${name}`,
      slot: input.slot,
      url,
      title: '',
      capturedAt: formatCaptureTime(now, timeZone).iso,
      timeZone,
      step: -1,
      stepLabel: IMPORTED_STEP_LABEL,
      width: drawn.width,
      height: drawn.height,
      bytes: drawn.data.length,
      failure: false,
      imported: { sourceName, ...(note ? { note } : {}) },
    };
    const { ev, missing } = withVerdict(
      { ...record, screenshots: [...record.screenshots, shot], finishedAt: now.toISOString() },
      pageSlots,
    );
    await writeScenarioEvidence(dir, ev);
    await writeRunIndex(dir, {
      version: EVIDENCE_VERSION,
      runId: ev.runId,
      startedAt: ev.startedAt,
      finishedAt: ev.finishedAt,
      scenarios: { [scenario.id]: { dir: scenario.id, status: ev.status } },
    });
    return { evidence: ev, shot, missingSlots: missing };
  });
}
