import { z } from 'zod';

/** Progress of a run, as the CLI prints it and the app shows it. One event per line when serialised. */
export const runEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('run-started'),
    runId: z.string(),
    scenarios: z.array(z.string()),
    browser: z.string().optional(),
  }),
  z.object({ type: z.literal('scenario-started'), runId: z.string(), scenarioId: z.string() }),
  z.object({
    type: z.literal('step'),
    runId: z.string(),
    scenarioId: z.string(),
    step: z.number().int(),
    total: z.number().int(),
    label: z.string(),
  }),
  z.object({
    type: z.literal('captured'),
    runId: z.string(),
    scenarioId: z.string(),
    /** Relative to the scenario folder. */
    file: z.string(),
    slot: z.string().optional(),
    url: z.string(),
  }),
  z.object({
    type: z.literal('scenario-finished'),
    runId: z.string(),
    scenarioId: z.string(),
    status: z.enum(['passed', 'failed', 'skipped']),
    error: z.string().optional(),
    merchantReference: z.string().optional(),
  }),
  /** Something that went wrong without failing a scenario (a log that could not be read, a file not written). */
  z.object({
    type: z.literal('warning'),
    runId: z.string(),
    scenarioId: z.string().optional(),
    message: z.string(),
  }),
  z.object({
    type: z.literal('run-finished'),
    runId: z.string(),
    passed: z.number().int(),
    failed: z.number().int(),
    skipped: z.number().int(),
  }),
]);

export type RunEvent =
  | { type: 'run-started'; runId: string; scenarios: string[]; /** The executable the run drives. */ browser?: string }
  | { type: 'scenario-started'; runId: string; scenarioId: string }
  | { type: 'step'; runId: string; scenarioId: string; step: number; total: number; label: string }
  | { type: 'captured'; runId: string; scenarioId: string; file: string; slot?: string; url: string }
  | {
      type: 'scenario-finished';
      runId: string;
      scenarioId: string;
      status: 'passed' | 'failed' | 'skipped';
      error?: string;
      merchantReference?: string;
    }
  | { type: 'warning'; runId: string; scenarioId?: string; message: string }
  | { type: 'run-finished'; runId: string; passed: number; failed: number; skipped: number };

export type RunEventType = RunEvent['type'];
