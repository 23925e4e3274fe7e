import { FakeBybit } from '@verzek/test-support';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clientOrderId, isExchangeError, type ExchangeError, type PlaceOrderRequest } from '../port';
import { bybitResponseInfo, bybitSnapshot } from './bybit';
import { BYBIT_CODES } from './bybit-codes';
import { mapCcxtError, retCodeOf } from './errors';
import { LiveVenues } from './live-venues';
import { RequestGate } from './request-gate';
import type { LiveAccount } from './types';

const fake = new FakeBybit();
let venues: LiveVenues;
let n = 0;

function account(
  mode: 'testnet' | 'mainnet' = 'testnet',
  init: Parameters<FakeBybit['addAccount']>[0] = {},
  v: LiveVenues = venues,
  hedgeMode = false,
): { acc: LiveAccount; apiKey: string } {
  const keys = fake.addAccount(init);
  n += 1;
  return {
    apiKey: keys.apiKey,
    acc: v.account({
      provider: 'bybit',
      mode,
      accountKey: `b${n}`,
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

const cid = (leg: string) => clientOrderId(`bybit-test-${n}`, leg);
const market = (leg: string, side: 'BUY' | 'SELL', qty: string, symbol = 'BTCUSDT'): PlaceOrderRequest => ({
  clientOrderId: cid(leg),
  symbol,
  kind: 'MARKET',
  side,
  qty,
  reduceOnly: false,
});
const limit = (
  leg: string,
  side: 'BUY' | 'SELL',
  qty: string,
  price: string,
  reduceOnly = false,
): PlaceOrderRequest => ({
  clientOrderId: cid(leg),
  symbol: 'BTCUSDT',
  kind: 'LIMIT',
  side,
  qty,
  price,
  reduceOnly,
});
const stop = (leg: string, side: 'BUY' | 'SELL', qty: string, stopPrice: string): PlaceOrderRequest => ({
  clientOrderId: cid(leg),
  symbol: 'BTCUSDT',
  kind: 'STOP_MARKET',
  side,
  qty,
  stopPrice,
  reduceOnly: true,
});

beforeAll(async () => {
  await fake.start();
  venues = new LiveVenues({
    timeoutMs: 1_000,
    restUrls: { bybit: fake.url },
    limits: { bybit: { maxWaitMs: 2_000 } },
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

describe('Bybit error mapping and rate-limit reading (no network)', () => {
  it('reads retCodes from ccxt messages and maps them by the Bybit table', () => {
    const err = new Error('bybit {"retCode":110072,"retMsg":"OrderLinkedID is duplicate","result":{}}');
    expect(retCodeOf(err)).toBe('110072');
    expect(retCodeOf(new Error('bybit {"retCode":0,"retMsg":"OK"}'))).toBeNull();
    const unknown = mapCcxtError(
      new Error('bybit {"retCode":10016,"retMsg":"Internal system error"}'),
      'write',
      {
        label: 'bybit POST order/create',
        code: '10016',
        codes: BYBIT_CODES,
      },
    );
    expect(unknown.kind).toBe('unknown_outcome');
    expect(unknown.message).toBe('bybit POST order/create: Internal system error (code 10016)');
    const read = mapCcxtError(new Error('x'), 'read', { label: 'r', code: '10016', codes: BYBIT_CODES });
    expect(read.kind).toBe('retryable');
    for (const [code, kind] of [
      ['10002', 'retryable'],
      ['10003', 'auth'],
      ['10004', 'auth'],
      ['10010', 'auth'],
      ['10006', 'rate_limited'],
      ['110017', 'rejected'],
      ['110094', 'rejected'],
      ['110001', 'rejected'],
    ] as const) {
      expect(mapCcxtError(new Error('x'), 'write', { label: 'w', code, codes: BYBIT_CODES }).kind, code).toBe(
        kind,
      );
    }
  });

  it('turns X-Bapi-Limit headers, 10006 and 403 into gate information', () => {
    const now = 1_000_000;
    const url = 'https://api.bybit.com/v5/order/create';
    const ok = bybitResponseInfo(
      200,
      { 'x-bapi-limit': '10', 'x-bapi-limit-status': '3', 'x-bapi-limit-reset-timestamp': String(now + 400) },
      url,
      '{"retCode":0}',
      now,
    );
    expect(ok.usage).toEqual({ bucket: 'order/create', remaining: 3, resetAt: now + 400 });
    expect(ok.refusal).toBeUndefined();
    const limited = bybitResponseInfo(
      200,
      { 'x-bapi-limit-status': '0', 'x-bapi-limit-reset-timestamp': String(now + 2_000) },
      url,
      '{"retCode":10006,"retMsg":"Too many visits"}',
      now,
    );
    expect(limited.refusal).toEqual({ scope: 'bucket', bucket: 'order/create', until: now + 2_000 });
    const ip = bybitResponseInfo(403, {}, url, 'access too frequent', now);
    expect(ip.refusal).toEqual({ scope: 'ip', until: now + 600_000 });

    // The gate blocks only that account's endpoint until the reset, and reports how long.
    let clock = now;
    const gate = new RequestGate(
      {
        weightPerMinute: 0,
        ordersPer10s: 0,
        ordersPerMinute: 0,
        headroom: 1,
        maxInFlight: 10,
        perAccountInFlight: 10,
        maxWaitMs: 100,
        optionalShare: 1,
        optionalWaitMs: 100,
        perSecond: { 'order/create': 10 },
      },
      () => clock,
    );
    gate.observe('a', limited);
    expect(gate.banRemainingMs('a', 'order/create')).toBe(2_000);
    expect(gate.banRemainingMs('a', 'order/realtime')).toBe(0);
    expect(gate.banRemainingMs('b', 'order/create')).toBe(0);
    clock += 2_500;
    expect(gate.banRemainingMs('a', 'order/create')).toBe(0);
  });

  it('spends per-account endpoint budgets per second and the IP budget per 5 s window', async () => {
    const clock = 5_000_000; // the start of a second and of a 5 s window
    const gate = new RequestGate(
      {
        weightPerMinute: 3,
        ipWindowMs: 5_000,
        ordersPer10s: 0,
        ordersPerMinute: 0,
        headroom: 1,
        maxInFlight: 10,
        perAccountInFlight: 10,
        maxWaitMs: 100,
        optionalShare: 1,
        optionalWaitMs: 100,
        perSecond: { 'order/create': 2 },
      },
      () => clock,
    );
    const place = (account: string) =>
      gate.run(account, { weight: 1, orders: 1, bucket: 'order/create' }, () => Promise.resolve('sent'));
    expect(await place('a')).toBe('sent');
    expect(await place('a')).toBe('sent');
    // a's third order this second would wait ~1 s (> maxWaitMs): refused unsent, with when to retry.
    const refused = await rejection(place('a'));
    expect(refused).toMatchObject({ kind: 'rate_limited', options: { retryAfterMs: 1_000 } });
    // Another account has its own endpoint budget, but the IP budget (3 per 5 s) is spent after it.
    expect(await place('b')).toBe('sent');
    const ip = await rejection(place('c'));
    expect(ip).toMatchObject({ kind: 'rate_limited', options: { retryAfterMs: 5_000 } });
  });

  it('maps v5 order states, Bybit’s own cancels as expiries', () => {
    const base = {
      orderId: 'o1',
      orderLinkId: 'vz1',
      symbol: 'BTCUSDT',
      side: 'Sell',
      qty: '0.014',
      orderType: 'Market',
      stopOrderType: 'Stop',
      updatedTime: '1700000000000',
    };
    expect(
      bybitSnapshot({ ...base, orderStatus: 'Untriggered', cumExecQty: '0', avgPrice: '' }, null),
    ).toMatchObject({
      status: 'NEW',
      kind: 'STOP_MARKET',
      side: 'SELL',
      avgPrice: null,
    });
    expect(
      bybitSnapshot(
        {
          ...base,
          orderStatus: 'PartiallyFilledCanceled',
          cancelType: 'CancelByReduceOnly',
          cumExecQty: '0.01',
          avgPrice: '69400',
        },
        null,
      ),
    ).toMatchObject({ status: 'EXPIRED', filledQty: '0.01', avgPrice: '69400' });
    expect(
      bybitSnapshot({ ...base, orderStatus: 'Deactivated', cancelType: 'CancelByUser' }, null).status,
    ).toBe('CANCELED');
    expect(
      bybitSnapshot({ ...base, orderStatus: 'Rejected', rejectReason: 'EC_PerCancelRequest' }, null),
    ).toMatchObject({
      status: 'REJECTED',
      rejectReason: 'EC_PerCancelRequest',
    });
  });
});

describe('Bybit v5 adapter (ccxt) against the fake', () => {
  it('reads market filters from instruments-info', async () => {
    const { acc } = account();
    const m = await acc.loadMarket('BTCUSDT');
    expect(m.rules).toEqual({ tickSize: '0.1', lotSize: '0.001', minQty: '0.001', minNotional: '5' });
    expect(m.maxLeverage).toBe(100);
    expect((await acc.loadMarket('XRPUSDT')).rules).toEqual({
      tickSize: '0.0001',
      lotSize: '1',
      minQty: '1',
      minNotional: '5',
    });
    await expect(acc.loadMarket('NOPEUSDT')).rejects.toMatchObject({ kind: 'rejected' });
    // Cached for the environment: a second account reads no instruments again.
    const before = fake.countRequests({ path: '/v5/market/instruments-info' });
    await account().acc.loadMarket('ETHUSDT');
    expect(fake.countRequests({ path: '/v5/market/instruments-info' })).toBe(before);
  });

  it('places the entry, reduce-only TP limits and a conditional stop with our orderLinkIds', async () => {
    const { acc, apiKey } = account();
    await acc.setLeverage('BTCUSDT', 12, 'ISOLATED');
    expect(fake.leverageOf(apiKey, 'BTCUSDT')).toBe(12);
    expect(fake.marginModeOf(apiKey)).toBe('ISOLATED_MARGIN');
    const before = fake.requests.length;
    await acc.setLeverage('BTCUSDT', 12, 'ISOLATED'); // remembered: no request
    expect(fake.requests.length).toBe(before);

    expect(await acc.placeOrder(market('entry', 'BUY', '0.014'))).toMatchObject({
      clientOrderId: cid('entry'),
      status: 'FILLED',
      filledQty: '0.014',
      avgPrice: '70000',
      kind: 'MARKET',
    });
    expect(await acc.placeOrder(limit('tp-1', 'SELL', '0.004', '70500', true))).toMatchObject({
      status: 'NEW',
      kind: 'LIMIT',
      qty: '0.004',
      filledQty: '0',
    });
    const sl = await acc.placeOrder(stop('sl', 'SELL', '0.014', '69500'));
    expect(sl).toMatchObject({ status: 'NEW', kind: 'STOP_MARKET', qty: '0.014' });
    const resting = fake.openStopsOf(apiKey)[0]!;
    expect(resting).toMatchObject({
      orderLinkId: cid('sl'),
      reduceOnly: true,
      triggerDirection: 2,
      triggerBy: 'MarkPrice',
      triggerPrice: '69500',
      orderStatus: 'Untriggered',
    });
    expect(sl.exchangeOrderId).toBe(resting.orderId);
    expect(fake.orders.filter((o) => o.apiKey === apiKey).map((o) => o.orderLinkId)).toEqual([
      cid('entry'),
      cid('tp-1'),
      cid('sl'),
    ]);
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

    fake.setMarkPrice('BTCUSDT', '70500');
    expect(await acc.fetchOrder('BTCUSDT', cid('tp-1'), { kind: 'LIMIT' })).toMatchObject({
      status: 'FILLED',
      filledQty: '0.004',
      avgPrice: '70500',
    });
    fake.setMarkPrice('BTCUSDT', '69400');
    // The stop covered 0.014, the position was 0.01: reduce-only fills 0.01, Bybit cancels the rest.
    expect(await acc.fetchOrder('BTCUSDT', cid('sl'), { kind: 'STOP_MARKET' })).toMatchObject({
      status: 'EXPIRED',
      filledQty: '0.01',
      avgPrice: '69400',
      kind: 'STOP_MARKET',
    });
    expect(await acc.fetchPosition('BTCUSDT')).toBeNull();
    expect(await acc.fetchOpenOrders()).toEqual([]);
  });

  it('answers null for orders never received, and cancels idempotently', async () => {
    const { acc } = account();
    expect(await acc.fetchOrder('BTCUSDT', cid('nope'))).toBeNull();
    await acc.placeOrder(market('e', 'BUY', '0.01'));
    await acc.placeOrder(limit('tp', 'SELL', '0.01', '71000', true));
    await acc.placeOrder(stop('sl', 'SELL', '0.01', '69000'));
    expect(await acc.cancelOrder('BTCUSDT', cid('tp'), { kind: 'LIMIT' })).toMatchObject({
      status: 'CANCELED',
    });
    expect(await acc.cancelOrder('BTCUSDT', cid('tp'), { kind: 'LIMIT' })).toMatchObject({
      status: 'CANCELED',
    });
    expect(await acc.cancelOrder('BTCUSDT', cid('sl'))).toMatchObject({
      status: 'CANCELED',
      kind: 'STOP_MARKET',
    });
    expect(await acc.cancelOrder('BTCUSDT', cid('e'), { kind: 'MARKET' })).toMatchObject({
      status: 'FILLED',
    });
    await expect(acc.cancelOrder('BTCUSDT', cid('never'), { kind: 'LIMIT' })).rejects.toMatchObject({
      kind: 'rejected',
    });
  });

  it('treats a duplicate orderLinkId (110072) as the order already placed', async () => {
    const { acc, apiKey } = account();
    const req = limit('tp', 'BUY', '0.01', '60000');
    const first = await acc.placeOrder(req);
    const again = await acc.placeOrder(req);
    expect(again.exchangeOrderId).toBe(first.exchangeOrderId);
    expect(fake.linkIdCounts(apiKey).get(`${apiKey}|${cid('tp')}`)).toBe(1);
    expect(fake.requests.some((r) => r.apiKey === apiKey && r.retCode === 110072)).toBe(true);
  });

  it('maps refusals to rejected with the reason', async () => {
    const { acc } = account();
    const ro = await rejection(acc.placeOrder(limit('x', 'SELL', '0.01', '71000', true)));
    expect(ro).toMatchObject({ kind: 'rejected', options: { code: '110017' } });
    expect(ro.message).toMatch(/reduce-only/);
    const small = await rejection(acc.placeOrder(market('y', 'BUY', '0.0001')));
    expect(small.kind).toBe('rejected');
    fake.setMarkPrice('DOGEUSDT', '0.1');
    // 10 DOGE at 0.1 = 1 USDT, under the 5 USDT minimum order value.
    const value = await rejection(acc.placeOrder(market('v', 'BUY', '10', 'DOGEUSDT')));
    expect(value).toMatchObject({ kind: 'rejected', options: { code: '110094' } });
    const tick = await rejection(acc.placeOrder(limit('z', 'BUY', '0.01', '60000.05')));
    expect(tick).toMatchObject({ kind: 'rejected', options: { code: '10001' } });
    await acc.placeOrder(market('e', 'BUY', '0.01'));
    // A sell stop above the mark would trigger at once: 110093.
    const instant = await rejection(acc.placeOrder(stop('s', 'SELL', '0.01', '70100')));
    expect(instant).toMatchObject({ kind: 'rejected', options: { code: '110093' } });
  });

  it('reports an unknown outcome when a write fails after Bybit executed it, and finds it by orderLinkId', async () => {
    const { acc, apiKey } = account();
    fake.fault({ kind: 'status', when: 'after', status: 503, match: { path: '/v5/order/create' } });
    const e1 = await rejection(acc.placeOrder(limit('a', 'BUY', '0.01', '60000')));
    expect(e1).toMatchObject({ kind: 'unknown_outcome', options: { code: '10016' } });
    expect(await acc.fetchOrder('BTCUSDT', cid('a'), { kind: 'LIMIT' })).toMatchObject({ status: 'NEW' });

    await acc.placeOrder(market('e', 'BUY', '0.01'));
    fake.fault({ kind: 'status', when: 'after', status: 502, match: { path: '/v5/order/create' } });
    const e2 = await rejection(acc.placeOrder(stop('s', 'SELL', '0.01', '69000')));
    expect(e2.kind).toBe('unknown_outcome');
    expect(e2.message).not.toMatch(/X-BAPI-SIGN|sign=/i);
    expect(await acc.fetchOrder('BTCUSDT', cid('s'))).toMatchObject({ status: 'NEW', kind: 'STOP_MARKET' });

    // Held past the client's timeout, placed: unknown, and found.
    fake.fault({ kind: 'hold', when: 'after', holdMs: 1_500, match: { path: '/v5/order/create' } });
    expect((await rejection(acc.placeOrder(limit('b', 'BUY', '0.01', '60000')))).kind).toBe(
      'unknown_outcome',
    );
    expect(await acc.fetchOrder('BTCUSDT', cid('b'))).not.toBeNull();
    // Held, not placed: unknown, and not found; placing it again then works once.
    fake.fault({ kind: 'hold', when: 'before', holdMs: 1_500, match: { path: '/v5/order/create' } });
    expect((await rejection(acc.placeOrder(limit('c', 'BUY', '0.01', '60000')))).kind).toBe(
      'unknown_outcome',
    );
    expect(await acc.fetchOrder('BTCUSDT', cid('c'))).toBeNull();
    expect(await acc.placeOrder(limit('c', 'BUY', '0.01', '60000'))).toMatchObject({ status: 'NEW' });
    expect([...fake.linkIdCounts(apiKey).values()].every((c) => c === 1)).toBe(true);
  });

  it('retries reads (5xx, clock skew → resync) and gives writes back untouched', async () => {
    const { acc } = account();
    fake.fault({ kind: 'status', status: 503, match: { path: '/v5/order/realtime' } });
    expect(await acc.fetchOpenOrders('BTCUSDT')).toEqual([]);
    const times = fake.countRequests({ path: '/v5/market/time' });
    fake.fault({ kind: 'timestamp', match: { path: '/v5/account/wallet-balance' } });
    expect(await acc.fetchBalance()).toMatchObject({ asset: 'USDT', total: '100000', free: '100000' });
    expect(fake.countRequests({ path: '/v5/market/time' })).toBeGreaterThan(times);
    fake.fault({ kind: 'timestamp', match: { path: '/v5/order/create' } });
    expect((await rejection(acc.placeOrder(limit('t', 'BUY', '0.01', '60000')))).kind).toBe('retryable');
    expect(await acc.fetchOrder('BTCUSDT', cid('t'))).toBeNull();
  });

  it('signs against the server clock after a skew (10002 → resync)', async () => {
    const own = new LiveVenues({ timeoutMs: 1_000, restUrls: { bybit: fake.url } });
    const { acc } = account('testnet', {}, own);
    fake.clockSkewMs = -20_000; // Bybit is 20 s behind: our timestamps look like the future
    try {
      expect((await acc.fetchBalance()).asset).toBe('USDT');
      expect(fake.requests.some((r) => r.retCode === 10002)).toBe(true);
    } finally {
      fake.clockSkewMs = 0;
      own.close();
    }
  });

  it('backs off on 10006 for that endpoint only, and on the IP limit (403), without sending', async () => {
    const own = new LiveVenues({
      timeoutMs: 1_000,
      restUrls: { bybit: fake.url },
      limits: { bybit: { maxWaitMs: 200 } },
    });
    try {
      const { acc, apiKey } = account('testnet', {}, own);
      await acc.placeOrder(market('e', 'BUY', '0.01'));
      fake.fault({ kind: 'rate_limit', retryAfterSec: 3, match: { apiKey, path: '/v5/order/create' } });
      const e = await rejection(acc.placeOrder(limit('r1', 'SELL', '0.01', '71000', true)));
      expect(e.kind).toBe('rate_limited');
      expect(e.options.retryAfterMs).toBeGreaterThan(2_000);
      const sent = fake.countRequests({ apiKey, path: '/v5/order/create' });
      // That endpoint waits (refused locally, nothing sent); reads go on.
      expect((await rejection(acc.placeOrder(limit('r2', 'SELL', '0.01', '71000', true)))).kind).toBe(
        'rate_limited',
      );
      expect(fake.countRequests({ apiKey, path: '/v5/order/create' })).toBe(sent);
      expect(await acc.fetchOrder('BTCUSDT', cid('r1'))).toBeNull();

      fake.fault({ kind: 'ip_limit', retryAfterSec: 2, match: { apiKey } });
      expect((await rejection(acc.fetchBalance())).kind).toBe('rate_limited');
      const all = fake.requests.length;
      expect((await rejection(acc.fetchPosition('BTCUSDT'))).kind).toBe('rate_limited');
      expect(fake.requests.length).toBe(all);
    } finally {
      own.close();
    }
  });

  it('keeps under the per-UID order limit by itself (10 orders a second)', async () => {
    const { acc, apiKey } = account();
    await acc.placeOrder(market('e', 'BUY', '0.2'));
    const results = await Promise.allSettled(
      Array.from({ length: 25 }, (_, i) =>
        acc.placeOrder(limit(`tp${i}`, 'SELL', '0.001', String(71000 + i * 10), true)),
      ),
    );
    // The gate spreads them over seconds (some may give up unsent after 2 s); at most 9 go per second.
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(9);
    const seconds = new Set(
      fake.requests
        .filter((r) => r.apiKey === apiKey && r.path === '/v5/order/create')
        .map((r) => Math.floor(r.at / 1000)),
    );
    expect(seconds.size).toBeGreaterThanOrEqual(2);
  });

  it('refuses bad keys as auth errors', async () => {
    const keys = fake.addAccount();
    const bad = venues.account({
      provider: 'bybit',
      mode: 'testnet',
      accountKey: 'bad',
      credentials: { apiKey: keys.apiKey, secret: 'not-the-secret' },
      hedgeMode: false,
    });
    expect((await rejection(bad.fetchBalance())).kind).toBe('auth');
    const unknown = venues.account({
      provider: 'bybit',
      mode: 'testnet',
      accountKey: 'bad2',
      credentials: { apiKey: 'nope', secret: 'nope' },
      hedgeMode: false,
    });
    expect((await rejection(unknown.fetchBalance())).kind).toBe('auth');
  });

  it('reports key permissions on mainnet (withdrawals, IP whitelist, read-only); demo keys report none', async () => {
    const withdraw = account('mainnet', {
      key: {
        ips: ['*'],
        permissions: { ContractTrade: ['Order', 'Position'], Wallet: ['AccountTransfer', 'Withdraw'] },
      },
    }).acc;
    expect(await withdraw.checkPermissions()).toMatchObject({
      reported: true,
      canWithdraw: true,
      ipRestricted: false,
      canTrade: true,
    });
    const safe = account('mainnet').acc;
    expect(await safe.checkPermissions()).toMatchObject({
      canWithdraw: false,
      ipRestricted: true,
      canTrade: true,
    });
    const readOnly = account('mainnet', { key: { readOnly: true } }).acc;
    expect(await readOnly.checkPermissions()).toMatchObject({ canTrade: false });
    expect(await account('testnet').acc.checkPermissions()).toMatchObject({
      reported: false,
      canWithdraw: null,
    });
  });

  it('uses positionIdx 1/2 in hedge mode', async () => {
    const { acc, apiKey } = account('testnet', {}, venues, true);
    await acc.setPositionMode(true);
    await acc.setPositionMode(true); // 110025: already
    expect(fake.positionModeOf(apiKey)).toBe(3);
    await acc.placeOrder(market('he', 'SELL', '0.1', 'ETHUSDT'));
    await acc.placeOrder({ ...stop('hs', 'BUY', '0.1', '3600'), symbol: 'ETHUSDT' });
    expect(fake.position(apiKey, 'ETHUSDT', 2).size).toBe('-0.1');
    expect(fake.openStopsOf(apiKey)[0]).toMatchObject({ positionIdx: 2, side: 'Buy', triggerDirection: 1 });
    expect(await acc.fetchPosition('ETHUSDT')).toMatchObject({ side: 'SHORT', qty: '0.1' });
  });
});
