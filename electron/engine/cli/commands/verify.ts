import { CATALOG } from '../../../../shared/aps/catalog-index';
import type { CheckResult } from '../../../../shared/schema/verify';
import { CertkitError } from '../../errors';
import { confirmCheckpoint, verifyWorkspace, type VerifyReport } from '../../verify';
import { secretsFromEnv } from '../../workspace/secrets';
import { defineCommand, stringOpt } from '../command';
import { table } from '../format';
import type { DemoStep } from './demo';

const LABEL: Record<CheckResult['status'], string> = {
  pass: 'PASS',
  fail: 'FAIL',
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

export function formatReport(report: VerifyReport): string {
  const rows = report.results.map((r) => [LABEL[r.status], r.checkpointId, CATALOG.checkpoints.get(r.checkpointId).title]);
  let out = `Verification for ${report.account}\n\n${table(['RESULT', 'CHECKPOINT', 'WHAT'], rows)}\n`;
  for (const r of report.results) {
    if (r.status === 'pass') continue;
    out += `${LABEL[r.status]} ${r.checkpointId}\n`;
    for (const l of wrap(r.summary, 100)) out += `  ${l}\n`;
    if (r.fix) for (const [i, l] of wrap(`fix: ${r.fix}`, 100).entries()) out += `  ${i ? '     ' : ''}${l}\n`;
    if (r.note) out += `  note: ${r.note}\n`;
    out += '\n';
  }
  const c = report.counts;
  out += `${c.pass} pass, ${c.fail} fail, ${c.warn} warn, ${c['needs-confirmation']} to confirm, ${c.confirmed} confirmed, ${c['no-evidence']} without evidence\n`;
  return out;
}

export const verifyCommand = defineCommand({
  name: 'verify',
  summary: 'Check every go-live checkpoint against the captured evidence (or record a confirmation)',
  usage: 'verify <workspace> [--json] [--probe-response] [--confirm ID --note TEXT] [--unconfirm ID]',
  options: {
    json: { type: 'boolean' },
    'probe-response': { type: 'boolean' },
    confirm: { type: 'string' },
    unconfirm: { type: 'string' },
    note: { type: 'string' },
  },
  async run(args, ctx) {
    const dir = args.positionals[0];
    if (!dir) throw new CertkitError('no workspace folder given', { hint: 'certkit verify <workspace> [--json]' });
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
    const e = ctx.env;
    const appleSecrets = secretsFromEnv({
      CERTKIT_ACCESS_CODE: e.CERTKIT_APPLE_ACCESS_CODE,
      CERTKIT_SHA_REQUEST_PHRASE: e.CERTKIT_APPLE_SHA_REQUEST_PHRASE,
      CERTKIT_SHA_RESPONSE_PHRASE: e.CERTKIT_APPLE_SHA_RESPONSE_PHRASE,
      CERTKIT_SHA_TYPE: e.CERTKIT_APPLE_SHA_TYPE ?? e.CERTKIT_SHA_TYPE,
    });
    const report = await verifyWorkspace(dir, {
      secrets: secretsFromEnv(e),
      appleSecrets,
      probeResponseSignature: !!args.values['probe-response'],
    });
    ctx.stdout.write(args.values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return report.counts.fail > 0 ? 1 : 0;
  },
});

/** The demo's verification step: checks once, prints the table, and hands the results to package and email. */
export const verifyDemoStep: DemoStep = {
  name: 'verify',
  async run(state) {
    // The demo store is our own loopback shop, so the opt-in tamper probe is safe to send there.
    const report = await verifyWorkspace(state.dir, { secrets: state.secrets, probeResponseSignature: true });
    state.checks = report.results;
    state.ctx.stdout.write(`\n${formatReport(report)}\n`);
    if (report.counts.fail > 0) state.exitCode = 1;
  },
};
