import os from 'node:os';
import path from 'node:path';
import type { ApiTable } from '../../../shared/api/contract';
import { prepareDemoWorkspace, startDemoSandbox, type DemoSandbox } from '../demo/pipeline';
import { both } from '../../../shared/text';
import { CertkitError } from '../errors';
import { toApiError } from './dispatch';
import { newRunId } from '../evidence/store';
import { pickScenarios, runWorkspace } from '../run/index';
import { acquireWorkspaceLock } from '../util/workspace-lock';
import type { ApiHost, ApiSession } from './context';
import type { RunTracker } from './run-tracker';
import { secretsFor } from './secrets-of';
import { forgetChecks, refreshWorkspace } from './session';
import { openWorkspace } from './workspace-calls';

type RunCalls = Pick<ApiTable, 'run.start' | 'run.stop' | 'run.status' | 'workspace.demo'>;

export function runCalls(host: ApiHost, session: ApiSession, tracker: RunTracker): RunCalls {
  let abort: AbortController | undefined;
  let demo: DemoSandbox | undefined;
  return {
    'workspace.demo': async ({ dir: given }) => {
      const dir = path.resolve(given ?? host.demoDir ?? path.join(os.tmpdir(), 'certkit-demo'));
      // One simulator + demo store per app session (the same pipeline `certkit demo` runs); the demo workspace
      // points at their per-launch ports.
      if (!demo) {
        const started = await startDemoSandbox();
        demo = started;
        (session.disposers ??= []).push(async () => {
          if (demo === started) demo = undefined;
          await started.sandbox.close();
        });
      }
      await prepareDemoWorkspace(dir, demo);
      await host.secrets.write(dir, demo.secrets);
      return openWorkspace(host, session, dir);
    },
    'run.start': async ({ concurrency, resume, only }) => {
      const { dir, workspace } = await refreshWorkspace(session);
      if (tracker.running)
        throw new CertkitError(both('a run is already in progress', 'هناك تشغيل جارٍ بالفعل'), {
          hint: both('wait for it to finish, or stop it first', 'انتظر حتى ينتهي، أو أوقفه أولًا'),
          exitCode: 1,
        });
      // Checked before anything starts, so a scenario outside the plan is this call's error, not a failed run.
      const planned = pickScenarios(workspace, only).map((s) => s.id);
      const secrets = await secretsFor(host, dir);
      // Taken before the run is started, so a workspace busy with another writer is the answer to this call.
      const lock = await acquireWorkspaceLock(dir, 'run');
      const runId = newRunId();
      abort = new AbortController();
      const signal = abort.signal;
      tracker.begin(runId, planned);
      tracker.note('info', { kind: 'run-starting', runId, resume: !!resume });
      // The run goes on in the background; progress reaches the window as run.* events, and run.status answers late joiners.
      void lock
        .run(() =>
          runWorkspace({
            workspaceDir: dir,
            runId,
            concurrency,
            resume,
            only,
            secrets,
            browserEnv: host.browserEnv,
            signal,
            onEvent: (e) => {
              // New evidence: checks verified before it no longer hold. Dropped before the window hears run.finished,
              // so a package or email it asks for right away verifies again.
              if (e.type === 'run-finished') forgetChecks(session);
              tracker.handle(e);
            },
          }),
        )
        .then((summary) => {
          forgetChecks(session);
          tracker.finish(summary.runId);
        })
        .catch((err) => {
          // Evidence written before the failure is on disk, so the checks must be computed again either way.
          forgetChecks(session);
          const { message, hint, ar } = toApiError(err);
          tracker.note('error', {
            kind: 'run-failed',
            error: { message, ...(hint ? { hint } : {}) },
            ...(ar ? { ar } : {}),
          });
          tracker.finish(runId);
        });
      return { runId };
    },
    'run.stop': async () => {
      if (!tracker.running || !abort) return { stopped: false };
      tracker.stopped = true;
      tracker.note('warn', { kind: 'stop-requested' });
      abort.abort();
      return { stopped: true };
    },
    'run.status': async () => tracker.status(),
  };
}
