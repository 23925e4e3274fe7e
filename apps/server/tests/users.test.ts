import { describeDb } from '@verzek/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminSession, registerUser, startTestServer, type Session, type TestServer } from './harness';

const sections = ['general', 'risk', 'strategy', 'dca', 'subscription'] as const;
const validPut: Record<(typeof sections)[number], unknown> = {
  general: { display_name: 'Trader Joe', timezone: 'Europe/Berlin' },
  risk: { max_daily_trades: 20 },
  strategy: { per_trade_usdt: '12.5', symbol_blacklist: ['dogeusdt'] },
  dca: { enabled: true, safety_orders: 2 },
  subscription: { plan: 'VIP' },
};

describeDb('users and settings', (t) => {
  let s: TestServer;
  let alice: Session;
  let bob: Session;
  let admin: Session;
  beforeAll(async () => {
    s = await startTestServer(t);
    alice = await registerUser(s.api);
    bob = await registerUser(s.api);
    admin = await adminSession(s);
  });
  afterAll(() => s.close());

  it('serves defaults from §2/§5/§6', async () => {
    const risk = await s.api.get(`/api/users/${alice.id}/risk`, alice.token);
    expect(risk.body).toEqual({
      max_concurrent_trades: 5,
      max_open_trades: 5,
      max_daily_trades: 50,
      daily_loss_limit_pct: 25,
      max_account_exposure_pct: 80,
      per_symbol_limit: 5,
      cooldown_minutes_after_loss: 15,
      exposure_policy: 'block',
    });
    const strategy = await s.api.get(`/api/users/${alice.id}/strategy`, alice.token);
    expect(strategy.body).toMatchObject({
      auto_trade_enabled: false,
      capital_usdt: '100',
      per_trade_usdt: '5',
      leverage: 5,
      tp_split_pct: null,
      trade_types: ['FUTURES'],
    });
    const sub = await s.api.get(`/api/users/${alice.id}/subscription`, alice.token);
    expect(sub.body).toEqual({ plan: 'TRIAL', expires_at: null, active: true, days_left: null });
  });

  it('refuses another user’s id on every /api/users/:id route and lets an admin through', async () => {
    for (const section of sections) {
      const url = `/api/users/${bob.id}/${section}`;
      const get = await s.api.get(url, alice.token);
      expect(get.status, `GET ${section}`).toBe(403);
      const put = await s.api.put(url, validPut[section], alice.token);
      expect(put.status, `PUT ${section}`).toBe(403);
      // An id that doesn't exist is refused the same way (no probing).
      expect((await s.api.get(`/api/users/999999/${section}`, alice.token)).status).toBe(403);
      expect((await s.api.get(url)).status, `anonymous ${section}`).toBe(401);

      expect((await s.api.get(url, admin.token)).status, `admin GET ${section}`).toBe(200);
      expect((await s.api.put(url, validPut[section], admin.token)).status, `admin PUT ${section}`).toBe(200);
      if (section !== 'subscription') {
        expect((await s.api.get(`/api/users/${alice.id}/${section}`, alice.token)).status).toBe(200);
        expect(
          (await s.api.put(`/api/users/${alice.id}/${section}`, validPut[section], alice.token)).status,
        ).toBe(200);
      }
    }
    // The plan itself is the admin's to change.
    expect(
      (await s.api.put(`/api/users/${alice.id}/subscription`, { plan: 'PREMIUM' }, alice.token)).status,
    ).toBe(403);
    expect((await s.api.get(`/api/users/${bob.id}/general`, admin.token)).body).toMatchObject({
      display_name: 'Trader Joe',
    });
  });

  it('merges partial updates and accepts max_open_trades as the same limit', async () => {
    await s.api.put(`/api/users/${alice.id}/risk`, { per_symbol_limit: 2 }, alice.token);
    const r = await s.api.put(`/api/users/${alice.id}/risk`, { max_open_trades: 50 }, alice.token);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ per_symbol_limit: 2, max_concurrent_trades: 50, max_open_trades: 50 });
    const strategy = await s.api.put(
      `/api/users/${alice.id}/strategy`,
      { capital_usdt: 250, leverage: 10 },
      alice.token,
    );
    expect(strategy.body).toMatchObject({
      capital_usdt: '250',
      leverage: 10,
      per_trade_usdt: '12.5',
      symbol_blacklist: ['DOGEUSDT'],
    });
  });

  it('answers invalid bodies with 4xx {error, reason} and changes nothing', async () => {
    const url = `/api/users/${alice.id}/risk`;
    const before = (await s.api.get(url, alice.token)).body;
    const bad: { body?: unknown; rawBody?: string }[] = [
      { body: { max_concurrent_trades: 51 } },
      { body: { max_concurrent_trades: '5' } },
      { body: { daily_loss_limit_pct: -1 } },
      { body: { unknown_field: 1 } },
      { body: { exposure_policy: 'x'.repeat(100_000) } },
      { body: [1, 2, 3] },
      { body: null },
      { rawBody: '{"max_daily_trades": 5' },
      { rawBody: 'x'.repeat(300 * 1024) },
    ];
    for (const b of bad) {
      const r = await s.api.request('PUT', url, { ...b, token: alice.token });
      expect(r.status, JSON.stringify(b).slice(0, 80)).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(r.body).toEqual({ error: expect.any(String), reason: expect.any(String) });
    }
    expect((await s.api.get(url, alice.token)).body).toEqual(before);

    const strategyBad = [
      { tp_split_pct: [50, 40] },
      { per_trade_usdt: 'abc' },
      { per_trade_usdt: '-5' },
      { leverage: 1.5 },
      { symbol_whitelist: ['BTC/USDT!'] },
    ];
    const stratBefore = (await s.api.get(`/api/users/${alice.id}/strategy`, alice.token)).body;
    for (const body of strategyBad) {
      expect((await s.api.put(`/api/users/${alice.id}/strategy`, body, alice.token)).status).toBe(400);
    }
    expect((await s.api.get(`/api/users/${alice.id}/strategy`, alice.token)).body).toEqual(stratBefore);
    expect(
      (await s.api.put(`/api/users/${alice.id}/general`, { timezone: 'Mars/Olympus' }, alice.token)).status,
    ).toBe(400);

    const reg = [
      { username: 'ab', email: 'a@b.co', password: 'secret123' },
      { username: 'okname', email: 'not-an-email', password: 'secret123' },
      { username: 'okname', email: 'a@b.co', password: 'short' },
      { username: 'okname', email: 'a@b.co' },
      { username: 42, email: 'a@b.co', password: 'secret123' },
      { username: 'okname', email: 'a@b.co', password: 'x'.repeat(10_000) },
    ];
    const users = await s.ctx.db.selectFrom('users').select('id').execute();
    for (const body of reg) expect((await s.api.post('/api/auth/register', body)).status).toBe(400);
    expect(await s.ctx.db.selectFrom('users').select('id').execute()).toHaveLength(users.length);
  });

  it('guards auto-trading behind PREMIUM with upgrade_required', async () => {
    const r = await s.api.put(`/api/users/${alice.id}/strategy`, { auto_trade_enabled: true }, alice.token);
    expect(r.status).toBe(403);
    expect(r.body.error).toBe('upgrade_required');
  });

  it('lets admins list and search users, and no one else', async () => {
    expect((await s.api.get('/api/users', alice.token)).status).toBe(403);
    expect((await s.api.get('/api/admin/audit', alice.token)).status).toBe(403);
    expect((await s.api.post(`/api/admin/users/${bob.id}/verify-email`, undefined, alice.token)).status).toBe(
      403,
    );
    const page = await s.api.get<{ items: { email: string }[]; total: number }>(
      '/api/users?limit=2',
      admin.token,
    );
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(2);
    expect(page.body.total).toBeGreaterThanOrEqual(3);
    const found = await s.api.get<{ items: { email: string }[] }>(
      `/api/users?search=${encodeURIComponent(bob.email)}`,
      admin.token,
    );
    expect(found.body.items.map((u) => u.email)).toEqual([bob.email]);
    expect(JSON.stringify(page.body)).not.toMatch(/password|hash/);
    expect((await s.api.get('/api/users?limit=1000', admin.token)).status).toBe(400);
  });

  it('changes plans by admin with a 30-day default and an audit entry; expiry falls back to TRIAL', async () => {
    const r = await s.api.put<{ plan: string; days_left: number }>(
      `/api/users/${bob.id}/subscription`,
      { plan: 'PREMIUM' },
      admin.token,
    );
    expect(r.body).toMatchObject({ plan: 'PREMIUM', days_left: 30, active: true });
    const me = await s.api.get<{ plan: string }>('/api/auth/me', bob.token);
    expect(me.body.plan).toBe('PREMIUM');
    // The user is told (and the Telegram planner invites them to the VIP group from this notice).
    const notice = await s.ctx.db
      .selectFrom('notifications')
      .selectAll()
      .where('user_id', '=', bob.id)
      .where('kind', '=', 'plan_activated')
      .execute();
    // (bob was made VIP earlier in this file, then PREMIUM here: one notice each)
    expect(notice.map((n) => /PREMIUM/.test(n.text))).toEqual([false, true]);
    s.clock.advance(31 * 86_400_000);
    const later = await s.api.post<{ access_token: string }>('/api/auth/login', {
      email: bob.email,
      password: bob.password,
    });
    const after = await s.api.get<{ plan: string }>(
      `/api/users/${bob.id}/subscription`,
      later.body.access_token,
    );
    expect(after.body).toMatchObject({ plan: 'TRIAL', active: false });
  });
});
