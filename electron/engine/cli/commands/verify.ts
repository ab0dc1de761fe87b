import { CATALOG } from '../../../../shared/aps/catalog-index';
import type { CheckStatus } from '../../../../shared/schema/verify';
import { scenarioStateText } from '../../../../shared/schema/evidence';
import { CertkitError } from '../../errors';
import { confirmCheckpoint, unpassedScenarios, verifyWorkspace, type VerifyReport } from '../../verify';
import type { ScenarioSource } from '../../../../shared/schema/signoff';
import { defineCommand, stringOpt, workspaceArg } from '../command';
import { secretsFromEnv } from '../env';
import path from 'node:path';
import { workspaceOrigins } from '../../run/index';
import { loadTrustedCertificate, trustOrigins } from '../../tls-trust';
import { loadWorkspace } from '../../workspace/workspace';
import { table } from '../format';

const USAGE =
  'verify <workspace> [--json] [--probe-response [--trust-cert FILE]] [--confirm ID --note TEXT] [--unconfirm ID]';

const LABEL: Record<CheckStatus, string> = {
  passed: 'PASS',
  failed: 'FAIL',
  warn: 'WARN',
  'needs-confirmation': 'CONFIRM?',
  confirmed: 'CONFIRMED',
  'no-evidence': 'NO EVIDENCE',
  'not-applicable': 'N/A',
};

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** Each scenario with the run its evidence came from; the ones that did not pass first catch the eye. */
export function formatScenarios(scenarios: ScenarioSource[]): string {
  const rows = scenarios.map((s) => [
    s.state === 'passed' ? 'passed' : scenarioStateText(s.state).toUpperCase(),
    s.id,
    s.runId ? `${s.runId}${s.pinned ? ' (pinned)' : ''}` : '-',
    s.newest ? `newer run ${s.newest.runId} ${s.newest.status}` : '',
  ]);
  return table(['SCENARIO RESULT', 'SCENARIO', 'EVIDENCE FROM RUN', ''], rows);
}

export function formatReport(report: VerifyReport): string {
  const rows = report.results.map((r) => [
    LABEL[r.status],
    r.checkpointId,
    CATALOG.checkpoints.get(r.checkpointId).title,
  ]);
  let out = `Verification for ${report.account}\n\n${formatScenarios(report.scenarios)}\n`;
  out += `${table(['RESULT', 'CHECKPOINT', 'WHAT'], rows)}\n`;
  for (const r of report.results) {
    if (r.status === 'passed') continue;
    out += `${LABEL[r.status]} ${r.checkpointId}\n`;
    for (const l of wrap(r.summary, 100)) out += `  ${l}\n`;
    if (r.fix) for (const [i, l] of wrap(`fix: ${r.fix}`, 100).entries()) out += `  ${i ? '     ' : ''}${l}\n`;
    if (r.note) out += `  note: ${r.note}\n`;
    out += '\n';
  }
  const unpassed = unpassedScenarios(report);
  if (unpassed.length) {
    out += `${unpassed.length} scenario(s) did not pass in the evidence used: ${unpassed.map((s) => `${s.id} (${s.state}, run ${s.runId})`).join(', ')}. No checkpoint passes on their evidence; fix and run them again (certkit run <workspace> --only ${unpassed.map((s) => s.id).join(',')}).\n`;
  }
  if (report.probes)
    out += `Response probes: sent ${report.probes.at}${report.probes.fresh ? ' (now)' : ' (kept from that verification)'}\n`;
  const c = report.counts;
  out += `${c.passed} passed, ${c.failed} failed, ${c.warn} warn, ${c['needs-confirmation']} to confirm, ${c.confirmed} confirmed, ${c['no-evidence']} without evidence\n`;
  return out;
}

/** Exit code 1 when a checkpoint failed or a scenario's evidence is a failure. */
export function verifyExitCode(report: VerifyReport): number {
  return report.counts.failed > 0 || unpassedScenarios(report).length > 0 ? 1 : 0;
}

export const verifyCommand = defineCommand({
  name: 'verify',
  summary: 'Check every go-live checkpoint against the captured evidence (or record a confirmation)',
  usage: USAGE,
  options: {
    'trust-cert': {
      type: 'string',
      description: "with --probe-response: certificate of an https sandbox to accept for the workspace's own origins",
    },
    json: { type: 'boolean', description: 'print the report as JSON' },
    'probe-response': {
      type: 'boolean',
      description:
        'send the response probes to return_url and the feedback URLs (simulator or staging only); results are kept',
    },
    confirm: { type: 'string', description: 'checkpoint id to confirm by hand (with --note)' },
    unconfirm: { type: 'string', description: 'checkpoint id to withdraw a confirmation from' },
    note: { type: 'string', description: 'what you checked, recorded with --confirm' },
  },
  async run(args, ctx) {
    const dir = workspaceArg(args, ctx, USAGE);
    const confirm = stringOpt(args, 'confirm');
    const unconfirm = stringOpt(args, 'unconfirm');
    if (stringOpt(args, 'note') !== undefined && !confirm && !unconfirm) {
      throw new CertkitError('--note needs --confirm ID', {
        hint: 'certkit verify <workspace> --confirm inbound-ip --note "egress IPs differ: …"',
      });
    }
    if (confirm) await confirmCheckpoint(dir, confirm, true, stringOpt(args, 'note') ?? '');
    if (unconfirm) await confirmCheckpoint(dir, unconfirm, false, stringOpt(args, 'note') ?? '');
    // Phrases stay in the environment (or the app's keychain); the report never prints them.
    // The probes post to the store; an https sandbox's store needs its certificate trusted, for its origins only.
    const certFile = stringOpt(args, 'trust-cert');
    const release = certFile
      ? trustOrigins(
          await loadTrustedCertificate(path.resolve(ctx.cwd, certFile)),
          workspaceOrigins(await loadWorkspace(dir)),
        )
      : () => {};
    let report: VerifyReport;
    try {
      report = await verifyWorkspace(dir, {
        secrets: secretsFromEnv(ctx.env),
        appleSecrets: secretsFromEnv(ctx.env, 'CERTKIT_APPLE_'),
        probeResponseSignature: !!args.values['probe-response'],
      });
    } finally {
      release();
    }
    ctx.stdout.write(args.values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return verifyExitCode(report);
  },
});
