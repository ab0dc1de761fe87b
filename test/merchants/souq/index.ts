export { startSouq, type Souq, type SouqMerchant, type SouqOptions } from './server';
export { SOUQ_FAULTS, parseSouqFaults, type SouqFault } from './faults';
export { apsSignature, responseSignatureValid, signingString, type Fields, type ShaType } from './aps-signature';
export { toMinorUnits, fromMinorUnits, formatMoney, currencyDecimals } from './money';
export type { Order, Attempt } from './model';
