// A route table for the sandbox's servers: each route is a method and a path pattern whose `:name` segments are
// captured, tried in order, so what a server answers is read in one list instead of an if-chain.

export type RouteMethod = 'GET' | 'POST' | '*';

export interface Route<C> {
  /** '*' takes every method, for a handler that answers the others itself (405, or a page per method). */
  method: RouteMethod;
  parts: string[];
  /** `c` is the server's own context for the request, built with the route's captures. */
  handle: (c: C) => Promise<void> | void;
}

export function route<C>(method: RouteMethod, path: string, handle: Route<C>['handle']): Route<C> {
  return { method, parts: path.split('/').filter(Boolean), handle };
}

/** The first route for this method and path, with its captures; undefined when none fits. */
export function findRoute<C>(
  routes: readonly Route<C>[],
  method: string | undefined,
  pathname: string,
): { route: Route<C>; params: Record<string, string> } | undefined {
  const parts = pathname.split('/').filter(Boolean);
  for (const r of routes) {
    if ((r.method !== '*' && r.method !== method) || r.parts.length !== parts.length) continue;
    const params: Record<string, string> = {};
    if (r.parts.every((seg, i) => (seg.startsWith(':') ? ((params[seg.slice(1)] = parts[i]), true) : seg === parts[i])))
      return { route: r, params };
  }
  return undefined;
}
