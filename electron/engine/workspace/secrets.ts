import type { ShaType } from '../../../shared/aps/sha';

export interface MerchantSecrets {
  accessCode?: string;
  requestPhrase?: string;
  responsePhrase?: string;
  shaType: ShaType;
}

/** Every secret value present, for scrubbing logs and outputs. */
export function secretValues(secrets: Partial<MerchantSecrets>): string[] {
  return [secrets.accessCode, secrets.requestPhrase, secrets.responsePhrase].filter(
    (v): v is string => !!v && v.length >= 4,
  );
}
