import { parseShaType, type ShaType } from '../../../shared/aps/sha';
import { CertkitError } from '../errors';

export interface MerchantSecrets {
  accessCode?: string;
  requestPhrase?: string;
  responsePhrase?: string;
  shaType: ShaType;
}

/** Secrets for the CLI come from the environment only; the workspace never holds them. */
export function secretsFromEnv(env: NodeJS.ProcessEnv = process.env): MerchantSecrets {
  const rawType = env.CERTKIT_SHA_TYPE ?? 'sha256';
  const shaType = parseShaType(rawType);
  if (!shaType) {
    throw new CertkitError(`CERTKIT_SHA_TYPE="${rawType}" is not a SHA type APS offers`, {
      hint: 'use one of SHA-256, SHA-512, HMAC-256, HMAC-512 (as shown in Integration settings > Security settings)',
    });
  }
  return {
    accessCode: env.CERTKIT_ACCESS_CODE || undefined,
    requestPhrase: env.CERTKIT_SHA_REQUEST_PHRASE || undefined,
    responsePhrase: env.CERTKIT_SHA_RESPONSE_PHRASE || undefined,
    shaType,
  };
}

/** Every secret value present, for scrubbing logs and outputs. */
export function secretValues(secrets: Partial<MerchantSecrets>): string[] {
  return [secrets.accessCode, secrets.requestPhrase, secrets.responsePhrase].filter(
    (v): v is string => !!v && v.length >= 4,
  );
}

/**
 * The secret values in the CERTKIT_* variables, for scrubbing outputs. Unlike secretsFromEnv it needs no valid SHA
 * type: a mistyped CERTKIT_SHA_TYPE must not switch the scrubbing of the phrases off.
 */
export function envSecretValues(env: NodeJS.ProcessEnv = process.env): string[] {
  return secretValues({
    accessCode: env.CERTKIT_ACCESS_CODE,
    requestPhrase: env.CERTKIT_SHA_REQUEST_PHRASE,
    responsePhrase: env.CERTKIT_SHA_RESPONSE_PHRASE,
  });
}
