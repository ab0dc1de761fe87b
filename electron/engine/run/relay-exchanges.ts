import type { Exchange, ScenarioEvidence } from '../../../shared/schema/evidence';
import { linkTraffic, withRelayExchanges } from '../relay/link';
import { readWorkspaceTraffic } from '../relay/store';

/**
 * The server-to-server exchanges the recording relay wrote to the workspace while this scenario ran, linked to it by
 * its references (a custom integration's payment, a saved card's UPDATE_TOKEN, a recurring charge): APS's answer to
 * them is the scenario's verdict, and the browser never sees it. Records from before the scenario started are left
 * to the verifier, which links the whole workspace.
 */
export async function relayExchangesOf(
  workspaceDir: string,
  evidence: ScenarioEvidence,
  pageValues: Record<string, string>,
): Promise<Exchange[]> {
  const { records } = await readWorkspaceTraffic(workspaceDir);
  const during = records.filter((r) => r.at >= evidence.startedAt);
  if (!during.length) return [];
  const probe: ScenarioEvidence = {
    ...evidence,
    ledger: { values: { ...evidence.ledger.values, ...pageValues }, sources: evidence.ledger.sources },
    finishedAt: new Date().toISOString(),
  };
  const [linked] = withRelayExchanges([probe], linkTraffic([probe], during));
  return linked.exchanges.slice(probe.exchanges.length);
}
