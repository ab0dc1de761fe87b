import type { Checkpoint } from '../../../shared/aps/checkpoints';
import type { ScenarioEvidence } from '../../../shared/schema/evidence';
import type { TrafficRecord } from '../../../shared/schema/traffic';
import { linkTraffic, withRelayExchanges } from '../relay/index';
import type { CheckOutcome, EvidenceRef, RelayEvidence, VerifyContext } from './context';

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
export function notSeenByRelay(ctx: VerifyContext, checkpoint: Checkpoint, seen: string): CheckOutcome {
  const none = !ctx.traffic.records.length;
  return {
    status: 'needs-confirmation',
    summary: none
      ? `No relay evidence in this workspace, so Certkit cannot show this: ${checkpoint.definition}`
      : `${seen}; so Certkit cannot show this: ${checkpoint.definition}`,
    fix: `${checkpoint.guide ?? 'Check it yourself.'} Then confirm: certkit verify <workspace> --confirm ${checkpoint.id} --note "what you checked".`,
  };
}

/** "a, b and c" */
export function listing(items: readonly string[]): string {
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
