import type { CertkitApi } from '../../shared/api/contract';
import { ApiCallError, groupedApi } from '../../shared/api/client';
import type { CallName, EventName } from '../../shared/api/names';
import { workspaceSchema } from '../../shared/schema/workspace';
import { planView } from '../../electron/engine/api/workspace-calls';

/** An in-memory API for renderer tests: records calls, answers from handlers, and lets a test fire events. */
export function fakeApi(handlers: Partial<Record<CallName, (input: any) => unknown>> = {}) {
  const calls: { name: CallName; input: any }[] = [];
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const workspace = workspaceSchema.parse({
    version: 1,
    account: { name: 'Fake Store' },
    integrationTypes: ['hosted'],
    methods: ['VISA'],
  });
  const defaults: Partial<Record<CallName, (input: any) => unknown>> = {
    'app.info': () => ({ version: '0.1.0', transport: 'browser', secretsStore: 'memory', missing: [] }),
    'workspace.current': () => null,
    'workspace.recent': () => ({ dirs: ['/recent/one'] }),
    'workspace.open': ({ dir }) => ({ dir, workspace }),
    'workspace.save': ({ workspace: w }) => ({ dir: '/ws', workspace: workspaceSchema.parse(w) }),
    'workspace.plan': () => planView(workspace),
    'secrets.status': () => ({
      store: 'memory',
      accessCode: false,
      requestPhrase: false,
      responsePhrase: false,
      shaType: 'sha256',
    }),
    'run.status': () => ({ running: false, scenarios: [], log: [] }),
  };
  const api: CertkitApi = groupedApi(
    async (name, input) => {
      calls.push({ name, input });
      const fn = handlers[name] ?? defaults[name];
      if (!fn) throw new ApiCallError(name, `${name} not faked`);
      return fn(input);
    },
    (event: EventName, cb) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(cb);
      return () => set.delete(cb);
    },
  );
  return {
    api,
    calls,
    workspace,
    fire(event: EventName, payload: unknown) {
      listeners.get(event)?.forEach((cb) => cb(payload));
    },
    listenerCount: (event: EventName) => listeners.get(event)?.size ?? 0,
  };
}
