import { clientOrderId } from '@verzek/exchange';
import type { TestDatabase } from '@verzek/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  ladderLive,
  positionOf,
  positionState,
  postSignal,
  premiumTrader,
  RealTimeClock,
  setPrice,
  until,
} from './binance-helpers';
import { adminSession, startTestServer, type Session, type TestServer } from './harness';

/** A resting limit order as the exchange holds it. */
export interface VenueLimit {
  clientId: string;
  price: string;
  qty: string;
  reduceOnly: boolean;
}

/** A resting stop (conditional) order as the exchange holds it. */
export interface VenueStop {
  clientId: string;
  trigger: string;
  qty: string;
  reduceOnly: boolean;
  /** Triggers on the mark price (not the last trade). */
  onMark: boolean;
}

/**
 * One fake exchange as the §5 flow scenario sees it: how to point the server at it, connect a user,
 * move its price, and read back what it holds, normalised across venues.
 */
export interface FlowVenue {
  provider: 'binance_futures' | 'bybit';
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Server env pointing the provider at the fake. */
  env(): Record<string, string>;
  setMarkPrice(symbol: string, price: string): void;
  /** Connects the user's account in demo (testnet) mode with keys of a new fake account. */
  connect(s: TestServer, user: Session): Promise<{ apiKey: string; secret: string }>;
  /** What a demo connection is warned about (demo keys report no permissions). */
  demoWarning: RegExp;
  leverageOf(apiKey: string, symbol: string): number;
  isolated(apiKey: string, symbol: string): boolean;
  /** Signed position size (positive = long). */
  positionQty(apiKey: string, symbol: string): string;
  openLimits(apiKey: string, symbol: string): VenueLimit[];
  openStops(apiKey: string, symbol: string): VenueStop[];
  /** Client ids the fake saw more than one order for (must stay empty). */
  duplicateClientIds(): string[];
}

export const FLOW_SIGNAL = {
  symbol: 'BTCUSDT',
  direction: 'LONG',
  entry: 70000,
  targets: [70500, 71000, 72000],
  stop_loss: 69500,
  leverage: 10,
  trade_type: 'FUTURES',
};

/**
 * The §5 flow of pipeline-flow.test.ts on a live venue's fake through ccxt: entry, TP ladder and stop
 * placed, a TP_HIT follow-up (a third taken, stop to breakeven), TP1 filled by the exchange, SL_HIT
 * closing at a loss (cooldown after), and stops triggered on the exchange. Run inside `describeDb`.
 */
