import { describeDb } from '@verzek/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Reply, Session } from './harness';
import { KNOWN_ROUTES, routeKey, startRouteWorld, urlFor, type Method, type RouteWorld } from './route-world';

/**
 * Who may do what, for every route the server registers — the one place the expected outcome of
 * each (route × caller) is declared. A route added without an entry here fails the test.
 *
 * Callers: anonymous, TRIAL, VIP, PREMIUM (= "A", who owns a position, its orders, a push token and a
 * paper account), another user ("B", VIP) aimed at A's resources, and an administrator.
 *
 * - public:  anyone (the answer may still be a 4xx for a missing body, never a 401/403).
 * - user:    any logged-in user (401 anonymous).
 * - verified: any logged-in user with a verified email (every user of this world is verified).
 * - vip:     the VIP content gate: TRIAL gets 403 upgrade_required for a signal this fresh.
 * - trade:   PREMIUM with auto-trading on and a verified email; TRIAL/VIP 403; an admin too (403
 *            auto_trade_disabled: an admin's own account does not trade).
 * - self:    the `:id`/`:userId` in the path is the caller's own (admins: anyone's); B with A's id: 403.
 * - owner:   a resource (position, order) of A; anyone else but an admin: 403.
 * - admin:   administrators only (users 403).
 * - writer:  administrators or a signal source's token (users 403).
 * - secret:  authenticated by a per-source secret or Telegram's secret header, not by a user token:
 *            nobody gets a 2xx without it.
 * - metrics: loopback clients or METRICS_TOKEN; these requests come from a remote address: 403 for all.
 */
type Access =
  | 'public'
  | 'user'
  | 'verified'
  | 'vip'
  | 'trade'
  | 'self'
  | 'owner'
  | 'admin'
  | 'writer'
  | 'secret'
  | 'metrics';

const ACCESS: Record<string, Access> = {
  'GET /': 'public',
  'GET /*': 'public',
  'GET /docs': 'public',
  'GET /docs/static/index.html': 'public',
  'GET /docs/static/swagger-initializer.js': 'public',
  'GET /docs/json': 'public',
  'GET /docs/yaml': 'public',
  'GET /docs/static/*': 'public',
  'GET /api/ping': 'public',
  'GET /health': 'public',
  'GET /api/health': 'public',
  'GET /api/plans': 'public',
  'GET /metrics': 'metrics',

  'POST /api/auth/register': 'public',
  'POST /api/auth/login': 'public',
  'POST /api/auth/refresh': 'public',
  'POST /api/auth/logout': 'public',
  'POST /api/auth/verify-email': 'public',
  'GET /api/auth/verify-email': 'public',
  'GET /api/auth/me': 'user',
  'POST /api/auth/resend-verification': 'user',
  'POST /api/auth/2fa/enable': 'user',
  'POST /api/auth/2fa/confirm': 'user',
  'POST /api/auth/2fa/disable': 'user',

  'GET /api/users': 'admin',
  'GET /api/users/:id/general': 'self',
  'PUT /api/users/:id/general': 'self',
  'GET /api/users/:id/dca': 'self',
  'PUT /api/users/:id/dca': 'self',
  'GET /api/users/:id/risk': 'self',
  'PUT /api/users/:id/risk': 'self',
  'GET /api/users/:id/strategy': 'self',
  'PUT /api/users/:id/strategy': 'self',
  'GET /api/users/:id/subscription': 'self',
  'PUT /api/users/:id/subscription': 'admin',
  'DELETE /api/users/:id/exchanges': 'self',
  'GET /api/users/:id/balance/:exchange': 'self',
  'GET /api/users/:id/exchanges/:exchange/leverage': 'self',
  'PUT /api/users/:id/exchanges/:exchange/leverage': 'self',

  'POST /api/payments/usdt/initiate': 'user',
  'GET /api/payments/me': 'user',
  'POST /api/payments/usdt/verify': 'admin',
  'POST /api/payments/usdt/reject': 'admin',

  'GET /api/admin/audit': 'admin',
  'POST /api/admin/users/:id/verify-email': 'admin',
  'GET /api/admin/overview': 'admin',
  'GET /api/admin/signal-stats': 'admin',
  'GET /api/admin/users': 'admin',
  'POST /api/admin/users/:id/disable': 'admin',
  'POST /api/admin/users/:id/enable': 'admin',
  'GET /api/admin/payments': 'admin',
  'GET /api/admin/partners': 'admin',
  'POST /api/admin/partners': 'admin',
  'GET /api/admin/partners/:id': 'admin',
  'PUT /api/admin/partners/:id': 'admin',
  'DELETE /api/admin/partners/:id': 'admin',
  'GET /api/admin/sources': 'admin',
  'POST /api/admin/sources': 'admin',
  'PUT /api/admin/sources/:id': 'admin',
  'POST /api/admin/sources/:id/rotate': 'admin',
  'POST /api/admin/market/price': 'admin',
  'GET /api/admin/telegram/channels': 'admin',
  'POST /api/admin/telegram/channels': 'admin',
  'PUT /api/admin/telegram/channels/:id': 'admin',
  'DELETE /api/admin/telegram/channels/:id': 'admin',
  'GET /api/admin/telegram/outbox': 'admin',
  'GET /api/admin/approvals': 'admin',
  'POST /api/admin/approvals/:id/approve': 'admin',
  'POST /api/admin/approvals/:id/reject': 'admin',
  'PUT /api/admin/approvals/:id': 'admin',
  'POST /api/safety/toggle': 'admin',
  'GET /api/risk/events': 'admin',

  'POST /api/signals': 'writer',
  'POST /api/signal-events': 'writer',
  'GET /api/signals': 'user',
  'GET /api/signals/:id': 'vip',
  'GET /api/stream': 'user',
  'POST /api/webhook/signal': 'secret',
  'POST /api/telegram/webhook': 'secret',

  'GET /api/safety/status': 'user',
  'GET /api/safety/widget': 'user',
  'GET /api/risk/limits/me': 'user',
  'PUT /api/risk/limits/me': 'user',
  'GET /api/reports/daily': 'user',

  'POST /api/exchanges': 'verified',
  'POST /api/exchanges/connect': 'verified',
  'POST /api/exchanges/validate': 'verified',
  'GET /api/exchanges/me': 'user',
  'PUT /api/exchanges/me': 'user',
  'DELETE /api/exchanges/me': 'user',

  'POST /api/trade/preview': 'user',
  'POST /api/trade/execute': 'trade',
  'POST /api/trade/market': 'trade',
  'POST /api/trade/close': 'owner',
  'GET /api/positions': 'user',
  'GET /api/positions/history': 'user',
  'GET /api/positions/:userId': 'self',
  'POST /api/positions/:id/close': 'owner',
  'GET /api/orders/:positionId': 'owner',
  'POST /api/orders/:orderId/cancel': 'owner',

  'POST /api/telegram/link': 'user',
  'GET /api/telegram/link': 'user',
  'DELETE /api/telegram/link': 'user',
  'POST /api/push/tokens': 'user',
  'DELETE /api/push/tokens': 'user',
};

