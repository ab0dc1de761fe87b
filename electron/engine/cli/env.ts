import { parseShaType } from '../../../shared/aps/sha';
import { CertkitError } from '../errors';
import type { Env } from '../env';
import type { MerchantSecrets } from '../workspace/secrets';

/**
 * The merchant's secrets from CERTKIT_ACCESS_CODE, CERTKIT_SHA_REQUEST_PHRASE, CERTKIT_SHA_RESPONSE_PHRASE and
 * CERTKIT_SHA_TYPE (with `prefix` CERTKIT_APPLE_ for Apple Pay's own set). The workspace never holds them.
 */
export function secretsFromEnv(env: Env, prefix = 'CERTKIT_'): MerchantSecrets {
  const name = (key: string) => `${prefix}${key}`;
  const typeName = env[name('SHA_TYPE')] !== undefined ? name('SHA_TYPE') : 'CERTKIT_SHA_TYPE';
  const rawType = env[typeName] ?? 'sha256';
  const shaType = parseShaType(rawType);
  if (!shaType) {
    throw new CertkitError(`${typeName}="${rawType}" is not a SHA type APS offers`, {
      hint: 'use one of SHA-256, SHA-512, HMAC-256, HMAC-512 (as shown in Integration settings > Security settings)',
    });
  }
  return {
    accessCode: env[name('ACCESS_CODE')] || undefined,
    requestPhrase: env[name('SHA_REQUEST_PHRASE')] || undefined,
    responsePhrase: env[name('SHA_RESPONSE_PHRASE')] || undefined,
    shaType,
  };
}
