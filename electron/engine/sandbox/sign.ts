import type { ShaType } from '../../../shared/aps/catalog';
import { computeSignature, type ApsParams } from '../aps/signature';

/** Signature of an APS answer (return_url form, JSON answer, feedback), signed with the response phrase. */
export function responseSignature(fields: ApsParams, phrase: string, shaType: ShaType): string {
  return computeSignature(fields, phrase, shaType, { response: true });
}
