import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApiTable } from '../../../shared/api/contract';
import { parseShaType } from '../../../shared/aps/sha';
import { WORKSPACE_FILE } from '../../../shared/schema/workspace';
import { createDemoWorkspace } from '../run/demo';
import { startSandbox, type SandboxHandle } from '../sandbox/index';
import { openWorkspace } from './workspace-calls';
import { describeError, CertkitError } from '../errors';
import { newRunId } from '../evidence/store';
import { runWorkspace } from '../run/index';
import type { ApiHost, ApiSession } from './context';
import type { RunTracker } from './run-tracker';
import { secretsFor } from './secrets-of';
import { requireWorkspace } from './session';

type RunCalls = Pick<ApiTable, 'run.start' | 'run.stop' | 'run.status' | 'workspace.demo'>;

export function runCalls(host: ApiHost, session: ApiSession, tracker: RunTracker): RunCalls {
  let abort: AbortController | undefined;
  let sandbox: SandboxHandle | undefined;
  return {
    'workspace.demo': async ({ dir: given }) => {
      const dir = path.resolve(given ?? host.demoDir ?? path.join(os.tmpdir(), 'certkit-demo'));
      const existing = await fs.readdir(dir).catch(() => [] as string[]);
      if (existing.includes(WORKSPACE_FILE) && !existing.includes('flows')) {
        throw new CertkitError(`${dir} already holds a workspace that is not a demo`, {
          hint: 'pick an empty or new folder for the demo',
        });
      }
      // One simulator + demo store per app session; the demo workspace points at their (per-launch) ports.
      sandbox ??= await startSandbox({ port: 0, host: '127.0.0.1' });
      const started = sandbox;
      (session.disposers ??= []).push(async () => {
        await started.close();
        if (sandbox === started) sandbox = undefined;
      });
      await createDemoWorkspace(dir, started);
      const m = started.merchant;
      // The simulator's own published test credentials, so signatures and CHECK_STATUS work in the demo.
      await host.secrets.write(dir, {
        accessCode: m.access_code,
        requestPhrase: m.sha_request_phrase,
        responsePhrase: m.sha_response_phrase,
        shaType: parseShaType(String(m.sha_type)) ?? 'sha256',
      });
      return openWorkspace(host, session, dir);
    },
    'run.start': async ({ concurrency, resume, only }) => {
      const { dir } = requireWorkspace(session);
      if (tracker.running)
        throw new CertkitError('a run is already in progress', { hint: 'wait for it to finish, or stop it first' });
      const runId = newRunId();
      abort = new AbortController();
      const signal = abort.signal;
      tracker.begin(runId, []);
      tracker.note('info', `starting run ${runId}${resume ? ' (resume: complete scenarios are skipped)' : ''}`);
      const secrets = await secretsFor(host, dir);
      // The run goes on in the background; progress reaches the window as run.* events, and run.status answers late joiners.
      void runWorkspace({
        workspaceDir: dir,
        runId,
        concurrency,
        resume,
        only,
        secrets,
        signal,
        onEvent: (e) => tracker.handle(e),
      })
        .then((summary) => {
          const passed = summary.results.filter((r) => r.status === 'passed').length;
          const failed = summary.results.filter((r) => r.status === 'failed').length;
          tracker.finish(summary.runId, passed, failed);
        })
        .catch((err) => {
          tracker.note('error', describeError(err));
          tracker.finish(runId, 0, 0);
        });
      return { runId };
    },
    'run.stop': async () => {
      if (!tracker.running || !abort) return { stopped: false };
      tracker.stopped = true;
      tracker.note('warn', 'stop requested: scenarios in flight end now, their evidence so far is kept');
      abort.abort();
      return { stopped: true };
    },
    'run.status': async () => tracker.status(),
  };
}
