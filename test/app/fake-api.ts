import { bridgeApi, type CertkitBridge } from '../../shared/api/client';
import type { CertkitApi } from '../../shared/api/contract';
import type { CallName, EventName } from '../../shared/api/names';
import { workspaceSchema } from '../../shared/schema/workspace';
import { toApiError } from '../../electron/engine/api/dispatch';
import { planView } from '../../electron/engine/api/workspace-calls';

/**
 * An in-memory API for renderer tests: records calls, answers from handlers, and lets a test fire events. It is a
 * transport like the real two: a handler's value or error (a CertkitError, as the engine throws) travels as the
 * reply envelope and is unwrapped by the renderer's own code.
 */
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
    'app.info': () => ({ version: '0.1.0', transport: 'browser', secretsStore: 'memory' }),
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
    'signoff.status': () => ({
      ready: true,
      blockers: [],
      scenarios: [],
      checkpoints: [],
      verifiedAt: '2026-01-01T00:00:00.000Z',
    }),
  };
  const bridge: CertkitBridge = {
    async invoke(name, input) {
      calls.push({ name, input });
      const fn = handlers[name] ?? defaults[name];
      if (!fn) return { ok: false, error: { message: `${name} not faked`, code: 'internal' } };
      try {
        return { ok: true, value: await fn(input) };
      } catch (err) {
        return { ok: false, error: toApiError(err) };
      }
    },
    on(event: EventName, cb) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(cb);
      return () => set.delete(cb);
    },
  };
  const api: CertkitApi = bridgeApi(bridge);
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
