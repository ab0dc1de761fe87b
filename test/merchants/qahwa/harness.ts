// Bayt Al Qahwa behind Certkit's recording relay, in front of the APS simulator: the shop's server calls APS through
// the API relay, APS's feedback reaches the shop through the feedback relay, and both relays write into a workspace.
import { once } from 'node:events';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { TrafficRecord } from '../../../shared/schema/traffic';
import { WORKSPACE_VERSION, SAMPLE_CUSTOMERS, type WorkspaceInput } from '../../../shared/schema/workspace';
import { liveLogFile, newRelayId, startRelay, TrafficLogWriter, type Relay } from '../../../electron/engine/relay';
import type { Simulator } from '../../../electron/engine/sandbox';
import type { MerchantSecrets } from '../../../electron/engine/workspace/secrets';
import { saveWorkspace } from '../../../electron/engine/workspace/workspace';
import { QAHWA_EXTRACT_RULES, qahwaFlows } from './flows';
import { startQahwa, type Qahwa, type QahwaFault } from './server';

export interface QahwaSetup {
  dir: string;
  shop: Qahwa;
  api: Relay;
  feedback: Relay;
  /** Every record either relay logged, in the order they were written. */
  records: TrafficRecord[];
  /** Resolves once a record matching `test` has been logged (or already was). */
  recorded(test: (r: TrafficRecord) => boolean): Promise<TrafficRecord>;
  close(): Promise<void>;
}

export function simulatorSecrets(sim: Simulator): MerchantSecrets {
  const c = sim.config;
  return {
    accessCode: c.access_code,
    requestPhrase: c.sha_request_phrase,
    responsePhrase: c.sha_response_phrase,
    shaType: c.sha_type,
  };
}

export async function qahwaBehindRelay(sim: Simulator, dir: string, faults: QahwaFault[] = []): Promise<QahwaSetup> {
  const c = sim.config;
  const secrets = [c.access_code, c.sha_request_phrase, c.sha_response_phrase];
  await fs.mkdir(dir, { recursive: true });
  const apiId = newRelayId();
  const apiLogs = [await TrafficLogWriter.open(liveLogFile(dir, apiId))];
  const api = await startRelay({ upstream: sim.origin, logs: apiLogs, secrets, relayId: apiId });
  const shop = await startQahwa({
    paymentPage: `${sim.origin}/FortAPI/paymentPage`,
    paymentApi: api.paymentApi!,
    faults,
    merchant: {
      merchant_identifier: c.merchant_identifier,
      access_code: c.access_code,
      sha_request_phrase: c.sha_request_phrase,
      sha_response_phrase: c.sha_response_phrase,
      sha_type: c.sha_type,
    },
  });
  const feedbackId = newRelayId();
  const feedbackLogs = [await TrafficLogWriter.open(liveLogFile(dir, feedbackId))];
  const feedback = await startRelay({
    feedbackTo: { direct: shop.feedbackUrl, notification: shop.feedbackUrl },
    logs: feedbackLogs,
    secrets,
    relayId: feedbackId,
  });
  // What the merchant enters in Technical Settings: the feedback relay's addresses.
  c.direct_feedback_url = feedback.feedback!.direct;
  c.notification_feedback_url = feedback.feedback!.notification;

  const records: TrafficRecord[] = [];
  for (const relay of [api, feedback]) relay.events.on('record', (r: TrafficRecord) => records.push(r));
  const recorded = async (test: (r: TrafficRecord) => boolean): Promise<TrafficRecord> => {
    for (;;) {
      const found = records.find(test);
      if (found) return found;
      await Promise.race([once(api.events, 'record'), once(feedback.events, 'record')]);
    }
  };

  const workspace: WorkspaceInput = {
    version: WORKSPACE_VERSION,
    account: { name: 'Bayt Al Qahwa', merchantIdentifier: c.merchant_identifier, environment: 'sandbox' },
    integrationTypes: ['custom_non_pci', 'recurring', 'mobile'],
    methods: ['VISA', 'MASTERCARD'],
    features: { installments: false, savedCards: true, recurring: true },
    store: { baseUrl: shop.origin, returnUrl: shop.returnUrl },
    aps: {
      paymentPage: `${sim.origin}/FortAPI/paymentPage`,
      paymentApi: api.paymentApi,
      hosts: [new URL(sim.origin).host],
    },
    customers: SAMPLE_CUSTOMERS.slice(0, 3),
    extract: QAHWA_EXTRACT_RULES,
    flows: {},
  };
  for (const [id, flow] of Object.entries(qahwaFlows())) {
    const file = `flows/${id}.json`;
    await fs.mkdir(path.join(dir, 'flows'), { recursive: true });
    await fs.writeFile(path.join(dir, file), `${JSON.stringify(flow, null, 2)}\n`);
    workspace.flows![id] = { file };
  }
  await saveWorkspace(dir, workspace);

  return {
    dir,
    shop,
    api,
    feedback,
    records,
    recorded,
    async close() {
      await feedback.close();
      await shop.close();
      await api.close();
      for (const l of [...apiLogs, ...feedbackLogs]) await l.close();
    },
  };
}
