import { describeDb } from '@verzek/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { registerUser, startTestServer, type TestServer } from './harness';

type Auth = { access_token: string; refresh_token: string; user: Record<string, unknown> };

describeDb('accounts', (t) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(t);
  });
  afterAll(() => s.close());

  it('runs the seed flow: register → login → me, and survives a restart', async () => {
    const reg = await s.api.post<Auth>('/api/auth/register', {
      username: 'test01',
      email: 'test01@verzek.com',
      password: 'secret123',
    });
    expect(reg.status).toBe(201);
    expect(reg.body.access_token).toEqual(expect.any(String));
    expect(reg.body.refresh_token).toEqual(expect.any(String));
    expect(reg.body.user).toMatchObject({
      username: 'test01',
      plan: 'TRIAL',
      role: 'USER',
      email_verified: false,
    });

    const login = await s.api.post<Auth>('/api/auth/login', {
      email: 'test01@verzek.com',
      password: 'secret123',
    });
    expect(login.status).toBe(200);
    const me = await s.api.get<Record<string, unknown>>('/api/auth/me', login.body.access_token);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: 'test01@verzek.com', plan: 'TRIAL' });
    expect(JSON.stringify(me.body)).not.toMatch(/password|hash|totp_secret/);

    // A new process on the same database and data folder: same login works, old token still valid.
    await s.close();
    s = await startTestServer(t, { dataDir: s.dataDir });
    const again = await s.api.post<Auth>('/api/auth/login', {
      email: 'TEST01@verzek.com',
      password: 'secret123',
    });
    expect(again.status).toBe(200);
    expect((await s.api.get('/api/auth/me', login.body.access_token)).status).toBe(200);
  });

  it('refuses duplicates and wrong passwords without saying which part was wrong', async () => {
    const u = await registerUser(s.api);
    const dup = await s.api.post('/api/auth/register', {
      username: 'other1',
      email: u.email,
      password: 'secret123',
    });
    expect(dup.status).toBe(409);
    expect(dup.body).toEqual({ error: 'account_exists', reason: expect.any(String) });
    const bad = await s.api.post('/api/auth/login', { email: u.email, password: 'wrong-password' });
    const none = await s.api.post('/api/auth/login', {
      email: 'nobody@example.com',
      password: 'wrong-password',
    });
    expect(bad.status).toBe(401);
    expect(none.body).toEqual(bad.body);
  });

  it('rotates refresh tokens and revokes the family when one is replayed', async () => {
    const u = await registerUser(s.api);
    const r1 = await s.api.post<Auth>('/api/auth/refresh', { refresh_token: u.refresh });
    expect(r1.status).toBe(200);
    expect(r1.body.refresh_token).not.toBe(u.refresh);
    const r2 = await s.api.post<Auth>('/api/auth/refresh', { refresh_token: r1.body.refresh_token });
    expect(r2.status).toBe(200);

    // The first token again: a replay. The family dies, including the newest token…
    const replay = await s.api.post('/api/auth/refresh', { refresh_token: u.refresh });
    expect(replay.status).toBe(401);
    expect(replay.body.error).toBe('token_reused');
    const newest = await s.api.post('/api/auth/refresh', { refresh_token: r2.body.refresh_token });
    expect(newest.status).toBe(401);
    // …and the access tokens issued before the replay stop working.
    expect((await s.api.get('/api/auth/me', r2.body.access_token)).status).toBe(401);

    const audit = await s.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('user_id', '=', u.id)
      .where('action', '=', 'refresh_token_reuse')
      .execute();
    expect(audit).toHaveLength(1);
    // Logging in again starts a fresh, working family.
    const fresh = await s.api.post<Auth>('/api/auth/login', { email: u.email, password: u.password });
    expect((await s.api.post('/api/auth/refresh', { refresh_token: fresh.body.refresh_token })).status).toBe(
      200,
    );
  });

  it('lets exactly one of two concurrent refreshes with the same token win', async () => {
    const u = await registerUser(s.api);
    const [a, b] = await Promise.all([
      s.api.post('/api/auth/refresh', { refresh_token: u.refresh }),
      s.api.post('/api/auth/refresh', { refresh_token: u.refresh }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 401]);
  });

  it('logs out one session, or all of them', async () => {
    const u = await registerUser(s.api);
    const second = await s.api.post<Auth>('/api/auth/login', { email: u.email, password: u.password });
    expect((await s.api.post('/api/auth/logout', { refresh_token: u.refresh })).status).toBe(200);
    expect((await s.api.post('/api/auth/refresh', { refresh_token: u.refresh })).status).toBe(401);
    // The other session is untouched until "all".
    expect((await s.api.get('/api/auth/me', second.body.access_token)).status).toBe(200);
    s.clock.advance(1);
    expect((await s.api.post('/api/auth/logout', { all: true }, second.body.access_token)).status).toBe(200);
    expect((await s.api.get('/api/auth/me', second.body.access_token)).status).toBe(401);
    expect((await s.api.post('/api/auth/refresh', { refresh_token: second.body.refresh_token })).status).toBe(
      401,
    );
    expect((await s.api.post('/api/auth/logout', {})).status).toBe(400);
  });

  it('expires access tokens after an hour and refresh tokens after 30 days', async () => {
    const u = await registerUser(s.api);
    s.clock.advance(3600_000 + 1000);
    const expired = await s.api.get('/api/auth/me', u.token);
    expect(expired.status).toBe(401);
    expect(expired.body.error).toBe('token_expired');
    s.clock.advance(30 * 86_400_000);
    expect((await s.api.post('/api/auth/refresh', { refresh_token: u.refresh })).status).toBe(401);
  });

  it('accepts and ignores the old app X-API-KEY header; rejects forged tokens', async () => {
    const u = await registerUser(s.api);
    const r = await s.api.request('GET', '/api/auth/me', {
      token: u.token,
      headers: { 'x-api-key': 'anything' },
    });
    expect(r.status).toBe(200);
    const noAuth = await s.api.request('GET', '/api/auth/me', { headers: { 'x-api-key': 'anything' } });
    expect(noAuth.status).toBe(401);
    const [h, p] = u.token.split('.');
    const forged = `${h}.${p}.${'A'.repeat(43)}`;
    expect((await s.api.get('/api/auth/me', forged)).status).toBe(401);
  });
});
