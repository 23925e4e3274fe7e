import type { PositionState } from '@verzek/core';
import { ManualClock } from '@verzek/platform';
import type { FakeBinanceFutures } from '@verzek/test-support';
import { expect } from 'vitest';
import { registerUser, type Session, type TestServer } from './harness';

/** Shared steps of the live-exchange tests (binance-*.test.ts, exchanges*.test.ts). */

/**
 * The platform's clock for live-exchange tests: real time (the exchange stamps fills with it, and the
 * engine's back-offs must expire), still movable forward like a ManualClock.
 */
export class RealTimeClock extends ManualClock {
  private offset = 0;
  override now(): number {
    return Date.now() + this.offset;
  }
  override advance(ms: number): void {
    this.offset += ms;
  }
  override set(ms: number): void {
    this.offset = ms - Date.now();
  }
}

export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Env for a server whose Binance is the fake. */
export function binanceEnv(
  fake: FakeBinanceFutures,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    BINANCE_FUTURES_URL: fake.url,
    EXCHANGE_POLL_MS: '500',
    EXCHANGE_TIMEOUT_MS: '2000',
    ...extra,
  };
}

/** A PREMIUM, verified trader with auto-trading on (as in pipeline-flow.test.ts). */
export async function premiumTrader(
  s: TestServer,
  admin: Session,
  strategy: Record<string, unknown> = { per_trade_usdt: '100', capital_usdt: '100000' },
  risk: Record<string, unknown> = { max_open_trades: 50, per_symbol_limit: 50 },
): Promise<Session> {
  const u = await registerUser(s.api);
  expect((await s.api.put(`/api/users/${u.id}/subscription`, { plan: 'PREMIUM' }, admin.token)).status).toBe(
    200,
  );
  expect((await s.api.post(`/api/admin/users/${u.id}/verify-email`, undefined, admin.token)).status).toBe(
    200,
  );
  const st = await s.api.put(
    `/api/users/${u.id}/strategy`,
    { auto_trade_enabled: true, ...strategy },
    u.token,
  );
  expect(st.status, JSON.stringify(st.body)).toBe(200);
  const r = await s.api.put(`/api/users/${u.id}/risk`, risk, u.token);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return u;
}

/** Connects the user's binance_futures (demo = testnet) account with keys of a fake account. */
export async function connectBinance(
  s: TestServer,
  user: Session,
  fake: FakeBinanceFutures,
  opts: { mode?: 'testnet' | 'mainnet'; hedge?: 0 | 1 } = {},
): Promise<{ apiKey: string; secret: string }> {
  const keys = fake.addAccount();
  const r = await s.api.post(
    '/api/exchanges/connect',
    {
      provider: 'binance_futures',
      mode: opts.mode ?? 'testnet',
      api_key: keys.apiKey,
      api_secret: keys.secret,
      leverage_default: 10,
      margin_mode: 'ISOLATED',
      hedge_mode: opts.hedge ?? 0,
    },
    user.token,
  );
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return keys;
}

export async function positionState(s: TestServer, positionId: number): Promise<PositionState> {
  const row = await s.ctx.db
    .selectFrom('positions')
    .select('state')
    .where('id', '=', positionId)
    .executeTakeFirstOrThrow();
  return JSON.parse(row.state) as PositionState;
}

export function positionOf(s: TestServer, signalId: number, userId: number) {
  return s.ctx.db
    .selectFrom('positions')
    .selectAll()
    .where('signal_id', '=', signalId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

/** The price on the platform's feed and the exchange's mark price, together. */
export async function setPrice(
  s: TestServer,
  admin: Session,
  fake: { setMarkPrice(symbol: string, price: string): void },
  price: number | string,
  symbol = 'BTCUSDT',
): Promise<void> {
  fake.setMarkPrice(symbol, String(price));
  const r = await s.api.post('/api/admin/market/price', { symbol, price }, admin.token);
  expect(r.status).toBe(200);
}

export async function postSignal(s: TestServer, admin: Session, body: Record<string, unknown>) {
  const r = await s.api.post<{
    id: number;
    executions: { queued: number; blocked: number; reason: string | null };
  }>('/api/signals', body, admin.token);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

/** Waits until the position is open with its whole ladder (3 TPs) and a stop live on the venue. */
export function ladderLive(s: TestServer, signalId: number, userId: number, timeoutMs = 15_000) {
  return until(
    `ladder of signal ${signalId} for user ${userId}`,
    async () => {
      const row = await positionOf(s, signalId, userId);
      if (!row) return null;
      const st = await positionState(s, row.id);
      const live = st.orders.filter((o) => o.status === 'NEW');
      return st.status === 'OPEN' &&
        live.filter((o) => o.role === 'tp').length === 3 &&
        live.some((o) => o.role === 'stop')
        ? { row, st }
        : null;
    },
    timeoutMs,
  );
}

/** Every client id the fake saw an order for exactly once (no duplicate order ever). */
export function expectNoDuplicateOrders(fake: FakeBinanceFutures): void {
  const dup = [...fake.clientIdCounts().entries()].filter(([, n]) => n > 1);
  expect(dup).toEqual([]);
}
