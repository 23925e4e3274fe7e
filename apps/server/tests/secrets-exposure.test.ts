import { describeDb, SmtpCapture } from '@verzek/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { currentTotp } from '../src/services/auth/totp';
import { adminSession, registerUser, startTestServer, type TestServer } from './harness';

describeDb('secrets never leak', (t) => {
  let s: TestServer;
  let smtp: SmtpCapture;
  beforeAll(async () => {
    smtp = new SmtpCapture();
    s = await startTestServer(t, { env: { SMTP_URL: await smtp.start() } });
  });
  afterAll(async () => {
    await s.close();
    await smtp.stop();
  });

  it('keeps passwords, hashes, tokens, TOTP seeds and server keys out of every log line and response', async () => {
    const admin = await adminSession(s);
    const u = await registerUser(s.api);
    const mail = await smtp.waitFor(u.email);
    const emailToken = /token=([A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
    await s.api.request('GET', `/api/auth/verify-email?token=${emailToken}`, {
      headers: { 'x-api-key': 'legacy-static-key' },
    });
    await s.api.post('/api/auth/login', { email: u.email, password: 'a-wrong-password' });
    const login = await s.api.post<{ access_token: string; refresh_token: string }>('/api/auth/login', {
      email: u.email,
      password: u.password,
    });
    const rotated = await s.api.post<{ access_token: string; refresh_token: string }>('/api/auth/refresh', {
      refresh_token: login.body.refresh_token,
    });
    await s.api.post('/api/auth/refresh', { refresh_token: login.body.refresh_token }); // replay
    s.clock.advance(1); // the replay cut every access token issued up to now
    const setupLogin = await s.api.post<{ access_token: string }>('/api/auth/login', {
      email: u.email,
      password: u.password,
    });
    const setup = await s.api.post<{ secret: string }>(
      '/api/auth/2fa/enable',
      undefined,
      setupLogin.body.access_token,
    );
    await s.api.post(
      '/api/auth/2fa/confirm',
      { code: currentTotp(setup.body.secret, s.clock.now()) },
      setupLogin.body.access_token,
    );
    await s.api.get(`/api/users?search=${encodeURIComponent(u.email)}`, admin.token);
    await s.api.get(`/api/admin/audit?user_id=${u.id}`, admin.token);
    await s.api.put(`/api/users/${u.id}/general`, { display_name: 'x' }, admin.token);

    const row = await s.ctx.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', u.id)
      .executeTakeFirstOrThrow();
    const secrets: Record<string, string> = {
      password: u.password,
      wrongPassword: 'a-wrong-password',
      passwordHash: row.password_hash,
      sealedTotp: row.totp_secret!,
      totpSeed: setup.body.secret,
      emailToken,
      refreshToken: login.body.refresh_token,
      rotatedRefresh: rotated.body.refresh_token,
      accessToken: login.body.access_token,
      adminPassword: admin.password,
      jwtKey: Buffer.from(s.ctx.secrets.jwtKey).toString(),
      masterKey: s.ctx.secrets.masterKey.toString('base64'),
      legacyApiKey: 'legacy-static-key',
    };
    const logText = s.logs.join('');
    expect(logText.length).toBeGreaterThan(1000); // the requests were logged
    for (const [name, value] of Object.entries(secrets)) {
      expect(logText.includes(value), `${name} in logs`).toBe(false);
    }

    // Responses carry tokens only where they are issued, and the seed only in the 2FA setup answer.
    const issued = new Set([
      login.body.access_token,
      login.body.refresh_token,
      rotated.body.refresh_token,
      rotated.body.access_token,
    ]);
    for (const body of s.api.bodies) {
      for (const name of [
        'password',
        'wrongPassword',
        'passwordHash',
        'sealedTotp',
        'emailToken',
        'jwtKey',
        'masterKey',
        'adminPassword',
      ]) {
        expect(body.includes(secrets[name]!), `${name} in a response`).toBe(false);
      }
      if (!body.includes('otpauth_uri')) expect(body.includes(setup.body.secret)).toBe(false);
      if (!body.includes('"access_token"'))
        for (const token of issued) expect(body.includes(token)).toBe(false);
    }
  });
});
