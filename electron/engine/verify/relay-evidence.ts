import type { Checkpoint } from '../../../shared/aps/checkpoints';
import type { ScenarioEvidence } from '../../../shared/schema/evidence';
import type { TrafficRecord } from '../../../shared/schema/traffic';
import { linkTraffic, withRelayExchanges } from '../relay/index';
import { both, joinBoth, verbatim, type Bilingual } from '../../../shared/text';
import type { CheckOutcome, EvidenceRef, RelayEvidence, VerifyContext } from './context';
import { checkpointText, confirmFix } from './confirm';

const TEXT = {
  noRelay: (definition: Bilingual) =>
    both(
      `No relay evidence in this workspace, so Certkit cannot show this: ${definition.en}`,
      `لا أدلة من المُرحِّل في مساحة العمل هذه، لذا لا يستطيع Certkit إثبات هذا: ${definition.ar}`,
    ),
  notSeen: (seen: Bilingual, definition: Bilingual) =>
    both(
      `${seen.en}; so Certkit cannot show this: ${definition.en}`,
      `${seen.ar}؛ ومن ثَمّ لا يستطيع Certkit إثبات هذا: ${definition.ar}`,
    ),
  /** Arabic joins "and" to a following word, and keeps a space before an address or an id. */
  and: (last: Bilingual) => both(' and ', /^[\u0621-\u064A]/.test(last.ar) ? ' و' : ' و '),
};

/** The plan's scenarios with the relay's exchanges added to each, and the relay's records for workspace-wide checks. */
export function withRelayEvidence(
  planned: ScenarioEvidence[],
  records: TrafficRecord[],
): { scenarios: ScenarioEvidence[]; traffic: RelayEvidence } {
  const links = linkTraffic(planned, records);
  return { scenarios: withRelayExchanges(planned, links), traffic: { records, links } };
}

/** The scenario a record belongs to, or 'relay' for one that belongs to none (SDK_TOKEN names no order). */
export function recordScenario(ctx: VerifyContext, record: TrafficRecord): string {
  for (const [id, records] of ctx.traffic.links.byScenario) if (records.includes(record)) return id;
  return 'relay';
}

export function relayRef(ctx: VerifyContext, record: TrafficRecord, detail: string): EvidenceRef {
  return { scenarioId: recordScenario(ctx, record), kind: 'exchange', ref: `relay:${record.id}`, detail };
}

/** Records that belong to the scenarios being verified (older relay logs of earlier runs are left aside). */
export function currentRecords(ctx: VerifyContext): TrafficRecord[] {
  const ids = new Set(ctx.scenarios.map((s) => s.scenarioId));
  const out = new Set<TrafficRecord>();
  for (const [id, records] of ctx.traffic.links.byScenario) if (ids.has(id)) for (const r of records) out.add(r);
  return [...out].sort((a, b) => a.at.localeCompare(b.at));
}

/** A 'relay' checkpoint the relay did not see: the engineer's confirmation decides, as for a 'confirm' one. */
export function notSeenByRelay(ctx: VerifyContext, checkpoint: Checkpoint, seen: Bilingual): CheckOutcome {
  const { definition, guide } = checkpointText(checkpoint);
  return {
    status: 'needs-confirmation',
    summary: ctx.traffic.records.length ? TEXT.notSeen(seen, definition) : TEXT.noRelay(definition),
    fix: confirmFix(checkpoint, guide),
  };
}

/** "a, b and c" in English, «a، b و c» in Arabic; a plain string (an address, an id) reads the same in both. */
export function listing(items: readonly (Bilingual | string)[]): Bilingual {
  const parts = items.map((i) => (typeof i === 'string' ? verbatim(i) : i));
  if (parts.length < 2) return parts[0] ?? verbatim('');
  const head = joinBoth(parts.slice(0, -1), ', ');
  const last = parts[parts.length - 1];
  const and = TEXT.and(last);
  return both(`${head.en}${and.en}${last.en}`, `${head.ar}${and.ar}${last.ar}`);
}
