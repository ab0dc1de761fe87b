import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ShaType } from '../../../shared/aps/catalog';
import { CertkitError } from '../errors';
import { trustOrigins } from '../tls-trust';
import { makeSandboxCertificate, type SandboxCertificate } from './certificate';
import { acceptTls, serverAt, type ServerTimeouts } from './http';
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
  /**
   * Serve the simulator and the store over https with a self-signed certificate made at start. This process's fetch
   * calls trust it for the sandbox's own origins only; other clients are given its path and fingerprint.
   */
  https?: boolean;
  /** Where the certificate is written (default: a new temporary folder, removed on close). */
  tlsDir?: string;
  /** How long a client may take to send its headers and its whole request, on both servers (default: SERVER_LIMITS). */
  timeouts?: Partial<ServerTimeouts>;
}

interface Credentials {
  access_code: string;
  sha_request_phrase: string;
  sha_response_phrase: string;
  sha_type: ShaType;
}

export interface SandboxHandle {
  paymentPage: string;
  paymentApi: string;
  /** Demo store origin + '/'. */
  store: string;
  simulatorOrigin: string;
  merchant: Credentials & { merchant_identifier: string };
  /** The account's separate Apple Pay access code and phrases. */
  applePay: Credentials;
  /** With https: the certificate clients must trust (PEM, its path, SHA-256 fingerprint, public-key hash). */
  certificate?: Omit<SandboxCertificate, 'key'>;
  exchanges(sinceSeq?: number): SimExchange[];
  close(): Promise<void>;
  /** The running simulator (events: 'exchange', 'feedback'; config; state). */
  simulator: Simulator;
  demoStore: DemoStore;
}

/** Starts the APS simulator and the demo store on loopback; feedback goes to the store unless the config names URLs. */
export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxHandle> {
  const host = options.host ?? '127.0.0.1';
  const ownDir =
    options.https && !options.tlsDir ? await mkdtemp(path.join(os.tmpdir(), 'certkit-sandbox-')) : undefined;
  const certificate = options.https ? await makeSandboxCertificate(options.tlsDir ?? ownDir!, host) : undefined;
  const tls = certificate && { key: certificate.key, cert: certificate.cert };
  const sim = new Simulator({
    config: options.config,
    persistFile: options.persistFile,
    feedbackRetry: options.feedbackRetry,
    tls,
    timeouts: options.timeouts,
  });
  let store: DemoStore | undefined;
  let release = () => {};
  const stop = async () => {
    release();
    await store?.close();
    await sim.close();
    if (ownDir) await rm(ownDir, { recursive: true, force: true });
  };
  let storeOrigin: string;
  try {
    await sim.start(host, options.port ?? 0);
    const c = sim.config;
    store = new DemoStore({
      host,
      port: 0,
      paymentPage: `${sim.origin}/FortAPI/paymentPage`,
      paymentApi: `${sim.origin}/FortAPI/paymentApi`,
      faults: options.storeFaults ?? [],
      timeouts: options.timeouts,
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
    storeOrigin = store.origin;
    if (certificate && tls) {
      // The store builds its own http server; its port learns TLS as well, so its https return_url works as sent.
      const server = serverAt(store.origin);
      if (!server)
        throw new CertkitError(
          'the demo store did not start through sandbox/http.ts listen(), so https cannot reach it',
          {
            hint: 'start the store with listen() from electron/engine/sandbox/http.ts',
          },
        );
      acceptTls(server, tls);
      storeOrigin = store.origin.replace(/^http:/, 'https:');
      release = trustOrigins(certificate, [sim.origin, storeOrigin]);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const c = sim.config;
  if (!options.config?.direct_feedback_url) c.direct_feedback_url = `${storeOrigin}/feedback/direct`;
  if (!options.config?.notification_feedback_url) c.notification_feedback_url = `${storeOrigin}/feedback/notification`;
  return {
    paymentPage: `${sim.origin}/FortAPI/paymentPage`,
    paymentApi: `${sim.origin}/FortAPI/paymentApi`,
    store: `${storeOrigin}/`,
    simulatorOrigin: sim.origin,
    merchant: {
      merchant_identifier: c.merchant_identifier,
      access_code: c.access_code,
      sha_request_phrase: c.sha_request_phrase,
      sha_response_phrase: c.sha_response_phrase,
      sha_type: c.sha_type,
    },
    applePay: {
      access_code: c.apple_access_code,
      sha_request_phrase: c.apple_sha_request_phrase,
      sha_response_phrase: c.apple_sha_response_phrase,
      sha_type: c.apple_sha_type,
    },
    certificate: certificate && {
      cert: certificate.cert,
      certPath: certificate.certPath,
      sha256: certificate.sha256,
      spki: certificate.spki,
    },
    exchanges: (since = 0) => sim.exchanges(since),
    close: stop,
    simulator: sim,
    demoStore: store!,
  };
}
