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
  /** What the simulator keeps, so one left running under load stays within bounded memory. */
  retention: Retention;
}

export interface Retention {
  /** Minutes the exchange log and the payment pages' sessions are kept. */
  minutes: number;
  /** Entries of the exchange log (GET /__certkit/exchanges); the oldest are forgotten first. */
  exchanges: number;
  /** Payment page sessions (hosted, standard checkout, 3-D Secure) and STC Pay OTP requests. */
  sessions: number;
  /**
   * Orders as APS's account holds them: transactions, tokens, agreements, used merchant references (only the newest
   * are kept; CHECK_STATUS of a forgotten one answers "not found", and its reference may be used again).
   */
  orders: number;
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
  // A demo run of every scenario leaves about 150 log entries and 30 orders: these keep hundreds of runs, and an
  // hour is far longer than a run takes to read back its own exchanges.
  retention: { minutes: 60, exchanges: 20_000, sessions: 5_000, orders: 10_000 },
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
    retention: resolveRetention(partial.retention, source),
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

function resolveRetention(partial: unknown, source: string): Retention {
  const defaults = DEFAULT_SIMULATOR_CONFIG.retention;
  if (partial === undefined) return { ...defaults };
  const keys = Object.keys(defaults);
  if (!partial || typeof partial !== 'object' || Array.isArray(partial))
    throw new CertkitError(`${source}: "retention" must be an object`, {
      hint: `e.g. {"retention": {"minutes": 60, "exchanges": 20000}}; keys: ${keys.join(', ')}`,
    });
  const out: Retention = { ...defaults };
  for (const [key, value] of Object.entries(partial)) {
    if (!keys.includes(key))
      throw new CertkitError(`${source}: unknown retention setting "${key}"`, { hint: `use only: ${keys.join(', ')}` });
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
      throw new CertkitError(`${source}: "retention.${key}" must be a whole number of at least 1`, {
        hint: `set it to e.g. ${defaults[key as keyof Retention]}, or leave it out for that default`,
      });
    out[key as keyof Retention] = value;
  }
  return out;
}
