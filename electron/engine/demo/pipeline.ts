import { promises as fs } from 'node:fs';
import type { RunEvent } from '../../../shared/schema/events';
import type { CheckResult } from '../../../shared/schema/verify';
import type { BrowserEngine } from '../browser/engine';
import { WORKSPACE_FILE, type Workspace } from '../../../shared/schema/workspace';
import { writeSignoffEmail, type EmailResult } from '../email/index';
import type { Env } from '../env';
import { both } from '../../../shared/text';
import { CertkitError } from '../errors';
import { buildPackage, type PackageResult } from '../package/index';
import { runWorkspace, type RunSummary } from '../run/index';
import { parseFaults, startSandbox, type SandboxHandle, type SandboxOptions } from '../sandbox/index';
import { verifyWorkspace, type VerifyReport } from '../verify/index';
import type { MerchantSecrets } from '../workspace/secrets';
import { createDemoWorkspace } from './workspace';
import { packageGate, signoffStatus } from '../signoff/index';
import type { SignoffState } from '../../../shared/schema/signoff';

// The demo, once, for both its users: `certkit demo` runs every step; the app's "Try the demo" (workspace.demo)
// runs the first two and leaves the rest to the wizard's own steps.

/** The simulator and demo store on loopback, with the secrets that sign requests to them. */
export interface DemoSandbox {
  sandbox: SandboxHandle;
  /** The simulator's own published test credentials: signatures and CHECK_STATUS work against it. */
  secrets: MerchantSecrets;
}

export async function startDemoSandbox(
  options: Pick<SandboxOptions, 'feedbackRetry' | 'https'> = {},
): Promise<DemoSandbox> {
  const sandbox = await startSandbox({ port: 0, host: '127.0.0.1', ...options });
  const m = sandbox.merchant;
  return {
    sandbox,
    secrets: {
      accessCode: m.access_code,
      requestPhrase: m.sha_request_phrase,
      responsePhrase: m.sha_response_phrase,
      shaType: m.sha_type,
    },
  };
}

/**
 * Refuses a folder that holds some other workspace (a demo folder has its flows/ beside certkit.json), so the demo
 * never overwrites a real one. A missing folder is fine: the demo creates it.
 */
export async function assertDemoFolder(dir: string): Promise<void> {
  const existing = await fs.readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw new CertkitError(both(`cannot read ${dir}: ${err.message}`, `تعذّرت قراءة ${dir}: ${err.message}`), {
      hint: both('pick a folder you can write to', 'اختر مجلدًا تستطيع الكتابة فيه'),
    });
  });
  if (existing.includes(WORKSPACE_FILE) && !existing.includes('flows')) {
    throw new CertkitError(
      both(`${dir} already holds a workspace that is not a demo`, `${dir} يحوي من قبل مساحة عمل ليست تجريبية`),
      { hint: both('pick an empty or new folder for the demo', 'اختر مجلدًا فارغًا أو جديدًا للعرض التجريبي') },
    );
  }
}

/** Writes the demo workspace into `dir` (checked first), pointed at this sandbox. */
export async function prepareDemoWorkspace(
  dir: string,
  demo: DemoSandbox,
  options: { faults?: string[] } = {},
): Promise<Workspace> {
  await assertDemoFolder(dir);
  return createDemoWorkspace(dir, demo.sandbox, { faults: options.faults });
}

export interface DemoOptions {
  dir: string;
  concurrency?: number;
  browserPath?: string;
  browserEngine?: BrowserEngine;
  /** A remote browser to drive (--connect); it must reach the demo store's loopback address. */
  connect?: string;
  browserEnv?: Env;
  /** Demo store switches that break it the way docs/demo-store.md describes. */
  faults?: string[];
  only?: string[];
  /** Serve the sandbox over https with a certificate made at start; the run's browser trusts it by its public key. */
  https?: boolean;
  signal?: AbortSignal;
}

/** What the demo tells its caller as it goes; the CLI prints each, a test records them. */
export interface DemoReporter {
  sandbox?(sandbox: SandboxHandle): void;
  workspace?(dir: string): void;
  event?(event: RunEvent): void;
  ran?(summary: RunSummary): void;
  verified?(report: VerifyReport): void;
  packaged?(result: PackageResult): void;
  emailed?(email: EmailResult, signoff: SignoffState): void | Promise<void>;
}

