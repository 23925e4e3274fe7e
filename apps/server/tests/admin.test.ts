import { describeDb } from '@verzek/test-support';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { confirmPayment } from '../src/services/payments/activation';
import { adminSession, registerUser, startTestServer, type Session, type TestServer } from './harness';
import {
  chainTransfer,
  DAY,
  newTxid,
  paymentByHash,
  relogin,
  runVerifier,
  startPaymentWorld,
  submit,
  type PaymentWorld,
} from './payments-fixtures';

/** Every route of the app, from Fastify's own route tree (`printRoutes`), HEAD left out. */
function routeTable(s: TestServer): { method: string; path: string }[] {
  const routes: { method: string; path: string }[] = [];
  const stack: string[] = [];
  for (const line of s.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const at = line.indexOf('── ');
    if (at < 0) continue;
    const depth = (at - 1) / 4;
    const m = /^(\S+)(?: \(([A-Z, ]+)\))?$/.exec(line.slice(at + 3).trim());
    if (!m) throw new Error(`unreadable route line: ${line}`);
    const path = (depth > 0 ? stack[depth - 1]! : '') + m[1]!;
    stack[depth] = path;
    for (const method of (m[2] ?? '').split(', ').filter((x) => x && x !== 'HEAD'))
      routes.push({ method, path });
  }
  return routes;
}

/** Bodies that pass validation, for routes that check the role only after validating the body. */
const validBodies: Record<string, unknown> = {
  'PUT /api/users/:id/subscription': { plan: 'VIP' },
  'POST /api/payments/usdt/verify': { tx_hash: 'a'.repeat(64) },
  'POST /api/payments/usdt/reject': { tx_hash: 'a'.repeat(64), reason: 'test' },
  'POST /api/admin/partners': { name: 'Route test', code: 'ROUTETEST' },
  'PUT /api/admin/partners/:id': { name: 'x' },
};

describeDb('admin access', (t) => {
  let s: TestServer;
  let user: Session;
  let admin: Session;
  beforeAll(async () => {
    s = await startTestServer(t);
    user = await registerUser(s.api);
    admin = await adminSession(s);
  });
  afterAll(() => s.close());

  it('refuses every admin route to anonymous callers (401) and users (403), and lets admins through', async () => {
    const openapi = (
      await s.api.get<{ paths: Record<string, Record<string, { tags?: string[] }>> }>('/docs/json')
    ).body;
    const adminTagged = (method: string, path: string) =>
      openapi.paths[path.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()]?.tags?.includes('admin') ===
      true;
    const table = routeTable(s);
    const adminRoutes = table.filter(
      (r) => r.path.startsWith('/api/admin/') || adminTagged(r.method, r.path),
    );
    // Sanity: the table is the real one, with the routes of this issue and the older ones.
    for (const known of [
      'GET /api/admin/audit',
      'GET /api/users',
      'PUT /api/users/:id/subscription',
      'POST /api/payments/usdt/verify',
      'POST /api/payments/usdt/reject',
      'GET /api/admin/payments',
      'GET /api/admin/overview',
      'GET /api/admin/users',
      'POST /api/admin/users/:id/disable',
      'POST /api/admin/users/:id/enable',
      'GET /api/admin/partners',
      'POST /api/admin/partners',
      'GET /api/admin/partners/:id',
      'PUT /api/admin/partners/:id',
      'DELETE /api/admin/partners/:id',
    ]) {
      expect(adminRoutes.map((r) => `${r.method} ${r.path}`)).toContain(known);
    }
    // Every admin route is in the OpenAPI document too (nothing hidden).
    for (const r of adminRoutes)
      expect(adminTagged(r.method, r.path), `${r.method} ${r.path} tagged admin`).toBe(true);

    for (const r of adminRoutes) {
      const key = `${r.method} ${r.path}`;
      const url = r.path.replace(/:\w+/g, '999999');
      const method = r.method as 'GET' | 'POST' | 'PUT' | 'DELETE';
      const body = validBodies[key] ?? (method === 'POST' || method === 'PUT' ? {} : undefined);
      const anonymous = await s.api.request(method, url, { body });
      expect(anonymous.status, `${key} anonymous`).toBe(401);
      expect(anonymous.body).toEqual({ error: expect.any(String), reason: expect.any(String) });
      const asUser = await s.api.request(method, url, { body, token: user.token });
      expect(asUser.status, `${key} as USER`).toBe(403);
      expect(asUser.body).toEqual({ error: 'forbidden', reason: expect.any(String) });
      const asAdmin = await s.api.request(method, url, { body, token: admin.token });
      expect([401, 403], `${key} as ADMIN: ${asAdmin.status} ${asAdmin.raw.body}`).not.toContain(
        asAdmin.status,
      );
      expect(asAdmin.status, `${key} as ADMIN`).toBeLessThan(500);
    }
  });
});

