import type { ApiTable } from '../../../shared/api/contract';
import type { ApiHost, ApiSession } from './context';
import { evidenceCalls } from './evidence-calls';
import { flowCalls } from './flow-calls';
import { outputCalls } from './output-calls';
import { runCalls } from './run-calls';
import { RunTracker } from './run-tracker';
import { workspaceCalls } from './workspace-calls';

export const APP_VERSION = '0.1.0';

/**
 * The one implementation of the contract, in plain Node. Electron's IPC binder and the browser host bind this
 * same table; a session is one open workspace (one window, or one host process).
 */
export function createApiTable(host: ApiHost, session: ApiSession = {}): ApiTable {
  const tracker = new RunTracker(host.emit);
  return {
    'app.info': async () => ({
      version: APP_VERSION,
      transport: host.transport,
      secretsStore: host.secrets.kind,
    }),
    'app.pickFolder': async ({ title }) =>
      host.pickFolder
        ? { supported: true, dir: await host.pickFolder({ title: title ?? 'Choose a folder' }) }
        : { supported: false },
    'app.copyText': async ({ text }) => ({ copied: host.writeClipboard ? await host.writeClipboard(text) : false }),
    ...workspaceCalls(host, session),
    ...flowCalls(session),
    ...runCalls(host, session, tracker),
    ...evidenceCalls(session),
    ...outputCalls(host, session),
  };
}
