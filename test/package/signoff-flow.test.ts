import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoWorkspace } from '../../electron/engine/demo/workspace';
import { readPackageIndex } from '../../electron/engine/package/index';
import { runWorkspace } from '../../electron/engine/run/index';
import { startSandbox, type SandboxHandle } from '../../electron/engine/sandbox/index';
import type { MerchantSecrets } from '../../electron/engine/workspace/secrets';
import type { VerifyReport } from '../../electron/engine/verify/index';
import { CATALOG } from '../../shared/aps/catalog-index';
import { checkStatusText } from '../../shared/schema/verify';
import type { SignoffState } from '../../shared/schema/signoff';
import { runCli } from '../helpers/cli';
import { removeTempDirs, tempDir } from '../helpers/tmp';
import { readZip } from './zip-read';

// The whole path from runs to sign-off on the simulator and demo store, through the CLI as a user would take it:
// the package and email are refused while anything blocks sign-off, state what verify states (probes included),
// follow each scenario's newest run (a newer failure is not papered over by an older pass) unless it is pinned.

let sb: SandboxHandle;
let ws: string;
let secrets: MerchantSecrets;
let env: Record<string, string>;
let firstRun: string;

const cli = (...argv: string[]) => runCli(argv, { env, cwd: ws });

beforeAll(async () => {
  sb = await startSandbox({ feedbackRetry: { tries: 1, intervalMs: 10 } });
  ws = tempDir('certkit-signoff-').dir;
  await createDemoWorkspace(ws, sb);
  const m = sb.merchant;
  secrets = {
    accessCode: m.access_code,
    requestPhrase: m.sha_request_phrase,
    responsePhrase: m.sha_response_phrase,
    shaType: m.sha_type,
  };
  env = {
    CERTKIT_ACCESS_CODE: m.access_code,
    CERTKIT_SHA_REQUEST_PHRASE: m.sha_request_phrase,
    CERTKIT_SHA_RESPONSE_PHRASE: m.sha_response_phrase,
    CERTKIT_SHA_TYPE: m.sha_type,
  };
  // A card shop on hosted checkout: three scenarios.
  const narrowed = await cli(
    'config',
    '.',
    'methods=VISA',
    'integrationTypes=hosted',
    'features.installments=false',
    'features.savedCards=false',
    'features.recurring=false',
  );
  expect(narrowed.code).toBe(0);
  const summary = await runWorkspace({ workspaceDir: ws, secrets, concurrency: 2 });
  expect(summary.results.map((r) => [r.scenarioId, r.status])).toEqual([
    ['card-non3ds-success', 'passed'],
    ['card-3ds-success', 'passed'],
    ['card-declined', 'passed'],
  ]);
  firstRun = summary.runId;
}, 240_000);

afterAll(async () => {
  await sb?.close();
  removeTempDirs();
});

const verifyJson = async (...extra: string[]) => {
  const r = await cli('verify', '.', '--json', ...extra);
  return { code: r.code, report: JSON.parse(r.stdout) as VerifyReport };
};

/** "- Title: status" lines of the email's checklist section, as checkpoint title -> status words. */
function emailStatements(text: string): Map<string, string> {
  const section = text.split('\n2. ')[1].split('\n3. ')[0];
  const out = new Map<string, string>();
  for (const line of section.split('\n')) {
    const m = /^- (.+?): (passed|FAILED|warning|awaiting confirmation|confirmed by the engineer|no evidence yet)/.exec(
      line,
    );
    if (m) out.set(m[1], m[2]);
  }
  return out;
}

