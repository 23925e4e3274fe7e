import { describeDb } from '@verzek/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { registerUser, startTestServer, type TestServer } from './harness';

describeDb('rate limits and lockout', (t) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(t, {
      env: {
        LOGIN_RATE_LIMIT_PER_MINUTE: '5',
        REGISTER_RATE_LIMIT_PER_HOUR: '3',
        ACCOUNT_MAX_FAILED_LOGINS: '3',
        ACCOUNT_LOCKOUT_MINUTES: '15',
        EMAIL_RESEND_COOLDOWN_SECONDS: '60',
      },
    });
  });
  afterAll(() => s.close());

  it('limits logins per IP, counting failed attempts', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await s.api.post(
        '/api/auth/login',
        { email: `nobody${i}@example.com`, password: 'whatever1' },
        undefined,
        '10.0.0.1',
      );
      statuses.push(r.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const limited = await s.api.post(
      '/api/auth/login',
      { email: 'x@example.com', password: 'whatever1' },
      undefined,
      '10.0.0.1',
    );
    expect(limited.body.error).toBe('rate_limited');
    expect(limited.raw.headers['retry-after']).toBeDefined();
    // Another address is not affected.
    expect(
      (
        await s.api.post(
          '/api/auth/login',
          { email: 'x@example.com', password: 'whatever1' },
          undefined,
          '10.0.0.2',
        )
      ).status,
    ).toBe(401);
  });

  it('limits registrations per IP', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await s.api.request('POST', '/api/auth/register', {
        body: { username: `reg${i}x`, email: `reg${i}x@example.com`, password: 'secret123' },
        ip: '10.0.1.1',
      });
      statuses.push(r.status);
    }
    expect(statuses).toEqual([201, 201, 201, 429]);
  });

  it('locks an account after repeated failures, even for the right password, until the window passes', async () => {
    const u = await registerUser(s.api);
    for (let i = 0; i < 3; i++) {
      const r = await s.api.post(
        '/api/auth/login',
        { email: u.email, password: 'not-the-password' },
        undefined,
        `10.1.0.${i}`,
      );
      expect(r.status).toBe(401);
    }
    const locked = await s.api.post(
      '/api/auth/login',
      { email: u.email, password: u.password },
      undefined,
      '10.1.1.1',
    );
    expect(locked.status).toBe(429);
    expect(locked.body.error).toBe('account_locked');
    s.clock.advance(15 * 60_000 + 1);
    expect(
      (await s.api.post('/api/auth/login', { email: u.email, password: u.password }, undefined, '10.1.1.2'))
        .status,
    ).toBe(200);
  });

  it('spaces out verification mails per account', async () => {
    const u = await registerUser(s.api);
    const tooSoon = await s.api.post('/api/auth/resend-verification', undefined, u.token);
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.body.error).toBe('resend_too_soon');
    s.clock.advance(61_000);
    expect((await s.api.post('/api/auth/resend-verification', undefined, u.token)).status).toBe(200);
  });
});
