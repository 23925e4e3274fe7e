import { FakeKrakenFutures } from '@verzek/test-support';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clientOrderId, isExchangeError, type ExchangeError } from '../port';
import { krakenSymbol } from './kraken-futures';
import { LiveVenues } from './live-venues';
import type { LiveAccount } from './types';

const fake = new FakeKrakenFutures({ statusWindowMs: 300 });
let venues: LiveVenues;
let n = 0;

function account(
  hedgeMode = false,
  mode: 'testnet' | 'mainnet' = 'testnet',
): { acc: LiveAccount; apiKey: string } {
  const keys = fake.addAccount();
  n += 1;
  return {
    apiKey: keys.apiKey,
    acc: venues.account({
      provider: 'kraken_futures',
      mode,
      accountKey: `k${n}`,
      credentials: { apiKey: keys.apiKey, secret: keys.secret },
      hedgeMode,
    }),
  };
}

async function rejection(p: Promise<unknown>): Promise<ExchangeError> {
  try {
    await p;
  } catch (err) {
    if (isExchangeError(err)) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

const cid = (leg: string) => clientOrderId(`kraken-${n}`, leg);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  await fake.start();
  venues = new LiveVenues({
    timeoutMs: 1_000,
    restUrls: { kraken_futures: fake.url },
    limits: { kraken_futures: { maxWaitMs: 2_000 } },
  });
});
afterAll(async () => {
  venues.close();
  await fake.stop();
});
beforeEach(() => {
  fake.clearFaults();
  fake.setMarkPrice('PF_XBTUSD', '70000');
  fake.setMarkPrice('PF_ETHUSD', '3500');
});

