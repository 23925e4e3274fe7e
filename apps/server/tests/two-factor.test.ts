import { describeDb } from '@verzek/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { currentTotp } from '../src/services/auth/totp';
import { registerUser, startTestServer, type TestServer } from './harness';

describeDb('two-factor authentication', (t) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(t);
  });
  afterAll(() => s.close());

  it('is required at login once enabled, refuses wrong and replayed codes, and needs a fresh code to disable', async () => {
    const u = await registerUser(s.api);
    const setup = await s.api.post<{ secret: string; otpauth_uri: string }>(
      '/api/auth/2fa/enable',
      undefined,
      u.token,
    );
    expect(setup.status).toBe(200);
    expect(setup.body.otpauth_uri).toMatch(/^otpauth:\/\/totp\/.*secret=/);
    const secret = setup.body.secret;

    // Not on until confirmed.
    expect((await s.api.post('/api/auth/login', { email: u.email, password: u.password })).status).toBe(200);
    expect((await s.api.post('/api/auth/2fa/confirm', { code: '000000' }, u.token)).status).toBe(401);
    const code1 = currentTotp(secret, s.clock.now());
    expect((await s.api.post('/api/auth/2fa/confirm', { code: code1 }, u.token)).status).toBe(200);
    expect((await s.api.get<{ totp_enabled: boolean }>('/api/auth/me', u.token)).body.totp_enabled).toBe(
      true,
    );

    const noCode = await s.api.post('/api/auth/login', { email: u.email, password: u.password });
    expect(noCode.status).toBe(401);
    expect(noCode.body.error).toBe('totp_required');
    const wrong = await s.api.post('/api/auth/login', {
      email: u.email,
      password: u.password,
      totp: '123456',
    });
    expect(wrong.body.error).toBe('invalid_totp');
    // The code used to confirm can't be replayed within its window.
    expect(
      (await s.api.post('/api/auth/login', { email: u.email, password: u.password, totp: code1 })).status,
    ).toBe(401);

    s.clock.advance(30_000);
    const code2 = currentTotp(secret, s.clock.now());
    const ok = await s.api.post<{ access_token: string }>('/api/auth/login', {
      email: u.email,
      password: u.password,
      totp: code2,
    });
    expect(ok.status).toBe(200);
    expect(
      (await s.api.post('/api/auth/login', { email: u.email, password: u.password, totp: code2 })).status,
    ).toBe(401);

    // Disabling needs a fresh code.
    expect((await s.api.post('/api/auth/2fa/disable', { code: code2 }, ok.body.access_token)).status).toBe(
      401,
    );
    s.clock.advance(30_000);
    const code3 = currentTotp(secret, s.clock.now());
    expect((await s.api.post('/api/auth/2fa/disable', { code: code3 }, ok.body.access_token)).status).toBe(
      200,
    );
    expect((await s.api.post('/api/auth/login', { email: u.email, password: u.password })).status).toBe(200);

    const actions = (
      await s.ctx.db
        .selectFrom('audit_log')
        .select('action')
        .where('user_id', '=', u.id)
        .orderBy('id')
        .execute()
    ).map((r) => r.action);
    expect(actions).toEqual(
      expect.arrayContaining(['totp_setup_started', 'totp_enabled', 'totp_disabled', 'login_failed']),
    );
  });

  it('keeps the TOTP seed encrypted at rest', async () => {
    const u = await registerUser(s.api);
    const setup = await s.api.post<{ secret: string }>('/api/auth/2fa/enable', undefined, u.token);
    const row = await s.ctx.db
      .selectFrom('users')
      .select('totp_pending_secret')
      .where('id', '=', u.id)
      .executeTakeFirstOrThrow();
    expect(row.totp_pending_secret).toMatch(/^v1\./);
    expect(row.totp_pending_secret).not.toContain(setup.body.secret);
  });
});
