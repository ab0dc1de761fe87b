import type { BenchRow } from './types';

/** Whether a figure meets its goal; undefined for a figure recorded without one. */
export function meetsTarget(row: BenchRow): boolean | undefined {
  if (!row.target) return undefined;
  if (!Number.isFinite(row.value)) return false;
  return row.target.better === 'lower' ? row.value <= row.target.value : row.value >= row.target.value;
}

/** The table's last column: "ok (<= 64)", "MISSED (<= 64)", or nothing for a figure kept for the record. */
export function verdict(row: BenchRow): string {
  const ok = meetsTarget(row);
  if (ok === undefined) return '';
  return `${ok ? 'ok' : 'MISSED'} (${row.target!.better === 'lower' ? '<=' : '>='} ${row.target!.value})`;
}
