// SHA types an APS account can be set to (Integration settings > Security settings).
// "SHA-128" appears in old docs but names no real algorithm, so it is not offered.
export const SHA_TYPES = ['sha256', 'sha512', 'hmac256', 'hmac512'] as const;
export type ShaType = (typeof SHA_TYPES)[number];

export const SHA_TYPE_LABELS: Record<ShaType, string> = {
  sha256: 'SHA-256',
  sha512: 'SHA-512',
  hmac256: 'HMAC-256',
  hmac512: 'HMAC-512',
};

/** Accepts the dashboard spelling ("SHA-256", "HMAC-512") as well as the short ids. */
export function parseShaType(input: string): ShaType | undefined {
  const key = input
    .trim()
    .toLowerCase()
    .replace(/[-_\s]/g, '');
  return (SHA_TYPES as readonly string[]).includes(key) ? (key as ShaType) : undefined;
}

/**
 * Fields the browser posts in a custom-integration TOKENIZATION form that APS leaves out of the
 * signature: the card data never reaches the merchant server, so the server cannot sign it.
 */
export const TOKENIZATION_UNSIGNED_FIELDS = [
  'card_number',
  'card_security_code',
  'expiry_date',
  'card_holder_name',
  'remember_me',
] as const;

/** Nested lists APS skips when signing a response (GET_INSTALLMENTS_PLANS). */
export const RESPONSE_UNSIGNED_FIELDS = ['installment_detail'] as const;
