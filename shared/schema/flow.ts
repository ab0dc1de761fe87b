import { z } from 'zod';
import { LOCAL_TEST_VALUES } from '../aps/test-cards';

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

/**
 * A local method's own test values, one placeholder each: `knet.card`, `knet.expiry`, `knet.pin`, `stcpay.phone`,
 * `stcpay.otp`, ... (the catalog's LOCAL_TEST_VALUES, success or declined by the scenario).
 */
export const LOCAL_METHOD_PLACEHOLDERS: string[] = Object.entries(LOCAL_TEST_VALUES).flatMap(([method, values]) =>
  Object.keys(values.success).map((field) => `${method.toLowerCase()}.${field}`),
);

/** The placeholders every flow may use; each is replaced per scenario before the replay. */
export const BASE_FLOW_PLACEHOLDERS = [
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

export const FLOW_PLACEHOLDERS: string[] = [...BASE_FLOW_PLACEHOLDERS, ...LOCAL_METHOD_PLACEHOLDERS];

export const PLACEHOLDER_PATTERN = /\{\{\s*([A-Za-z][\w.]*)\s*\}\}/g;
