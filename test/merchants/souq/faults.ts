// Integration mistakes APS reviewers reject, each one switchable on this shop (startSouq({ faults })).
export const SOUQ_FAULTS = [
  /** customer_email is the shop's own address, whatever the customer typed. */
  'static-email',
  /** The return route was written for GET: APS's POST gets 405 Method Not Allowed. */
  'return-rejects-post',
  /** return_url is sent as http://, not https://. */
  'http-return-url',
  /** The result page and receipt leave out knet_ref_number and third_party_transaction_number. */
  'receipt-without-knet-ids',
  /** Optional fields left empty are posted and signed as "name=". */
  'signs-empty-params',
  /** The return handler trusts whatever comes back, signed or not. */
  'skips-response-signature',
  /** The payment page is opened inside an iframe on the shop's page. */
  'checkout-in-iframe',
  /** The returned amount and currency are not compared with the order's. */
  'skips-amount-check',
  /** Any signed answer is treated as paid, declined ones included. */
  'success-on-decline',
] as const;

export type SouqFault = (typeof SOUQ_FAULTS)[number];

export function parseSouqFaults(list: readonly string[] | string | undefined): SouqFault[] {
  const names = typeof list === 'string' ? list.split(',') : (list ?? []);
  const out: SouqFault[] = [];
  for (const raw of names) {
    const name = raw.trim();
    if (!name) continue;
    if (!(SOUQ_FAULTS as readonly string[]).includes(name))
      throw new Error(`"${name}" is not a Souq fault; use one of: ${SOUQ_FAULTS.join(', ')}`);
    if (!out.includes(name as SouqFault)) out.push(name as SouqFault);
  }
  return out;
}
