import { parse as parseRecording, type UserFlow } from '@puppeteer/replay';
import { certkitStepSchema, PLACEHOLDER_PATTERN, type CertkitStep } from '../../../shared/schema/flow';
import { CATALOG } from '../../../shared/aps/catalog-index';
import { INPUT_LIMITS } from '../../../shared/limits';
import { CertkitError, errnoCode, errorMessage } from '../errors';
import type { ConfinedPath } from '../confine-path';
import { decodeUtf8, parseJsonText, readBoundedFile, type InputSource } from '../read-input';

export interface LoadedFlow {
  /** The raw JSON (placeholders still in place), kept so substitution can run per scenario. */
  raw: Record<string, unknown>;
  title: string;
  /** Certkit's tag per step (same index as the steps), empty object when the step has none. */
  tags: CertkitStep[];
}

function refuse(
  file: string,
  reason: string,
  hint = 'fix the step in the file, or record the flow again with the Chrome DevTools Recorder and export it as JSON',
): never {
  throw new CertkitError(`${file}: ${reason}`, { hint });
}

/** Validates a Recorder JSON with @puppeteer/replay's own parser, plus Certkit's step tags. */
export function validateFlow(value: unknown, file: string): LoadedFlow {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    refuse(file, 'is not a Recorder flow (expected a JSON object with "title" and "steps")');
  const raw = value as Record<string, unknown>;
  const steps = Array.isArray(raw.steps) ? (raw.steps as unknown[]) : undefined;
  if (steps && steps.length > INPUT_LIMITS.recordingSteps)
    refuse(
      file,
      `has ${steps.length} steps; the limit is ${INPUT_LIMITS.recordingSteps}`,
      'record one payment flow per file (a flow is a few dozen steps)',
    );
  // Parse step by step so the refusal names the step (1-based, as a person counts).
  if (steps) {
    for (const [i, step] of steps.entries()) {
      try {
        parseRecording({ title: 'step check', steps: [step] });
      } catch (err) {
        refuse(file, `step ${i + 1} is invalid: ${errorMessage(err).replace(/^Step \d+ /, 'it ')}`);
      }
    }
  }
  try {
    parseRecording(raw);
  } catch (err) {
    refuse(file, `is not a valid Recorder flow: ${errorMessage(err)}`);
  }
  const tags = (steps ?? []).map((step, i) => {
    const tag = (step as Record<string, unknown>).certkit;
    if (tag === undefined) return {};
    const parsed = certkitStepSchema.safeParse(tag);
    if (!parsed.success)
      refuse(
        file,
        `step ${i + 1} has an invalid "certkit" tag: ${parsed.error.issues.map((x) => x.message).join('; ')}`,
        'a tag looks like {"slot": "general.checkout"}',
      );
    if (parsed.data.slot && !CATALOG.slots.has(parsed.data.slot)) {
      refuse(
        file,
        `step ${i + 1} names screenshot slot "${parsed.data.slot}", which is not in the catalog`,
        'use a slot id from `certkit catalog` (e.g. general.checkout, knet.receipt)',
      );
    }
    return parsed.data;
  });
  return { raw, title: String(raw.title), tags };
}

/** How a flow file named in certkit.json is confined to the workspace (confine-path.ts), for scenario `name`. */
export function flowFileRule(name: string): ConfinedPath {
  return {
    what: `the flow file of ${name}`,
    hint: `keep the recording inside the workspace (e.g. flows/${name}.json) and set "flows.${name}.file" in certkit.json to its path relative to the workspace, or import it with \`certkit import\``,
  };
}

/** The bounds and the fix of a Recorder export read as input (a flow file, or a recording being imported). */
export function recordingSource(what: string): InputSource {
  return {
    what,
    maxBytes: INPUT_LIMITS.recordingBytes,
    hint: 'export the recording again from Chrome DevTools > Recorder > Export > JSON',
  };
}

export async function loadFlowFile(file: string): Promise<LoadedFlow> {
  const source = recordingSource(`flow ${file}`);
  let bytes: Buffer;
  try {
    bytes = await readBoundedFile(file, source);
  } catch (err) {
    if (err instanceof CertkitError) throw err;
    throw new CertkitError(`Cannot read flow ${file}: ${errnoCode(err) ?? errorMessage(err)}`, {
      hint: 'check the "flows" entry in certkit.json points at an exported Recorder JSON inside the workspace, and that the file can be read',
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
    throw new CertkitError(
      `${file}: no value for placeholder${missing.size > 1 ? 's' : ''} ${[...missing].map((m) => `{{${m}}}`).join(', ')}`,
      {
        hint: `use one of ${Object.keys(vars)
          .map((k) => `{{${k}}}`)
          .join(', ')}`,
      },
    );
  }
  return parseRecording(replaced);
}
