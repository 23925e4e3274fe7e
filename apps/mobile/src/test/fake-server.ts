import { createApiClient, type User } from '@verzek/contract';

type Json = unknown;
export type Route = (body: Json, url: URL) => { status?: number; body: Json } | Json;

export interface FakeServer {
  api: ReturnType<typeof createApiClient>;
  calls: { method: string; path: string; body: Json }[];
  on(method: string, path: string, route: Route): FakeServer;
}

/**
 * The real contract client over a scripted fetch: screens are tested against API answers, and the
 * requests they send are checked against the contract's shapes.
 */
export function fakeServer(): FakeServer {
  const routes = new Map<string, Route>();
  const calls: FakeServer['calls'] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input), 'http://app.test');
    const method = init?.method ?? 'GET';
    const body = init?.body ? (JSON.parse(String(init.body)) as Json) : undefined;
    calls.push({ method, path: url.pathname, body });
    const route = routes.get(`${method} ${url.pathname}`);
    if (!route) {
      return new Response(
        JSON.stringify({ error: 'not_found', reason: `no fake for ${method} ${url.pathname}` }),
        {
          status: 404,
        },
      );
    }
    const out = route(body, url);
    const answer =
      out && typeof out === 'object' && 'body' in (out as object) && 'status' in (out as object)
        ? (out as { status: number; body: Json })
        : { status: 200, body: out };
    return new Response(JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof fetch;
  let tokens: { access_token: string; refresh_token: string } | null = {
    access_token: 'a',
    refresh_token: 'r',
  };
  const api = createApiClient({
    baseUrl: 'http://app.test',
    fetch: fetchImpl,
    tokens: {
      load: () => tokens,
      save: (t) => {
        tokens = t;
      },
      clear: () => {
        tokens = null;
      },
    },
  });
  const server: FakeServer = {
    api,
    calls,
    on(method, path, route) {
      routes.set(`${method} ${path}`, route);
      return server;
    },
  };
  return server;
}

export function user(overrides: Partial<User> = {}): User {
  return {
    id: 7,
    username: 'trader',
    email: 'trader@example.com',
    role: 'USER',
    plan: 'TRIAL',
    plan_expires_at: null,
    email_verified: true,
    totp_enabled: false,
    auto_trade_enabled: false,
    created_at: '2026-11-01T00:00:00.000Z',
    ...overrides,
  };
}

export const widget = (kill = false) => ({
  kill_switch: kill,
  today_dd_pct: '1.5',
  today_trades: 3,
  blocks: kill ? 4 : 0,
  max_dd_limit: 35,
  timestamp: '2026-11-22T12:00:00.000Z',
});
