import { LEDGER_FIELDS, type Exchange, type LedgerEntry, type LedgerField } from '../../../shared/schema/evidence';
import type { ExtractRule } from '../../../shared/schema/workspace';

const FIELD_SET = new Set<string>(LEDGER_FIELDS);

/** Queries (CHECK_STATUS, installment plans) answer about a payment; they must not overwrite what the payment said. */
function isQuery(ex: Exchange): boolean {
  return typeof ex.requestFields.query_command === 'string' || ex.requestFields.service_command === 'SDK_TOKEN';
}

function take(entry: LedgerEntry, fields: Record<string, unknown> | undefined, source: 'traffic' | 'page'): void {
  if (!fields) return;
  for (const [key, value] of Object.entries(fields)) {
    if (!FIELD_SET.has(key)) continue;
    if (typeof value !== 'string' && typeof value !== 'number') continue;
    const text = String(value).trim();
    if (!text) continue;
    const field = key as LedgerField;
    if (entry.sources[field] === 'manual') continue;
    entry.values[field] = text;
    entry.sources[field] = source;
  }
}

/**
 * The ledger from recorded traffic, in time order: what the merchant sent, then what APS answered, the latest
 * payment exchange winning (a 3DS flow ends with the answer that counts).
 */
export function ledgerFromExchanges(
  exchanges: Exchange[],
  base: LedgerEntry = { values: {}, sources: {} },
): LedgerEntry {
  const entry: LedgerEntry = { ...base, values: { ...base.values }, sources: { ...base.sources } };
  const ordered = [...exchanges].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  for (const ex of ordered) {
    if (isQuery(ex) || ex.kind === 'merchant' || ex.kind === 'other') continue;
    take(entry, ex.requestFields, 'traffic');
    take(entry, ex.responseFields, 'traffic');
  }
  return entry;
}

export type { ExtractRule };

/** Page values fill only what traffic left empty; traffic is the stronger evidence. */
export function applyPageValues(entry: LedgerEntry, values: Record<string, string>): LedgerEntry {
  const next: LedgerEntry = { ...entry, values: { ...entry.values }, sources: { ...entry.sources } };
  for (const [field, value] of Object.entries(values)) {
    if (!FIELD_SET.has(field) || !value) continue;
    const f = field as LedgerField;
    if (next.values[f]) continue;
    next.values[f] = value;
    next.sources[f] = 'page';
  }
  return next;
}

/** Pattern rules run over the captured page text; group 1 when the pattern has one. */
export function valuesFromText(rules: ExtractRule[], text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rule of rules) {
    if (!rule.pattern || rule.selector) continue;
    const m = new RegExp(rule.pattern, 'u').exec(text);
    if (m) out[rule.field] = (m[1] ?? m[0]).trim();
  }
  return out;
}

/** A value the user typed or corrected; it is marked so, and traffic never overwrites it. */
export function setManualValue(entry: LedgerEntry, field: LedgerField, value: string | undefined): LedgerEntry {
  const next: LedgerEntry = { ...entry, values: { ...entry.values }, sources: { ...entry.sources } };
  if (value === undefined || value === '') {
    delete next.values[field];
    delete next.sources[field];
  } else {
    next.values[field] = value;
    next.sources[field] = 'manual';
  }
  return next;
}
