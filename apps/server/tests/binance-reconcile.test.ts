import type { PositionState } from '@verzek/core';
import { clientOrderId } from '@verzek/exchange';
import { describeDb, FakeBinanceFutures } from '@verzek/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  binanceEnv,
  connectBinance,
  expectNoDuplicateOrders,
  ladderLive,
  positionState,
  postSignal,
  premiumTrader,
  RealTimeClock,
  setPrice,
  until,
} from './binance-helpers';
import { adminSession, startTestServer, type Session, type TestServer } from './harness';

const MARKETS = {
  BTCUSDT: { entry: 70000, targets: [70500, 71000, 72000], stop_loss: 69500 },
  ETHUSDT: { entry: 3500, targets: [3520, 3540, 3580], stop_loss: 3480 },
  SOLUSDT: { entry: 150, targets: [151, 152, 154], stop_loss: 148 },
  BNBUSDT: { entry: 600, targets: [603, 606, 612], stop_loss: 595 },
} as const;
type Sym = keyof typeof MARKETS;

/**
 * Every trader follows every signal, so each account holds several of these positions (more netting
 * and more changes to reconcile); the assertions look at the one position each scenario is about.
 *
 * Reconciliation (issue 5): while the workers are down, orders are filled, cancelled and placed by hand
 * on the exchange, a position is closed by hand and a stop triggers; on restart every change is picked
 * up from the exchange, and only ours are acted on.
 */
