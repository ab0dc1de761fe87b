// Souq Al Oud as a new Certkit user sets it up: `certkit sandbox` (the APS simulator, with the demo store beside it
// receiving the simulator's feedback), the shop pointed at that simulator, a workspace made with `certkit init` and the
// store and APS URLs set, and the raw Recorder exports imported unchanged with `certkit import`.
import path from 'node:path';
import { startSandbox, type SandboxHandle } from '../../../electron/engine/sandbox';
import { loadWorkspace, saveWorkspace } from '../../../electron/engine/workspace/workspace';
import type { MerchantSecrets } from '../../../electron/engine/workspace/secrets';
import type { Env } from '../../../electron/engine/env';
import { runCli, type CliRun } from '../../helpers/cli';
import { tempDir } from '../../helpers/tmp';
import { RECORDINGS_DIR } from './recordings';
import { startSouq, type Souq } from './server';
import type { SouqFault } from './faults';

export interface SouqBench {
  sandbox: SandboxHandle;
  souq: Souq;
  /** The workspace folder. */
  ws: string;
  secrets: MerchantSecrets;
  /** The CLI's environment: the simulator's test merchant as CERTKIT_* secrets. */
  env: Env;
  cli(argv: string[]): Promise<CliRun>;
  close(): Promise<void>;
}

export const SOUQ_METHODS = 'VISA,MASTERCARD,AMEX,KNET,BENEFIT';

/** Which recording serves which scenarios: the declined flows are imported as they are, one flow each. */
export const SOUQ_IMPORTS: { file: string; scenarios: string }[] = [
  { file: 'card-non3ds-success.json', scenarios: 'card-non3ds-success' },
  { file: 'card-3ds-success.json', scenarios: 'card-3ds-success' },
  { file: 'card-declined.json', scenarios: 'card-declined' },
  { file: 'knet-success.json', scenarios: 'knet-success' },
  { file: 'knet-declined.json', scenarios: 'knet-declined' },
  { file: 'benefit-success.json', scenarios: 'benefit-success' },
  { file: 'benefit-declined.json', scenarios: 'benefit-declined' },
];

export async function startSouqBench(faults: SouqFault[] = [], dir?: string): Promise<SouqBench> {
  const sandbox = await startSandbox({ feedbackRetry: { tries: 1, intervalMs: 5 } });
  const m = sandbox.merchant;
  const souq = await startSouq({ apsBaseUrl: sandbox.simulatorOrigin, faults, merchant: m });
  const ws = dir ?? path.join(tempDir('certkit-souq-').dir, 'ws');
  const env: Env = {
    CERTKIT_ACCESS_CODE: m.access_code,
    CERTKIT_SHA_REQUEST_PHRASE: m.sha_request_phrase,
    CERTKIT_SHA_RESPONSE_PHRASE: m.sha_response_phrase,
    CERTKIT_SHA_TYPE: 'SHA-256',
    PATH: process.env.PATH,
    // The browser the tests found (resolveBrowser), when one was named.
    ...(process.env.CERTKIT_BROWSER ? { CERTKIT_BROWSER: process.env.CERTKIT_BROWSER } : {}),
  };
  const cli = (argv: string[]) => runCli(argv, { env });
  const init = await cli([
    'init',
    ws,
    '--account',
    'Souq Al Oud',
    '--methods',
    SOUQ_METHODS,
    '--integration',
    'hosted',
  ]);
  if (init.code !== 0) throw new Error(`certkit init failed: ${init.stderr}`);
  const w = await loadWorkspace(ws);
  await saveWorkspace(ws, {
    ...w,
    account: { ...w.account, environment: 'simulator', merchantIdentifier: m.merchant_identifier },
    store: { baseUrl: souq.url, returnUrl: souq.returnUrl },
    aps: { ...w.aps, paymentPage: sandbox.paymentPage, paymentApi: sandbox.paymentApi },
  });
  return {
    sandbox,
    souq,
    ws,
    env,
    secrets: {
      accessCode: m.access_code,
      requestPhrase: m.sha_request_phrase,
      responsePhrase: m.sha_response_phrase,
      shaType: 'sha256',
    },
    cli,
    close: async () => {
      await souq.close();
      await sandbox.close();
    },
  };
}

/** `certkit import` of every raw recording, files read straight from the fixtures folder. */
export async function importSouqRecordings(bench: SouqBench): Promise<CliRun[]> {
  const out: CliRun[] = [];
  for (const i of SOUQ_IMPORTS) {
    out.push(await bench.cli(['import', bench.ws, path.join(RECORDINGS_DIR, i.file), '--scenario', i.scenarios]));
  }
  return out;
}
