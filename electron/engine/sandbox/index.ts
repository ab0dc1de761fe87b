import type { ShaType } from '../../../shared/aps/catalog';
import type { SimulatorConfig } from './simulator/config';
import type { SimExchange } from './simulator/exchange-log';
import { Simulator } from './simulator/server';
import type { StoreFault } from './store/faults';
import { DemoStore } from './store/server';

export type { SimulatorConfig } from './simulator/config';
export type { SimExchange } from './simulator/exchange-log';
export type { FeedbackEvent } from './simulator/feedback';
export type { StoreFault } from './store/faults';
export { STORE_FAULTS, parseFaults } from './store/faults';
export { DEFAULT_SIMULATOR_CONFIG, resolveSimulatorConfig } from './simulator/config';
export { Simulator, startSimulator } from './simulator/server';
export { DemoStore, startStore } from './store/server';

export interface SandboxOptions {
  /** Simulator port (0 or undefined = a free port); the store gets its own free port (its own origin). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  config?: Partial<SimulatorConfig>;
  /** Fault switches on for every order of the demo store. */
  storeFaults?: StoreFault[];
  /** Optional JSON persistence of transactions, tokens and agreements. */
  persistFile?: string;
  /** Default: 10 tries, 10 s apart (APS's schedule). */
  feedbackRetry?: { tries: number; intervalMs: number };
}

export interface SandboxHandle {
  paymentPage: string;
  paymentApi: string;
  /** Demo store origin + '/'. */
  store: string;
  simulatorOrigin: string;
  merchant: {
    merchant_identifier: string;
    access_code: string;
    sha_request_phrase: string;
    sha_response_phrase: string;
    sha_type: ShaType;
  };
  exchanges(sinceSeq?: number): SimExchange[];
  close(): Promise<void>;
  /** The running simulator (events: 'exchange', 'feedback'; config; state). */
  simulator: Simulator;
  demoStore: DemoStore;
}

/** Starts the APS simulator and the demo store on loopback; feedback goes to the store unless the config names URLs. */
export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxHandle> {
  const host = options.host ?? '127.0.0.1';
  const sim = new Simulator({
    config: options.config,
    persistFile: options.persistFile,
    feedbackRetry: options.feedbackRetry,
  });
  await sim.start(host, options.port ?? 0);
  const c = sim.config;
  let store: DemoStore;
  try {
    store = new DemoStore({
      host,
      port: 0,
      paymentPage: `${sim.origin}/FortAPI/paymentPage`,
      paymentApi: `${sim.origin}/FortAPI/paymentApi`,
      faults: options.storeFaults ?? [],
      merchant: {
        merchant_identifier: c.merchant_identifier,
        access_code: c.access_code,
        sha_request_phrase: c.sha_request_phrase,
        sha_response_phrase: c.sha_response_phrase,
        sha_type: c.sha_type,
        apple_access_code: c.apple_access_code,
        apple_sha_request_phrase: c.apple_sha_request_phrase,
        apple_sha_response_phrase: c.apple_sha_response_phrase,
        apple_sha_type: c.apple_sha_type,
      },
    });
    await store.start();
  } catch (err) {
    await sim.close();
    throw err;
  }
  if (!options.config?.direct_feedback_url) c.direct_feedback_url = `${store.origin}/feedback/direct`;
  if (!options.config?.notification_feedback_url) c.notification_feedback_url = `${store.origin}/feedback/notification`;
  return {
    paymentPage: `${sim.origin}/FortAPI/paymentPage`,
    paymentApi: `${sim.origin}/FortAPI/paymentApi`,
    store: `${store.origin}/`,
    simulatorOrigin: sim.origin,
    merchant: {
      merchant_identifier: c.merchant_identifier,
      access_code: c.access_code,
      sha_request_phrase: c.sha_request_phrase,
      sha_response_phrase: c.sha_response_phrase,
      sha_type: c.sha_type,
    },
    exchanges: (since = 0) => sim.exchanges(since),
    close: async () => {
      await store.close();
      await sim.close();
    },
    simulator: sim,
    demoStore: store,
  };
}
