import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { demoSucceeded, runDemo } from '../../demo/pipeline';
import { progressPrinter, summaryRows } from '../../run/progress';
import { defineCommand, listOpt, stringOpt } from '../command';
import { formatBytes, table } from '../format';
import { BROWSER_OPTION, browserChoice, CONNECT_OPTION, parseConcurrency } from './run';
import { formatReport } from './verify';
import { blockerLines } from '../../signoff/index';

const size = async (file: string) => formatBytes((await fs.stat(file)).size);

export const demoCommand = defineCommand({
  name: 'demo',
  summary: 'Run the whole job on the built-in APS simulator and demo store: capture, verify, package, email',
  usage: 'demo [dir] [--concurrency N] [--browser firefox|PATH] [--connect URL] [--faults a,b] [--only IDS] [--https]',
  positionals: 1,
  windsDown: true,
  options: {
    https: {
      type: 'boolean',
      description: 'serve the simulator and demo store over https (self-signed, trusted for this run only)',
    },
    concurrency: { type: 'string', description: 'scenarios run at once, 1 to 8 (default 2)' },
    browser: BROWSER_OPTION,
    connect: CONNECT_OPTION,
    faults: { type: 'string', description: 'comma-separated demo-store mistakes to switch on (docs/demo-store.md)' },
    only: { type: 'string', description: 'comma-separated scenario ids to run (default: the whole plan)' },
  },
  async run(args, ctx) {
    const concurrency = parseConcurrency(stringOpt(args, 'concurrency'));
    const dir = args.positionals[0]
      ? path.resolve(ctx.cwd, args.positionals[0])
      : await fs.mkdtemp(path.join(os.tmpdir(), 'certkit-demo-'));
    const out = ctx.stdout;
    const err = ctx.stderr;
    const state = await runDemo(
      {
        dir,
        concurrency,
        ...browserChoice(args),
        browserEnv: ctx.env,
        faults: listOpt(args, 'faults'),
        only: listOpt(args, 'only'),
        https: !!args.values.https,
        signal: ctx.signal,
      },
      {
        sandbox: (sb) => {
          err.write(`demo store ${sb.store}\nsimulator  ${sb.simulatorOrigin}\n`);
          if (sb.certificate) err.write(`https      ${sb.certificate.certPath} (SHA-256 ${sb.certificate.sha256})\n`);
        },
        workspace: (d) => err.write(`workspace  ${d}\n`),
        event: progressPrinter(err, ctx.isTTY),
        ran: (summary) => {
          out.write(`run ${summary.runId}\n`);
          out.write(table(['scenario', 'outcome', 'merchant reference', 'screenshots'], summaryRows(summary)));
        },
        verified: (report) => out.write(`\n${formatReport(report)}\n`),
        packaged: (pkg) => {
          out.write(`package ${pkg.outDir}\n`);
          out.write(
            table(
              ['file', 'size', 'parts'],
              pkg.files.map((f) => [f.path, formatBytes(f.bytes), String(f.parts)]),
            ),
          );
          out.write(`report ${pkg.reportPath}${pkg.draft ? ' (DRAFT: see what blocks sign-off below)' : ''}\n`);
          for (const w of pkg.warnings) err.write(`warning: ${w}\n`);
        },
        emailed: async (email, signoff) => {
          out.write(
            `email ${email.emlPath} (${await size(email.emlPath)}, attachments ${email.attachmentsInline ? 'inside' : 'to add by hand'})\n`,
          );
          out.write(`email text ${email.textPath} (${await size(email.textPath)})\n`);
          if (!signoff.ready)
            out.write(
              `\nThe package and email are DRAFTS: ${signoff.blockers.length} item(s) block sign-off (a demo leaves your confirmations to you):\n${blockerLines(signoff.blockers).join('\n')}\n`,
            );
        },
      },
    );
    return demoSucceeded(state) ? 0 : 1;
  },
});
