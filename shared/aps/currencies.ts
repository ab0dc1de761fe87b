// Minor-unit exponents, as the official APS plugins compute them. Anything not listed uses 2.
const THREE = ['JOD', 'KWD', 'OMR', 'TND', 'BHD', 'LYD', 'IQD'];
const FOUR = ['CLF'];
const ZERO = ['BIF', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'CLP', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'BYR'];

export function currencyDecimals(currency: string): number {
  const code = currency.toUpperCase();
  if (THREE.includes(code)) return 3;
  if (FOUR.includes(code)) return 4;
  if (ZERO.includes(code)) return 0;
  return 2;
}

/** "12.5" SAR -> 1250. Works on the decimal string so no float rounding creeps in. */
export function toMinorUnits(major: string, currency: string): number {
  const decimals = currencyDecimals(currency);
  const match = /^(\d+)(?:\.(\d+))?$/.exec(major.trim());
  if (!match) throw new Error(`"${major}" is not a plain decimal amount`);
  const fraction = (match[2] ?? '').padEnd(decimals, '0');
  if (fraction.length > decimals) throw new Error(`${currency} takes ${decimals} decimals, "${major}" has more`);
  return Number(match[1]) * 10 ** decimals + (decimals ? Number(fraction) : 0);
}

/** 1250, SAR -> "12.50". */
export function formatMinorUnits(minor: number | string, currency: string): string {
  const decimals = currencyDecimals(currency);
  const digits = String(minor).padStart(decimals + 1, '0');
  return decimals ? `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}` : digits;
}
