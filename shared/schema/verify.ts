import { z } from 'zod';

export const checkResultSchema = z.object({
  checkpointId: z.string(),
  status: z.enum(['pass', 'fail', 'warn', 'needs-confirmation', 'confirmed', 'no-evidence', 'not-applicable']),
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
