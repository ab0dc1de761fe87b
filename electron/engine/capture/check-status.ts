import type { LedgerEntry } from '../../../shared/schema/evidence';
import { ApsCallError, callPaymentApi } from '../aps/client';
import type { MerchantSecrets } from '../workspace/secrets';

export interface CheckStatusTarget {
  paymentApi: string;
  merchantIdentifier: string;
  secrets: MerchantSecrets;
  timeoutMs?: number;
}

/**
 * Asks APS (or the simulator) what it knows about the ledger's payment and says whether it agrees. An answer whose
 * signature does not match (when the response phrase is known) confirms nothing. The result never contains secrets,
 * so it can go into the evidence as is.
 */
export async function confirmWithCheckStatus(
  entry: LedgerEntry,
  target: CheckStatusTarget,
): Promise<NonNullable<LedgerEntry['checkStatus']>> {
  const at = new Date().toISOString();
  const { accessCode, requestPhrase, responsePhrase, shaType } = target.secrets;
  if (!accessCode || !requestPhrase)
    return { at, ok: false, message: 'no access code or SHA request phrase given, so CHECK_STATUS was not asked' };
  const reference = entry.values.merchant_reference;
  if (!reference) return { at, ok: false, message: 'no merchant_reference in the ledger to ask about' };
  const params: Record<string, string> = {
    query_command: 'CHECK_STATUS',
    access_code: accessCode,
    merchant_identifier: target.merchantIdentifier,
    merchant_reference: reference,
    language: 'en',
  };
  if (entry.values.fort_id) params.fort_id = entry.values.fort_id;
  let answer;
  try {
    answer = await callPaymentApi(params, {
      paymentApi: target.paymentApi,
      keys: { requestPhrase, responsePhrase, shaType },
      timeoutMs: target.timeoutMs,
    });
  } catch (err) {
    if (!(err instanceof ApsCallError)) throw err;
    return { at, ok: false, message: `CHECK_STATUS could not be asked: ${err.message}` };
  }
  const body = answer.fields;
  const transactionStatus = typeof body.transaction_status === 'string' ? body.transaction_status : undefined;
  if (responsePhrase && !answer.check.ok)
    return { at, ok: false, transactionStatus, message: `CHECK_STATUS answer not trusted: ${answer.check.why}` };
  const message = String(body.response_message ?? body.transaction_message ?? `HTTP ${answer.httpStatus}`);
  // status 12 is "check status success"; the transaction's own status must match the one the flow ended with.
  const answered = String(body.status ?? '') === '12';
  const agrees = !entry.values.status || !transactionStatus || transactionStatus === entry.values.status;
  return {
    at,
    ok: answered && agrees,
    transactionStatus,
    message:
      answered && !agrees
        ? `APS says status ${transactionStatus}, the flow ended with ${entry.values.status}`
        : message,
  };
}
