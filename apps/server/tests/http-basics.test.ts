import { describeDb } from '@verzek/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness';

describeDb('HTTP basics', (t) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(t, { env: { CORS_ORIGINS: 'https://app.example.test' } });
  });
  afterAll(() => s.close());

  it('answers /api/ping exactly', async () => {
    const r = await s.api.get('/api/ping');
    expect(r.status).toBe(200);
    expect(r.raw.body).toBe('{"status":"ok","message":"Verzek Auto Trader API running"}');
  });

  it('reports database state on /health and /api/health', async () => {
    for (const url of ['/health', '/api/health']) {
      const r = await s.api.get(url);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ status: 'ok', database: { ok: true, dialect: t.dialect }, role: 'all' });
    }
  });

  it('publishes the OpenAPI document with the routes', async () => {
    const r = await s.api.get<{ openapi: string; paths: Record<string, unknown> }>('/docs/json');
    expect(r.status).toBe(200);
    expect(r.body.openapi).toMatch(/^3\./);
    for (const p of ['/api/auth/register', '/api/auth/login', '/api/users/{id}/risk', '/api/admin/audit']) {
      expect(Object.keys(r.body.paths)).toContain(p);
    }
  });

  it('answers unknown routes, bad JSON and wrong media types with 4xx {error, reason}', async () => {
    const cases = [
      await s.api.get('/api/nope'),
      await s.api.request('POST', '/api/auth/login', { rawBody: '{"email":' }),
      await s.api.request('POST', '/api/auth/login', {
        rawBody: 'email=a',
        headers: { 'content-type': 'text/plain' },
      }),
      await s.api.request('POST', '/api/auth/login', {
        rawBody: '{"__proto__":{"x":1},"email":"a@b.co","password":"p"}',
      }),
    ];
    for (const r of cases) {
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(r.body).toEqual({ error: expect.any(String), reason: expect.any(String) });
    }
  });

  it('allows the configured CORS origin only, and sets security headers', async () => {
    const ok = await s.api.request('GET', '/api/ping', { headers: { origin: 'https://app.example.test' } });
    expect(ok.raw.headers['access-control-allow-origin']).toBe('https://app.example.test');
    const other = await s.api.request('GET', '/api/ping', { headers: { origin: 'https://evil.example' } });
    expect(other.raw.headers['access-control-allow-origin']).toBeUndefined();
    expect(ok.raw.headers['x-content-type-options']).toBe('nosniff');
  });
});
