import { describe, expect, it, vi } from 'vitest';
import { backoffDelay, resolveBackoff } from './backoff';
import { parseBinanceFrame } from './binance-messages';
import { mulberry32, seedFor } from './prng';
import { referenceFor, tickSizeFor } from './reference-prices';
import { SubscriptionCounter } from './subscriptions';
import { normalizeSymbol } from './symbols';
import { TickHub } from './tick-hub';

describe('normalizeSymbol', () => {
  it('upper-cases and validates', () => {
    expect(normalizeSymbol(' btcusdt ')).toBe('BTCUSDT');
    expect(normalizeSymbol('1000PEPEUSDT')).toBe('1000PEPEUSDT');
    expect(normalizeSymbol('BTCUSDT_260327')).toBe('BTCUSDT_260327');
    for (const bad of ['', 'B', 'BTC/USDT', 'btc usdt', 'X'.repeat(33)]) {
      expect(() => normalizeSymbol(bad)).toThrow(RangeError);
    }
  });
});

describe('SubscriptionCounter', () => {
  it('reference-counts and reports 0→1 and 1→0 transitions only', () => {
    const c = new SubscriptionCounter();
    expect(c.add(['btcusdt', 'BTCUSDT', 'ETHUSDT'])).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(c.add(['BTCUSDT'])).toEqual([]);
    expect(c.count('BTCUSDT')).toBe(3);
    expect(c.remove(['BTCUSDT', 'BTCUSDT'])).toEqual([]);
    expect(c.remove(['BTCUSDT', 'SOLUSDT', '??'])).toEqual(['BTCUSDT']);
    expect(c.symbols()).toEqual(['ETHUSDT']);
    expect(c.size).toBe(1);
  });

  it('validates every symbol before changing anything', () => {
    const c = new SubscriptionCounter();
    expect(() => c.add(['BTCUSDT', 'bad symbol'])).toThrow(RangeError);
    expect(c.size).toBe(0);
  });
});

describe('TickHub', () => {
  it('isolates throwing and rejecting listeners', async () => {
    const error = vi.fn();
    const hub = new TickHub({ debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error } as never);
    const seen: string[] = [];
    hub.on(() => {
      throw new Error('boom');
    });
    hub.on(async () => {
      throw new Error('async boom');
    });
    hub.on((t) => seen.push(t.price));
    hub.emit({ symbol: 'BTCUSDT', price: '1', ts: 1 }, 1);
    hub.emit({ symbol: 'BTCUSDT', price: '2', ts: 2 }, 2);
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual(['1', '2']);
    expect(hub.listenerErrors).toBe(4);
    expect(error).toHaveBeenCalledTimes(4);
  });

  it('lets a listener unregister itself while ticks are delivered, and freezes ticks', () => {
    const hub = new TickHub();
    const calls: string[] = [];
    const off = hub.on(() => {
      calls.push('a');
      off();
    });
    hub.on((t) => {
      calls.push('b');
      expect(Object.isFrozen(t)).toBe(true);
    });
    hub.emit({ symbol: 'X1', price: '1', ts: 1 }, 1);
    hub.emit({ symbol: 'X1', price: '1', ts: 1 }, 1);
    expect(calls).toEqual(['a', 'b', 'b']);
    off(); // idempotent
    expect(hub.lagMs(11)).toBe(10);
  });
});

describe('mulberry32 / seedFor', () => {
  it('is deterministic and seed-dependent', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(mulberry32(43)()).not.toBe(xs[0]);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
    expect(seedFor(1, 'BTCUSDT')).toBe(seedFor(1, 'BTCUSDT'));
    expect(seedFor(1, 'BTCUSDT')).not.toBe(seedFor(1, 'ETHUSDT'));
    expect(seedFor(1, 'BTCUSDT')).not.toBe(seedFor(2, 'BTCUSDT'));
  });
});

