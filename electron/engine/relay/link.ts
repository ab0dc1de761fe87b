import type { Exchange, ScenarioEvidence } from '../../../shared/schema/evidence';
import type { TrafficRecord } from '../../../shared/schema/traffic';

// Which scenario each recorded exchange belongs to. merchant_reference and fort_id name one payment, so they link
// an exchange outright (and the fort_id of an exchange found by its reference links the next one). agreement_id and
// token_name are shared by design (a saved card's payment and its delete, an agreement's initial and later charges),
// so they link only an exchange nothing else claimed, and when several scenarios hold the value, only to the one
// whose run was going on when the exchange happened.

const STRONG = ['merchant_reference', 'fort_id'] as const;
const WEAK = ['agreement_id', 'token_name'] as const;
type Key = (typeof STRONG)[number] | (typeof WEAK)[number];

/** Feedback arrives after the page that caused it; a scenario's window reaches this far past its end. */
const WINDOW_SLACK_MS = 15_000;

export interface TrafficLinks {
  /** Scenario id -> its records, in time order. */
  byScenario: Map<string, TrafficRecord[]>;
  /** Record id -> how it was linked, e.g. "merchant_reference=R123". */
  how: Map<string, string>;
  /** Records no scenario claimed (SDK_TOKEN carries no reference at all). */
  unlinked: TrafficRecord[];
  /** Record id -> the scenarios that share its agreement_id or token_name, when the time did not settle it. */
  ambiguous: Map<string, string[]>;
}

function valuesOf(record: TrafficRecord, keys: readonly Key[]): string[] {
  const out: string[] = [];
  for (const fields of [record.requestFields, record.responseFields ?? {}]) {
    for (const k of keys) {
      const v = fields[k];
      if ((typeof v === 'string' || typeof v === 'number') && String(v).trim()) out.push(`${k}=${String(v).trim()}`);
    }
  }
  return [...new Set(out)];
}

function keysOf(ev: ScenarioEvidence): { strong: Set<string>; weak: Set<string> } {
  const strong = new Set<string>();
  const weak = new Set<string>();
  const v = ev.ledger.values;
  for (const k of STRONG) if (v[k]) strong.add(`${k}=${v[k]}`);
  for (const k of WEAK) if (v[k]) weak.add(`${k}=${v[k]}`);
  // What the browser itself saw: a tokenization form, the result posted back (the ledger keeps only the last).
  for (const x of ev.exchanges.filter((e: Exchange) => e.observedBy === 'browser')) {
    for (const fields of [x.requestFields, x.responseFields ?? {}]) {
      for (const k of STRONG) if (typeof fields[k] === 'string' && fields[k]) strong.add(`${k}=${fields[k]}`);
    }
  }
  return { strong, weak };
}

function within(ev: ScenarioEvidence, at: string): boolean {
  const t = Date.parse(at);
  const start = Date.parse(ev.startedAt);
  const end = ev.finishedAt ? Date.parse(ev.finishedAt) : start;
  return t >= start - WINDOW_SLACK_MS && t <= end + WINDOW_SLACK_MS;
}

export function linkTraffic(scenarios: readonly ScenarioEvidence[], records: readonly TrafficRecord[]): TrafficLinks {
  const keys = new Map(scenarios.map((ev) => [ev.scenarioId, keysOf(ev)]));
  const linked = new Map<string, Set<string>>();
  const how = new Map<string, string>();
  const claim = (record: TrafficRecord, scenarioId: string, by: string) => {
    const set = linked.get(record.id) ?? new Set<string>();
    set.add(scenarioId);
    linked.set(record.id, set);
    if (!how.has(record.id)) how.set(record.id, by);
  };

  let grew = true;
  while (grew) {
    grew = false;
    for (const record of records) {
      if (linked.has(record.id)) continue;
      const values = valuesOf(record, STRONG);
      for (const ev of scenarios) {
        const k = keys.get(ev.scenarioId)!;
        const hit = values.find((v) => k.strong.has(v));
        if (!hit) continue;
        claim(record, ev.scenarioId, hit);
        for (const v of values) k.strong.add(v);
        grew = true;
      }
    }
  }

  const ambiguous = new Map<string, string[]>();
  for (const record of records) {
    if (linked.has(record.id)) continue;
    const values = valuesOf(record, WEAK);
    if (!values.length) continue;
    const candidates = scenarios.filter((ev) => values.some((v) => keys.get(ev.scenarioId)!.weak.has(v)));
    const pick = candidates.length === 1 ? candidates : candidates.filter((ev) => within(ev, record.at));
    if (pick.length === 1) {
      const by = values.find((v) => keys.get(pick[0].scenarioId)!.weak.has(v))!;
      claim(record, pick[0].scenarioId, candidates.length > 1 ? `${by}, during the scenario's run` : by);
    } else if (candidates.length > 1)
      ambiguous.set(
        record.id,
        candidates.map((ev) => ev.scenarioId),
      );
  }

  const byScenario = new Map<string, TrafficRecord[]>();
  const unlinked: TrafficRecord[] = [];
  for (const record of [...records].sort((a, b) => a.at.localeCompare(b.at))) {
    const ids = linked.get(record.id);
    if (!ids) {
      unlinked.push(record);
      continue;
    }
    for (const id of ids) byScenario.set(id, [...(byScenario.get(id) ?? []), record]);
  }
  return { byScenario, how, unlinked, ambiguous };
}

/** A relay record as scenario evidence: the same shape as a browser or simulator exchange, marked as the relay's. */
export function recordExchange(record: TrafficRecord): Exchange {
  return {
    id: `relay:${record.id}`,
    kind: record.kind,
    method: record.method,
    url: record.target,
    ...(record.requestContentType ? { requestContentType: record.requestContentType } : {}),
    requestFields: record.requestFields,
    ...(record.responseStatus !== undefined ? { responseStatus: record.responseStatus } : {}),
    ...(record.responseContentType ? { responseContentType: record.responseContentType } : {}),
    ...(record.responseFields ? { responseFields: record.responseFields } : {}),
    startedAt: record.at,
    durationMs: record.durationMs,
    step: -1,
    frame: 'top',
    popup: false,
    observedBy: 'relay',
    remoteAddress: record.caller.address,
  };
}

/**
 * Scenario evidence with the relay's exchanges of each scenario added after its own. A feedback post the relay sent
 * itself (to test a repeat) is left out: it is Certkit's probe, not the merchant's or APS's traffic.
 */
export function withRelayExchanges(scenarios: readonly ScenarioEvidence[], links: TrafficLinks): ScenarioEvidence[] {
  return scenarios.map((ev) => {
    const records = (links.byScenario.get(ev.scenarioId) ?? []).filter((r) => r.sentBy !== 'relay');
    return records.length ? { ...ev, exchanges: [...ev.exchanges, ...records.map(recordExchange)] } : ev;
  });
}
