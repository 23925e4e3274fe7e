import { ManualClock } from '@verzek/platform';
import { describe, expect, it } from 'vitest';
import { createManualFeed } from './manual-feed';
import type { PriceTick } from './types';

describe('manual feed', () => {
  it('emits the price set, canonicalized, stamped with the clock', async () => {
    const clock = new ManualClock(1_750_000_000_000);
    const feed = createManualFeed({ clock });
    const seen: PriceTick[] = [];
    feed.onTick((t) => seen.push(t));
    feed.subscribe(['BTCUSDT']);
    await feed.start();
    const tick = feed.setPrice('btcusdt', '65000.50', { bid: '65000.4', ask: '65000.60' });
    expect(tick).toEqual({
      symbol: 'BTCUSDT',
      price: '65000.5',
      bid: '65000.4',
      ask: '65000.6',
      ts: 1_750_000_000_000,
    });
    expect(seen).toEqual([tick]);
    expect(feed.last('BTCUSDT')).toEqual(tick);
    clock.advance(250);
    expect(feed.state()).toMatchObject({
      kind: 'manual',
      status: 'live',
      symbols: 1,
      lastTickAt: 1_750_000_000_000,
      lagMs: 250,
    });
    feed.setPrice('ETHUSDT', '3000'); // not subscribed: still emitted
    expect(seen.map((t) => t.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
    await feed.stop();
    expect(feed.state().status).toBe('stopped');
  });

  it('rejects garbage without emitting', () => {
    const feed = createManualFeed({ clock: new ManualClock() });
    let emitted = 0;
    feed.onTick(() => emitted++);
    const bad: unknown[] = [
      '',
      'abc',
      '-1',
      '0',
      '0.000',
      'NaN',
      'Infinity',
      '1,5',
      ' ',
      '1e',
      65000,
      null,
      undefined,
    ];
    for (const price of bad)
      expect(() => feed.setPrice('BTCUSDT', price as string), String(price)).toThrow(RangeError);
    expect(() => feed.setPrice('BTC/USDT', '1')).toThrow(RangeError);
    expect(() => feed.setPrice('BTCUSDT', '1', { bid: '2', ask: '1.5' })).toThrow('above ask');
    expect(() => feed.setPrice('BTCUSDT', '1', { bid: 'x' })).toThrow(RangeError);
    expect(emitted).toBe(0);
  });
});
