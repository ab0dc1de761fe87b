import { parse as parseRecording, type UserFlow } from '@puppeteer/replay';
import { certkitStepSchema, PLACEHOLDER_PATTERN, type CertkitStep } from '../../../shared/schema/flow';
import { CATALOG } from '../../../shared/aps/catalog-index';
import { INPUT_LIMITS } from '../../../shared/limits';
import { both, type Bilingual } from '../../../shared/text';
import { CertkitError, errnoCode, errorMessage, type Said } from '../errors';
import type { ConfinedPath } from '../confine-path';
import { decodeUtf8, parseJsonText, readBoundedFile, type InputSource } from '../read-input';

export interface LoadedFlow {
  /** The raw JSON (placeholders still in place), kept so substitution can run per scenario. */
  raw: Record<string, unknown>;
  title: string;
  /** Certkit's tag per step (same index as the steps), empty object when the step has none. */
  tags: CertkitStep[];
}

const RECORD_AGAIN = both(
  'fix the step in the file, or record the flow again with the Chrome DevTools Recorder and export it as JSON',
  'أصلح الخطوة في الملف، أو سجّل المسار من جديد بمسجّل Chrome DevTools (Recorder) وصدّره بصيغة JSON',
);

function refuse(file: string, reason: Bilingual, hint: Said = RECORD_AGAIN): never {
  throw new CertkitError(both(`${file}: ${reason.en}`, `${file}: ${reason.ar}`), { hint });
}

/** Validates a Recorder JSON with @puppeteer/replay's own parser, plus Certkit's step tags. */
export function validateFlow(value: unknown, file: string): LoadedFlow {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    refuse(
      file,
      both(
        'is not a Recorder flow (expected a JSON object with "title" and "steps")',
        'ليس مسارًا من المسجّل (المتوقع كائن JSON فيه "title" و"steps")',
      ),
    );
  const raw = value as Record<string, unknown>;
  const steps = Array.isArray(raw.steps) ? (raw.steps as unknown[]) : undefined;
  if (steps && steps.length > INPUT_LIMITS.recordingSteps)
    refuse(
      file,
      both(
        `has ${steps.length} steps; the limit is ${INPUT_LIMITS.recordingSteps}`,
        `فيه ${steps.length} خطوة، والحد ${INPUT_LIMITS.recordingSteps}`,
      ),
      both(
        'record one payment flow per file (a flow is a few dozen steps)',
        'سجّل مسار دفع واحدًا في كل ملف (المسار بضع عشرات من الخطوات)',
      ),
    );
  // Parse step by step so the refusal names the step (1-based, as a person counts).
  if (steps) {
    for (const [i, step] of steps.entries()) {
      try {
        parseRecording({ title: 'step check', steps: [step] });
      } catch (err) {
        const why = errorMessage(err);
        refuse(
          file,
          both(`step ${i + 1} is invalid: ${why.replace(/^Step \d+ /, 'it ')}`, `الخطوة ${i + 1} غير صالحة: ${why}`),
        );
      }
    }
  }
  try {
    parseRecording(raw);
  } catch (err) {
    const why = errorMessage(err);
    refuse(file, both(`is not a valid Recorder flow: ${why}`, `ليس مسارًا صالحًا من المسجّل: ${why}`));
  }
  const tags = (steps ?? []).map((step, i) => {
    const tag = (step as Record<string, unknown>).certkit;
    if (tag === undefined) return {};
    const parsed = certkitStepSchema.safeParse(tag);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((x) => x.message).join('; ');
      refuse(
        file,
        both(
          `step ${i + 1} has an invalid "certkit" tag: ${issues}`,
          `وسم "certkit" في الخطوة ${i + 1} غير صالح: ${issues}`,
        ),
        both('a tag looks like {"slot": "general.checkout"}', 'الوسم يكون هكذا: {"slot": "general.checkout"}'),
      );
    }
    if (parsed.data.slot && !CATALOG.slots.has(parsed.data.slot)) {
      refuse(
        file,
        both(
          `step ${i + 1} names screenshot slot "${parsed.data.slot}", which is not in the catalog`,
          `الخطوة ${i + 1} تسمّي خانة لقطة الشاشة "${parsed.data.slot}"، وهي ليست في الكتالوج`,
        ),
        both(
          'use a slot id from `certkit catalog` (e.g. general.checkout, knet.receipt)',
          'استعمل معرّف خانة من `certkit catalog` (مثل general.checkout أو knet.receipt)',
        ),
      );
    }
    return parsed.data;
  });
  return { raw, title: String(raw.title), tags };
}

