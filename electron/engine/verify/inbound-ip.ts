import type { TrafficRecord } from '../../../shared/schema/traffic';
import { isLoopbackOrPrivate, type Check, type EvidenceRef } from './context';
import { listing, notSeenByRelay, relayRef } from './relay-evidence';

// APS asks that production API requests leave from another server address than sandbox ones. The relay forwards the
// sandbox calls, so APS saw them come from the relay's own outgoing address (on a staging server: that server's), and
// the relay saw the merchant server that called it. Both are shown beside the production addresses the merchant
// declares in certkit.json (aps.productionInboundIps).

const normal = (ip: string) =>
  ip
    .trim()
    .replace(/^\[|\]$/g, '')
    .replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '')
    .toLowerCase();

function sources(records: TrafficRecord[]): { outgoing: string[]; callers: string[] } {
  const outgoing = new Set<string>();
  const callers = new Set<string>();
  for (const r of records) {
    if (r.localAddress) outgoing.add(normal(r.localAddress));
    const caller = r.caller.forwardedFor?.split(',')[0]?.trim() || r.caller.address;
    if (caller) callers.add(normal(caller));
  }
  return { outgoing: [...outgoing], callers: [...callers] };
}

export const checkInboundIp: Check = (ctx, checkpoint) => {
  const api = ctx.traffic.records.filter((r) => r.kind === 'paymentApi' && !r.error);
  if (!api.length)
    return notSeenByRelay(
      ctx,
      checkpoint,
      'The relay recorded no API call that reached APS, so no sandbox source address is known',
    );
  const { outgoing, callers } = sources(api);
  const seen = [...new Set([...outgoing, ...callers])];
  const declared = (ctx.workspace.aps.productionInboundIps ?? []).map(normal);
  const where = `Sandbox API calls reached APS from ${listing(outgoing) || 'an address the relay did not note'} (the relay's outgoing address), sent by the merchant server at ${listing(callers)}`;
  const evidence: EvidenceRef[] = [
    relayRef(ctx, api[0], `${api.length} call(s); outgoing ${listing(outgoing)}; callers ${listing(callers)}`),
  ];
  if (!declared.length)
    return {
      status: 'needs-confirmation',
      summary: `${where}; no production address is declared to compare them with`,
      fix: `Add the addresses production API requests leave from to certkit.json as aps.productionInboundIps (e.g. ["203.0.113.10"]) and verify again, or compare them yourself and confirm: certkit verify <workspace> --confirm ${checkpoint.id} --note "…".`,
      evidence,
    };
  const same = declared.filter((ip) => seen.includes(ip));
  if (same.length)
    return {
      status: 'failed',
      summary: `${where}; ${listing(same)} is also declared as a production address`,
      fix: 'Send production API requests from another server address than the sandbox ones (a separate server, NAT gateway or egress IP), and give APS the production one.',
      evidence,
    };
  // What APS saw is the relay's outgoing address; a private one sits behind a gateway whose public address is unknown.
  if (!outgoing.some((ip) => !isLoopbackOrPrivate(ip)))
    return {
      status: 'needs-confirmation',
      summary: `${where}; the outgoing address is loopback or private, so APS saw your gateway's public address instead, which the relay cannot see. Production: ${listing(declared)}`,
      fix: `Run the relay on the staging server's public interface, or compare the staging server's public egress address with ${listing(declared)} yourself and confirm with a note.`,
      evidence,
    };
  return {
    status: 'passed',
    summary: `${where}; production requests will come from ${listing(declared)}, a different address`,
    evidence,
  };
};