describeDb('admin back office', (t) => {
  let w: PaymentWorld;
  let admin: Session;
  beforeAll(async () => {
    // Prices that a float would get wrong when added: 0.1 + 0.2.
    w = await startPaymentWorld(t, { PLAN_PRICE_VIP_USDT: '0.1', PLAN_PRICE_PREMIUM_USDT: '0.2' });
    admin = await adminSession(w.s);
  });
  afterAll(() => w.close());

  it('counts users by effective plan, payments by status and revenue in exact decimals', async () => {
    const now = w.s.clock.now();
    const [trial, vip, premium, lapsed, disabled, autoTrader] = await Promise.all(
      Array.from({ length: 6 }, () => registerUser(w.s.api)),
    );
    const set = (u: Session, patch: Record<string, unknown>) =>
      w.s.ctx.db.updateTable('users').set(patch).where('id', '=', u!.id).execute();
    await set(lapsed!, { plan: 'VIP', plan_expires_at: now - 1 }); // expired, job not yet run: TRIAL
    await set(disabled!, { disabled_at: now });
    await set(autoTrader!, { plan: 'PREMIUM', plan_expires_at: now + DAY, auto_trade_enabled: 1 });

    const [a, b] = [chainTransfer(w, '0.1'), chainTransfer(w, '0.2')];
    await submit(w, vip!, 'VIP', a.txid);
    await submit(w, premium!, 'PREMIUM', b.txid);
    const under = chainTransfer(w, '0.05');
    await submit(w, trial!, 'VIP', under.txid);
    await runVerifier(w);
    await submit(w, trial!, 'VIP', newTxid()); // stays pending

    const r = await w.s.api.get('/api/admin/overview', admin.token);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      total_users: 6,
      trial_users: 3,
      vip_users: 1,
      premium_users: 2,
      disabled_users: 1,
      active_auto_traders: 1,
      total_payments: 4,
      confirmed_payments: 2,
      pending_payments: 1,
      rejected_payments: 1,
      revenue_usdt: '0.3',
      partners: 0,
      referral_credits_usdt: '0',
      signals_sent: 0,
      open_positions: 0,
      generated_at: new Date(now).toISOString(),
    });
    expect((await paymentByHash(w, under.txid)).reason).toMatch(
      /received 0\.05 USDT, the VIP plan costs 0\.1 USDT/,
    );
  });

  it('stores money as NUMERIC on PostgreSQL (TEXT on SQLite) and answers decimal strings', async () => {
    const types =
      t.dialect === 'postgres'
        ? await sql<{ column_name: string; data_type: string }>`
            select column_name, data_type from information_schema.columns
            where table_name in ('payments', 'referral_credits') and column_name like '%usdt'`.execute(
            w.s.ctx.db,
          )
        : await sql<{ column_name: string; data_type: string }>`
            select name as column_name, lower(type) as data_type from pragma_table_info('payments')
            where name like '%usdt'`.execute(w.s.ctx.db);
    expect(types.rows.length).toBeGreaterThanOrEqual(2);
    for (const c of types.rows)
      expect(c.data_type, c.column_name).toBe(t.dialect === 'postgres' ? 'numeric' : 'text');

    const list = await w.s.api.get<{ items: Record<string, unknown>[] }>('/api/admin/payments', admin.token);
    for (const p of list.body.items) {
      expect(typeof p.amount_usdt).toBe('string');
      if (p.paid_usdt !== null) expect(typeof p.paid_usdt).toBe('string');
    }
    expect(list.raw.body).not.toMatch(/"(amount|paid)_usdt":\d/);
  });

  it('lists payments for admins, filtered by status, paginated, with the payer', async () => {
    const all = await w.s.api.get<{ total: number; items: { status: string; username: string }[] }>(
      '/api/admin/payments',
      admin.token,
    );
    expect(all.body.total).toBe(4);
    const confirmed = await w.s.api.get<{ total: number; items: { status: string; username: string }[] }>(
      '/api/admin/payments?status=CONFIRMED&limit=1&offset=1',
      admin.token,
    );
    expect(confirmed.body).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(confirmed.body.items).toHaveLength(1);
    expect(confirmed.body.items[0]).toMatchObject({ status: 'CONFIRMED', username: expect.any(String) });
    expect((await w.s.api.get('/api/admin/payments?status=PAID', admin.token)).status).toBe(400);
    expect((await w.s.api.get('/api/admin/payments?limit=1000', admin.token)).status).toBe(400);
  });

  it('lists users with search, plan filter and pagination', async () => {
    const u = await registerUser(w.s.api, `findme${process.pid}`);
    const found = await w.s.api.get<{
      total: number;
      items: { id: number; disabled: boolean; referral_code: null }[];
    }>(`/api/admin/users?search=FINDME${process.pid}`, admin.token);
    expect(found.body.total).toBe(1);
    expect(found.body.items[0]).toMatchObject({
      id: u.id,
      disabled: false,
      referral_code: null,
      plan: 'TRIAL',
    });
    const premium = await w.s.api.get<{ items: { plan: string }[] }>(
      '/api/admin/users?plan=PREMIUM',
      admin.token,
    );
    expect(premium.body.items.length).toBeGreaterThanOrEqual(1);
    for (const x of premium.body.items) expect(x.plan).toBe('PREMIUM');
    const page = await w.s.api.get<{ items: unknown[]; limit: number }>(
      '/api/admin/users?limit=2',
      admin.token,
    );
    expect(page.body.items).toHaveLength(2);
    expect((await w.s.api.get('/api/admin/users?plan=GOLD', admin.token)).status).toBe(400);
  });

  it('disables an account (no login, no token, auto-trading off) and enables it again, audited', async () => {
    const u = await registerUser(w.s.api);
    await w.s.ctx.db
      .updateTable('users')
      .set({ plan: 'PREMIUM', plan_expires_at: w.s.clock.now() + DAY, auto_trade_enabled: 1 })
      .where('id', '=', u.id)
      .execute();
    const off = await w.s.api.post(`/api/admin/users/${u.id}/disable`, { reason: 'chargeback' }, admin.token);
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ id: u.id, disabled: true, auto_trade_enabled: false });

    expect((await w.s.api.get('/api/auth/me', u.token)).status).toBe(401);
    const login = await w.s.api.post('/api/auth/login', { email: u.email, password: u.password });
    expect(login.status).toBe(403);
    expect(login.body).toMatchObject({ error: 'account_disabled' });
    expect((await w.s.api.post('/api/auth/refresh', { refresh_token: u.refresh })).status).toBe(401);

    const self = await w.s.api.post(`/api/admin/users/${admin.id}/disable`, {}, admin.token);
    expect(self.status).toBe(400);
    expect(self.body).toMatchObject({ error: 'cannot_disable_self' });
    expect((await w.s.api.post(`/api/admin/users/999999/disable`, {}, admin.token)).status).toBe(404);
    expect((await w.s.api.post(`/api/admin/users/${u.id}/disable`, { reason: 7 }, admin.token)).status).toBe(
      400,
    );

    w.s.clock.advance(1);
    const on = await w.s.api.post(`/api/admin/users/${u.id}/enable`, undefined, admin.token);
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ disabled: false, disabled_at: null });
    await relogin(w.s, u);
    expect((await w.s.api.get('/api/auth/me', u.token)).status).toBe(200);

    const audit = await w.s.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('user_id', '=', u.id)
      .where('actor_id', '=', admin.id)
      .orderBy('id', 'asc')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['admin_user_disabled', 'admin_user_enabled']);
    expect(JSON.parse(audit[0]!.detail)).toEqual({ reason: 'chargeback' });
  });

  it('counts a manual confirmation into the revenue at its invoice amount', async () => {
    const u = await registerUser(w.s.api);
    const txid = newTxid();
    await submit(w, u, 'PREMIUM', txid);
    await confirmPayment(w.s.ctx, {
      paymentId: (await paymentByHash(w, txid)).id,
      via: 'admin',
      actorId: admin.id,
    });
    const r = await w.s.api.get('/api/admin/overview', admin.token);
    expect(r.body).toMatchObject({ confirmed_payments: 3, revenue_usdt: '0.5' });
  });
});
