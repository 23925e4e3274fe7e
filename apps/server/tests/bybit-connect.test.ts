import { describeDb, FakeBybit } from '@verzek/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { exchangeKeysJob } from '../src/services/exchanges/permission-job';
import { RealTimeClock } from './binance-helpers';
import { bybitEnv } from './bybit-helpers';
import { adminSession, registerUser, startTestServer, type Session, type TestServer } from './harness';

const SAFE = { ContractTrade: ['Order', 'Position'], Wallet: ['AccountTransfer'] };

/** Connecting Bybit keys (SPEC §4): what `/v5/user/query-api` reports decides. */
describeDb('Bybit keys: connect, validate, re-check', (t) => {
  const fake = new FakeBybit();
  let s: TestServer;
  let admin: Session;
  const seen: string[] = [];

  const connect = (
    user: Session,
    keys: { apiKey: string; secret: string },
    extra: Record<string, unknown> = {},
  ) => {
    seen.push(keys.apiKey, keys.secret);
    return s.api.post<Record<string, unknown>>(
      '/api/exchanges/connect',
      { provider: 'bybit', mode: 'mainnet', api_key: keys.apiKey, api_secret: keys.secret, ...extra },
      user.token,
    );
  };
  const verified = async () => {
    const u = await registerUser(s.api);
    expect((await s.api.post(`/api/admin/users/${u.id}/verify-email`, undefined, admin.token)).status).toBe(
      200,
    );
    return u;
  };
  const rowsOf = (userId: number) =>
    s.ctx.db.selectFrom('exchange_accounts').selectAll().where('user_id', '=', userId).execute();

  beforeAll(async () => {
    await fake.start();
    s = await startTestServer(t, { env: bybitEnv(fake), clock: new RealTimeClock() });
    admin = await adminSession(s);
  });
  afterAll(async () => {
    await s.close();
    await fake.stop();
  });

  it('refuses a key that can withdraw, with the reason, and stores nothing', async () => {
    const u = await verified();
    const keys = fake.addAccount({
      key: { permissions: { ...SAFE, Wallet: ['AccountTransfer', 'Withdraw'] } },
    });
    const r = await connect(u, keys);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'key_refused', reason: expect.stringMatching(/withdraw/i) });
    expect((await rowsOf(u.id)).filter((x) => x.api_key !== null)).toEqual([]);
    const audit = await s.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('user_id', '=', u.id)
      .where('action', '=', 'exchange_key_refused')
      .execute();
    expect(audit).toHaveLength(1);
    expect(fake.countRequests({ apiKey: keys.apiKey, path: '/v5/user/query-api' })).toBe(1);
    // Nothing was traded or set with it.
    expect(fake.countRequests({ apiKey: keys.apiKey, path: '/v5/order/create' })).toBe(0);
  });

  it('refuses a read-only key (it cannot trade)', async () => {
    const u = await verified();
    const r = await connect(u, fake.addAccount({ key: { readOnly: true } }));
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'key_refused', reason: expect.stringMatching(/cannot trade/i) });
  });

  it('refuses keys Bybit rejects (wrong secret, unknown key) with a 4xx and stores nothing', async () => {
    const u = await verified();
    const keys = fake.addAccount();
    const bad = await connect(u, { apiKey: keys.apiKey, secret: 'wrong-secret-value' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      error: 'invalid_keys',
      reason: expect.stringMatching(/bybit refused/i),
    });
    const unknown = await connect(u, { apiKey: 'no-such-key', secret: 'whatever' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toBe('invalid_keys');
    expect((await rowsOf(u.id)).filter((x) => x.provider === 'bybit')).toEqual([]);
  });

  it('accepts a key without an IP whitelist with a warning, and sets the position mode', async () => {
    const u = await verified();
    const keys = fake.addAccount({ key: { ips: ['*'] } });
    const r = await connect(u, keys, { hedge_mode: 1, margin_mode: 'CROSSED', leverage_default: 7 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      provider: 'bybit',
      mode: 'mainnet',
      has_keys: true,
      hedge_mode: 1,
      warnings: [expect.stringMatching(/no IP whitelist/)],
      permissions: {
        can_withdraw: false,
        can_trade: true,
        ip_restricted: false,
        reported: true,
        refused: null,
      },
    });
    expect(fake.positionModeOf(keys.apiKey)).toBe(3);
    const row = (await rowsOf(u.id)).find((x) => x.provider === 'bybit')!;
    expect(row.api_key).toMatch(/^v1\./);
    expect(row.active).toBe(1);

    // Validate: the stored key, balance and permissions.
    const v = await s.api.post('/api/exchanges/validate', undefined, u.token);
    expect(v.status, JSON.stringify(v.body)).toBe(200);
    expect(v.body).toMatchObject({
      provider: 'bybit',
      ok: true,
      balance: { asset: 'USDT', total: '100000' },
      permissions: { ip_restricted: false },
    });
    const bal = await s.api.get(`/api/users/${u.id}/balance/bybit`, u.token);
    expect(bal.status, JSON.stringify(bal.body)).toBe(200);
    expect(bal.body).toMatchObject({ exchange: 'bybit', asset: 'USDT', total: '100000' });

    // The daily re-check: the key was given withdrawals on Bybit → off new signals, the user told.
    fake.setKeyInfo(keys.apiKey, { permissions: { ...SAFE, Wallet: ['Withdraw'] } });
    await exchangeKeysJob(s.ctx).run({
      now: s.clock.now(),
      period: 'x',
      signal: new AbortController().signal,
    });
    const after = (await rowsOf(u.id)).find((x) => x.provider === 'bybit')!;
    expect(after.active).toBe(0);
    expect(JSON.parse(after.permissions)).toMatchObject({ can_withdraw: true, refused: expect.any(String) });
  });

  it('connects a whitelisted key without warnings; demo keys with the "not reported" note', async () => {
    const u = await verified();
    const r = await connect(u, fake.addAccount());
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ warnings: [], permissions: { ip_restricted: true } });
    const d = await verified();
    const demo = await connect(d, fake.addAccount(), { mode: 'testnet' });
    expect(demo.status, JSON.stringify(demo.body)).toBe(200);
    expect(demo.body).toMatchObject({
      mode: 'testnet',
      warnings: [expect.stringMatching(/Bybit demo trading does not report/)],
      permissions: { reported: false },
    });
  });

  it('never lets a key or secret reach a response or a log line', () => {
    expect(seen.length).toBeGreaterThan(8);
    const logs = s.logs.join('');
    const bodies = s.api.bodies.join('\n');
    for (const v of seen) {
      expect(logs.includes(v), 'a key or secret in the logs').toBe(false);
      expect(bodies.includes(v), 'a key or secret in a response').toBe(false);
    }
  });
});
