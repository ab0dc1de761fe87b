// Amount rules APS applies on top of the amount's format (whole minor units, at most 10 digits).
import { currencyDecimals, formatMinorUnits } from './currencies';

/**
 * Visa in a 3-decimal currency (KWD, BHD, OMR, JOD...): "round VISA transactions to zero in the final decimal place"
 * (paymentservices.amazon.com/docs/api/security/standard-3ds; shared/reference/aps-api.md section 4, amount).
 * Returns why the amount breaks the rule, or null.
 */
export function visaAmountProblem(brand: string | undefined, currency: string, amount: number | string): string | null {
  if (brand?.toUpperCase() !== 'VISA' || currencyDecimals(currency) !== 3) return null;
  const minor = Number(amount);
  if (!Number.isInteger(minor) || minor % 10 === 0) return null;
  return `a Visa amount in ${currency} must end in 0 (round to two decimals): ${formatMinorUnits(minor, currency)} ${currency} is sent as ${minor}`;
}
