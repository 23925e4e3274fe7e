import { ManualClock, systemClock } from '@verzek/platform';
import { FakeBinanceWs } from '@verzek/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BinanceFeed, type BinanceFeedOptions, createBinanceFeed } from './binance-feed';
import { nextTick, until } from './testing';
import type { FeedStatus } from './types';

const MARK = (s: string) => `${s.toLowerCase()}@markPrice@1s`;
const BOOK = (s: string) => `${s.toLowerCase()}@bookTicker`;

let fake: FakeBinanceWs;
const feeds: BinanceFeed[] = [];

function feed(options: Partial<BinanceFeedOptions> = {}): BinanceFeed {
  const f = createBinanceFeed({
    clock: systemClock,
    baseUrl: fake.url,
    backoff: { initialMs: 20, maxMs: 200 },
    ...options,
  });
  feeds.push(f);
  return f;
}

beforeEach(async () => {
  fake = new FakeBinanceWs({ pingIntervalMs: 50 });
  await fake.start();
});

afterEach(async () => {
  await Promise.all(feeds.splice(0).map((f) => f.stop()));
  await fake.close();
});

describe('binance feed against the fake', () => {
  it('subscribes on the routed endpoints and turns events into ticks', async () => {
    const clock = new ManualClock(1_800_000_000_500);
    const f = feed({ clock });
    f.subscribe(['BTCUSDT', 'ethusdt']);
    expect(f.state().status).toBe('idle');
    await f.start();
    expect(f.state()).toMatchObject({ kind: 'binance', status: 'live', symbols: 2, connections: 2 });
    expect(fake.activeStreams('market')).toEqual([MARK('BTCUSDT'), MARK('ETHUSDT')]);
    expect(fake.activeStreams('public')).toEqual([BOOK('BTCUSDT'), BOOK('ETHUSDT')]);

    const first = nextTick(f, (t) => t.symbol === 'BTCUSDT');
    fake.push('BTCUSDT', { price: '11794.15000000', eventTime: 1_800_000_000_000 });
    expect(await first).toEqual({ symbol: 'BTCUSDT', price: '11794.15', ts: 1_800_000_000_000 });
    expect(f.state()).toMatchObject({ lastTickAt: 1_800_000_000_500, lagMs: 500 });

    // the book arrives on the other socket: last() picks it up, the next mark tick carries it
    fake.push('BTCUSDT', {
      price: '11794.2',
      bid: '11794.10000000',
      ask: '11794.30000000',
      eventTime: 1_800_000_000_900,
    });
    await until(() => f.last('BTCUSDT')?.bid === '11794.1', 2000, 'book in last()');
    expect(f.last('btcusdt')).toMatchObject({ ask: '11794.3' });
    const withBook = nextTick(f, (t) => t.price === '11795');
    fake.push('BTCUSDT', { price: '11795.000', eventTime: 1_800_000_001_000 });
    expect(await withBook).toEqual({
      symbol: 'BTCUSDT',
      price: '11795',
      bid: '11794.1',
      ask: '11794.3',
      ts: 1_800_000_001_000,
    });
    expect(f.last('SOLUSDT')).toBeUndefined();
  });

  it('keeps one upstream subscription per symbol however many watchers, and unsubscribes at zero', async () => {
    const f = feed();
    f.subscribe(['ETHUSDT']); // in the connect URLs
    await f.start();
    for (let i = 0; i < 1000; i++) f.subscribe(['BTCUSDT']);
    await until(() => fake.activeStreams().length === 4, 2000, 'subscribed');
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.subscriptionRequests(MARK('BTCUSDT'))).toBe(1);
    expect(fake.subscriptionRequests(BOOK('BTCUSDT'))).toBe(1);
    expect(fake.stats().subscribeMessages).toBe(2); // one SUBSCRIBE per socket
    expect(f.state().symbols).toBe(2);

    for (let i = 0; i < 999; i++) f.unsubscribe(['BTCUSDT']);
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.stats().unsubscribeMessages).toBe(0);
    const tick = nextTick(f, (t) => t.symbol === 'BTCUSDT');
    fake.push('BTCUSDT', { price: '1' });
    await tick;

    f.unsubscribe(['BTCUSDT']);
    // Mark prices and book tickers live on two sockets: each unsubscribes on its own.
    await until(
      () => !fake.activeStreams().some((s) => s === MARK('BTCUSDT') || s === BOOK('BTCUSDT')),
      2000,
      'unsubscribed',
    );
    expect(fake.activeStreams()).toEqual([BOOK('ETHUSDT'), MARK('ETHUSDT')]);
    expect(f.last('BTCUSDT')).toBeUndefined();
    let late = 0;
    f.onTick((t) => {
      if (t.symbol === 'BTCUSDT') late++;
    });
    fake.push('BTCUSDT', { price: '2' });
    const eth = nextTick(f, (t) => t.symbol === 'ETHUSDT');
    fake.push('ETHUSDT', { price: '3' });
    await eth;
    expect(late).toBe(0);
    expect(() => f.subscribe(['BTC/USDT'])).toThrow(RangeError);
  });

  it('batches large subscriptions at a bounded message rate and shards past the stream limit', async () => {
    const f = feed({ maxStreamsPerConnection: 100, maxStreamsPerMessage: 20, maxMessagesPerSecond: 10 });
    const symbols = Array.from({ length: 130 }, (_, i) => `S${i}USDT`);
    f.subscribe(symbols.slice(0, 10)); // these go in the connect URLs
    await f.start();
    f.subscribe(symbols.slice(10));
    await until(() => fake.activeStreams().length === 260, 5000, 'all 260 streams');
    const stats = fake.stats();
    expect(stats.rateLimitDisconnects).toBe(0);
    expect(stats.peakMessagesPerSecond).toBeLessThanOrEqual(10);
    // the first sockets got 10 streams in their URL and 90 more in 5 messages of ≤ 20 each;
    // the second sockets (opened for the 30 overflowing streams) got theirs in the URL
    expect(stats.subscribeMessages).toBe(2 * Math.ceil(90 / 20));
    const sockets = fake.connections();
    expect(sockets).toHaveLength(4);
    expect(sockets.map((c) => c.streams.length).sort((a, b) => a - b)).toEqual([30, 30, 100, 100]);
    expect(f.state().connections).toBe(4);
    for (const s of symbols) expect(fake.subscriptionRequests(MARK(s))).toBe(1);
    const last = nextTick(f, (t) => t.symbol === 'S129USDT');
    fake.push('S129USDT', { price: '0.5' });
    expect((await last).price).toBe('0.5');
  });

  it('reconnects with backoff after a drop, resubscribes everything, and counts it', async () => {
    const f = feed();
    const statuses: FeedStatus[] = [];
    f.subscribe(['BTCUSDT', 'ETHUSDT']);
    await f.start();
    statuses.push(f.state().status);
    const watch = setInterval(() => {
      const s = f.state().status;
      if (statuses[statuses.length - 1] !== s) statuses.push(s);
    }, 1);
    try {
      const before = fake.stats().connectionsAccepted;
      fake.dropAll();
      await until(
        () => fake.stats().connectionsAccepted === before + 2 && f.state().status === 'live',
        3000,
        'back',
      );
      await until(() => fake.activeStreams().length === 4, 2000, 'resubscribed');
      const tick = nextTick(f, (t) => t.symbol === 'ETHUSDT');
      fake.push('ETHUSDT', { price: '3300.5' });
      expect((await tick).price).toBe('3300.5');
      expect(f.state().reconnects).toBe(2); // one per socket
      expect(f.state().lastError).toMatch(/closed with code 1006|socket hang up|ECONNRESET/);
      expect(statuses).toEqual(['live', 'reconnecting', 'live']);

      fake.dropAll({ graceful: true });
      await until(() => f.state().reconnects === 4 && f.state().status === 'live', 3000, 'back again');
      expect(f.state().lastError).toContain('1001');
    } finally {
      clearInterval(watch);
    }
  });

  it('backs off while the server is down, and recovers when it returns', async () => {
    const f = feed({ backoff: { initialMs: 20, maxMs: 80, jitter: 0 } });
    f.subscribe(['BTCUSDT']);
    await f.start();
    const port = fake.port;
    await fake.close();
    const t0 = Date.now();
    await until(() => f.state().reconnects >= 8, 4000, 'retries');
    // 20 + 40 + 80 + 80 … per socket: eight attempts over two sockets take at least 20+40+80+80 ms
    expect(Date.now() - t0).toBeGreaterThanOrEqual(200);
    expect(f.state().status).toBe('reconnecting');
    expect(f.state().lastError).toMatch(/ECONNREFUSED/);
    fake = new FakeBinanceWs({ port });
    await fake.start();
    await until(() => f.state().status === 'live', 3000, 'live again');
    const tick = nextTick(f);
    fake.push('BTCUSDT', { price: '100' });
    expect((await tick).price).toBe('100');
  });

  it('treats a silent connection as dead', async () => {
    const f = feed({ silenceTimeoutMs: 150 });
    f.subscribe(['BTCUSDT']);
    await f.start();
    const feeding = setInterval(() => fake.push('BTCUSDT', { price: '1', bid: '0.9', ask: '1.1' }), 20);
    try {
      await new Promise((r) => setTimeout(r, 300));
      expect(f.state().reconnects).toBe(0); // data keeps it alive
      fake.silence(true);
      await until(() => f.state().reconnects >= 2, 3000, 'silence detected');
      expect(f.state().lastError).toMatch(/no message for \d+ ms/);
      fake.silence(false);
      await until(() => f.state().status === 'live' && fake.activeStreams().length === 2, 3000, 'recovered');
      const tick = nextTick(f);
      expect((await tick).price).toBe('1');
    } finally {
      clearInterval(feeding);
    }
  });

  it('ignores and counts garbage frames, and survives throwing listeners', async () => {
    const f = feed();
    f.subscribe(['BTCUSDT']);
    await f.start();
    f.onTick(() => {
      throw new Error('listener bug');
    });
    const garbage = [
      'not json',
      '[]',
      '{"foo":1}',
      '{"stream":"btcusdt@markPrice@1s","data":{"e":"markPriceUpdate","E":1,"s":"BTCUSDT","p":"abc"}}',
      '{"stream":"btcusdt@markPrice@1s","data":{"e":"markPriceUpdate","s":"BTCUSDT","p":"1"}}',
    ];
    for (const g of garbage) fake.sendRaw(g);
    fake.sendRaw(Buffer.from([1, 2, 3]));
    fake.sendRaw('{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","s":"BTCUSDT"}}'); // valid, unused
    fake.sendRaw('{"result":null,"id":99}');
    const tick = nextTick(f);
    fake.push('BTCUSDT', { price: '42' });
    expect((await tick).price).toBe('42');
    // each frame reaches both sockets
    expect(f.state()).toMatchObject({ status: 'live', malformed: 12, listenerErrors: 1, reconnects: 0 });
  });

  it('reports a refused subscription', async () => {
    await fake.close();
    fake = new FakeBinanceWs({ maxStreamsPerConnection: 2 }); // fewer than the feed believes
    await fake.start();
    const f = feed({ bookTicker: false, maxStreamsPerConnection: 3 });
    f.subscribe(['AAUSDT']);
    await f.start();
    f.subscribe(['BBUSDT', 'CCUSDT']);
    await until(() => (f.state().lastError ?? '').includes('refused'), 2000, 'refusal');
    expect(f.state().lastError).toMatch(/subscription request 1 refused: 2: Invalid request/);
    expect(f.state().status).toBe('live');
  });

  it('supports the legacy single endpoint', async () => {
    await fake.close();
    fake = new FakeBinanceWs({ legacyUnrouted: true });
    await fake.start();
    const f = feed({ routing: 'single' });
    f.subscribe(['BTCUSDT']);
    await f.start();
    expect(fake.connections()).toEqual([{ route: 'unrouted', streams: [BOOK('BTCUSDT'), MARK('BTCUSDT')] }]);
    const tick = nextTick(f, (t) => t.bid !== undefined);
    fake.push('BTCUSDT', { price: '5', bid: '4', ask: '6' });
    fake.push('BTCUSDT', { price: '5', bid: '4', ask: '6' });
    expect(await tick).toMatchObject({ price: '5', bid: '4', ask: '6' });
  });

  it('emits on book updates when asked to', async () => {
    const f = feed({ emitOnBook: true });
    f.subscribe(['BTCUSDT']);
    await f.start();
    const mark = nextTick(f);
    fake.push('BTCUSDT', { price: '10', eventTime: 1000 });
    await mark;
    const book = nextTick(f);
    fake.push('BTCUSDT', { price: '10', bid: '9.9', ask: '10.1', eventTime: 2000 });
    // whichever of the two sockets is first, a tick with the book arrives
    await until(() => f.last('BTCUSDT')?.bid === '9.9', 2000, 'book tick');
    expect((await book).ts).toBeGreaterThanOrEqual(1000);
  });

  it('stop() closes every socket and timer, start() after stop() works, start() never hangs', async () => {
    const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    const baseline = sockets();
    const f = feed({ backoff: { initialMs: 100, maxMs: 200 } });
    f.subscribe(['BTCUSDT']);
    await f.start();
    await f.start();
    expect(fake.stats().openConnections).toBe(2);
    expect(sockets()).toBeGreaterThan(baseline);
    await f.stop();
    await f.stop();
    expect(f.state()).toMatchObject({ status: 'stopped', connections: 0 });
    await until(() => fake.stats().openConnections === 0, 2000, 'server saw the close');
    await until(() => sockets() === baseline, 2000, 'sockets released');

    await f.start();
    expect(f.state().status).toBe('live');
    const tick = nextTick(f);
    fake.push('BTCUSDT', { price: '7' });
    expect((await tick).price).toBe('7');

    // stopped while a reconnection is pending: the timer dies with it
    fake.dropAll();
    await until(() => f.state().status === 'reconnecting', 2000, 'reconnecting');
    await f.stop();
    const accepted = fake.stats().connectionsAccepted;
    await new Promise((r) => setTimeout(r, 300)); // > the pending backoff delay
    expect(fake.stats().connectionsAccepted).toBe(accepted);
    expect(f.state().status).toBe('stopped');

    // a dead upstream: start() resolves after the first failed attempt, stop() clears the retry timer
    const dead = createBinanceFeed({
      clock: systemClock,
      baseUrl: 'ws://127.0.0.1:1',
      backoff: { initialMs: 5000 },
    });
    dead.subscribe(['BTCUSDT']);
    await dead.start();
    expect(dead.state()).toMatchObject({ status: 'reconnecting', connections: 0 });
    expect(dead.state().lastError).toMatch(/ECONNREFUSED/);
    await dead.stop();
    expect(dead.state().status).toBe('stopped');
    await until(() => sockets() === baseline, 2000, 'sockets released');
  });
});
