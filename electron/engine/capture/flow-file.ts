import { promises as fs } from 'node:fs';
import { parse as parseRecording, type UserFlow } from '@puppeteer/replay';
import { certkitStepSchema, PLACEHOLDER_PATTERN, type CertkitStep } from '../../../shared/schema/flow';
import { CATALOG } from '../../../shared/aps/catalog-index';
import { CertkitError, errorMessage } from '../errors';

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

export async function loadFlowFile(file: string): Promise<LoadedFlow> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new CertkitError(`Cannot read flow ${file}: ${errorMessage(err)}`, {
      hint: 'check the "flows" entry in certkit.json points at an exported Recorder JSON inside the workspace',
      cause: err,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    refuse(
      file,
      `is not valid JSON: ${errorMessage(err)}`,
      'export the recording again from Chrome DevTools > Recorder > Export > JSON',
    );
  }
  return validateFlow(value, file);
}

export type FlowVariables = Record<string, string>;

/** Replaces {{name}} everywhere in the flow; a placeholder without a value is an error naming it and the step. */
export function substituteFlow(flow: LoadedFlow, vars: FlowVariables, file = flow.title): UserFlow {
  const missing = new Set<string>();
  const replace = (value: unknown): unknown => {
    if (typeof value === 'string') {
      return value.replace(PLACEHOLDER_PATTERN, (_m, name: string) => {
        if (!(name in vars)) missing.add(name);
        return vars[name] ?? '';
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