type Actor = 'anonymous' | 'TRIAL' | 'VIP' | 'PREMIUM' | 'other' | 'admin';
const ACTORS: readonly Actor[] = ['anonymous', 'TRIAL', 'VIP', 'PREMIUM', 'other', 'admin'];

/** allow: anything but 401/403 (and never a 5xx); a number: exactly that status; refused: a 4xx. */
type Expect = 'allow' | 401 | 403 | 'refused';

function expected(access: Access, actor: Actor): Expect {
  if (access === 'public') return 'allow';
  if (access === 'secret') return 'refused';
  if (access === 'metrics') return 403;
  if (actor === 'anonymous') return 401;
  switch (access) {
    case 'user':
    case 'verified':
      return 'allow';
    case 'vip':
      return actor === 'TRIAL' ? 403 : 'allow';
    case 'trade':
      return actor === 'PREMIUM' ? 'allow' : 403;
    case 'self':
      return actor === 'other' ? 403 : 'allow';
    case 'owner':
      return actor === 'PREMIUM' || actor === 'admin' ? 'allow' : 403;
    case 'admin':
    case 'writer':
      return actor === 'admin' ? 'allow' : 403;
  }
}

describeDb('authorization matrix', (t) => {
  let w: RouteWorld;
  let baseUrl: string;
  beforeAll(async () => {
    w = await startRouteWorld(t);
    // The live stream never ends, so it is read over a real socket (inject would wait forever).
    baseUrl = await w.s.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => w.close());

  const sessionOf = (actor: Actor): Session | null =>
    ({
      anonymous: null,
      TRIAL: w.trial,
      VIP: w.vip,
      PREMIUM: w.premium,
      other: w.other,
      admin: w.admin,
    })[actor];

  /** The user a `self` route is aimed at: one's own id, except B and the admin, who aim at A. */
  const subjectOf = (actor: Actor): number => {
    const own = sessionOf(actor);
    return actor === 'other' || actor === 'admin' || own === null ? w.premium.id : own.id;
  };

  /** Bodies that reach the check under test: valid where an ownership check runs after validation. */
  const bodyFor = (key: string, method: Method): unknown => {
    if (key === 'POST /api/trade/close') return { position_id: w.positionId, reason: 'manual' };
    if (key === 'DELETE /api/push/tokens') return { token: w.pushToken };
    return method === 'POST' || method === 'PUT' ? {} : undefined;
  };

  const streamStatus = async (token: string | undefined): Promise<number> => {
    const ac = new AbortController();
    const r = await fetch(`${baseUrl}/api/stream`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: ac.signal,
    });
    ac.abort();
    return r.status;
  };

  it('covers every registered route with a declared access rule', () => {
    const keys = w.routes.map(routeKey);
    for (const known of KNOWN_ROUTES) expect(keys).toContain(known);
    expect(keys.length).toBeGreaterThan(90);
    const undeclared = keys.filter((k) => !(k in ACCESS));
    expect(undeclared, 'routes without an entry in ACCESS').toEqual([]);
    const stale = Object.keys(ACCESS).filter((k) => !keys.includes(k));
    expect(stale, 'entries in ACCESS for routes that do not exist').toEqual([]);
  });

  it('gives every route × caller the declared outcome: no 5xx, no unexpected 2xx', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const route of w.routes) {
      const key = routeKey(route);
      const access = ACCESS[key];
      if (access === undefined) continue; // reported by the coverage test
      const method = route.method as Method;
      for (const [i, actor] of ACTORS.entries()) {
        const session = sessionOf(actor);
        let url = urlFor(w, route.url, subjectOf(actor));
        // B asks for A's positions through the list routes' filter.
        if (actor === 'other' && (key === 'GET /api/positions' || key === 'GET /api/positions/history')) {
          url += `?user_id=${w.premium.id}`;
        }
        const want = actor === 'other' && url.includes('?user_id=') ? 403 : expected(access, actor);
        let status: number;
        let reply: Reply | null = null;
        if (key === 'GET /api/stream' && session !== null) {
          status = await streamStatus(session.token);
        } else {
          reply = await w.s.api.request(method, url, {
            token: session?.token,
            body: bodyFor(key, method),
            // One remote address per caller, so per-IP rate limits never decide an outcome.
            ip: `198.51.100.${10 + i}`,
          });
          status = reply.status;
        }
        checked += 1;
        const where = `${key} as ${actor} (${method} ${url}) → ${status} ${reply?.raw.body.slice(0, 200) ?? ''}`;
        if (status >= 500) failures.push(`5xx: ${where}`);
        else if (want === 'allow') {
          if (status === 401 || status === 403) failures.push(`refused, should pass: ${where}`);
        } else if (want === 'refused') {
          if (status < 400) failures.push(`unexpected ${status}: ${where}`);
        } else if (status !== want) {
          failures.push(`expected ${want}: ${where}`);
        }
        if (reply && status >= 400 && String(reply.raw.headers['content-type'] ?? '').includes('json')) {
          const body = reply.body as { error?: unknown; reason?: unknown };
          if (typeof body.error !== 'string' || typeof body.reason !== 'string')
            failures.push(`error without {error, reason}: ${where}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBe(w.routes.length * ACTORS.length);
  });

  it('never lets another user reach A’s data through the list routes or the push tokens', async () => {
    const positions = await w.s.api.get<{ items: { id: number }[] }>('/api/positions', w.other.token);
    expect(positions.status).toBe(200);
    expect(positions.body.items.map((p) => p.id)).not.toContain(w.positionId);
    const mine = await w.s.api.get<{ items: { id: number }[] }>('/api/positions?status=all', w.premium.token);
    expect(mine.body.items.map((p) => p.id)).toContain(w.positionId);
    // B "removing" A's device token removes nothing (the matrix had A remove it: register it again).
    const again = await w.s.api.post(
      '/api/push/tokens',
      { token: w.pushToken, platform: 'ios' },
      w.premium.token,
    );
    expect(again.status).toBe(200);
    const removed = await w.s.api.request('DELETE', '/api/push/tokens', {
      body: { token: w.pushToken },
      token: w.other.token,
    });
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ message: 'Not registered' });
    const owner = await w.s.ctx.db
      .selectFrom('push_tokens')
      .select('user_id')
      .where('token', '=', w.pushToken)
      .executeTakeFirst();
    expect(owner?.user_id).toBe(w.premium.id);
  });
});