describe('from runs to sign-off, on the simulator', () => {
  it('refuses the package and the email while checkpoints await confirmation, and says which', async () => {
    const probed = await verifyJson('--probe-response');
    expect(probed.code).toBe(0);
    const status = (id: string) => probed.report.results.find((r) => r.checkpointId === id)?.status;
    // The probes decided these two: kept for every later verification, package and email.
    expect(status('response-signature')).toBe('passed');
    expect(status('amount-validation')).toBe('passed');
    expect(probed.report.probes?.at).toBeTruthy();

    const pkg = await cli('package', '.', '--format', 'zip');
    expect(pkg.code).toBe(1);
    const waiting = probed.report.results.filter((r) => r.status === 'needs-confirmation');
    expect(waiting.length).toBeGreaterThan(0);
    for (const r of waiting)
      expect(pkg.stderr).toContain(`${CATALOG.checkpoints.get(r.checkpointId).title}: awaiting confirmation`);
    await expect(fs.readdir(path.join(ws, 'output', 'package'))).rejects.toThrow(/ENOENT/);
    const email = await cli('email', '.');
    expect(email.code).toBe(1);
    expect(email.stderr).toMatch(/No package has been built/);

    const signoff = await cli('signoff', '.', '--json');
    expect(signoff.code).toBe(1);
    const state = JSON.parse(signoff.stdout) as SignoffState;
    expect(state.blockers.map((b) => b.fix)).toEqual([
      ...waiting.map((r) => ({ action: 'confirm', checkpoint: r.checkpointId })),
      { action: 'build-package' },
    ]);
    expect(state.probedAt).toBe(probed.report.probes!.at);
  }, 120_000);

  it('builds the final package and email once nothing blocks, stating what verify states', async () => {
    const { report } = await verifyJson();
    for (const r of report.results.filter((x) => x.status === 'needs-confirmation')) {
      const c = await cli('verify', '.', '--confirm', r.checkpointId, '--note', `Checked ${r.checkpointId} by hand`);
      expect(c.code).toBe(0);
    }
    const pkg = await cli('package', '.', '--format', 'zip');
    expect({ code: pkg.code, err: pkg.stderr.split('\n').filter((l) => !/^(packing|wrote|writing)/.test(l)) }).toEqual({
      code: 0,
      err: [''],
    });
    const idx = (await readPackageIndex(path.join(ws, 'output', 'package')))!;
    expect(idx.draft).toBe(false);
    expect(idx.files.map((f) => path.basename(f.path))).toEqual(['Certkit-Demo-Store_general.zip']);
    const manifest = JSON.parse((await readZip(idx.files[0].path)).get('manifest.json')!.toString('utf8'));
    const after = (await verifyJson()).report;
    expect(manifest.draft).toBe(false);
    expect(manifest.checklist.checkpoints).toEqual(
      after.results.map((r) => ({
        id: r.checkpointId,
        title: CATALOG.checkpoints.get(r.checkpointId).title,
        status: r.status,
      })),
    );
    expect(manifest.checklist.response_probes_at).toBe(after.probes!.at);
    expect(manifest.scenarios.map((s: { id: string; run_id: string }) => [s.id, s.run_id])).toEqual([
      ['card-non3ds-success', firstRun],
      ['card-3ds-success', firstRun],
      ['card-declined', firstRun],
    ]);

    const email = await cli('email', '.');
    expect(email.code).toBe(0);
    expect(email.stdout).toContain('subject: Integration Sign-off - Certkit Demo Store');
    const text = await fs.readFile(path.join(ws, 'output', 'signoff-email.txt'), 'utf8');
    // Every checkpoint line says what verify says, the probe-decided ones included.
    const said = emailStatements(text);
    expect(said.size).toBe(after.results.length);
    for (const r of after.results)
      expect([r.checkpointId, said.get(CATALOG.checkpoints.get(r.checkpointId).title)]).toEqual([
        r.checkpointId,
        checkStatusText(r.status),
      ]);
    expect(text).toContain(`including the response probes of ${after.probes!.at}`);
    expect(text).not.toMatch(/DRAFT/);
  }, 180_000);

  it('a newer failing run makes verify fail and blocks sign-off; a pin on the passing run is stated', async () => {
    // The shop is down for this run of card-declined.
    const down = await runWorkspace({
      workspaceDir: ws,
      only: ['card-declined'],
      secrets,
      variables: { baseUrl: 'http://127.0.0.1:9' },
    });
    expect(down.results[0].status).toBe('failed');
    const verify = await cli('verify', '.');
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(new RegExp(`FAILED\\s+card-declined\\s+${down.runId}`));
    expect(verify.stdout).toMatch(/1 scenario\(s\) did not pass in the evidence used: card-declined \(failed/);
    // The signature probe replayed card-declined's answer from the first run: no longer the evidence, not kept.
    const { report } = await verifyJson();
    expect(report.results.find((r) => r.checkpointId === 'response-signature')?.summary).toMatch(
      /no longer the evidence used for it.*probe again/,
    );
    const pkg = await cli('package', '.', '--format', 'zip');
    expect(pkg.code).toBe(1);
    expect(pkg.stderr).toMatch(
      new RegExp(
        `Declined transaction \\(card-declined\\) failed in run ${down.runId}[^\\n]*\\n {4}fix: run card-declined: certkit run <workspace> --only card-declined`,
      ),
    );
    const ledger = await cli('ledger', '.', '--json');
    expect(JSON.parse(ledger.stdout).find((e: { scenarioId: string }) => e.scenarioId === 'card-declined').runId).toBe(
      down.runId,
    );

    // The engineer knows the shop was down and pins the passing run: stated as pinned, with the newer failure.
    expect((await cli('pin', '.', '--scenario', 'card-declined', '--run', firstRun)).code).toBe(0);
    expect((await cli('verify', '.')).code).toBe(0);
    const draft = await cli('package', '.', '--format', 'zip');
    expect(draft.code).toBe(0);
    const idx = (await readPackageIndex(path.join(ws, 'output', 'package')))!;
    const manifest = JSON.parse((await readZip(idx.files[0].path)).get('manifest.json')!.toString('utf8'));
    expect(manifest.scenarios.find((s: { id: string }) => s.id === 'card-declined')).toMatchObject({
      run_id: firstRun,
      run_pinned: true,
    });
    const txt = (await readZip(idx.files[0].path)).get('manifest.txt')!.toString('utf8');
    expect(txt).toContain(`evidence: run ${firstRun} (pinned), finished`);
    const html = await fs.readFile(path.join(ws, 'output', 'package', 'report', 'index.html'), 'utf8');
    expect(html).toContain(`<code>${firstRun}</code> <b>pinned</b>`);
    expect(html).toContain(`newer run ${down.runId}: failed`);

    // Unpinned, the newest run speaks again.
    expect((await cli('pin', '.', '--scenario', 'card-declined', '--latest')).code).toBe(0);
    expect((await cli('verify', '.')).code).toBe(1);
    expect((await cli('email', '.')).code).toBe(1);
  }, 180_000);
});
