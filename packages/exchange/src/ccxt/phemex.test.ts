import { FakePhemex } from '@verzek/test-support';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clientOrderId, isExchangeError, type ExchangeError } from '../port';
import { LiveVenues } from './live-venues';
import type { LiveAccount } from './types';

const fake = new FakePhemex();
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
      provider: 'phemex',
      mode,
      accountKey: `p${n}`,
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

const cid = (leg: string) => clientOrderId(`phemex-${n}`, leg);

beforeAll(async () => {
  await fake.start();
  venues = new LiveVenues({
    timeoutMs: 1_000,
    restUrls: { phemex: fake.url },
    limits: { phemex: { maxWaitMs: 2_000 } },
  });
});
afterAll(async () => {
  venues.close();
  await fake.stop();
});
beforeEach(() => {
  fake.clearFaults();
  fake.setMarkPrice('BTCUSDT', '70000');
  fake.setMarkPrice('ETHUSDT', '3500');
});

describe('Phemex USDT-M adapter (ccxt) against the fake', () => {
  it('reads market filters from the product list', async () => {
    const { acc } = account();
    const m = await acc.loadMarket('BTCUSDT');
    expect(m.rules).toEqual({ tickSize: '0.1', lotSize: '0.001', minQty: '0.001', minNotional: '1' });
    expect(m.maxLeverage).toBe(100);
    expect(m.fees).toEqual({ maker_rate: '0.0001', taker_rate: '0.0006' });
    await expect(acc.loadMarket('NOPEUSDT')).rejects.toMatchObject({ kind: 'rejected' });
  });

  it('connects: balance, and permissions reported as not reported', async () => {
    const { acc } = account(false, 'mainnet');
    expect(await acc.fetchBalance()).toEqual({ asset: 'USDT', total: '100000', free: '100000' });
    const p = await acc.checkPermissions();
    expect(p).toMatchObject({ reported: false, canWithdraw: null });
    expect(p.note).toMatch(/withdrawals disabled/);
  });

  it('places the entry, reduce-only TP limits and a mark-price stop with our client ids', async () => {
    const { acc, apiKey } = account();
    await acc.setLeverage('BTCUSDT', 10, 'ISOLATED');
    expect(fake.leverageOf(apiKey, 'BTCUSDT')).toBe(10);
    expect(fake.isolatedOf(apiKey, 'BTCUSDT')).toBe(true);
    const entry = await acc.placeOrder({
      clientOrderId: cid('entry'),
      symbol: 'BTCUSDT',
      kind: 'MARKET',
      side: 'BUY',
      qty: '0.014',
      reduceOnly: false,
    });
    expect(entry).toMatchObject({ status: 'FILLED', filledQty: '0.014', avgPrice: '70000', kind: 'MARKET' });
    expect(fake.position(apiKey, 'BTCUSDT').amt).toBe('0.014');
    const tp = await acc.placeOrder({
      clientOrderId: cid('tp-1'),
      symbol: 'BTCUSDT',
      kind: 'LIMIT',
      side: 'SELL',
      qty: '0.004',
      price: '70500',
      reduceOnly: true,
    });
    expect(tp).toMatchObject({ status: 'NEW', clientOrderId: cid('tp-1'), qty: '0.004' });
    const stop = await acc.placeOrder({
      clientOrderId: cid('sl'),
      symbol: 'BTCUSDT',
      kind: 'STOP_MARKET',
      side: 'SELL',
      qty: '0.014',
      stopPrice: '69500',
      reduceOnly: true,
    });
    expect(stop).toMatchObject({ status: 'NEW', kind: 'STOP_MARKET' });
    const open = await acc.fetchOpenOrders('BTCUSDT');
    expect(open.map((o) => [o.clientOrderId, o.kind, o.status]).sort()).toEqual(
      [
        [cid('sl'), 'STOP_MARKET', 'NEW'],
        [cid('tp-1'), 'LIMIT', 'NEW'],
      ].sort(),
    );
    expect(fake.openOrdersOf(apiKey).every((o) => o.reduceOnly)).toBe(true);

    fake.setMarkPrice('BTCUSDT', '70500');
    const filled = await acc.fetchOrder('BTCUSDT', cid('tp-1'), { kind: 'LIMIT' });
    expect(filled).toMatchObject({ status: 'FILLED', filledQty: '0.004', avgPrice: '70500' });
    expect(await acc.fetchPosition('BTCUSDT')).toEqual({
      symbol: 'BTCUSDT',
      side: 'LONG',
      qty: '0.01',
      entryPrice: '70000',
    });

    const canceled = await acc.cancelOrder('BTCUSDT', cid('sl'), { kind: 'STOP_MARKET' });
    expect(canceled.status).toBe('CANCELED');
    // Cancelling again answers the final state.
    expect((await acc.cancelOrder('BTCUSDT', cid('sl'), { kind: 'STOP_MARKET' })).status).toBe('CANCELED');
    expect(await acc.fetchOpenOrders('BTCUSDT')).toEqual([]);
    expect(await acc.fetchOrder('BTCUSDT', cid('never'))).toBeNull();
    await expect(acc.cancelOrder('BTCUSDT', cid('never'))).rejects.toMatchObject({ kind: 'rejected' });
  });

  it('maps refusals to rejected with the reason', async () => {
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
    expect(reduce).toMatchObject({ kind: 'rejected', options: { code: '11057' } });
    const lot = await rejection(
      acc.placeOrder({
        clientOrderId: cid('r2'),
        symbol: 'ETHUSDT',
        kind: 'MARKET',
        side: 'BUY',
        qty: '0.015',
        reduceOnly: false,
      }),
    );
    expect(lot.kind).toBe('rejected');
  });

  it('reports an unknown outcome when a write fails after the exchange executed it, and finds it by client id', async () => {
    const { acc, apiKey } = account();
    fake.fault({ kind: 'status', when: 'after', status: 503, match: { method: 'POST', path: '/g-orders' } });
    const err = await rejection(
      acc.placeOrder({
        clientOrderId: cid('e'),
        symbol: 'BTCUSDT',
        kind: 'MARKET',
        side: 'BUY',
        qty: '0.002',
        reduceOnly: false,
      }),
    );
    expect(err.kind).toBe('unknown_outcome');
    const found = await acc.fetchOrder('BTCUSDT', cid('e'), { kind: 'MARKET' });
    expect(found).toMatchObject({ status: 'FILLED', filledQty: '0.002' });
    // A timeout before anything happened: unknown too, and the lookup says it never arrived.
    fake.fault({ kind: 'hold', holdMs: 1_500, match: { method: 'POST', path: '/g-orders' } });
    const held = await rejection(
      acc.placeOrder({
        clientOrderId: cid('e2'),
        symbol: 'BTCUSDT',
        kind: 'MARKET',
        side: 'BUY',
        qty: '0.002',
        reduceOnly: false,
      }),
    );
    expect(held.kind).toBe('unknown_outcome');
    expect(await acc.fetchOrder('BTCUSDT', cid('e2'))).toBeNull();
    // A re-send of a client id that is open already is recognised as ours, not placed twice.
    const resting = {
      clientOrderId: cid('tp'),
      symbol: 'BTCUSDT',
      kind: 'LIMIT' as const,
      side: 'SELL' as const,
      qty: '0.001',
      price: '71000',
      reduceOnly: true,
    };
    await acc.placeOrder(resting);
    expect((await acc.placeOrder(resting)).clientOrderId).toBe(cid('tp'));
    expect(fake.clientIdCounts(apiKey).get(cid('tp'))).toBe(1);
  });

  it('retries reads after a 5xx, and refuses bad keys as auth errors', async () => {
    const { acc } = account();
    fake.fault({ kind: 'status', status: 502, match: { path: '/g-accounts/accountPositions' } });
    expect((await acc.fetchBalance()).total).toBe('100000');
    const bad = venues.account({
      provider: 'phemex',
      mode: 'testnet',
      accountKey: 'bad',
      credentials: { apiKey: 'nope', secret: 'nope' },
      hedgeMode: false,
    });
    expect((await rejection(bad.fetchBalance())).kind).toBe('auth');
    const keys = fake.addAccount();
    const wrongSecret = venues.account({
      provider: 'phemex',
      mode: 'testnet',
      accountKey: 'bad2',
      credentials: { apiKey: keys.apiKey, secret: 'not-the-secret' },
      hedgeMode: false,
    });
    expect((await rejection(wrongSecret.fetchBalance())).kind).toBe('auth');
  });

  it('uses the position side in hedge mode (switched per symbol with the leverage)', async () => {
    const { acc, apiKey } = account(true);
    await acc.setLeverage('ETHUSDT', 5, 'CROSS');
    expect(fake.hedgedOf(apiKey, 'ETHUSDT')).toBe(true);
    expect(fake.isolatedOf(apiKey, 'ETHUSDT')).toBe(false);
    await acc.placeOrder({
      clientOrderId: cid('h-e'),
      symbol: 'ETHUSDT',
      kind: 'MARKET',
      side: 'SELL',
      qty: '0.1',
      reduceOnly: false,
    });
    expect(fake.position(apiKey, 'ETHUSDT', 'SHORT').amt).toBe('-0.1');
    await acc.placeOrder({
      clientOrderId: cid('h-sl'),
      symbol: 'ETHUSDT',
      kind: 'STOP_MARKET',
      side: 'BUY',
      qty: '0.1',
      stopPrice: '3600',
      reduceOnly: true,
    });
    expect(fake.openOrdersOf(apiKey, 'ETHUSDT')[0]).toMatchObject({ posSide: 'SHORT' });
    expect((await acc.cancelOrder('ETHUSDT', cid('h-sl'))).status).toBe('CANCELED');
  });
});
