import type { App } from './types';

/** One route as the server registered it (HEAD, which Fastify adds to every GET, left out). */
export interface RouteEntry {
  method: string;
  /** The route pattern, e.g. `/api/users/:id/risk`. */
  url: string;
}

const tables = new WeakMap<object, RouteEntry[]>();

/**
 * Records every route registered on `app` from now on (plugins included), so tests can walk the real
 * route table — the authorization matrix and the input fuzz cover every route, not a hand list.
 */
export function recordRoutes(app: App): void {
  const list: RouteEntry[] = [];
  tables.set(app, list);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') list.push({ method, url: route.url });
    }
  });
}

/** The routes of an app built by `buildApp`, in registration order. */
export function routeTable(app: App): readonly RouteEntry[] {
  const list = tables.get(app);
  if (!list) throw new Error('routeTable: this app was not built with recordRoutes');
  return list;
}
