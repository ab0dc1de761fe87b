import { LOCAL_TEST_VALUES, TEST_CARDS, parseShaType, type ShaType } from '../../../../shared/aps/catalog';
import { CertkitError } from '../../errors';

export type LocalMethodId = 'KNET' | 'NAPS' | 'BENEFIT' | 'OMANNET' | 'STCPAY';

export interface SimulatorConfig {
  merchant_identifier: string;
  access_code: string;
  sha_request_phrase: string;
  sha_response_phrase: string;
  sha_type: ShaType;
  /** Apple Pay has its own access code and phrases on an APS account. */
  apple_access_code: string;
  apple_sha_request_phrase: string;
  apple_sha_response_phrase: string;
  apple_sha_type: ShaType;
  direct_feedback_url?: string;
  notification_feedback_url?: string;
  feedback_format: 'json' | 'form';
  /** Card numbers that decline. */
  declined_cards: string[];
  /** Field -> value that completes each local method; anything else declines. */
  local_success_values: Record<LocalMethodId, Record<string, string>>;
  /** APS may answer a CIT with another agreement_id than the one sent; MIT must use the answered one. */
  returnDifferentAgreementId: boolean;
  /** APS leaves status-00 (invalid request) answers unsigned; set true to sign them anyway. */
  signInvalidRequests: boolean;
}

export const DEFAULT_SIMULATOR_CONFIG: SimulatorConfig = {
  merchant_identifier: 'CertkitSandbox01',
  access_code: 'CkSandboxAccess01234',
  sha_request_phrase: 'ck-sandbox-request',
  sha_response_phrase: 'ck-sandbox-response',
  sha_type: 'sha256',
  apple_access_code: 'CkApplePayAccess0123',
  apple_sha_request_phrase: 'ck-apple-request',
  apple_sha_response_phrase: 'ck-apple-response',
  apple_sha_type: 'sha256',
  feedback_format: 'json',
  declined_cards: TEST_CARDS.filter((c) => c.outcome === 'declined').map((c) => c.number),
  local_success_values: {
    KNET: { ...LOCAL_TEST_VALUES.KNET.success },
    NAPS: { ...LOCAL_TEST_VALUES.NAPS.success },
    BENEFIT: { ...LOCAL_TEST_VALUES.BENEFIT.success },
    OMANNET: { ...LOCAL_TEST_VALUES.OMANNET.success },
    STCPAY: { ...LOCAL_TEST_VALUES.STCPAY.success },
  },
  returnDifferentAgreementId: true,
  signInvalidRequests: false,
};

const STRING_KEYS = [
  'merchant_identifier',
  'access_code',
  'sha_request_phrase',
  'sha_response_phrase',
  'apple_access_code',
  'apple_sha_request_phrase',
  'apple_sha_response_phrase',
  'direct_feedback_url',
  'notification_feedback_url',
] as const;

/** Merges a partial config over the defaults, refusing values the simulator could not work with. */
export function resolveSimulatorConfig(
  partial: Partial<SimulatorConfig> = {},
  source = 'sandbox config',
): SimulatorConfig {
  const known = new Set(
    Object.keys(DEFAULT_SIMULATOR_CONFIG).concat(['direct_feedback_url', 'notification_feedback_url']),
  );
  for (const key of Object.keys(partial)) {
    if (!known.has(key)) {
      throw new CertkitError(`${source}: unknown setting "${key}"`, { hint: `use only: ${[...known].join(', ')}` });
    }
  }
  for (const key of STRING_KEYS) {
    const v = partial[key];
    if (v !== undefined && (typeof v !== 'string' || !v)) {
      throw new CertkitError(`${source}: "${key}" must be a non-empty string`, {
        hint: `set "${key}" to text, or leave it out for the default`,
      });
    }
  }
  for (const key of ['merchant_identifier', 'access_code', 'apple_access_code'] as const) {
    const v = partial[key];
    if (v !== undefined && !/^[A-Za-z0-9]{1,20}$/.test(v)) {
      throw new CertkitError(`${source}: "${key}" must be 1-20 letters or digits, as on an APS account`, {
        hint: `change "${key}"`,
      });
    }
  }
  const merged: SimulatorConfig = {
    ...DEFAULT_SIMULATOR_CONFIG,
    ...partial,
    local_success_values: { ...DEFAULT_SIMULATOR_CONFIG.local_success_values, ...(partial.local_success_values ?? {}) },
  };
  for (const key of ['sha_type', 'apple_sha_type'] as const) {
    const parsed = parseShaType(String(merged[key]));
    if (!parsed)
      throw new CertkitError(`${source}: "${key}" is "${merged[key]}", not a SHA type APS offers`, {
        hint: 'use sha256, sha512, hmac256 or hmac512',
      });
    merged[key] = parsed;
  }
  if (merged.feedback_format !== 'json' && merged.feedback_format !== 'form') {
    throw new CertkitError(`${source}: "feedback_format" must be "json" or "form"`, {
      hint: 'APS sends JSON by default',
    });
  }
  return merged;
}
