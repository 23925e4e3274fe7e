import { ManualClock } from '@verzek/platform';
import { describe, expect, it } from 'vitest';
import { createPriceFeed } from './factory';
import type { FeedKind } from './types';

describe('createPriceFeed', () => {
  it('creates each kind', async () => {
    const clock = new ManualClock();
    const sim = createPriceFeed('sim', { clock, seed: 1 });
    sim.subscribe(['BTCUSDT']);
    expect(sim.step()).toHaveLength(1);
    const manual = createPriceFeed('manual', { clock });
    expect(manual.setPrice('ETHUSDT', '1').price).toBe('1');
    const binance = createPriceFeed('binance', { clock, baseUrl: 'ws://127.0.0.1:1' });
    expect(binance.state()).toMatchObject({ kind: 'binance', status: 'idle', symbols: 0, connections: 0 });
    await binance.start(); // nothing subscribed: no socket
    expect(binance.state().status).toBe('live');
    await binance.stop();
    expect([sim.kind, manual.kind, binance.kind]).toEqual(['sim', 'manual', 'binance']);
  });

  it('rejects an unknown kind and bad options', () => {
    const clock = new ManualClock();
    expect(() => createPriceFeed('kraken' as FeedKind, { clock })).toThrow(RangeError);
    expect(() => createPriceFeed('binance', { clock, baseUrl: 'https://x' })).toThrow(RangeError);
    expect(() => createPriceFeed('binance', { clock, maxMessagesPerSecond: 11 })).toThrow(RangeError);
    expect(() => createPriceFeed('binance', { clock, maxStreamsPerConnection: 2000 })).toThrow(RangeError);
  });
});