describe('reference prices', () => {
  it('derives a six-significant-digit tick', () => {
    expect(tickSizeFor('95000')).toBe('0.1');
    expect(tickSizeFor('3300')).toBe('0.01');
    expect(tickSizeFor('0.19')).toBe('0.000001');
    expect(tickSizeFor('100')).toBe('0.001');
  });

  it('uses the table, overrides and a default', () => {
    expect(referenceFor('BTCUSDT')).toEqual({ price: '95000', tick: '0.1' });
    expect(referenceFor('BTCUSDT', '60000.50')).toEqual({ price: '60000.5', tick: '0.1' });
    expect(referenceFor('BTCUSDT', '5')).toEqual({ price: '5', tick: '0.00001' });
    expect(referenceFor('NEWCOINUSDT')).toEqual({ price: '100', tick: '0.001' });
    expect(() => referenceFor('BTCUSDT', '-1')).toThrow(RangeError);
  });
});

describe('backoff', () => {
  it('grows exponentially to the cap, with jitter taking up to its share off', () => {
    const b = resolveBackoff();
    const full = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, b, () => 0));
    expect(full).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    expect(backoffDelay(3, b, () => 0.999999)).toBe(1000);
    expect(backoffDelay(1, resolveBackoff({ initialMs: 10, jitter: 0 }), () => 0.7)).toBe(10);
  });

  it('rejects nonsense', () => {
    expect(() => resolveBackoff({ initialMs: 0 })).toThrow(RangeError);
    expect(() => resolveBackoff({ initialMs: 10, maxMs: 5 })).toThrow(RangeError);
    expect(() => resolveBackoff({ jitter: 2 })).toThrow(RangeError);
  });
});

describe('parseBinanceFrame', () => {
  it('reads the documented mark price and book ticker payloads', () => {
    const mark = parseBinanceFrame(
      JSON.stringify({
        stream: 'btcusdt@markPrice@1s',
        data: {
          e: 'markPriceUpdate',
          E: 1562305380000,
          s: 'BTCUSDT',
          p: '11794.15000000',
          i: '11784.62659091',
          P: '11784.25641265',
          r: '0.00038167',
          T: 1562306400000,
        },
      }),
    );
    expect(mark).toEqual({ kind: 'mark', symbol: 'BTCUSDT', price: '11794.15', eventTime: 1562305380000 });
    const book = parseBinanceFrame(
      '{"stream":"bnbusdt@bookTicker","data":{"e":"bookTicker","u":400900217,"E":1568014460893,"T":1568014460891,"s":"BNBUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"}}',
    );
    expect(book).toEqual({
      kind: 'book',
      symbol: 'BNBUSDT',
      bid: '25.3519',
      ask: '25.3652',
      eventTime: 1568014460893,
    });
  });

  it('classifies replies, other events and garbage without throwing', () => {
    expect(parseBinanceFrame('{"result":null,"id":3}')).toEqual({ kind: 'reply', id: 3 });
    expect(parseBinanceFrame('{"error":{"code":2,"msg":"Invalid request"},"id":4}')).toEqual({
      kind: 'reply',
      id: 4,
      error: '2: Invalid request',
    });
    expect(parseBinanceFrame('{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade"}}').kind).toBe('other');
    const garbage = [
      'not json',
      '[]',
      'null',
      '42',
      '{}',
      '{"stream":"x"}',
      '{"stream":"x","data":{}}',
      '{"stream":"x","data":{"e":"markPriceUpdate","E":1,"s":"BTCUSDT","p":"abc"}}',
      '{"stream":"x","data":{"e":"markPriceUpdate","E":1,"s":"BTCUSDT","p":"-5"}}',
      '{"stream":"x","data":{"e":"markPriceUpdate","E":1,"s":"BTCUSDT","p":5}}',
      '{"stream":"x","data":{"e":"markPriceUpdate","E":"1","s":"BTCUSDT","p":"5"}}',
      '{"stream":"x","data":{"e":"markPriceUpdate","E":1,"s":"BTC USDT","p":"5"}}',
      '{"stream":"x","data":{"e":"bookTicker","E":1,"s":"BTCUSDT","b":"1"}}',
    ];
    for (const g of garbage) expect(parseBinanceFrame(g).kind, g).toBe('malformed');
  });
});
