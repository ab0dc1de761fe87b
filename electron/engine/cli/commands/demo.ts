import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSandbox, type SandboxHandle } from '../../sandbox/index';
import { createDemoWorkspace } from '../../run/demo';
import { runWorkspace, type RunSummary } from '../../run/index';
import { progressPrinter, summaryRows } from '../../run/progress';
import type { MerchantSecrets } from '../../workspace/secrets';
import { parseShaType } from '../../../../shared/aps/sha';
import { CertkitError } from '../../errors';
import { defineCommand, listOpt, stringOpt, type CliContext } from '../command';
import { table } from '../format';
import type { CheckResult } from '../../../../shared/schema/verify';
import type { PackageResult } from '../../package/index';
import { emailDemoStep } from './email';
import { packageDemoStep } from './package';
import { verifyDemoStep } from './verify';
import { parseConcurrency } from './run';

/** What the demo steps share. Later steps (verify, package, email) read the workspace and the run from here. */
export interface DemoState {
  dir: string;
  ctx: CliContext;
  options: { concurrency?: number; browserPath?: string; faults?: string[]; only?: string[]; https?: boolean };
  sandbox?: SandboxHandle;
  secrets?: MerchantSecrets;
  summary?: RunSummary;
  /** Checklist results, computed once by the verify step and read by package and email. */
  checks?: CheckResult[];
  pkg?: PackageResult;
  /** Exit code so far; a step raises it to 1 when what it checked is not fine. */
  exitCode: number;
}

export interface DemoStep {
  name: string;
  run(state: DemoState): Promise<void>;
}

/**
 * The demo, as a list so verification, packaging and the email join by appending a step.
 * The sandbox is closed after the last step whatever happens.
 */
export const DEMO_STEPS: DemoStep[] = [
  {
    name: 'sandbox',
    async run(state) {
      state.sandbox = await startSandbox({ port: 0, host: '127.0.0.1', https: state.options.https });
      const m = state.sandbox.merchant;
      // The sandbox's own published test credentials, used only to sign CHECK_STATUS against the simulator.
      state.secrets = {
        accessCode: m.access_code,
        requestPhrase: m.sha_request_phrase,
        responsePhrase: m.sha_response_phrase,
        shaType: parseShaType(String(m.sha_type)) ?? 'sha256',
      };
      state.ctx.stderr.write(`demo store ${state.sandbox.store}\nsimulator  ${state.sandbox.simulatorOrigin}\n`);
      const cert = state.sandbox.certificate;
      if (cert) state.ctx.stderr.write(`https      ${cert.certPath} (SHA-256 ${cert.sha256})\n`);
    },
  },
  {
    name: 'workspace',
    async run(state) {
      await createDemoWorkspace(state.dir, state.sandbox!, { faults: state.options.faults });
      state.ctx.stderr.write(`workspace  ${state.dir}\n`);
    },
  },
  {
    name: 'run',
    async run(state) {
      const summary = await runWorkspace({
        workspaceDir: state.dir,
        concurrency: state.options.concurrency,
        browserPath: state.options.browserPath,
        only: state.options.only,
        secrets: state.secrets,
        // The browser accepts the https sandbox's own certificate, by its public key; nothing else changes.
        trust: state.sandbox?.certificate ? [state.sandbox.certificate] : undefined,
        checkStatus: true,
        signal: state.ctx.signal,
        onEvent: progressPrinter(state.ctx.stderr, state.ctx.isTTY),
      });
      state.summary = summary;
      state.ctx.stdout.write(`run ${summary.runId}\n`);
      state.ctx.stdout.write(table(['scenario', 'outcome', 'merchant reference', 'screenshots'], summaryRows(summary)));
      if (summary.results.some((r) => r.status === 'failed')) state.exitCode = 1;
    },
  },
  verifyDemoStep,
  packageDemoStep,
  emailDemoStep,
];

export const demoCommand = defineCommand({
  name: 'demo',
  summary: 'Run the whole job on the built-in APS simulator and demo store: capture, verify, package, email',
  usage: 'demo [dir] [--concurrency N] [--browser PATH] [--faults a,b] [--only IDS] [--https]',
  options: {
    https: { type: 'boolean' },
    concurrency: { type: 'string' },
    browser: { type: 'string' },
    faults: { type: 'string' },
    only: { type: 'string' },
  },
  async run(args, ctx) {
    const dir = args.positionals[0]
      ? path.resolve(ctx.cwd, args.positionals[0])
      : await fs.mkdtemp(path.join(os.tmpdir(), 'certkit-demo-'));
    const existing: string[] = await fs.readdir(dir).catch(() => [] as string[]);
    if (existing.includes('certkit.json') && !existing.some((f) => f === 'flows')) {
      throw new CertkitError(`${dir} already holds a workspace that is not a demo`, {
        hint: 'give an empty or new folder for the demo',
      });
    }
    const state: DemoState = {
      dir,
      ctx,
      exitCode: 0,
      options: {
        concurrency: parseConcurrency(stringOpt(args, 'concurrency')),
        browserPath: stringOpt(args, 'browser'),
        faults: listOpt(args, 'faults'),
        only: listOpt(args, 'only'),
        https: !!args.values.https,
      },
    };
    try {
      for (const step of DEMO_STEPS) {
        if (ctx.signal.aborted) break;
        await step.run(state);
      }
    } finally {
      await state.sandbox?.close();
    }
    return state.exitCode;
  },
});
