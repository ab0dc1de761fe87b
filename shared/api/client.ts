import type { CertkitApi, EventPayload } from './contract';
import { CALL_NAMES, type CallName, type EventName } from './names';

// Builds the grouped API object from a transport's two primitives. Kept free of zod (type-only imports) so the
// sandboxed preload bundle and the renderer stay small.

export type Invoke = (name: CallName, input: unknown) => Promise<unknown>;
export type Subscribe = (event: EventName, cb: (payload: unknown) => void) => () => void;

export class ApiCallError extends Error {
  readonly hint?: string;
  readonly call: string;
  constructor(call: string, message: string, hint?: string) {
    super(message);
    this.name = 'ApiCallError';
    this.call = call;
    this.hint = hint;
  }
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
