import { describe, expect, it } from 'vitest';
import { ApiError, createApiClient, type SessionTokens } from './client';

type Handler = (url: string, init: RequestInit) => { status: number; body: unknown };

function setup(
  handler: Handler,
  initial: SessionTokens | null = { access_token: 'a1', refresh_token: 'r1' },
) {
  let tokens = initial;
  const calls: { url: string; auth: string | undefined; body: unknown }[] = [];
  const ended: string[] = [];
  const fakeFetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    const headers = (init?.headers ?? {}) as Record<string, string>;
    calls.push({
      url,
      auth: headers.authorization,
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
    });
    const { status, body } = handler(url, init ?? {});
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  const client = createApiClient({
    baseUrl: 'http://api.test/',
    fetch: fakeFetch,
    tokens: {
      load: () => tokens,
      save: (t) => {
        tokens = t;
      },
      clear: () => {
        tokens = null;
      },
    },
    onSessionEnded: (why) => ended.push(why),
  });
  return { client, calls, ended, tokens: () => tokens };
}

const user = { id: 1, username: 'u', email: 'u@x.y', role: 'USER', plan: 'TRIAL' };

describe('api client', () => {
  it('refreshes once for concurrent expired requests and retries them', async () => {
    const t = setup((url, init) => {
      if (url.endsWith('/api/auth/refresh')) {
        return { status: 200, body: { access_token: 'a2', refresh_token: 'r2', user } };
      }
      const auth = (init.headers as Record<string, string>).authorization;
      if (auth === 'Bearer a1') return { status: 401, body: { error: 'token_expired', reason: 'expired' } };
      return { status: 200, body: user };
    });
    const [a, b] = await Promise.all([t.client.auth.me(), t.client.auth.me()]);
    expect(a.id).toBe(1);
    expect(b.id).toBe(1);
    expect(t.calls.filter((c) => c.url.endsWith('/refresh'))).toHaveLength(1);
    expect(t.calls.find((c) => c.url.endsWith('/refresh'))?.body).toEqual({ refresh_token: 'r1' });
    expect(t.tokens()).toEqual({ access_token: 'a2', refresh_token: 'r2' });
  });

  it('ends the session when the refresh token was reused', async () => {
    const t = setup((url) =>
      url.endsWith('/api/auth/refresh')
        ? { status: 401, body: { error: 'token_reused', reason: 'reused' } }
        : { status: 401, body: { error: 'token_expired', reason: 'expired' } },
    );
    await expect(t.client.auth.me()).rejects.toMatchObject({ status: 401, error: 'token_expired' });
    expect(t.ended).toEqual(['token_reused']);
    expect(t.tokens()).toBeNull();
  });

  it('answers {error, reason} as ApiError and builds query strings', async () => {
    const t = setup(() => ({
      status: 403,
      body: { error: 'upgrade_required', reason: 'This needs PREMIUM' },
    }));
    const err = await t.client.signals
      .feed({ limit: 5, before: undefined, symbol: 'BTCUSDT' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 403, error: 'upgrade_required', reason: 'This needs PREMIUM' });
    expect(t.calls[0]?.url).toBe('http://api.test/api/signals?limit=5&symbol=BTCUSDT');
    expect(t.calls[0]?.auth).toBe('Bearer a1');
  });

  it('stores the session on login and clears it on logout', async () => {
    const t = setup(
      (url) =>
        url.endsWith('/login')
          ? { status: 200, body: { access_token: 'a9', refresh_token: 'r9', user } }
          : { status: 200, body: { ok: true } },
      null,
    );
    await t.client.auth.login({ email: 'u@x.y', password: 'secret123' });
    expect(t.calls[0]?.auth).toBeUndefined();
    expect(t.tokens()?.access_token).toBe('a9');
    await t.client.auth.logout();
    expect(t.calls[1]?.body).toEqual({ refresh_token: 'r9' });
    expect(t.tokens()).toBeNull();
  });

  it('reports an unreachable server as status 0', async () => {
    const client = createApiClient({
      baseUrl: '',
      fetch: (() => Promise.reject(new Error('ECONNREFUSED'))) as typeof fetch,
      tokens: { load: () => null, save: () => undefined, clear: () => undefined },
    });
    await expect(client.payments.plans()).rejects.toMatchObject({ status: 0, error: 'network_error' });
  });
});
