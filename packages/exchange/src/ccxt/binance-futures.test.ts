import { ConnectProxy, FakeBinanceFutures } from '@verzek/test-support';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clientOrderId, isExchangeError, type ExchangeError } from '../port';
import { LiveVenues } from './live-venues';
import type { LiveAccount } from './types';

const fake = new FakeBinanceFutures();
let venues: LiveVenues;
let n = 0;

function account(
  mode: 'testnet' | 'mainnet' = 'testnet',
  init: Parameters<FakeBinanceFutures['addAccount']>[0] = {},
  v: LiveVenues = venues,
): { acc: LiveAccount; apiKey: string } {
  const keys = fake.addAccount(init);
  n += 1;
  return {
    apiKey: keys.apiKey,
    acc: v.account({
      provider: 'binance_futures',
      mode,
      accountKey: `t${n}`,
      credentials: { apiKey: keys.apiKey, secret: keys.secret },
      hedgeMode: false,
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

const cid = (leg: string) => clientOrderId(`test-${n}`, leg);

/** Short, so that "not found" becomes conclusive within the test (see WriteWindow). */
const RECV_WINDOW_MS = 2_000;
const WINDOW_MS = RECV_WINDOW_MS + 1_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  // Orders this process never sent are judged by its start: let that window pass first.
  await sleep(Math.max(0, WINDOW_MS - process.uptime() * 1000));
  await fake.start();
  venues = new LiveVenues({
    timeoutMs: 1_000,
    recvWindowMs: RECV_WINDOW_MS,
    restUrls: { binance_futures: fake.url },
    limits: { binance_futures: { maxWaitMs: 2_000 } },
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

describe('Binance USDⓈ-M adapter (ccxt) against the fake', () => {
  it('reads market filters from exchangeInfo and the leverage bracket', async () => {
    const { acc } = account();
    const m = await acc.loadMarket('BTCUSDT');
    expect(m.rules).toEqual({ tickSize: '0.1', lotSize: '0.001', minQty: '0.001', minNotional: '100' });
    expect(m.maxLeverage).toBe(125);
    expect(m.fees).toEqual({ maker_rate: '0.0002', taker_rate: '0.0005' });
    await expect(acc.loadMarket('NOPEUSDT')).rejects.toMatchObject({ kind: 'rejected' });
  });

  it('places the entry, reduce-only TP limits and an algo stop with our client ids', async () => {
    const { acc, apiKey } = account();
    await acc.setLeverage('BTCUSDT', 10, 'ISOLATED');
    expect(fake.leverageOf(apiKey, 'BTCUSDT')).toBe(10);
    expect(fake.marginTypeOf(apiKey, 'BTCUSDT')).toBe('ISOLATED');
    const before = fake.requests.length;
    await acc.setLeverage('BTCUSDT', 10, 'ISOLATED'); // cached: no request
    expect(fake.requests.length).toBe(before);

    const entry = await acc.placeOrder({
      clientOrderId: cid('entry'),
      symbol: 'BTCUSDT',
      kind: 'MARKET',
      side: 'BUY',
      qty: '0.014',
      reduceOnly: false,
    });
    expect(entry).toMatchObject({
      clientOrderId: cid('entry'),
      status: 'FILLED',
      filledQty: '0.014',
      avgPrice: '70000',
      kind: 'MARKET',
    });
    const tp = await acc.placeOrder({
      clientOrderId: cid('tp-1'),
      symbol: 'BTCUSDT',
      kind: 'LIMIT',
      side: 'SELL',
      qty: '0.004',
      price: '70500',
      reduceOnly: true,
    });
    expect(tp).toMatchObject({ status: 'NEW', kind: 'LIMIT', qty: '0.004', filledQty: '0' });
    const stop = await acc.placeOrder({
      clientOrderId: cid('sl'),
      symbol: 'BTCUSDT',
      kind: 'STOP_MARKET',
      side: 'SELL',
      qty: '0.014',
      stopPrice: '69500',
      reduceOnly: true,
    });
    expect(stop).toMatchObject({ status: 'NEW', kind: 'STOP_MARKET', qty: '0.014' });
    // The stop went to the algo endpoint, reduce-only on the mark price; no broker prefix anywhere.
    const algo = fake.openAlgoOrdersOf(apiKey)[0]!;
    expect(algo).toMatchObject({ clientAlgoId: cid('sl'), reduceOnly: true, workingType: 'MARK_PRICE' });
    expect(fake.orders.filter((o) => o.apiKey === apiKey).map((o) => o.clientOrderId)).toEqual([
      cid('entry'),
      cid('tp-1'),
    ]);
    expect(fake.requests.some((r) => r.path === '/fapi/v1/order' && r.code === -4120)).toBe(false);

    const open = await acc.fetchOpenOrders('BTCUSDT');
    expect(open.map((o) => [o.clientOrderId, o.kind]).sort()).toEqual(
      [
        [cid('tp-1'), 'LIMIT'],
        [cid('sl'), 'STOP_MARKET'],
      ].sort(),
    );
    expect(await acc.fetchPosition('BTCUSDT')).toEqual({
      symbol: 'BTCUSDT',
      side: 'LONG',
      qty: '0.014',
      entryPrice: '70000',
    });

    // TP1 fills when the price crosses it; the stop triggers later and closes the rest.
    fake.setMarkPrice('BTCUSDT', '70500');
    expect(await acc.fetchOrder('BTCUSDT', cid('tp-1'), { kind: 'LIMIT' })).toMatchObject({
      status: 'FILLED',
      filledQty: '0.004',
      avgPrice: '70500',
    });
    fake.setMarkPrice('BTCUSDT', '69400');
    const stopped = await acc.fetchOrder('BTCUSDT', cid('sl'), { kind: 'STOP_MARKET' });
    // The stop covered 0.014, the position was 0.01: reduce-only fills 0.01, Binance expires the rest.
    expect(stopped).toMatchObject({
      status: 'EXPIRED',
      filledQty: '0.01',
      avgPrice: '69400',
      kind: 'STOP_MARKET',
    });
    expect(stopped?.exchangeOrderId).toBe(String(algo.algoId));
    expect(await acc.fetchPosition('BTCUSDT')).toBeNull();
  });

  it('answers null for orders the exchange never received, and cancels idempotently', async () => {
    const { acc } = account();
    expect(await acc.fetchOrder('BTCUSDT', cid('nope'), { kind: 'LIMIT' })).toBeNull();
    expect(await acc.fetchOrder('BTCUSDT', cid('nope'), { kind: 'STOP_MARKET' })).toBeNull();
    expect(await acc.fetchOrder('BTCUSDT', cid('nope'))).toBeNull();
    await acc.placeOrder({
      clientOrderId: cid('e'),
      symbol: 'BTCUSDT',
      kind: 'MARKET',
      side: 'BUY',
      qty: '0.01',
      reduceOnly: false,
    });
    await acc.placeOrder({
      clientOrderId: cid('tp'),
      symbol: 'BTCUSDT',
      kind: 'LIMIT',
      side: 'SELL',
      qty: '0.01',
      price: '71000',
      reduceOnly: true,
    });
    await acc.placeOrder({
      clientOrderId: cid('sl'),
      symbol: 'BTCUSDT',
      kind: 'STOP_MARKET',
      side: 'SELL',
      qty: '0.01',
      stopPrice: '69000',
      reduceOnly: true,
    });
    expect(await acc.cancelOrder('BTCUSDT', cid('tp'), { kind: 'LIMIT' })).toMatchObject({
      status: 'CANCELED',
    });
    expect(await acc.cancelOrder('BTCUSDT', cid('tp'), { kind: 'LIMIT' })).toMatchObject({
      status: 'CANCELED',
    });
    expect(await acc.cancelOrder('BTCUSDT', cid('sl'), { kind: 'STOP_MARKET', qty: '0.01' })).toMatchObject({
      status: 'CANCELED',
      kind: 'STOP_MARKET',
    });
    // Without a hint the adapter finds the conditional order too.
    expect(await acc.cancelOrder('BTCUSDT', cid('sl'))).toMatchObject({
      status: 'CANCELED',
      kind: 'STOP_MARKET',
    });
    // A filled order can't be cancelled: its final state comes back.
    expect(await acc.cancelOrder('BTCUSDT', cid('e'), { kind: 'MARKET' })).toMatchObject({
      status: 'FILLED',
    });
    await expect(acc.cancelOrder('BTCUSDT', cid('never'), { kind: 'LIMIT' })).rejects.toMatchObject({
      kind: 'rejected',
    });
  });

  it('treats a duplicated client id (-4116) as the order already placed', async () => {
    const { acc, apiKey } = account();
    const req = {
      clientOrderId: cid('tp'),
      symbol: 'BTCUSDT',
      kind: 'LIMIT' as const,
      side: 'BUY' as const,
      qty: '0.01',
      price: '60000',
      reduceOnly: false,
    };
    const first = await acc.placeOrder(req);
    const again = await acc.placeOrder(req);
    expect(again.exchangeOrderId).toBe(first.exchangeOrderId);
    expect(fake.clientIdCounts(apiKey).get(`${apiKey}|${cid('tp')}`)).toBe(1);
  });

  it('maps refusals to rejected with the reason', async () => {
    const { acc } = account();
    const ro = await rejection(
      acc.placeOrder({
        clientOrderId: cid('x'),
        symbol: 'BTCUSDT',
        kind: 'LIMIT',
        side: 'SELL',
        qty: '0.01',
        price: '71000',
        reduceOnly: true,
      }),
    );
    expect(ro.kind).toBe('rejected');
    expect(ro.message).toMatch(/ReduceOnly Order is rejected/);
    expect(ro.options.code).toBe('-2022');
    const small = await rejection(
      acc.placeOrder({
        clientOrderId: cid('y'),
        symbol: 'BTCUSDT',
        kind: 'MARKET',
        side: 'BUY',
        qty: '0.001',
        reduceOnly: false,
      }),
    );
    expect(small.kind).toBe('rejected');
    expect(small.options.code).toBe('-4164');
    const tick = await rejection(
      acc.placeOrder({
        clientOrderId: cid('z'),
        symbol: 'BTCUSDT',
        kind: 'LIMIT',
        side: 'BUY',
        qty: '0.01',
        price: '60000.05',
        reduceOnly: false,
      }),
    );
    expect(tick.kind).toBe('rejected');
    await acc.placeOrder({
      clientOrderId: cid('e'),
      symbol: 'BTCUSDT',
      kind: 'MARKET',
      side: 'BUY',
      qty: '0.01',
      reduceOnly: false,
    });
    const instant = await rejection(
      acc.placeOrder({
        clientOrderId: cid('s'),
        symbol: 'BTCUSDT',
        kind: 'STOP_MARKET',
        side: 'SELL',
        qty: '0.01',
        stopPrice: '70100',
        reduceOnly: true,
      }),
    );
    expect(instant).toMatchObject({ kind: 'rejected', options: { code: '-2021' } });
  });

  it('reports an unknown outcome when a write fails after the exchange executed it', async () => {
    const { acc, apiKey } = account();
    fake.fault({
      kind: 'status',
      when: 'after',
      status: 503,
      match: { path: '/fapi/v1/order', method: 'POST' },
    });
    const e1 = await rejection(
      acc.placeOrder({
        clientOrderId: cid('a'),
        symbol: 'BTCUSDT',
        kind: 'LIMIT',
        side: 'BUY',
        qty: '0.01',
        price: '60000',
        reduceOnly: false,
      }),
    );
    expect(e1.kind).toBe('unknown_outcome');
    expect(await acc.fetchOrder('BTCUSDT', cid('a'), { kind: 'LIMIT' })).toMatchObject({ status: 'NEW' });

    fake.fault({
      kind: 'status',
      when: 'after',
      status: 502,
      match: { path: '/fapi/v1/algoOrder', method: 'POST' },
    });
    await acc.placeOrder({
      clientOrderId: cid('e'),
      symbol: 'BTCUSDT',
      kind: 'MARKET',
      side: 'BUY',
      qty: '0.01',
      reduceOnly: false,
    });
    const e2 = await rejection(
      acc.placeOrder({
        clientOrderId: cid('s'),
        symbol: 'BTCUSDT',
        kind: 'STOP_MARKET',
        side: 'SELL',
        qty: '0.01',
        stopPrice: '69000',
        reduceOnly: true,
      }),
    );
    expect(e2.kind).toBe('unknown_outcome');
    expect(e2.message).not.toMatch(/signature=/);
    expect(await acc.fetchOrder('BTCUSDT', cid('s'), { kind: 'STOP_MARKET' })).toMatchObject({
      status: 'NEW',
    });

    // Held past the client's timeout, placed: unknown, and found by its client id.
    fake.fault({
      kind: 'hold',
      when: 'after',
      holdMs: 1_500,
      match: { path: '/fapi/v1/order', method: 'POST' },
    });
    const e3 = await rejection(
      acc.placeOrder({
        clientOrderId: cid('b'),
        symbol: 'BTCUSDT',
        kind: 'LIMIT',
        side: 'BUY',
        qty: '0.01',
        price: '60000',
        reduceOnly: false,
      }),
    );
    expect(e3.kind).toBe('unknown_outcome');
    expect(await acc.fetchOrder('BTCUSDT', cid('b'), { kind: 'LIMIT' })).not.toBeNull();
    // Held, not placed: unknown, and not found.
    fake.fault({
      kind: 'hold',
      when: 'before',
      holdMs: 1_500,
      match: { path: '/fapi/v1/order', method: 'POST' },
    });
    const e4 = await rejection(
      acc.placeOrder({
        clientOrderId: cid('c'),
        symbol: 'BTCUSDT',
        kind: 'LIMIT',
        side: 'BUY',
        qty: '0.01',
        price: '60000',
        reduceOnly: false,
      }),
    );
    expect(e4.kind).toBe('unknown_outcome');
    // Not found, but the request could still reach the exchange: no answer yet…
    const early = await rejection(acc.fetchOrder('BTCUSDT', cid('c'), { kind: 'LIMIT' }));
    expect(early.kind).toBe('unknown_outcome');
    expect(early.options.retryAfterMs).toBeGreaterThan(0);
    // …and once its recvWindow has passed, "not found" means never placed.
    await sleep(early.options.retryAfterMs!);
    expect(await acc.fetchOrder('BTCUSDT', cid('c'), { kind: 'LIMIT' })).toBeNull();
    expect([...fake.clientIdCounts(apiKey).values()].every((c) => c === 1)).toBe(true);
  });

  it('retries reads (5xx, clock skew) and gives writes back untouched', async () => {
    const { acc } = account();
    fake.fault({ kind: 'status', status: 503, match: { path: '/fapi/v1/openOrders' } });
    expect(await acc.fetchOpenOrders('BTCUSDT')).toEqual([]);
    fake.fault({ kind: 'timestamp', match: { path: '/fapi/v3/balance' } });
    const bal = await acc.fetchBalance();
    expect(bal).toMatchObject({ asset: 'USDT', total: '100000' });
    expect(fake.countRequests({ path: '/fapi/v1/time' })).toBeGreaterThan(0);
    // A write refused for its timestamp was not executed: retryable (the engine looks it up anyway).
    fake.fault({ kind: 'timestamp', match: { path: '/fapi/v1/order', method: 'POST' } });
    const e = await rejection(
      acc.placeOrder({
        clientOrderId: cid('t'),
        symbol: 'BTCUSDT',
        kind: 'LIMIT',
        side: 'BUY',
        qty: '0.01',
        price: '60000',
        reduceOnly: false,
      }),
    );
    expect(e.kind).toBe('retryable');
  });

  it('signs against the server clock after a skew (-1021 → resync)', async () => {
    const own = new LiveVenues({ timeoutMs: 1_000, restUrls: { binance_futures: fake.url } });
    const { acc } = account('testnet', {}, own);
    fake.clockSkewMs = -20_000; // the exchange is 20 s behind: our timestamps look like the future
    try {
      expect((await acc.fetchBalance()).asset).toBe('USDT');
      expect(fake.requests.some((r) => r.code === -1021)).toBe(true);
    } finally {
      fake.clockSkewMs = 0;
      own.close();
    }
  });

  it('backs off on 429 with Retry-After and on a 418 ban, without sending', async () => {
    const own = new LiveVenues({
      timeoutMs: 1_000,
      restUrls: { binance_futures: fake.url },
      limits: { binance_futures: { maxWaitMs: 200 } },
    });
    try {
      const { acc, apiKey } = account('testnet', {}, own);
      fake.fault({ kind: 'rate_limit', retryAfterSec: 3, match: { apiKey } });
      const e = await rejection(acc.fetchOpenOrders('BTCUSDT'));
      expect(e.kind).toBe('rate_limited');
      expect(e.options.retryAfterMs).toBeGreaterThan(2_000);
      const sent = fake.countRequests({ apiKey });
      // Still banned: refused locally, nothing sent.
      const e2 = await rejection(
        acc.placeOrder({
          clientOrderId: cid('r'),
          symbol: 'BTCUSDT',
          kind: 'MARKET',
          side: 'BUY',
          qty: '0.01',
          reduceOnly: false,
        }),
      );
      expect(e2.kind).toBe('rate_limited');
      expect(fake.countRequests({ apiKey })).toBe(sent);
    } finally {
      own.close();
    }
  });

  it('refuses bad keys as auth errors', async () => {
    const keys = fake.addAccount();
    const acc = venues.account({
      provider: 'binance_futures',
      mode: 'testnet',
      accountKey: 'bad',
      credentials: { apiKey: keys.apiKey, secret: 'not-the-secret' },
      hedgeMode: false,
    });
    expect((await rejection(acc.fetchBalance())).kind).toBe('auth');
    const unknown = venues.account({
      provider: 'binance_futures',
      mode: 'testnet',
      accountKey: 'bad2',
      credentials: { apiKey: 'nope', secret: 'nope' },
      hedgeMode: false,
    });
    expect((await rejection(unknown.fetchBalance())).kind).toBe('auth');
  });

  it('reports key permissions on mainnet (withdrawals, IP whitelist); demo keys report none', async () => {
    const { acc } = account('mainnet', { permissions: { enableWithdrawals: true, ipRestrict: false } });
    expect(await acc.checkPermissions()).toMatchObject({
      reported: true,
      canWithdraw: true,
      ipRestricted: false,
      canTrade: true,
    });
    const demo = account('testnet').acc;
    expect(await demo.checkPermissions()).toMatchObject({ reported: false, canWithdraw: null });
  });

  it('uses positionSide instead of reduceOnly in hedge mode', async () => {
    const keys = fake.addAccount();
    const acc = venues.account({
      provider: 'binance_futures',
      mode: 'testnet',
      accountKey: 'hedge',
      credentials: keys,
      hedgeMode: true,
    });
    await acc.setPositionMode(true);
    await acc.setPositionMode(true); // -4059: already
    expect(fake.dualSide(keys.apiKey)).toBe(true);
    await acc.placeOrder({
      clientOrderId: cid('he'),
      symbol: 'ETHUSDT',
      kind: 'MARKET',
      side: 'SELL',
      qty: '0.1',
      reduceOnly: false,
    });
    await acc.placeOrder({
      clientOrderId: cid('hs'),
      symbol: 'ETHUSDT',
      kind: 'STOP_MARKET',
      side: 'BUY',
      qty: '0.1',
      stopPrice: '3600',
      reduceOnly: true,
    });
    expect(fake.position(keys.apiKey, 'ETHUSDT', 'SHORT').amt).toBe('-0.1');
    expect(fake.openAlgoOrdersOf(keys.apiKey)[0]).toMatchObject({ positionSide: 'SHORT', side: 'BUY' });
  });

  it('sends everything through an HTTPS (CONNECT) proxy when configured', async () => {
    const proxy = new ConnectProxy();
    await proxy.start();
    const viaProxy = new LiveVenues({
      timeoutMs: 1_000,
      restUrls: { binance_futures: fake.url },
      httpsProxy: proxy.url,
    });
    try {
      const { acc } = account('testnet', {}, viaProxy);
      expect((await acc.fetchBalance()).asset).toBe('USDT');
      await acc.loadMarket('BTCUSDT');
      expect(proxy.connections.length).toBeGreaterThan(0);
      expect(new Set(proxy.connections.map((c) => c.target))).toEqual(new Set([new URL(fake.url).host]));
      await acc.close();
    } finally {
      viaProxy.close();
      await proxy.stop();
    }
  });
});
