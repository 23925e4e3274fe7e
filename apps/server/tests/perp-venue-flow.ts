import { dec } from '@verzek/core';
import { clientOrderId } from '@verzek/exchange';
import { describeDb, fx, type FakePerpVenue } from '@verzek/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  ladderLive,
  positionOf,
  positionState,
  postSignal,
  premiumTrader,
  RealTimeClock,
  until,
} from './binance-helpers';
import { adminSession, registerUser, startTestServer, type Session, type TestServer } from './harness';

/** A fake perpetual-futures exchange the flow drives (FakePhemex, FakeKrakenFutures). */
export interface PerpFake extends FakePerpVenue {
  addAccount(init?: { balance?: string }): { apiKey: string; secret: string };
}

export interface PerpFlowOptions {
  title: string;
  provider: 'phemex' | 'kraken_futures';
  fake: () => PerpFake;
  /** The platform-config variable that points the server at the fake. */
  urlVariable: string;
  /** Our symbol as the venue names it. */
  venueSymbol: (symbol: string) => string;
  /** Where the fake records a place request. */
  placePath: string;
  /** The warning the connection shows (the exchange reports no key permissions). */
  warning: RegExp;
}

const SIGNAL = {
  symbol: 'BTCUSDT',
  direction: 'LONG',
  entry: 70000,
  targets: [70500, 71000, 72000],
  stop_loss: 69500,
  leverage: 10,
  trade_type: 'FUTURES',
};

/**
 * The §5 flow on a live exchange other than Binance, through its ccxt adapter and its fake (issue 5):
 * connect a key → a signal opens a PREMIUM follower's entry with its TP ladder and stop → a TP fills on
 * the exchange and the stop moves → a close cancels what rests → a placement whose answer is lost
 * (5xx after the exchange took it) is looked up by client id and never placed twice. Both dialects.
 */
