// End to end: the demo store driven in Chromium, then verified. The correct store must pass every automatic
// check it has evidence for; each fault switch must fail exactly its own checkpoint, with a fix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoWorkspace } from '../../electron/engine/demo/workspace';
import { runWorkspace, type RunSummary } from '../../electron/engine/run';
import { startSandbox, type SandboxHandle, type StoreFault } from '../../electron/engine/sandbox';
import { AUTOMATIC_CHECKPOINTS, verifyWorkspace, type VerifyReport } from '../../electron/engine/verify';
import type { MerchantSecrets } from '../../electron/engine/workspace/secrets';
import { saveWorkspace } from '../../electron/engine/workspace/workspace';
import { tempDir } from '../helpers/tmp';

const tmp = tempDir('certkit-verify-e2e-');
let sandbox: SandboxHandle;
let secrets: MerchantSecrets;
let appleSecrets: MerchantSecrets;
let counter = 0;

beforeAll(async () => {
  sandbox = await startSandbox();
  const m = sandbox.merchant;
  secrets = {
    accessCode: m.access_code,
    requestPhrase: m.sha_request_phrase,
    responsePhrase: m.sha_response_phrase,
    shaType: m.sha_type,
  };
  const c = sandbox.simulator.config;
  appleSecrets = {
    accessCode: c.apple_access_code,
    requestPhrase: c.apple_sha_request_phrase,
    responsePhrase: c.apple_sha_response_phrase,
    shaType: c.apple_sha_type,
  };
});

afterAll(async () => {
  await sandbox?.close();
  tmp.cleanup();
});

interface Case {
  faults: StoreFault[];
  only: string[];
  probe?: boolean;
  variables?: Record<string, string>;
}

async function runCase(c: Case): Promise<{ run: RunSummary; report: VerifyReport }> {
  const dir = `${tmp.dir}/${++counter}-${c.faults.join('+') || 'correct'}`;
  const ws = await createDemoWorkspace(dir, sandbox, { faults: c.faults });
  // A faulty store often stops a flow at a selector that never comes; a shorter step timeout keeps those runs quick.
  if (c.faults.length) await saveWorkspace(dir, { ...ws, capture: { ...ws.capture, stepTimeoutMs: 12_000 } });
  const run = await runWorkspace({ workspaceDir: dir, only: c.only, secrets, variables: c.variables, concurrency: 2 });
  const report = await verifyWorkspace(dir, { secrets, appleSecrets, probeResponseSignature: c.probe });
  return { run, report };
}

const statusOf = (report: VerifyReport, id: string) => report.results.find((r) => r.checkpointId === id)?.status;

