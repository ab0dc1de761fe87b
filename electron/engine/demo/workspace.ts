import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { METHOD_IDS } from '../../../shared/aps/methods';
import { SCENARIOS } from '../../../shared/aps/scenarios';
import {
  SAMPLE_CUSTOMERS,
  WORKSPACE_VERSION,
  type Workspace,
  type WorkspaceInput,
} from '../../../shared/schema/workspace';
import { CertkitError, errorMessage } from '../errors';
import { writeFileAtomic } from '../util/atomic-write';
import { saveWorkspace } from '../workspace/workspace';
import { parseFaults } from '../sandbox/index';

/** What the demo needs from a running sandbox (electron/engine/sandbox's SandboxHandle has all of it). */
export interface DemoSandbox {
  paymentPage: string;
  paymentApi: string;
  store: string;
  merchant: { merchant_identifier: string };
}

export const DEMO_FLOWS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../assets/demo-flows');

/** The identifiers the demo store prints on its receipt pages, for flows whose payment runs server to server. */
export const DEMO_EXTRACT_RULES = [
  { field: 'merchant_reference', selector: '[data-testid="merchant-reference"]' },
  { field: 'fort_id', selector: '[data-testid="fort-id"]' },
  { field: 'response_code', selector: '[data-testid="response-code"]' },
  { field: 'agreement_id', selector: '[data-testid="agreement-id"]' },
  { field: 'token_name', selector: '[data-testid="token-name"]' },
  { field: 'knet_ref_number', selector: '[data-testid="knet-ref-number"]' },
  { field: 'third_party_transaction_number', selector: '[data-testid="third-party-transaction-number"]' },
];

/** Which shipped flow file each catalog scenario replays; scenarios that differ only in test data share one. */
async function demoFlowIndex(flowsDir: string): Promise<Record<string, string>> {
  const file = path.join(flowsDir, 'scenarios.json');
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, string>;
  } catch (err) {
    throw new CertkitError(`the demo flow index ${file} cannot be read: ${errorMessage(err)}`, {
      hint: 'reinstall Certkit; assets/demo-flows ships it beside the flows',
      cause: err,
    });
  }
}

/**
 * A workspace for the demo store: every method and feature on, so the plan holds every catalog scenario, with the
 * shipped flows copied in. Store faults (`?fault=a,b`) are written into the copied flows' first URLs.
 */
export async function createDemoWorkspace(
  dir: string,
  sandbox: DemoSandbox,
  options: { account?: string; faults?: string[]; flowsDir?: string } = {},
): Promise<Workspace> {
  const flowsDir = options.flowsDir ?? DEMO_FLOWS_DIR;
  const faults = parseFaults((options.faults ?? []).join(','), '--faults');
  const faultParam = faults.length ? `&fault=${faults.join(',')}` : '';
  const store = sandbox.store.replace(/\/+$/, '');
  const index = await demoFlowIndex(flowsDir);
  const flows: WorkspaceInput['flows'] = {};
  const copied = new Set<string>();
  for (const s of SCENARIOS) {
    const name = index[s.id];
    // Another brand's card scenario replays the card flow it borrows, with its own test card.
    if (!name && s.flowFrom) continue;
    if (!name) {
      throw new CertkitError(`the demo flow index names no flow for ${s.id}`, {
        hint: 'reinstall Certkit; assets/demo-flows/scenarios.json lists a flow for every catalog scenario',
      });
    }
    const file = `flows/${name}`;
    if (!copied.has(file)) {
      const source = path.join(flowsDir, name);
      const text = await fs.readFile(source, 'utf8').catch((err: unknown) => {
        throw new CertkitError(`the demo flow for ${s.id} cannot be read (${source}: ${errorMessage(err)})`, {
          hint: 'reinstall Certkit; assets/demo-flows ships a flow for every catalog scenario',
          cause: err,
        });
      });
      await writeFileAtomic(path.join(dir, file), text.split('{{faultParam}}').join(faultParam));
      copied.add(file);
    }
    flows[s.id] = { file };
  }
  const workspace: WorkspaceInput = {
    version: WORKSPACE_VERSION,
    account: {
      name: options.account ?? 'Certkit Demo Store',
      merchantIdentifier: sandbox.merchant.merchant_identifier,
      environment: 'simulator',
    },
    integrationTypes: ['hosted', 'custom_non_pci', 'apple_pay_web', 'recurring'],
    methods: [...METHOD_IDS],
    features: { installments: true, savedCards: true, recurring: true },
    store: {
      baseUrl: store,
      returnUrl: `${store}/return`,
      directFeedbackUrl: `${store}/feedback/direct`,
      notificationFeedbackUrl: `${store}/feedback/notification`,
    },
    aps: {
      paymentPage: sandbox.paymentPage,
      paymentApi: sandbox.paymentApi,
      hosts: [new URL(sandbox.paymentPage).host],
    },
    customers: SAMPLE_CUSTOMERS,
    extract: DEMO_EXTRACT_RULES,
    flows,
  };
  return saveWorkspace(dir, workspace);
}