/** What the steps share; later steps (verify, package, email) read what earlier ones left. */
export interface DemoState {
  options: DemoOptions;
  report: DemoReporter;
  demo?: DemoSandbox;
  summary?: RunSummary;
  /** Checklist results, computed once by the verify step and read by package and email. */
  checks?: CheckResult[];
  verify?: VerifyReport;
  /** What blocks sign-off after the package (the demo leaves the engineer's confirmations open, so its outputs are drafts). */
  signoff?: SignoffState;
  pkg?: PackageResult;
  email?: EmailResult;
  /** Every step ran: the demo was not stopped part way. */
  completed?: boolean;
}

export interface DemoStep {
  name: string;
  run(state: DemoState): Promise<void>;
}

function started(state: DemoState): DemoSandbox {
  if (!state.demo) throw new Error('the demo sandbox step must run first');
  return state.demo;
}

/** The demo as a list, so a new stage joins by adding a step. */
export const DEMO_STEPS: DemoStep[] = [
  {
    // Before any server starts, so a wrong folder or fault name costs nothing.
    name: 'folder',
    run: async (state) => {
      parseFaults((state.options.faults ?? []).join(','), '--faults');
      await assertDemoFolder(state.options.dir);
    },
  },
  {
    name: 'sandbox',
    async run(state) {
      state.demo = await startDemoSandbox({ https: state.options.https });
      state.report.sandbox?.(state.demo.sandbox);
    },
  },
  {
    name: 'workspace',
    async run(state) {
      await createDemoWorkspace(state.options.dir, started(state).sandbox, { faults: state.options.faults });
      state.report.workspace?.(state.options.dir);
    },
  },
  {
    name: 'run',
    async run(state) {
      const o = state.options;
      state.summary = await runWorkspace({
        workspaceDir: o.dir,
        concurrency: o.concurrency,
        browserPath: o.browserPath,
        browserEngine: o.browserEngine,
        connect: o.connect,
        browserEnv: o.browserEnv,
        only: o.only,
        secrets: started(state).secrets,
        trust: started(state).sandbox.certificate ? [started(state).sandbox.certificate!] : undefined,
        checkStatus: true,
        signal: o.signal,
        onEvent: state.report.event,
      });
      state.report.ran?.(state.summary);
    },
  },
  {
    name: 'verify',
    async run(state) {
      // The demo store is our own loopback shop, so the opt-in tamper probe is safe to send there.
      state.verify = await verifyWorkspace(state.options.dir, {
        secrets: started(state).secrets,
        probeResponseSignature: true,
      });
      state.checks = state.verify.results;
      state.report.verified?.(state.verify);
    },
  },
  {
    // Final only when nothing blocks sign-off; otherwise a draft that says so, as `certkit package --draft` builds.
    name: 'package',
    async run(state) {
      const verify = state.verify!;
      const { state: before } = await signoffStatus(state.options.dir, { report: verify });
      const blockers = packageGate(before);
      state.pkg = await buildPackage(state.options.dir, {
        secrets: started(state).secrets,
        checks: verify.results,
        verification: { verifiedAt: verify.verifiedAt, probedAt: verify.probes?.at },
        draft: blockers.length > 0,
        blockers,
        format: 'both',
        browserEnv: state.options.browserEnv,
      });
      state.report.packaged?.(state.pkg);
    },
  },
  {
    name: 'email',
    async run(state) {
      const verify = state.verify!;
      state.signoff = (await signoffStatus(state.options.dir, { report: verify })).state;
      state.email = await writeSignoffEmail(state.options.dir, {
        checks: verify.results,
        verification: { verifiedAt: verify.verifiedAt, probedAt: verify.probes?.at },
        draft: !state.signoff.ready,
        blockers: state.signoff.blockers,
        pkg: state.pkg,
        secrets: started(state).secrets,
      });
      await state.report.emailed?.(state.email, state.signoff);
    },
  },
];

/** Whether the demo is a success: every step ran, every scenario it ran passed and no checkpoint failed. */
export function demoSucceeded(state: DemoState): boolean {
  const failedScenario = state.summary?.results.some((r) => r.status === 'failed') ?? false;
  return !!state.completed && !failedScenario && (state.verify?.counts.failed ?? 0) === 0;
}

/** Runs every step (stopping early when the signal aborts) and always closes the sandbox. */
export async function runDemo(options: DemoOptions, report: DemoReporter = {}): Promise<DemoState> {
  const state: DemoState = { options, report };
  try {
    for (const step of DEMO_STEPS) {
      if (options.signal?.aborted) break;
      await step.run(state);
    }
    // A run stopped part way returns normally; the steps after it then have nothing whole to work on.
    state.completed = !options.signal?.aborted && !state.summary?.stopped;
  } finally {
    await state.demo?.sandbox.close();
  }
  return state;
}
