import { z } from 'zod';
import { scenarioOutcomeSchema } from './evidence';

// Progress of a run, as the engine reports it: the CLI prints these (one JSON line each with --json) and the app's
// run tracker turns them into the contract's run.* events. The shapes the two share are defined here once.

export const runStartedEventSchema = z.object({
  type: z.literal('run-started'),
  runId: z.string(),
  scenarios: z.array(z.string()),
  /** The executable the run drives. */
  browser: z.string().optional(),
});

export const scenarioStartedEventSchema = z.object({
  type: z.literal('scenario-started'),
  runId: z.string(),
  scenarioId: z.string(),
});

export const stepEventSchema = z.object({
  type: z.literal('step'),
  runId: z.string(),
  scenarioId: z.string(),
  step: z.number().int(),
  total: z.number().int(),
  label: z.string(),
});

export const capturedEventSchema = z.object({
  type: z.literal('captured'),
  runId: z.string(),
  scenarioId: z.string(),
  /** Relative to the scenario folder. */
  file: z.string(),
  slot: z.string().optional(),
  url: z.string(),
});

export const scenarioFinishedEventSchema = z.object({
  type: z.literal('scenario-finished'),
  runId: z.string(),
  scenarioId: z.string(),
  status: scenarioOutcomeSchema,
  error: z.string().optional(),
  /** `error` in Arabic, for the app's Arabic view (absent where the engine has only the English). */
  errorAr: z.string().optional(),
  merchantReference: z.string().optional(),
});

/** Something that went wrong without failing a scenario (a log that could not be read, a file not written). */
export const warningEventSchema = z.object({
  type: z.literal('warning'),
  runId: z.string(),
  /** The scenario it happened in; none for the run as a whole. */
  scenarioId: z.string().optional(),
  message: z.string(),
});

export const runFinishedEventSchema = z.object({
  type: z.literal('run-finished'),
  runId: z.string(),
  passed: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int(),
});

export const runEventSchema = z.discriminatedUnion('type', [
  runStartedEventSchema,
  scenarioStartedEventSchema,
  stepEventSchema,
  capturedEventSchema,
  scenarioFinishedEventSchema,
  warningEventSchema,
  runFinishedEventSchema,
]);

export type RunEvent = z.infer<typeof runEventSchema>;