describe('Kraken Futures adapter (ccxt) against the fake', () => {
  it('maps our USDT symbols to the PF_ perpetuals and reads their filters', async () => {
    expect(krakenSymbol('BTCUSDT')).toBe('PF_XBTUSD');
    expect(krakenSymbol('ETHUSDT')).toBe('PF_ETHUSD');
    expect(() => krakenSymbol('BTCUSD')).toThrow(/no perpetual/);
    const { acc } = account();
    const m = await acc.loadMarket('BTCUSDT');
    expect(m.rules).toEqual({ tickSize: '0.5', lotSize: '0.0001', minQty: '0.0001', minNotional: '0' });
    expect(m.maxLeverage).toBe(50);
    await expect(acc.loadMarket('NOPEUSDT')).rejects.toMatchObject({ kind: 'rejected' });
  });

  it('connects: the flex account balance in USD; permissions not reported', async () => {
    const { acc } = account(false, 'mainnet');
    expect(await acc.fetchBalance()).toEqual({ asset: 'USD', total: '100000', free: '100000' });
    const p = await acc.checkPermissions();
    expect(p).toMatchObject({ reported: false, canWithdraw: null });
    expect(p.note).toMatch(/Withdrawal API: No access/);
  });

  it('places the entry, reduce-only TP limits and a mark-price stop; fills, lookups and cancels', async () => {
    const { acc, apiKey } = account();
    await acc.setLeverage('BTCUSDT', 10, 'ISOLATED');
    expect(fake.leverageOf(apiKey, 'PF_XBTUSD')).toBe(10);
    expect(fake.isolatedOf(apiKey, 'PF_XBTUSD')).toBe(true);
    const entry = await acc.placeOrder({
      clientOrderId: cid('entry'),
      symbol: 'BTCUSDT',
      kind: 'MARKET',
      side: 'BUY',
      qty: '0.0142',
      reduceOnly: false,
    });
    expect(entry).toMatchObject({
      status: 'FILLED',
      filledQty: '0.0142',
      avgPrice: '70000',
      symbol: 'BTCUSDT',
    });
    const tp = await acc.placeOrder({
      clientOrderId: cid('tp-1'),
      symbol: 'BTCUSDT',
      kind: 'LIMIT',
      side: 'SELL',
      qty: '0.005',
      price: '70500',
      reduceOnly: true,
    });
    expect(tp).toMatchObject({ status: 'NEW', clientOrderId: cid('tp-1') });
    await acc.placeOrder({
      clientOrderId: cid('sl'),
      symbol: 'BTCUSDT',
      kind: 'STOP_MARKET',
      side: 'SELL',
      qty: '0.0142',
      stopPrice: '69500',
      reduceOnly: true,
    });
    const open = await acc.fetchOpenOrders('BTCUSDT');
    expect(open.map((o) => [o.clientOrderId, o.kind, o.qty]).sort()).toEqual(
      [
        [cid('sl'), 'STOP_MARKET', '0.0142'],
        [cid('tp-1'), 'LIMIT', '0.005'],
      ].sort(),
    );
    expect(fake.openOrdersOf(apiKey).every((o) => o.reduceOnly)).toBe(true);
    expect(await acc.fetchOpenOrders('ETHUSDT')).toEqual([]);

    fake.setMarkPrice('PF_XBTUSD', '70600');
    expect(await acc.fetchOrder('BTCUSDT', cid('tp-1'), { kind: 'LIMIT', qty: '0.005' })).toMatchObject({
      status: 'FILLED',
      filledQty: '0.005',
      avgPrice: '70500',
    });
    // Once Kraken no longer reports it, the fills still say how it ended.
    await sleep(400);
    expect(
      await acc.fetchOrder('BTCUSDT', cid('tp-1'), { kind: 'LIMIT', side: 'SELL', qty: '0.005' }),
    ).toMatchObject({
      status: 'FILLED',
      filledQty: '0.005',
      avgPrice: '70500',
    });
    expect(await acc.fetchPosition('BTCUSDT')).toEqual({
      symbol: 'BTCUSDT',
      side: 'LONG',
      qty: '0.0092',
      entryPrice: '70000',
    });
    expect((await acc.cancelOrder('BTCUSDT', cid('sl'), { kind: 'STOP_MARKET' })).status).toBe('CANCELED');
    expect((await acc.cancelOrder('BTCUSDT', cid('sl'), { kind: 'STOP_MARKET' })).status).toBe('CANCELED');
    expect(await acc.fetchOrder('BTCUSDT', cid('never'))).toBeNull();
    await expect(acc.cancelOrder('BTCUSDT', cid('never'))).rejects.toMatchObject({ kind: 'rejected' });
  });

  it('maps refusals (sendStatus) to rejected with the reason', async () => {
    const { acc } = account();
    const reduce = await rejection(
      acc.placeOrder({
        clientOrderId: cid('r1'),
        symbol: 'ETHUSDT',
        kind: 'LIMIT',
        side: 'SELL',
        qty: '0.1',
        price: '3600',
        reduceOnly: true,
      }),
    );
    expect(reduce.kind).toBe('rejected');
    expect(reduce.message).toMatch(/wouldNotReducePosition/);
    const tick = await rejection(
      acc.placeOrder({
        clientOrderId: cid('r2'),
        symbol: 'ETHUSDT',
        kind: 'LIMIT',
        side: 'BUY',
        qty: '0.1',
        price: '3400.05',
        reduceOnly: false,
      }),
    );
    expect(tick.kind).toBe('rejected');
  });

  it('reports an unknown outcome when a write fails after execution, and finds it by client id', async () => {
    const { acc, apiKey } = account();
    fake.fault({
      kind: 'status',
      when: 'after',
      status: 503,
      match: { path: '/derivatives/api/v3/sendorder' },
    });
    const err = await rejection(
      acc.placeOrder({
        clientOrderId: cid('e'),
        symbol: 'BTCUSDT',
        kind: 'MARKET',
        side: 'BUY',
        qty: '0.001',
        reduceOnly: false,
      }),
    );
    expect(err.kind).toBe('unknown_outcome');
    expect(await acc.fetchOrder('BTCUSDT', cid('e'), { kind: 'MARKET', qty: '0.001' })).toMatchObject({
      status: 'FILLED',
      filledQty: '0.001',
    });
    fake.fault({ kind: 'hold', holdMs: 1_500, match: { path: '/derivatives/api/v3/sendorder' } });
    const held = await rejection(
      acc.placeOrder({
        clientOrderId: cid('e2'),
        symbol: 'BTCUSDT',
        kind: 'MARKET',
        side: 'BUY',
        qty: '0.001',
        reduceOnly: false,
      }),
    );
    expect(held.kind).toBe('unknown_outcome');
    expect(await acc.fetchOrder('BTCUSDT', cid('e2'))).toBeNull();
    expect(fake.clientIdCounts(apiKey).get(cid('e'))).toBe(1);
  });

  it('refuses hedge mode and entries of an account set to it, and bad keys as auth errors', async () => {
    const { acc } = account(true);
    expect((await rejection(acc.setPositionMode(true))).message).toMatch(/no hedge mode/);
    const entry = await rejection(
      acc.placeOrder({
        clientOrderId: cid('h'),
        symbol: 'BTCUSDT',
        kind: 'MARKET',
        side: 'BUY',
        qty: '0.001',
        reduceOnly: false,
      }),
    );
    expect(entry.kind).toBe('rejected');
    const bad = venues.account({
      provider: 'kraken_futures',
      mode: 'testnet',
      accountKey: 'bad',
      credentials: { apiKey: fake.addAccount().apiKey, secret: Buffer.from('wrong').toString('base64') },
      hedgeMode: false,
    });
    expect((await rejection(bad.fetchBalance())).kind).toBe('auth');
  });
});
