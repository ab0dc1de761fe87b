import type { ApsParams } from '../../aps/signature';
import type { SimulatorState, Transaction } from './state';

/**
 * The acquirer's and processor's codes CHECK_STATUS returns with return_third_party_response_codes=YES. The API
 * reference's examples are "APPROVED" and "00"; a decline gets ISO 8583's "05" (do not honour). Orders that never
 * reached the acquirer (refused, cancelled, 3-D Secure pending or failed) have none.
 */
function thirdPartyCodes(status: string, responseCode: string): Transaction['third_party'] {
  if (status === '14' || status === '02') return { processor_response_code: 'APPROVED', acquirer_response_code: '00' };
  if (responseCode.endsWith('666')) return { processor_response_code: 'DECLINED', acquirer_response_code: '05' };
  return undefined;
}

/** Records the outcome of a payment (final, or 3-D Secure pending) as the order CHECK_STATUS and maintenance see. */
export function recordPayment(state: SimulatorState, request: ApsParams, result: ApsParams): Transaction {
  const ref = String(request.merchant_reference);
  const status = String(result.status);
  const responseCode = String(result.response_code);
  const approved = status === '14' || status === '02';
  const amount = Number(request.amount);
  const now = new Date().toISOString();
  const prior = state.transactions.get(ref);
  const txn: Transaction = {
    fort_id: String(result.fort_id),
    merchant_reference: ref,
    command: request.command === 'AUTHORIZATION' ? 'AUTHORIZATION' : 'PURCHASE',
    amount,
    currency: String(request.currency),
    status,
    response_code: responseCode,
    response_message: String(result.response_message),
    method: String(result.payment_option ?? result.digital_wallet ?? ''),
    token_name: result.token_name as string | undefined,
    agreement_id: result.agreement_id as string | undefined,
    eci: String(result.eci ?? request.eci ?? 'ECOMMERCE'),
    authorization_code: result.authorization_code as string | undefined,
    authorized_amount: approved ? amount : 0,
    captured_amount: status === '14' ? amount : 0,
    refunded_amount: 0,
    voided: false,
    last_operation: { status, response_code: responseCode, response_message: String(result.response_message) },
    third_party: thirdPartyCodes(status, responseCode),
    number_of_installments: result.number_of_installments ? Number(result.number_of_installments) : undefined,
    created_at: prior?.created_at ?? now,
    updated_at: now,
  };
  state.references.add(ref);
  state.transactions.set(ref, txn);
  void state.save();
  return txn;
}

/** A maintenance operation's outcome becomes the order's latest operation. */
export function recordOperation(state: SimulatorState, txn: Transaction, answer: ApsParams): void {
  txn.last_operation = {
    status: String(answer.status),
    response_code: String(answer.response_code),
    response_message: String(answer.response_message),
  };
  txn.updated_at = new Date().toISOString();
  void state.save();
}

/** CHECK_STATUS's view of an order. Orders saved before authorized_amount existed derive it from their status. */
export function orderStatus(txn: Transaction, thirdParty: boolean): ApsParams {
  const last = txn.last_operation ?? {
    status: txn.voided ? '08' : txn.status,
    response_code: txn.response_code,
    response_message: txn.response_message,
  };
  const authorized = txn.authorized_amount ?? (txn.status === '14' || txn.status === '02' ? txn.amount : 0);
  const out: ApsParams = {
    fort_id: txn.fort_id,
    transaction_status: last.status,
    transaction_code: last.response_code,
    transaction_message: last.response_message,
    authorized_amount: String(txn.voided ? 0 : authorized),
    captured_amount: String(txn.captured_amount),
    refunded_amount: String(txn.refunded_amount),
    authorization_code: txn.authorization_code,
  };
  if (thirdParty && txn.third_party) Object.assign(out, txn.third_party);
  return out;
}