export function definePerpFlow(o: PerpFlowOptions): void {
  describeDb(o.title, (t) => {
    const fake = o.fake();
    let s: TestServer;
    let admin: Session;
    let trader: Session;
    let keys: { apiKey: string; secret: string };
    const sym = o.venueSymbol('BTCUSDT');

    const price = async (p: number) => {
      fake.setMarkPrice(sym, String(p));
      const r = await s.api.post('/api/admin/market/price', { symbol: 'BTCUSDT', price: p }, admin.token);
      expect(r.status).toBe(200);
    };
    const noDuplicates = () =>
      expect([...fake.clientIdCounts().entries()].filter(([, n]) => n > 1)).toEqual([]);

    beforeAll(async () => {
      await fake.start();
      fake.setMarkPrice(sym, '70000');
      s = await startTestServer(t, {
        trading: true,
        clock: new RealTimeClock(),
        env: { [o.urlVariable]: fake.url, EXCHANGE_POLL_MS: '500', EXCHANGE_TIMEOUT_MS: '2000' },
      });
      admin = await adminSession(s);
      trader = await premiumTrader(s, admin);
      keys = fake.addAccount();
      const r = await s.api.post(
        '/api/exchanges/connect',
        {
          provider: o.provider,
          mode: 'testnet',
          api_key: keys.apiKey,
          api_secret: keys.secret,
          leverage_default: 10,
          margin_mode: 'ISOLATED',
          hedge_mode: 0,
        },
        trader.token,
      );
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      await price(70000);
    }, 60_000);
    afterAll(async () => {
      await s.close();
      await fake.stop();
    });

    it('connects a key without showing it, warning that the exchange reports no permissions', async () => {
      const me = await s.api.get<Record<string, unknown>>('/api/exchanges/me', trader.token);
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ provider: o.provider, mode: 'testnet', has_keys: true });
      expect(JSON.stringify(me.body)).not.toContain(keys.apiKey);
      expect(JSON.stringify(me.body)).not.toContain(keys.secret);
      expect(me.body.warnings).toEqual([expect.stringMatching(o.warning)]);
      // Bad keys are refused and nothing is stored.
      const other = await registerUser(s.api);
      expect(
        (await s.api.post(`/api/admin/users/${other.id}/verify-email`, undefined, admin.token)).status,
      ).toBe(200);
      const bad = await s.api.post<Record<string, unknown>>(
        '/api/exchanges/connect',
        { provider: o.provider, mode: 'testnet', api_key: keys.apiKey, api_secret: fake.addAccount().secret },
        other.token,
      );
      expect(bad.status).toBe(400);
      expect(bad.body.error).toBe('invalid_keys');
    });

    let firstRow = 0;
    it('opens the follower’s entry, reduce-only TP limits and a mark-price stop on the exchange', async () => {
      const posted = await postSignal(s, admin, SIGNAL);
      expect(posted.executions).toMatchObject({ queued: 1, blocked: 0 });
      const { row, st } = await ladderLive(s, posted.id, trader.id, 20_000);
      firstRow = row.id;
      expect(st.avg_entry_price).toBe('70000');
      expect(dec(st.entry_filled_qty).gt(0)).toBe(true);
      expect(fake.position(keys.apiKey, sym).amt).toBe(st.entry_filled_qty);
      expect(fake.leverageOf(keys.apiKey, sym)).toBe(10);
      expect(fake.isolatedOf(keys.apiKey, sym)).toBe(true);
      const tps = st.orders.filter((x) => x.role === 'tp');
      expect(tps.map((x) => x.price)).toEqual(['70500', '71000', '72000']);
      expect(tps.reduce((acc, x) => acc.plus(x.qty), dec(0)).toString()).toBe(st.entry_filled_qty);
      const open = fake.openOrdersOf(keys.apiKey, sym);
      const byId = new Map(open.map((x) => [x.clientId, x]));
      for (const tp of tps) {
        const onVenue = byId.get(clientOrderId(row.order_key, tp.leg));
        expect(onVenue).toMatchObject({ type: 'LIMIT', side: 'SELL', reduceOnly: true });
        expect(tp.exchange_order_id).toBe(onVenue!.id);
      }
      const stop = st.orders.find((x) => x.role === 'stop' && x.status === 'NEW')!;
      const stopOnVenue = byId.get(clientOrderId(row.order_key, 'sl'));
      expect(stopOnVenue).toMatchObject({ type: 'STOP', side: 'SELL', reduceOnly: true });
      expect(stopOnVenue!.stopPrice).toBe(fx('69500'));
      expect(stop.stop_price).toBe('69500');
      expect(open).toHaveLength(4);
      noDuplicates();
    });

    it('fills TP1 when the price crosses it on the exchange, then moves the stop to breakeven', async () => {
      await price(70499);
      await new Promise((r) => setTimeout(r, 800));
      const before = await positionState(s, firstRow);
      expect(before.orders.find((x) => x.leg === 'tp-1')?.status).toBe('NEW');
      await price(70500);
      const st = await until(
        'TP1 filled and stop at breakeven',
        async () => {
          const x = await positionState(s, firstRow);
          return x.orders.find((y) => y.leg === 'tp-1')?.status === 'FILLED' &&
            x.stop_kind === 'breakeven' &&
            x.orders.some((y) => y.role === 'stop' && y.status === 'NEW' && y.stop_price === x.stop_price)
            ? x
            : null;
        },
        20_000,
      );
      expect(st.status).toBe('PARTIAL');
      expect(st.orders.find((x) => x.leg === 'tp-1')!.avg_fill_price).toBe('70500');
      expect(Number(st.realized_pnl_usdt)).toBeGreaterThan(0);
      // On the exchange: the old stop cancelled, one stop left at the new price.
      const stops = fake.openOrdersOf(keys.apiKey, sym).filter((x) => x.type === 'STOP');
      expect(stops).toHaveLength(1);
      expect(fake.position(keys.apiKey, sym).amt).toBe(st.remaining_qty);
      noDuplicates();
    });

    it('closes on the source’s CLOSED: the rest sold, every resting order cancelled on the exchange', async () => {
      const row = await s.ctx.db
        .selectFrom('positions')
        .select('signal_id')
        .where('id', '=', firstRow)
        .executeTakeFirstOrThrow();
      const r = await s.api.post(
        '/api/signal-events',
        { signal_id: row.signal_id, kind: 'CLOSED' },
        admin.token,
      );
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const st = await until(
        'closed',
        async () => {
          const x = await positionState(s, firstRow);
          return x.status === 'CLOSED' ? x : null;
        },
        20_000,
      );
      expect(st.remaining_qty).toBe('0');
      expect(st.orders.filter((x) => ['NEW', 'PENDING_NEW', 'PENDING_CANCEL'].includes(x.status))).toEqual(
        [],
      );
      expect(fake.position(keys.apiKey, sym).amt).toBe('0');
      expect(fake.openOrdersOf(keys.apiKey, sym)).toEqual([]);
      noDuplicates();
    });

    it('looks a placement whose answer was lost (5xx after the exchange took it) up by client id, never placing it twice', async () => {
      fake.fault({
        kind: 'status',
        when: 'after',
        status: 503,
        match: { method: 'POST', path: o.placePath },
      });
      const posted = await postSignal(s, admin, { ...SIGNAL, targets: [70600, 71000, 72000] });
      const { row, st } = await ladderLive(s, posted.id, trader.id, 30_000);
      const faulted = fake.requests.filter((x) => x.fault === 'status:after');
      expect(faulted).toHaveLength(1);
      const lostId = faulted[0]!.clientId!;
      // The order whose answer was lost is the position's own, adopted from the exchange.
      const legs = st.orders.map((x) => clientOrderId(row.order_key, x.leg));
      expect(legs).toContain(lostId);
      expect(fake.clientIdCounts(keys.apiKey).get(lostId)).toBe(1);
      expect(fake.orders.filter((x) => x.clientId === lostId)).toHaveLength(1);
      expect(dec(fake.position(keys.apiKey, sym).amt).eq(st.entry_filled_qty)).toBe(true);
      expect(fake.openOrdersOf(keys.apiKey, sym)).toHaveLength(4);
      expect(await positionOf(s, posted.id, trader.id)).toMatchObject({ status: 'OPEN' });
      noDuplicates();
    });
  });
}
