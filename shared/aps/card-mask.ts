/** How card numbers appear anywhere Certkit records or prints them, as APS masks them: first 6, last 4. */
export function maskPan(digits: string): string {
  return `${digits.slice(0, 6)}${'*'.repeat(Math.max(0, digits.length - 10))}${digits.slice(-4)}`;
}