describe('verify against the demo store', () => {
  it('a workspace with no runs gives no-evidence rows, not passes', async () => {
    const dir = `${tmp.dir}/empty`;
    await createDemoWorkspace(dir, sandbox);
    const report = await verifyWorkspace(dir, { secrets, appleSecrets });
    const automatic = report.results.filter((r) => AUTOMATIC_CHECKPOINTS.includes(r.checkpointId));
    expect(automatic.length).toBeGreaterThan(10);
    expect(automatic.map((r) => r.status).filter((s) => s !== 'no-evidence' && s !== 'needs-confirmation')).toEqual([]);
    expect(report.counts.passed).toBe(0);
  });

  it('the correct store passes every automatic check it has evidence for', async () => {
    const only = [
      'card-non3ds-success',
      'card-3ds-success',
      'card-declined',
      'mada-success',
      'card-save',
      'applepay-success',
      'knet-success',
      'naps-success-ar',
      'naps-success-en',
      'stcpay-success',
      'stcpay-declined',
      'recurring-initial',
      'recurring-subsequent',
    ];
    const { run, report } = await runCase({ faults: [], only, probe: true });
    const failedRuns = run.results.filter((r) => r.status === 'failed').map((r) => r.scenarioId);
    const automatic = report.results.filter((r) => AUTOMATIC_CHECKPOINTS.includes(r.checkpointId));
    expect(
      automatic.filter((r) => ['failed', 'warn'].includes(r.status)).map((r) => `${r.checkpointId}: ${r.summary}`),
    ).toEqual([]);
    // A scenario the browser could not finish leaves its checkpoints without evidence; everything else must pass.
    const mayLack = new Set<string>();
    if (failedRuns.some((id) => id.startsWith('recurring-')))
      ['recurring-mode', 'recurring-agreement', 'recurring-token'].forEach((id) => mayLack.add(id));
    const notPassing = automatic.filter(
      (r) => r.status !== 'passed' && !(mayLack.has(r.checkpointId) && r.status === 'no-evidence'),
    );
    expect(notPassing.map((r) => `${r.checkpointId}: ${r.status} ${r.summary}`)).toEqual([]);
    expect(failedRuns.filter((id) => !id.startsWith('recurring-'))).toEqual([]);
    // The demo's feedback URLs took a signed result and its repeat; whether they are set at APS stays the engineer's call.
    const feedback = report.results.find((r) => r.checkpointId === 'feedback-urls')!;
    expect(feedback.status).toBe('needs-confirmation');
    expect(feedback.evidence.map((e) => e.detail)).toEqual([
      expect.stringMatching(/HTTP 200, then 200/),
      expect.stringMatching(/HTTP 200, then 200/),
    ]);
  }, 420_000);

  const THREE_DS_CARD = { 'card.number': '4557012345678902' };
  const CASES: (Case & { checkpoint: string; summary: RegExp })[] = [
    {
      faults: ['static-email'],
      only: ['card-non3ds-success', 'card-declined'],
      checkpoint: 'customer-email',
      summary: /customer_email|not the one the customer typed/,
    },
    { faults: ['static-ip'], only: ['card-non3ds-success'], checkpoint: 'customer-ip', summary: /browser came from/ },
    { faults: ['http-return-url'], only: ['card-non3ds-success'], checkpoint: 'return-url-post', summary: /not https/ },
    {
      faults: ['return-get-only'],
      only: ['card-non3ds-success'],
      checkpoint: 'return-url-post',
      summary: /405|Method Not Allowed/i,
    },
    {
      faults: ['3ds-iframe'],
      only: ['card-save'],
      variables: THREE_DS_CARD,
      checkpoint: 'three-ds-top-window',
      summary: /iframe/,
    },
    {
      faults: ['3ds-popup'],
      only: ['card-save'],
      variables: THREE_DS_CARD,
      checkpoint: 'three-ds-top-window',
      summary: /popup/,
    },
    {
      faults: ['knet-receipt-missing-ids'],
      only: ['knet-success'],
      checkpoint: 'knet-receipt',
      summary: /knet_ref_number/,
    },
    {
      faults: ['sign-empty-params'],
      only: ['card-non3ds-success'],
      checkpoint: 'request-signature',
      summary: /empty parameter/,
    },
    {
      faults: ['no-response-signature-check'],
      only: ['card-declined'],
      probe: true,
      checkpoint: 'response-signature',
      summary: /showed success/,
    },
    {
      faults: ['static-stcpay'],
      only: ['stcpay-success', 'stcpay-declined'],
      checkpoint: 'stcpay-dynamic',
      summary: /customer/,
    },
    {
      faults: ['bad-agreement-id'],
      only: ['recurring-initial'],
      checkpoint: 'recurring-agreement',
      summary: /agreement_id/,
    },
    {
      faults: ['no-amount-validation'],
      only: ['card-non3ds-success'],
      probe: true,
      checkpoint: 'amount-validation',
      summary: /changed amount|amount .*showed success/,
    },
    {
      faults: ['extra-param'],
      only: ['card-non3ds-success'],
      checkpoint: 'request-signature',
      summary: /00027.*integration_type/,
    },
    {
      faults: ['server-tokenization'],
      only: ['card-save'],
      checkpoint: 'tokenization-client-side',
      summary: /TOKENIZATION/,
    },
    {
      faults: ['feedback-not-idempotent'],
      only: ['card-non3ds-success'],
      probe: true,
      checkpoint: 'feedback-urls',
      summary: /direct feedback URL answered \d+, then 500/,
    },
    {
      faults: ['phrase-in-page'],
      only: ['card-non3ds-success'],
      checkpoint: 'signature-backend',
      summary: /the request phrase is in the script http:\/\/[^ ]+\/js\/sign-request\.js/,
    },
  ];

  for (const c of CASES) {
    it(`fault ${c.faults.join('+')} fails ${c.checkpoint} and nothing else`, async () => {
      const { report } = await runCase(c);
      const failed = report.results.filter((r) => r.status === 'failed');
      expect(failed.map((r) => `${r.checkpointId}: ${r.summary}`)).toEqual([
        expect.stringMatching(new RegExp(`^${c.checkpoint}: `)),
      ]);
      expect(failed[0].summary).toMatch(c.summary);
      expect(failed[0].fix).toBeTruthy();
      expect(statusOf(report, c.checkpoint)).toBe('failed');
      // A leak is reported by its URL: the secret itself is never in the result.
      expect(JSON.stringify(report)).not.toContain(secrets.requestPhrase);
    }, 240_000);
  }
});
