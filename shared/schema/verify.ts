import { z } from 'zod';

/**
 * A checkpoint's verdict. 'passed' and 'failed' are the words a scenario's status uses too; the rest say why a
 * checkpoint is neither (yet).
 */
export const CHECK_STATUSES = [
  'passed',
  'failed',
  'warn',
  'needs-confirmation',
  'confirmed',
  'no-evidence',
  'not-applicable',
] as const;
export const checkStatusSchema = z.enum(CHECK_STATUSES);
export type CheckStatus = z.infer<typeof checkStatusSchema>;

export const checkResultSchema = z.object({
  checkpointId: z.string(),
  status: checkStatusSchema,
  /** One line the engineer reads first. */
  summary: z.string(),
  /** For a failure: what to change, in the merchant's terms. For no-evidence: which scenario to run. */
  fix: z.string().optional(),
  /** What the result rests on: scenario id + screenshot file, exchange id or field. */
  evidence: z
    .array(
      z.object({
        scenarioId: z.string(),
        kind: z.enum(['screenshot', 'exchange', 'field', 'probe']),
        ref: z.string(),
        detail: z.string().optional(),
      }),
    )
    .default([]),
  note: z.string().optional(),
});
export type CheckResult = z.infer<typeof checkResultSchema>;
