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
  /** For no-evidence: the scenarios whose run would supply the evidence. */
  rerun: z.array(z.string()).optional(),
  /** The summary and fix in Arabic, for the app's Arabic view (packages and emails keep the English above). */
  ar: z.object({ summary: z.string(), fix: z.string().optional() }).optional(),
});
export type CheckResult = z.infer<typeof checkResultSchema>;

/** A checkpoint's status as the package, report and email state it: one set of words for all three. */
export function checkStatusText(status: CheckStatus): string {
  switch (status) {
    case 'passed':
      return 'passed';
    case 'failed':
      return 'FAILED';
    case 'warn':
      return 'warning';
    case 'needs-confirmation':
      return 'awaiting confirmation';
    case 'confirmed':
      return 'confirmed by the engineer';
    case 'no-evidence':
      return 'no evidence yet';
    case 'not-applicable':
      return 'not applicable';
  }
}
