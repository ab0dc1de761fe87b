import { z } from 'zod';

/**
 * Certkit's additions to a Chrome DevTools Recorder step. The Recorder keeps unknown fields, so a flow stays
 * replayable by Chrome itself. `slot` names the catalog screenshot slot the page shows once the step is done.
 * `capture: false` skips the automatic capture after a navigating step (e.g. an intermediate redirect page).
 */
export const certkitStepSchema = z.strictObject({
  slot: z.string().min(1).optional(),
  capture: z.boolean().optional(),
  label: z.string().max(120).optional(),
});
export type CertkitStep = z.infer<typeof certkitStepSchema>;

/** The placeholders a flow may use; each is replaced per scenario before the replay. */
export const FLOW_PLACEHOLDERS = [
  'baseUrl',
  'lang',
  'faultParam',
  'card.number',
  'card.expiry',
  'card.expiryMonth',
  'card.expiryYear',
  'card.cvv',
  'card.holder',
  'customer.email',
  'customer.phone',
  'customer.name',
  'otp',
  'pin',
  'local.card',
  'local.expiry',
  'local.bank',
  'local.phone',
  'local.cvv',
  'dep.merchant_reference',
  'dep.agreement_id',
  'dep.token_name',
  'dep.fort_id',
] as const;
export type FlowPlaceholder = (typeof FLOW_PLACEHOLDERS)[number];

export const PLACEHOLDER_PATTERN = /\{\{\s*([A-Za-z][\w.]*)\s*\}\}/g;