export function liveFlowScenario(t: TestDatabase, venue: FlowVenue): void {
  let s: TestServer;
  let admin: Session;
  let trader: Session;
  let keys: { apiKey: string; secret: string };

  const price = async (p: number | string, symbol = 'BTCUSDT') => {
    await setPrice(s, admin, venue, p, symbol);
  };
  const state = (id: number) => positionState(s, id);
  const noDuplicates = () => expect(venue.duplicateClientIds()).toEqual([]);

  beforeAll(async () => {
    await venue.start();
    venue.setMarkPrice('BTCUSDT', '70000');
    venue.setMarkPrice('ETHUSDT', '3500');
    // Exchange times (fills) are real time: the platform's clock starts at real time too.
    s = await startTestServer(t, { trading: true, env: venue.env(), clock: new RealTimeClock() });
    admin = await adminSession(s);
    trader = await premiumTrader(s, admin);
    keys = await venue.connect(s, trader);
    await price(70000);
  });
  afterAll(async () => {
    await s.close();
    await venue.stop();
  });

  it('connects without showing the keys, warning that demo keys report no permissions', async () => {
    const me = await s.api.get<Record<string, unknown>>('/api/exchanges/me', trader.token);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ provider: venue.provider, mode: 'testnet', has_keys: true });
    expect(JSON.stringify(me.body)).not.toContain(keys.apiKey);
    expect(JSON.stringify(me.body)).not.toContain(keys.secret);
    expect(me.body.warnings).toEqual([expect.stringMatching(venue.demoWarning)]);
  });

  it('opens the follower’s position: entry, three reduce-only TP limits, a reduce-only stop on the mark', async () => {
    const posted = await postSignal(s, admin, FLOW_SIGNAL);
    expect(posted.executions).toMatchObject({ queued: 1, blocked: 0 });
    const { row, st } = await ladderLive(s, posted.id, trader.id);
    expect(st.plan.leverage).toBe(10);
    expect(st.entry_filled_qty).toBe('0.014'); // 100 USDT × 10 / 70000 → 0.0142… → lot 0.001
    expect(st.avg_entry_price).toBe('70000');
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
    // Every order carries the exchange's id and our client id.
    for (const o of st.orders) expect(o.exchange_order_id).not.toBeNull();

    // What the exchange holds: leverage and margin set first, the position, the TPs, the stop.
    expect(venue.leverageOf(keys.apiKey, 'BTCUSDT')).toBe(10);
    expect(venue.isolated(keys.apiKey, 'BTCUSDT')).toBe(true);
    expect(venue.positionQty(keys.apiKey, 'BTCUSDT')).toBe('0.014');
    expect(venue.openLimits(keys.apiKey, 'BTCUSDT')).toEqual(
      tps.map((o) => ({
        clientId: clientOrderId(row.order_key, o.leg),
        price: o.price,
        qty: o.qty,
        reduceOnly: true,
      })),
    );
    expect(venue.openStops(keys.apiKey, 'BTCUSDT')).toEqual([
      {
        clientId: clientOrderId(row.order_key, 'sl'),
        trigger: '69500',
        qty: '0.014',
        reduceOnly: true,
        onMark: true,
      },
    ]);
    noDuplicates();
  });

  it('takes a third and moves the stop to breakeven on a TP_HIT 1 follow-up', async () => {
    const row = await s.ctx.db
      .selectFrom('positions')
      .select(['id', 'signal_id'])
      .where('user_id', '=', trader.id)
      .executeTakeFirstOrThrow();
    await price(70400);
    const r = await s.api.post(
      '/api/signal-events',
      { signal_id: row.signal_id, kind: 'TP_HIT', target: 1 },
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
    expect(Number(liveStop.qty)).toBeGreaterThanOrEqual(0.01);
    expect(Number(liveStop.stop_price)).toBeGreaterThanOrEqual(70000);
    expect(st.orders.find((o) => o.leg === 'tp-1')?.status).toBe('CANCELED');
    expect(st.orders.find((o) => o.leg === 'tp-1-take')?.status).toBe('FILLED');
    expect(st.orders.find((o) => o.leg === 'tp-1-take')?.avg_fill_price).toBe('70400');
    // On the exchange: 0.01 left, the old stop cancelled, the breakeven stop live.
    expect(venue.positionQty(keys.apiKey, 'BTCUSDT')).toBe('0.01');
    expect(venue.openStops(keys.apiKey, 'BTCUSDT').map((a) => a.trigger)).toEqual([liveStop.stop_price]);
    noDuplicates();
  });

  it('fills TP1 when the price crosses it on the exchange, and moves the stop to breakeven', async () => {
    await price(70100);
    const posted = await postSignal(s, admin, FLOW_SIGNAL);
    const { row } = await ladderLive(s, posted.id, trader.id);
    await price(70499);
    await new Promise((r) => setTimeout(r, 800)); // more than a watcher pass
    expect((await state(row.id)).remaining_qty).toBe('0.014');
    await price(70500);
    const st = await until('TP1 filled on the exchange', async () => {
      const x = await state(row.id);
      return x.orders.find((o) => o.leg === 'tp-1')?.status === 'FILLED' &&
        x.stop_kind === 'breakeven' &&
        x.orders.some((o) => o.role === 'stop' && o.status === 'NEW' && o.stop_price === x.stop_price)
        ? x
        : null;
    });
    expect(st.remaining_qty).toBe('0.01');
    expect(st.orders.find((o) => o.leg === 'tp-1')!.avg_fill_price).toBe('70500');
    expect(Number(st.realized_pnl_usdt)).toBeGreaterThan(0);
    noDuplicates();
  });

  it('closes the rest at a loss on SL_HIT, records it, and starts the cooldown', async () => {
    await price(3500, 'ETHUSDT');
    const posted = await postSignal(s, admin, {
      ...FLOW_SIGNAL,
      symbol: 'ETHUSDT',
      entry: 3500,
      targets: [3520, 3540, 3580],
      stop_loss: 3480,
    });
    const { row } = await ladderLive(s, posted.id, trader.id);
    await price(3490, 'ETHUSDT');
    const r = await s.api.post('/api/signal-events', { signal_id: posted.id, kind: 'SL_HIT' }, admin.token);
    expect(r.body).toMatchObject({ status: 'applied' });
    const st = await until('closed by SL_HIT', async () => {
      const x = await state(row.id);
      return x.status === 'CLOSED' ? x : null;
    });
    expect(st.close_reason).toBe('stop_loss');
    expect(st.remaining_qty).toBe('0');
    expect(Number(st.realized_pnl_usdt)).toBeLessThan(0);
    expect(
      st.orders.filter((o) =>
        ['NEW', 'PENDING_NEW', 'PARTIALLY_FILLED', 'PENDING_CANCEL'].includes(o.status),
      ),
    ).toEqual([]);
    // Flat on the exchange, nothing left resting for ETH.
    expect(venue.positionQty(keys.apiKey, 'ETHUSDT')).toBe('0');
    expect(venue.openLimits(keys.apiKey, 'ETHUSDT')).toEqual([]);
    expect(venue.openStops(keys.apiKey, 'ETHUSDT')).toEqual([]);

    const next = await postSignal(s, admin, FLOW_SIGNAL);
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
    expect(await positionOf(s, next.id, trader.id)).toBeUndefined();
    noDuplicates();
  });

  it('closes a position when its stop triggers on the exchange', async () => {
    // Position B (second BTC signal) has a breakeven stop near 70100; A's is near 70000.
    await price(69000);
    const closed = await until('BTC positions stopped out', async () => {
      const rows = await s.ctx.db
        .selectFrom('positions')
        .selectAll()
        .where('user_id', '=', trader.id)
        .where('symbol', '=', 'BTCUSDT')
        .execute();
      return rows.length >= 2 && rows.every((r) => r.status === 'CLOSED') ? rows : null;
    });
    for (const r of closed) expect(r.close_reason).toBe('breakeven_stop');
    expect(venue.positionQty(keys.apiKey, 'BTCUSDT')).toBe('0');
    expect(venue.openLimits(keys.apiKey, 'BTCUSDT')).toEqual([]);
    expect(venue.openStops(keys.apiKey, 'BTCUSDT')).toEqual([]);
    noDuplicates();
  });
}
