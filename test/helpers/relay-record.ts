/** One payment API exchange as `certkit relay` writes it to its log, with the request fields a test needs. */
export function relayExchange(id: string, requestFields: Record<string, unknown>) {
  return {
    type: 'exchange',
    v: 1,
    id,
    kind: 'paymentApi',
    at: '2026-11-20T10:00:10.000Z',
    durationMs: 31,
    caller: { address: '10.0.0.5', headers: {} },
    method: 'POST',
    path: '/FortAPI/paymentApi',
    target: 'https://sbpaymentservices.payfort.com/FortAPI/paymentApi',
    requestFields,
    requestBytes: 200,
    responseStatus: 200,
    responseBytes: 300,
  };
}
