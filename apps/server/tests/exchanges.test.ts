import { SUPPORTED_LIVE_PROVIDERS } from '@verzek/exchange';
import { sql } from 'kysely';
import { describeDb, FakeBinanceFutures } from '@verzek/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { exchangeKeysJob } from '../src/services/exchanges/permission-job';
import {
  binanceEnv,
  ladderLive,
  postSignal,
  premiumTrader,
  RealTimeClock,
  setPrice,
  until,
} from './binance-helpers';
import { adminSession, registerUser, startTestServer, type Session, type TestServer } from './harness';

describeDb('exchange accounts (SPEC §4)', (t) => {
  const fake = new FakeBinanceFutures();
  let s: TestServer;
  let admin: Session;
  const seen: string[] = []; // every key and secret handed to the API, for the leak scans

  const connect = (
    user: Session,
    keys: { apiKey: string; secret: string },
    extra: Record<string, unknown> = {},
  ) => {
    seen.push(keys.apiKey, keys.secret);
    return s.api.post<Record<string, unknown>>(
      '/api/exchanges/connect',
      {
        provider: 'binance_futures',
        mode: 'mainnet',
        api_key: keys.apiKey,
        api_secret: keys.secret,
        ...extra,
      },
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

  beforeAll(async () => {
    await fake.start();
    fake.setMarkPrice('BTCUSDT', '70000');
    s = await startTestServer(t, {
      trading: true,
      env: binanceEnv(fake),
      clock: new RealTimeClock(),
    });
    admin = await adminSession(s);
  });
  afterAll(async () => {
    await s.close();
    await fake.stop();
  });

  it('lets only verified users connect', async () => {
    const u = await registerUser(s.api);
    const r = await connect(u, fake.addAccount());
    expect(r.status).toBe(403);
    expect(r.body.error).toBe('email_unverified');
  });

  it('refuses a key that can withdraw, with the reason, and stores nothing', async () => {
    const u = await verified();
    const r = await connect(u, fake.addAccount({ permissions: { enableWithdrawals: true } }));
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'key_refused', reason: expect.stringMatching(/withdraw/i) });
    const rows = await s.ctx.db
      .selectFrom('exchange_accounts')
      .selectAll()
      .where('user_id', '=', u.id)
      .execute();
    expect(rows.filter((x) => x.api_key !== null)).toEqual([]);
    const audit = await s.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('user_id', '=', u.id)
      .where('action', '=', 'exchange_key_refused')
      .execute();
    expect(audit).toHaveLength(1);
    // A universal-transfer permission moves funds too.
    const r2 = await connect(u, fake.addAccount({ permissions: { permitsUniversalTransfer: true } }));
    expect(r2.body.error).toBe('key_refused');
  });

  it('refuses keys the exchange rejects, and providers without an adapter', async () => {
    const u = await verified();
    const keys = fake.addAccount();
    const bad = await connect(u, { apiKey: keys.apiKey, secret: 'wrong-secret-value' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid_keys');
    // Providers of the contract without an adapter in this build (none, once every one has landed).
    for (const provider of ['bybit', 'phemex', 'kraken_futures'].filter(
      (p) => !(SUPPORTED_LIVE_PROVIDERS as readonly string[]).includes(p),
    )) {
      const r = await s.api.post(
        '/api/exchanges/connect',
        { provider, mode: 'testnet', api_key: 'k', api_secret: 's' },
        u.token,
      );
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ error: 'provider_unavailable' });
    }
    const noKeys = await s.api.post(
      '/api/exchanges/connect',
      { provider: 'binance_futures', mode: 'mainnet' },
      u.token,
    );
    expect(noKeys.status).toBe(400);
  });

  let trader: Session;
  let traderKeys: { apiKey: string; secret: string };
  it('connects a key without an IP whitelist with a warning; /me never shows a key or secret', async () => {
    trader = await premiumTrader(s, admin);
    traderKeys = fake.addAccount({ permissions: { ipRestrict: false } });
    const r = await connect(trader, traderKeys, { leverage_default: 7, margin_mode: 'CROSSED' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      provider: 'binance_futures',
      mode: 'mainnet',
      has_keys: true,
      leverage_default: 7,
      margin_mode: 'CROSSED',
      warnings: [expect.stringMatching(/no IP whitelist/)],
      permissions: { can_withdraw: false, ip_restricted: false, reported: true, refused: null },
    });
    const me = await s.api.get('/api/exchanges/me', trader.token);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ provider: 'binance_futures', has_keys: true });
    const put = await s.api.put('/api/exchanges/me', { leverage_default: 5 }, trader.token);
    expect(put.body).toMatchObject({ leverage_default: 5 });
    const row = await s.ctx.db
      .selectFrom('exchange_accounts')
      .selectAll()
      .where('user_id', '=', trader.id)
      .where('provider', '=', 'binance_futures')
      .executeTakeFirstOrThrow();
    expect(row.api_key).toMatch(/^v1\./);
    expect(row.api_secret).toMatch(/^v1\./);
    const audit = await s.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('user_id', '=', trader.id)
      .where('action', '=', 'exchange_connected')
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('validates keys: given ones or the stored ones; balance and permissions', async () => {
    const given = fake.addAccount({ balance: '1234.5' });
    seen.push(given.apiKey, given.secret);
    const v = await s.api.post(
      '/api/exchanges/validate',
      { provider: 'binance_futures', mode: 'mainnet', api_key: given.apiKey, api_secret: given.secret },
      trader.token,
    );
    expect(v.status, JSON.stringify(v.body)).toBe(200);
    expect(v.body).toMatchObject({
      ok: true,
      balance: { asset: 'USDT', total: '1234.5' },
      permissions: { can_trade: true, ip_restricted: true },
      refused: null,
    });
    const stored = await s.api.post('/api/exchanges/validate', undefined, trader.token);
    expect(stored.status, JSON.stringify(stored.body)).toBe(200);
    expect(stored.body).toMatchObject({
      ok: true,
      balance: { total: '100000' },
      warnings: [expect.any(String)],
    });
    const withdraw = fake.addAccount({ permissions: { enableWithdrawals: true } });
    seen.push(withdraw.apiKey, withdraw.secret);
    const bad = await s.api.post(
      '/api/exchanges/validate',
      { provider: 'binance_futures', mode: 'mainnet', api_key: withdraw.apiKey, api_secret: withdraw.secret },
      trader.token,
    );
    expect(bad.body).toMatchObject({ ok: false, refused: expect.stringMatching(/withdraw/) });
  });

  it('answers the older paths for the user or an admin, 403 for anyone else', async () => {
    const other = await verified();
    const bal = await s.api.get(`/api/users/${trader.id}/balance/binance_futures`, trader.token);
    expect(bal.status, JSON.stringify(bal.body)).toBe(200);
    expect(bal.body).toMatchObject({
      exchange: 'binance_futures',
      mode: 'mainnet',
      asset: 'USDT',
      total: '100000',
    });
    expect((await s.api.get(`/api/users/${trader.id}/balance/binance_futures`, other.token)).status).toBe(
      403,
    );
    expect((await s.api.get(`/api/users/${trader.id}/balance/binance_futures`, admin.token)).status).toBe(
      200,
    );
    const paper = await s.api.get(`/api/users/${other.id}/balance/paper`, other.token);
    expect(paper.body).toMatchObject({ exchange: 'paper', asset: 'USDT', total: '100' });
    expect((await s.api.get(`/api/users/${other.id}/balance/bybit`, other.token)).status).toBe(404);

    const lev = await s.api.get(`/api/users/${trader.id}/exchanges/binance_futures/leverage`, trader.token);
    expect(lev.body).toEqual({ exchange: 'binance_futures', leverage: 5 });
    const put = await s.api.put(
      `/api/users/${trader.id}/exchanges/binance_futures/leverage`,
      { leverage: 8 },
      admin.token,
    );
    expect(put.body).toEqual({ exchange: 'binance_futures', leverage: 8 });
    expect(
      (
        await s.api.put(
          `/api/users/${trader.id}/exchanges/binance_futures/leverage`,
          { leverage: 8 },
          other.token,
        )
      ).status,
    ).toBe(403);
    expect(
      (await s.api.request('DELETE', `/api/users/${trader.id}/exchanges`, { token: other.token })).status,
    ).toBe(403);

    // POST /api/exchanges is the older connect.
    const k = fake.addAccount();
    seen.push(k.apiKey, k.secret);
    const older = await s.api.post(
      '/api/exchanges',
      { provider: 'binance_futures', mode: 'testnet', api_key: k.apiKey, api_secret: k.secret },
      other.token,
    );
    expect(older.status, JSON.stringify(older.body)).toBe(200);
    expect(older.body).toMatchObject({ provider: 'binance_futures', mode: 'testnet', has_keys: true });
    const wiped = await s.api.request('DELETE', `/api/users/${other.id}/exchanges`, { token: admin.token });
    expect(wiped.status).toBe(200);
    const row = await s.ctx.db
      .selectFrom('exchange_accounts')
      .selectAll()
      .where('user_id', '=', other.id)
      .where('provider', '=', 'binance_futures')
      .executeTakeFirstOrThrow();
    expect([row.api_key, row.api_secret, row.passphrase, row.active]).toEqual([null, null, null, 0]);
    expect((await s.api.get<{ provider: string }>('/api/exchanges/me', other.token)).body.provider).toBe(
      'paper',
    );
  });

  it('refuses to disconnect while a live position is open, then wipes the keys', async () => {
    await setPrice(s, admin, fake, 70000);
    const posted = await postSignal(s, admin, {
      symbol: 'BTCUSDT',
      direction: 'LONG',
      entry: 70000,
      targets: [70500, 71000, 72000],
      stop_loss: 69500,
      leverage: 10,
    });
    const { row } = await ladderLive(s, posted.id, trader.id);
    const r = await s.api.request('DELETE', '/api/exchanges/me', { token: trader.token });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ error: 'open_positions' });
    // Switching the account to another mode would orphan the position too.
    const k = fake.addAccount();
    seen.push(k.apiKey, k.secret);
    const sw = await connect(trader, k, { mode: 'testnet' });
    expect(sw.status).toBe(409);

    await s.api.post('/api/signal-events', { signal_id: posted.id, kind: 'CLOSED' }, admin.token);
    await until('position closed', async () => {
      const p = await s.ctx.db
        .selectFrom('positions')
        .select('status')
        .where('id', '=', row.id)
        .executeTakeFirstOrThrow();
      return p.status === 'CLOSED';
    });
    const ok = await s.api.request('DELETE', '/api/exchanges/me', { token: trader.token });
    expect(ok.status).toBe(200);
    const me = await s.api.get('/api/exchanges/me', trader.token);
    expect(me.body).toMatchObject({ provider: 'paper', has_keys: false });
  });

  it('re-checks keys daily: a key that now allows withdrawals stops new trades, the user is told', async () => {
    const u = await premiumTrader(s, admin);
    const keys = fake.addAccount();
    expect((await connect(u, keys)).status).toBe(200);
    fake.setPermissions(keys.apiKey, { enableWithdrawals: true });
    await exchangeKeysJob(s.ctx).run({
      now: s.clock.now(),
      period: 'x',
      signal: new AbortController().signal,
    });
    const rows = await s.ctx.db
      .selectFrom('exchange_accounts')
      .selectAll()
      .where('user_id', '=', u.id)
      .execute();
    const live = rows.find((r) => r.provider === 'binance_futures')!;
    expect(live.active).toBe(0);
    expect(live.api_key).not.toBeNull(); // kept: open positions would still need it
    expect(JSON.parse(live.permissions)).toMatchObject({ can_withdraw: true, refused: expect.any(String) });
    expect(rows.find((r) => r.provider === 'paper')?.active).toBe(1);
    const notices = await s.ctx.db
      .selectFrom('notifications')
      .selectAll()
      .where('user_id', '=', u.id)
      .execute();
    expect(notices.some((n) => n.kind === 'trade_blocked' && /withdraw/.test(n.text))).toBe(true);
  });

  it('never lets a key or secret reach a response, a log line or the database in clear', async () => {
    expect(seen.length).toBeGreaterThan(10);
    const logs = s.logs.join('');
    const bodies = s.api.bodies.join('\n');
    for (const v of seen) {
      expect(logs.includes(v), 'a key or secret in the logs').toBe(false);
      expect(bodies.includes(v), 'a key or secret in a response').toBe(false);
    }
    // A raw dump of every table.
    const tables =
      t.dialect === 'sqlite'
        ? (
            await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(s.ctx.db)
          ).rows.map((r) => r.name)
        : (
            await sql<{
              name: string;
            }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(
              s.ctx.db,
            )
          ).rows.map((r) => r.name);
    let dump = '';
    for (const table of tables) {
      const rows = await sql`select * from ${sql.table(table)}`.execute(s.ctx.db);
      dump += JSON.stringify(rows.rows);
    }
    expect(dump.length).toBeGreaterThan(10_000);
    for (const v of seen) expect(dump.includes(v), 'a key or secret in the database').toBe(false);
  });
});