describeDb('Binance reconciliation after a restart', (t) => {
  const fake = new FakeBinanceFutures();
  const clock = new RealTimeClock();
  let s: TestServer;
  let admin: Session;
  const traders: Record<string, { user: Session; apiKey: string; positionId: number; orderKey: string }> = {};

  const open = async (name: string, symbol: Sym) => {
    const user = await premiumTrader(s, admin);
    const keys = await connectBinance(s, user, fake);
    const posted = await postSignal(s, admin, {
      symbol,
      direction: 'LONG',
      leverage: 10,
      ...MARKETS[symbol],
    });
    const { row } = await ladderLive(s, posted.id, user.id);
    traders[name] = { user, apiKey: keys.apiKey, positionId: row.id, orderKey: row.order_key };
  };
  const state = (name: string): Promise<PositionState> => positionState(s, traders[name]!.positionId);

  beforeAll(async () => {
    await fake.start();
    s = await startTestServer(t, { trading: true, env: binanceEnv(fake), clock });
    admin = await adminSession(s);
    for (const [sym, m] of Object.entries(MARKETS)) await setPrice(s, admin, fake, m.entry, sym);
    await open('tpFilled', 'BTCUSDT');
    await open('cancelledByHand', 'ETHUSDT');
    await open('closedByHand', 'SOLUSDT');
    await open('stoppedOut', 'BNBUSDT');
  }, 120_000);
  afterAll(async () => {
    await s.close();
    await fake.stop();
  });

  it('picks up what happened on the exchange while the workers were down', async () => {
    const dataDir = s.dataDir;
    await s.close(); // the workers (and the API) are down from here

    // BTC: TP1 fills.
    fake.setMarkPrice('BTCUSDT', '70500');
    // ETH: someone cancels the stop and TP3 on the website, and places an order of their own.
    const eth = traders.cancelledByHand!;
    fake.manualCancel(eth.apiKey, clientOrderId(eth.orderKey, 'sl'));
    fake.manualCancel(eth.apiKey, clientOrderId(eth.orderKey, 'tp-3'));
    const theirs = fake.manualOrder(eth.apiKey, {
      symbol: 'ETHUSDT',
      side: 'BUY',
      type: 'LIMIT',
      quantity: '0.01',
      price: '3000',
    });
    // SOL: someone closes the whole position at market.
    fake.setMarkPrice('SOLUSDT', '150.5');
    expect(fake.manualClosePosition(traders.closedByHand!.apiKey, 'SOLUSDT')).not.toBeNull();
    // BNB: the price falls through the stop.
    fake.setMarkPrice('BNBUSDT', '594');

    s = await startTestServer(t, { trading: true, env: binanceEnv(fake), clock, dataDir });
    for (const [sym, p] of [
      ['BTCUSDT', 70500],
      ['ETHUSDT', 3500],
      ['SOLUSDT', 150.5],
      ['BNBUSDT', 594],
    ] as const)
      await setPrice(s, admin, fake, p, sym);

    // BTC: TP1 filled, the stop moved to breakeven (on the exchange too).
    const btc = await until('BTC TP1 adopted', async () => {
      const x = await state('tpFilled');
      return x.orders.find((o) => o.leg === 'tp-1')?.status === 'FILLED' &&
        x.stop_kind === 'breakeven' &&
        x.orders.some((o) => o.role === 'stop' && o.status === 'NEW' && o.stop_price === x.stop_price)
        ? x
        : null;
    });
    expect(btc.remaining_qty).toBe('0.01');
    expect(fake.position(traders.tpFilled!.apiKey, 'BTCUSDT').amt).toBe('0.01');
    expect(fake.openAlgoOrdersOf(traders.tpFilled!.apiKey, 'BTCUSDT').map((a) => a.triggerPrice)).toEqual([
      btc.stop_price,
    ]);

    // ETH: the stop cancelled by hand is put back (never unprotected); our TP3 is replaced or given
    // up, their order is left alone.
    const ethState = await until('ETH stop restored', async () => {
      const x = await state('cancelledByHand');
      const stop = x.orders.find((o) => o.role === 'stop' && o.status === 'NEW');
      return x.orders.find((o) => o.leg === 'sl')?.status === 'CANCELED' && stop && stop.leg !== 'sl'
        ? x
        : null;
    });
    expect(ethState.status).toBe('OPEN');
    const stop = ethState.orders.find((o) => o.role === 'stop' && o.status === 'NEW')!;
    expect(fake.openAlgoOrdersOf(eth.apiKey, 'ETHUSDT').map((a) => a.clientAlgoId)).toEqual([
      clientOrderId(eth.orderKey, stop.leg),
    ]);
    expect(ethState.orders.find((o) => o.leg === 'tp-3')?.status).toBe('CANCELED');
    expect(fake.openOrdersOf(eth.apiKey, 'ETHUSDT').some((o) => o.orderId === theirs.orderId)).toBe(true);
    expect(fake.position(eth.apiKey, 'ETHUSDT').amt).toBe(ethState.remaining_qty);

    // SOL: closed outside the platform → our record is closed, reason manual, nothing left resting.
    const sol = await until('SOL closed by hand recorded', async () => {
      const x = await state('closedByHand');
      return x.status === 'CLOSED' ? x : null;
    });
    expect(sol.close_reason).toBe('manual');
    expect(sol.close_note).toMatch(/outside the platform/);
    expect(sol.orders.find((o) => o.leg === 'external')).toMatchObject({
      status: 'FILLED',
      filled_qty: sol.entry_filled_qty,
    });
    expect(fake.openOrdersOf(traders.closedByHand!.apiKey, 'SOLUSDT')).toEqual([]);
    expect(fake.openAlgoOrdersOf(traders.closedByHand!.apiKey, 'SOLUSDT')).toEqual([]);

    // BNB: stopped out while we were away.
    const bnb = await until('BNB stop adopted', async () => {
      const x = await state('stoppedOut');
      return x.status === 'CLOSED' ? x : null;
    });
    expect(bnb.close_reason).toBe('stop_loss');
    expect(bnb.orders.find((o) => o.leg === 'sl')).toMatchObject({ status: 'FILLED', avg_fill_price: '594' });
    expect(Number(bnb.realized_pnl_usdt)).toBeLessThan(0);
    expect(fake.openOrdersOf(traders.stoppedOut!.apiKey, 'BNBUSDT')).toEqual([]);

    expectNoDuplicateOrders(fake);
    const users = await s.ctx.db.selectFrom('notifications').select(['user_id', 'kind']).execute();
    expect(
      users.some((n) => n.user_id === traders.closedByHand!.user.id && n.kind === 'position_closed'),
    ).toBe(true);
  });
});
