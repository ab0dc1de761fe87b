import type { CertkitApi, EventPayload } from './contract';
import { CALL_NAMES, type CallName, type EventName } from './names';
import { unwrapReply, type CallReply } from './reply';

// Builds the grouped API object from a transport's two primitives. Kept free of zod (type-only imports) so the
// sandboxed preload bundle and the renderer stay small.

export type Invoke = (name: CallName, input: unknown) => Promise<unknown>;
export type Subscribe = (event: EventName, cb: (payload: unknown) => void) => () => void;

/**
 * What the Electron preload puts on window.certkit: the replies as data, not thrown errors, because the context
 * bridge copies only an Error's message and would drop the hint. The renderer unwraps them (bridgeApi), the same
 * way the HTTP client does, so both produce the same ApiCallError.
 */
export interface CertkitBridge {
  invoke(name: CallName, input: unknown): Promise<CallReply>;
  on: Subscribe;
}

export function groupedApi(invoke: Invoke, subscribe: Subscribe): CertkitApi {
  const api: Record<string, unknown> = {};
  for (const name of CALL_NAMES) {
    const [domain, method] = name.split('.') as [string, string];
    const group = (api[domain] ??= {}) as Record<string, unknown>;
    group[method] = (input: unknown) => invoke(name, input ?? {});
  }
  api.on = <E extends EventName>(event: E, cb: (payload: EventPayload<E>) => void) =>
    subscribe(event, cb as (p: unknown) => void);
  return api as unknown as CertkitApi;
}

/** The typed API over the preload's bridge. */
export function bridgeApi(bridge: CertkitBridge): CertkitApi {
  return groupedApi(async (name, input) => unwrapReply(name, await bridge.invoke(name, input)), bridge.on);
}
