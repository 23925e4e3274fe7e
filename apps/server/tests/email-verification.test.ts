import { describeDb, SmtpCapture } from '@verzek/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminSession, registerUser, startTestServer, type TestServer } from './harness';

function linkToken(text: string): string {
  const m = /verify-email\?token=([A-Za-z0-9_-]+)/.exec(text);
  if (!m?.[1]) throw new Error('no verification link in the mail');
  return m[1];
}

describeDb('email verification', (t) => {
  let s: TestServer;
  let smtp: SmtpCapture;
  beforeAll(async () => {
    smtp = new SmtpCapture();
    const smtpUrl = await smtp.start();
    s = await startTestServer(t, { env: { SMTP_URL: smtpUrl, PUBLIC_URL: 'https://app.example.test' } });
  });
  afterAll(async () => {
    await s.close();
    await smtp.stop();
  });

  it('mails a 24 h single-use link over SMTP that verifies the account', async () => {
    const u = await registerUser(s.api);
    const mail = await smtp.waitFor(u.email);
    expect(mail.text).toContain('https://app.example.test/api/auth/verify-email?token=');
    const token = linkToken(mail.text);

    const verified = await s.api.get(`/api/auth/verify-email?token=${token}`);
    expect(verified.status).toBe(200);
    expect((await s.api.get<{ email_verified: boolean }>('/api/auth/me', u.token)).body.email_verified).toBe(
      true,
    );
    const again = await s.api.post('/api/auth/verify-email', { token });
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_token');
    // The token is stored only as a hash.
    const rows = await s.ctx.db
      .selectFrom('email_tokens')
      .select('token_hash')
      .where('user_id', '=', u.id)
      .execute();
    expect(rows.map((r) => r.token_hash)).not.toContain(token);
  });

  it('refuses a link older than 24 hours; a resent link works', async () => {
    const u = await registerUser(s.api);
    const first = linkToken((await smtp.waitFor(u.email)).text);
    s.clock.advance(24 * 3600_000 + 1);
    const late = await s.api.post('/api/auth/verify-email', { token: first });
    expect(late.status).toBe(400);
    expect(late.body.error).toBe('token_expired');

    const fresh = await s.api.post<{ access_token: string }>('/api/auth/login', {
      email: u.email,
      password: u.password,
    });
    const before = smtp.messages.length;
    expect(
      (await s.api.post('/api/auth/resend-verification', undefined, fresh.body.access_token)).status,
    ).toBe(200);
    await expect.poll(() => smtp.messages.length).toBe(before + 1);
    const second = linkToken(smtp.messages[smtp.messages.length - 1]!.text);
    expect((await s.api.post('/api/auth/verify-email', { token: second })).status).toBe(200);
  });

  it('keeps unverified users from turning auto-trading on, even on PREMIUM', async () => {
    const admin = await adminSession(s);
    const u = await registerUser(s.api);
    expect(
      (await s.api.put(`/api/users/${u.id}/subscription`, { plan: 'PREMIUM' }, admin.token)).status,
    ).toBe(200);
    const blocked = await s.api.put(`/api/users/${u.id}/strategy`, { auto_trade_enabled: true }, u.token);
    expect(blocked.status).toBe(403);
    expect(blocked.body.error).toBe('email_unverified');
    expect(
      (await s.api.get<{ auto_trade_enabled: boolean }>(`/api/users/${u.id}/strategy`, u.token)).body
        .auto_trade_enabled,
    ).toBe(false);

    // Support marks the address verified; now it works.
    expect((await s.api.post(`/api/admin/users/${u.id}/verify-email`, undefined, admin.token)).status).toBe(
      200,
    );
    const on = await s.api.put<{ auto_trade_enabled: boolean }>(
      `/api/users/${u.id}/strategy`,
      { auto_trade_enabled: true },
      u.token,
    );
    expect(on.status).toBe(200);
    expect(on.body.auto_trade_enabled).toBe(true);
    const audit = await s.api.get<{ items: { action: string }[] }>(
      `/api/admin/audit?user_id=${u.id}`,
      admin.token,
    );
    expect(audit.body.items.map((i) => i.action)).toEqual(
      expect.arrayContaining(['admin_email_verified', 'admin_plan_changed']),
    );
  });
});
