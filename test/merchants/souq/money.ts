// Money as the shop shows it (major units, "12.500 KWD") and as APS takes it (an integer of minor units).
// The decimals per currency are the ones APS's docs and official plugins use; amounts are parsed as text, never as
// floating point, so 0.1 + 0.2 troubles cannot creep into what is charged.

const DECIMALS: Record<string, number> = {
  KWD: 3,
  BHD: 3,
  OMR: 3,
  JOD: 3,
  SAR: 2,
  AED: 2,
  QAR: 2,
  EGP: 2,
  USD: 2,
};

export function currencyDecimals(currency: string): number {
  const d = DECIMALS[currency];
  if (d === undefined) throw new Error(`Souq does not sell in ${currency}`);
  return d;
}

/** "12.5" or "12.500" KWD -> 12500. Refuses more decimals than the currency has. */
export function toMinorUnits(major: string, currency: string): number {
  const d = currencyDecimals(currency);
  const m = /^(\d+)(?:\.(\d+))?$/.exec(major.trim());
  if (!m) throw new Error(`"${major}" is not an amount`);
  const frac = m[2] ?? '';
  if (frac.length > d) throw new Error(`${currency} has ${d} decimals, "${major}" has ${frac.length}`);
  return Number(m[1]) * 10 ** d + Number(frac.padEnd(d, '0') || '0');
}

/** 12500 KWD -> "12.500". */
export function fromMinorUnits(minor: number, currency: string): string {
  const d = currencyDecimals(currency);
  const s = String(minor).padStart(d + 1, '0');
  return d ? `${s.slice(0, -d)}.${s.slice(-d)}` : s;
}

export function formatMoney(minor: number, currency: string): string {
  return `${fromMinorUnits(minor, currency)} ${currency}`;
}