/** How a flow file named in certkit.json is confined to the workspace (confine-path.ts), for scenario `name`. */
export function flowFileRule(name: string): ConfinedPath {
  return {
    what: both(`the flow file of ${name}`, `ملف مسار ${name}`),
    hint: both(
      `keep the recording inside the workspace (e.g. flows/${name}.json) and set "flows.${name}.file" in certkit.json to its path relative to the workspace, or import it with \`certkit import\``,
      `أبقِ التسجيل داخل مساحة العمل (مثل flows/${name}.json) واضبط "flows.${name}.file" في certkit.json على مساره النسبي داخل مساحة العمل، أو استورده بـ \`certkit import\``,
    ),
  };
}

/** The bounds and the fix of a Recorder export read as input (a flow file, or a recording being imported). */
export function recordingSource(what: Said): InputSource {
  return {
    what,
    maxBytes: INPUT_LIMITS.recordingBytes,
    hint: both(
      'export the recording again from Chrome DevTools > Recorder > Export > JSON',
      'صدّر التسجيل من جديد من Chrome DevTools > Recorder > Export > JSON',
    ),
  };
}

export async function loadFlowFile(file: string): Promise<LoadedFlow> {
  const source = recordingSource(both(`flow ${file}`, `المسار ${file}`));
  let bytes: Buffer;
  try {
    bytes = await readBoundedFile(file, source);
  } catch (err) {
    if (err instanceof CertkitError) throw err;
    const why = errnoCode(err) ?? errorMessage(err);
    throw new CertkitError(both(`Cannot read flow ${file}: ${why}`, `تعذّرت قراءة المسار ${file}: ${why}`), {
      hint: both(
        'check the "flows" entry in certkit.json points at an exported Recorder JSON inside the workspace, and that the file can be read',
        'تحقّق من أن مدخل "flows" في certkit.json يشير إلى ملف JSON مصدَّر من المسجّل داخل مساحة العمل، وأن الملف قابل للقراءة',
      ),
      cause: err,
    });
  }
  return validateFlow(parseJsonText(decodeUtf8(bytes, source), source), file);
}

export type FlowVariables = Record<string, string>;

/** Replaces {{name}} everywhere in the flow; a placeholder without a value is an error naming it and the step. */
export function substituteFlow(flow: LoadedFlow, vars: FlowVariables, file = flow.title): UserFlow {
  const missing = new Set<string>();
  const replace = (value: unknown): unknown => {
    if (typeof value === 'string') {
      return value.replace(PLACEHOLDER_PATTERN, (_m, name: string) => {
        if (!Object.hasOwn(vars, name)) missing.add(name);
        return Object.hasOwn(vars, name) ? vars[name] : '';
      });
    }
    if (Array.isArray(value)) return value.map(replace);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'certkit' ? v : replace(v)]));
    }
    return value;
  };
  const replaced = replace(flow.raw);
  if (missing.size) {
    const names = [...missing].map((m) => `{{${m}}}`).join(', ');
    const known = Object.keys(vars)
      .map((k) => `{{${k}}}`)
      .join(', ');
    throw new CertkitError(
      both(
        `${file}: no value for placeholder${missing.size > 1 ? 's' : ''} ${names}`,
        `${file}: لا قيمة ${missing.size > 1 ? 'للعناصر النائبة' : 'للعنصر النائب'} ${names}`,
      ),
      { hint: both(`use one of ${known}`, `استعمل واحدًا من ${known}`) },
    );
  }
  return parseRecording(replaced);
}
