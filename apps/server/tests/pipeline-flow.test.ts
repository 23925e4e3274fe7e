import type { PositionState } from '@verzek/core';
import { describeDb } from '@verzek/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminSession, registerUser, startTestServer, type Session, type TestServer } from './harness';

const SIGNAL = {
  symbol: 'BTCUSDT',
  direction: 'LONG',
  entry: 70000,
  targets: [70500, 71000, 72000],
  stop_loss: 69500,
  leverage: 10,
  trade_type: 'FUTURES',
};

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describeDb('signal pipeline on paper', (t) => {
  let s: TestServer;
  let admin: Session;
  let trader: Session;

  const state = async (positionId: number) => {
    const row = await s.ctx.db
      .selectFrom('positions')
      .select('state')
      .where('id', '=', positionId)
      .executeTakeFirstOrThrow();
    return JSON.parse(row.state) as PositionState;
  };
  const positionOf = (signalId: number, userId: number) =>
    s.ctx.db
      .selectFrom('positions')
      .selectAll()
      .where('signal_id', '=', signalId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
  const setPrice = async (price: number | string, symbol = 'BTCUSDT') => {
    const r = await s.api.post('/api/admin/market/price', { symbol, price }, admin.token);
    expect(r.status).toBe(200);
  };
  const postSignal = async (body: Record<string, unknown> = SIGNAL) => {
    const r = await s.api.post<{
      id: number;
      executions: { queued: number; blocked: number; reason: string | null };
    }>('/api/signals', body, admin.token);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };
  /** Waits until the position is open with its whole ladder live on the venue. */
  const ladderLive = (signalId: number, userId: number) =>
    until(`ladder of signal ${signalId}`, async () => {
      const row = await positionOf(signalId, userId);
      if (!row) return null;
      const st = await state(row.id);
      const live = st.orders.filter((o) => o.status === 'NEW');
      return st.status === 'OPEN' &&
        live.filter((o) => o.role === 'tp').length === 3 &&
        live.some((o) => o.role === 'stop')
        ? { row, st }
        : null;
    });

  beforeAll(async () => {
    s = await startTestServer(t, { trading: true });
    admin = await adminSession(s);
    trader = await registerUser(s.api);
    expect(
      (await s.api.put(`/api/users/${trader.id}/subscription`, { plan: 'PREMIUM' }, admin.token)).status,
    ).toBe(200);
    expect(
      (await s.api.post(`/api/admin/users/${trader.id}/verify-email`, undefined, admin.token)).status,
    ).toBe(200);
    const strategy = await s.api.put(
      `/api/users/${trader.id}/strategy`,
      { auto_trade_enabled: true, per_trade_usdt: '100', capital_usdt: '100000' },
      trader.token,
    );
    expect(strategy.status, JSON.stringify(strategy.body)).toBe(200);
    expect(
      (
        await s.api.put(
          `/api/users/${trader.id}/risk`,
          { max_open_trades: 50, per_symbol_limit: 50 },
          trader.token,
        )
      ).status,
    ).toBe(200);
    const connect = await s.api.post(
      '/api/exchanges/connect',
      { provider: 'paper', mode: 'paper', leverage_default: 10, margin_mode: 'ISOLATED', hedge_mode: 0 },
      trader.token,
    );
    expect(connect.status, JSON.stringify(connect.body)).toBe(200);
    await setPrice(70000);
  });
  afterAll(() => s.close());

  it('opens the follower’s position with the entry, three reduce-only TPs and a stop', async () => {
    const posted = await postSignal();
    expect(posted.executions).toMatchObject({ queued: 1, blocked: 0 });
    const { st } = await ladderLive(posted.id, trader.id);
    expect(st.plan.leverage).toBe(10);
    expect(st.entry_filled_qty).toBe('0.014'); // 100 USDT × 10 / 70000 → 0.0142… → lot 0.001
    const tps = st.orders.filter((o) => o.role === 'tp');
    expect(tps.map((o) => [o.price, o.qty, o.reduce_only])).toEqual([
      ['70500', '0.004', true],
      ['71000', '0.004', true],
      ['72000', '0.006', true],
    ]);
    const stop = st.orders.find((o) => o.role === 'stop' && o.status === 'NEW')!;
    expect([stop.kind, stop.stop_price, stop.qty, stop.reduce_only]).toEqual([
      'STOP_MARKET',
      '69500',
      '0.014',
      true,
    ]);
  });

  let signalA = 0;
  it('takes a third and moves the stop to breakeven on a TP_HIT 1 follow-up', async () => {
    const row = await s.ctx.db
      .selectFrom('positions')
      .select(['id', 'signal_id'])
      .where('user_id', '=', trader.id)
      .executeTakeFirstOrThrow();
    signalA = row.signal_id!;
    // The source says TP1 was reached; the market is above the entry (a stop at breakeven is valid)
    // but just under TP1, so the TP1 limit itself has not filled.
    await setPrice(70400);
    const r = await s.api.post(
      '/api/signal-events',
      { signal_id: signalA, kind: 'TP_HIT', target: 1 },
      admin.token,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ status: 'applied', positions: 1 });
    const st = await until('TP1 taken and stop at breakeven', async () => {
      const x = await state(row.id);
      const stop = x.orders.find((o) => o.role === 'stop' && o.status === 'NEW');
      return x.remaining_qty === '0.01' && x.stop_kind === 'breakeven' && stop ? x : null;
    });
    expect(st.status).toBe('PARTIAL');
    const liveStop = st.orders.find((o) => o.role === 'stop' && o.status === 'NEW')!;
    // It covers what is left (reduce-only: the venue never closes more than the position).
    expect(Number(liveStop.qty)).toBeGreaterThanOrEqual(0.01);
    expect(liveStop.stop_price).toBe(st.stop_price);
    expect(Number(liveStop.stop_price)).toBeGreaterThanOrEqual(70000);
    // The TP1 limit was cancelled and its share taken at market.
    expect(st.orders.find((o) => o.leg === 'tp-1')?.status).toBe('CANCELED');
    expect(st.orders.find((o) => o.leg === 'tp-1-take')?.status).toBe('FILLED');
    expect(st.orders.find((o) => o.leg === 'tp-1-take')?.fills[0]?.price).toBe('70385.9'); // 70400 − 2 bps, on the 0.1 tick
    // The same event delivered again changes nothing.
    const again = await s.api.post(
      '/api/signal-events',
      { signal_id: signalA, kind: 'TP_HIT', target: 1, event_id: 'x1' },
      admin.token,
    );
    expect(again.status).toBe(200);
    const dup = await s.api.post(
      '/api/signal-events',
      { signal_id: signalA, kind: 'TP_HIT', target: 1, event_id: 'x1' },
      admin.token,
    );
    expect(dup.body).toMatchObject({ status: 'duplicate' });
  });

  it('fills TP1 when the price crosses it, and moves the stop to breakeven', async () => {
    await setPrice(70100);
    const posted = await postSignal();
    const { row } = await ladderLive(posted.id, trader.id);
    await setPrice(70499);
    await new Promise((r) => setTimeout(r, 100));
    expect((await state(row.id)).remaining_qty).toBe('0.014');
    await setPrice(70500);
    const st = await until('TP1 filled by price', async () => {
      const x = await state(row.id);
      return x.orders.find((o) => o.leg === 'tp-1')?.status === 'FILLED' && x.stop_kind === 'breakeven'
        ? x
        : null;
    });
    expect(st.remaining_qty).toBe('0.01');
    const fill = st.orders.find((o) => o.leg === 'tp-1')!.fills[0]!;
    expect(fill.price).toBe('70500');
    expect(Number(st.realized_pnl_usdt)).toBeGreaterThan(0);
  });

  it('closes the rest at a loss on SL_HIT, records it, and starts the cooldown', async () => {
    // On another market, so the BTC positions above don't move.
    await setPrice(3500, 'ETHUSDT');
    const posted = await postSignal({
      ...SIGNAL,
      symbol: 'ETHUSDT',
      entry: 3500,
      targets: [3520, 3540, 3580],
      stop_loss: 3480,
    });
    const { row } = await ladderLive(posted.id, trader.id);
    await setPrice(3490, 'ETHUSDT');
    const r = await s.api.post('/api/signal-events', { signal_id: posted.id, kind: 'SL_HIT' }, admin.token);
    expect(r.body).toMatchObject({ status: 'applied' });
    const st = await until('closed by SL_HIT', async () => {
      const x = await state(row.id);
      return x.status === 'CLOSED' ? x : null;
    });
    expect(st.close_reason).toBe('stop_loss');
    expect(st.remaining_qty).toBe('0');
    expect(Number(st.realized_pnl_usdt)).toBeLessThan(0);
    // Every order of the position is final.
    expect(
      st.orders.filter((o) =>
        ['NEW', 'PENDING_NEW', 'PARTIALLY_FILLED', 'PENDING_CANCEL'].includes(o.status),
      ),
    ).toEqual([]);

    const next = await postSignal();
    expect(next.executions.queued).toBe(1);
    const event = await until('cooldown risk event', () =>
      s.ctx.db
        .selectFrom('risk_events')
        .selectAll()
        .where('signal_id', '=', next.id)
        .where('user_id', '=', trader.id)
        .executeTakeFirst(),
    );
    expect(event.code).toBe('cooldown');
    expect(await positionOf(next.id, trader.id)).toBeUndefined();
    const notices = await s.ctx.db
      .selectFrom('notifications')
      .select('kind')
      .where('user_id', '=', trader.id)
      .execute();
    expect(notices.map((n) => n.kind)).toEqual(
      expect.arrayContaining(['position_opened', 'position_closed', 'trade_blocked']),
    );
  });

  it('blocks a 51st concurrent trade with a risk event', async () => {
    const u = await registerUser(s.api);
    await s.api.put(`/api/users/${u.id}/subscription`, { plan: 'PREMIUM' }, admin.token);
    await s.api.post(`/api/admin/users/${u.id}/verify-email`, undefined, admin.token);
    await s.api.put(
      `/api/users/${u.id}/strategy`,
      { auto_trade_enabled: true, per_trade_usdt: '10', capital_usdt: '100000' },
      u.token,
    );
    await s.api.put(
      `/api/users/${u.id}/risk`,
      { max_open_trades: 50, per_symbol_limit: 50, max_daily_trades: 100 },
      u.token,
    );
    const ids: number[] = [];
    for (let i = 0; i < 51; i++) ids.push((await postSignal()).id);
    await until(
      '51 intents decided',
      async () => {
        const left = await s.ctx.db
          .selectFrom('execution_intents')
          .select('id')
          .where('user_id', '=', u.id)
          .where('status', '=', 'PENDING')
          .execute();
        const all = await s.ctx.db
          .selectFrom('execution_intents')
          .select('id')
          .where('user_id', '=', u.id)
          .execute();
        return all.length === 51 && left.length === 0;
      },
      30_000,
    );
    const open = await s.ctx.db.selectFrom('positions').select('id').where('user_id', '=', u.id).execute();
    expect(open).toHaveLength(50);
    const blocked = await s.ctx.db
      .selectFrom('risk_events')
      .selectAll()
      .where('user_id', '=', u.id)
      .execute();
    expect(blocked.map((b) => b.code)).toEqual(['max_concurrent_trades']);
    expect(blocked[0]!.signal_id).toBe(ids[50]);
  });

  it('opens nothing for anyone while the kill switch is on, and says why', async () => {
    const on = await s.api.post(
      '/api/safety/toggle',
      { kill_switch: true, reason: 'maintenance' },
      admin.token,
    );
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ global_kill_switch: true, reason: 'maintenance' });
    const before = await s.ctx.db.selectFrom('positions').select('id').execute();
    const posted = await postSignal();
    expect(posted.executions.queued).toBe(0);
    expect(posted.executions.blocked).toBeGreaterThan(0);
    expect(posted.executions.reason).toMatch(/kill switch/i);
    await new Promise((r) => setTimeout(r, 300));
    expect(await s.ctx.db.selectFrom('positions').select('id').execute()).toHaveLength(before.length);
    const widget = await s.api.get<{ kill_switch: boolean }>('/api/safety/widget', trader.token);
    expect(widget.body.kill_switch).toBe(true);
    expect((await s.api.post('/api/safety/toggle', { kill_switch: false }, trader.token)).status).toBe(403);
    expect((await s.api.post('/api/safety/toggle', { kill_switch: false }, admin.token)).body).toMatchObject({
      global_kill_switch: false,
    });
  });
});
