import { dec } from '@verzek/core';
import { ManualClock } from '@verzek/platform';
import { describe, expect, it } from 'vitest';
import { type Candle, candlePath, loadBundledCandles } from './candles';
import { createSimFeed } from './sim-feed';
import { until } from './testing';
import type { PriceTick } from './types';

const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'DOGEUSDT', 'NEWCOINUSDT'];

function run(seed: number, steps: number, symbols = SYMBOLS): PriceTick[] {
  const feed = createSimFeed({ clock: new ManualClock(), seed });
  feed.subscribe(symbols);
  const ticks: PriceTick[] = [];
  for (let i = 0; i < steps; i++) ticks.push(...feed.step());
  return ticks;
}

describe('sim feed: random walk', () => {
  it('same seed → same sequence; another seed → another one', () => {
    const a = run(7, 200);
    expect(run(7, 200)).toEqual(a);
    expect(run(8, 200)).not.toEqual(a);
    expect(a).toHaveLength(800);
  });

  it("a symbol's path does not depend on the other subscriptions", () => {
    const alone = run(7, 50, ['ETHUSDT']).map((t) => t.price);
    const together = run(7, 50, ['BTCUSDT', 'ETHUSDT'])
      .filter((t) => t.symbol === 'ETHUSDT')
      .map((t) => t.price);
    expect(together).toEqual(alone);
  });

  it('starts near the reference price, stays positive and on the tick grid even when wild', () => {
    const feed = createSimFeed({ clock: new ManualClock(), seed: 3, volatilityPct: 20 });
    feed.subscribe(['BTCUSDT', 'DOGEUSDT']);
    const first = feed.step();
    expect(dec(first[0]!.price).div('95000').minus(1).abs().lt('0.9')).toBe(true);
    for (let i = 0; i < 2000; i++) {
      for (const t of feed.step()) {
        const p = dec(t.price);
        expect(p.gt(0)).toBe(true);
        const tick = t.symbol === 'BTCUSDT' ? '0.1' : '0.00001';
        expect(p.mod(tick).isZero()).toBe(true);
        if (t.bid !== undefined) expect(dec(t.bid).lt(p) && dec(t.bid).gt(0)).toBe(true);
        expect(dec(t.ask!).gt(p)).toBe(true);
      }
    }
  });

  it('quotes bid/ask one tick around the price, honours start prices, stamps the clock time', () => {
    const clock = new ManualClock(1_800_000_000_000);
    const feed = createSimFeed({ clock, seed: 1, volatilityPct: 0, startPrices: { solusdt: '123.45' } });
    feed.subscribe(['SOLUSDT']);
    expect(feed.step()).toEqual([
      { symbol: 'SOLUSDT', price: '123.45', bid: '123.44', ask: '123.46', ts: 1_800_000_000_000 },
    ]);
    clock.advance(1000);
    expect(feed.last('SOLUSDT')!.ts).toBe(1_800_000_000_000);
    expect(feed.step()[0]!.ts).toBe(1_800_000_001_000);
    const noSpread = createSimFeed({ clock, spreadTicks: 0 });
    noSpread.subscribe(['BTCUSDT']);
    expect(Object.keys(noSpread.step()[0]!).sort()).toEqual(['price', 'symbol', 'ts']);
  });

  it('emits only subscribed symbols, ref-counted, and forgets the last price at zero', () => {
    const feed = createSimFeed({ clock: new ManualClock() });
    feed.subscribe(['BTCUSDT', 'BTCUSDT', 'ETHUSDT']);
    expect(feed.step().map((t) => t.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
    feed.unsubscribe(['BTCUSDT']);
    expect(feed.step().map((t) => t.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
    feed.unsubscribe(['BTCUSDT']);
    expect(feed.step().map((t) => t.symbol)).toEqual(['ETHUSDT']);
    expect(feed.last('BTCUSDT')).toBeUndefined();
    expect(feed.last('ethusdt')?.symbol).toBe('ETHUSDT');
    expect(feed.state()).toMatchObject({ kind: 'sim', status: 'idle', symbols: 1, reconnects: 0, lagMs: 0 });
  });

  it('ticks on its timer while started, and stop() clears it', async () => {
    const feed = createSimFeed({ clock: new ManualClock(), intervalMs: 5 });
    const seen: PriceTick[] = [];
    feed.onTick((t) => seen.push(t));
    feed.subscribe(['BTCUSDT']);
    await feed.start();
    await feed.start(); // idempotent: still one timer
    expect(feed.state().status).toBe('live');
    await until(() => seen.length >= 3, 2000, 'three timer ticks');
    await feed.stop();
    await feed.stop();
    const count = seen.length;
    await new Promise((r) => setTimeout(r, 30));
    expect(seen.length).toBe(count);
    expect(feed.state().status).toBe('stopped');
  });

  it('rejects bad options', () => {
    const clock = new ManualClock();
    expect(() => createSimFeed({ clock, volatilityPct: -1 })).toThrow(RangeError);
    expect(() => createSimFeed({ clock, intervalMs: 0 })).toThrow(RangeError);
    expect(() => createSimFeed({ clock, spreadTicks: 1.5 })).toThrow(RangeError);
    expect(() => createSimFeed({ clock, startPrices: { BTCUSDT: '0' } }).subscribe(['BTCUSDT'])).toThrow(
      RangeError,
    );
  });
});

describe('sim feed: candle replay', () => {
  const candles: Candle[] = [
    { ts: 0, open: '100', high: '110', low: '95', close: '105' },
    { ts: 60_000, open: '105', high: '106', low: '90', close: '92.5' },
  ];

  it('reproduces each candle path open → low/high → close, then loops', () => {
    const feed = createSimFeed({
      clock: new ManualClock(),
      replay: { candles: { BTCUSDT: candles } },
      spreadTicks: 0,
    });
    feed.subscribe(['BTCUSDT']);
    const prices = Array.from({ length: 10 }, () => feed.step()[0]!.price);
    expect(prices).toEqual(['100', '95', '110', '105', '105', '106', '90', '92.5', '100', '95']);
  });

  it('subdivides legs, can stamp candle times, and random-walks on after the last candle', () => {
    const feed = createSimFeed({
      clock: new ManualClock(),
      seed: 5,
      replay: { candles: { BTCUSDT: candles }, stepsPerLeg: 2, loop: false, timestamps: 'candle' },
    });
    feed.subscribe(['BTCUSDT', 'ETHUSDT']);
    const ticks = Array.from({ length: 16 }, () => feed.step()[0]!);
    expect(ticks.slice(0, 7).map((t) => t.price)).toEqual([
      '100',
      '97.5',
      '95',
      '102.5',
      '110',
      '107.5',
      '105',
    ]);
    expect(ticks.slice(0, 8).map((t) => t.ts)).toEqual([0, 8571, 17142, 25714, 34285, 42857, 51428, 60000]);
    expect(ticks[13]!.price).toBe('92.5');
    expect(ticks[14]!.price).not.toBe('100'); // no loop: a walk from 92.5
    expect(dec(ticks[14]!.price).minus('92.5').abs().lt(1)).toBe(true);
    expect(feed.last('ETHUSDT')).toBeDefined(); // no candles for ETH: random walk
  });

  it('replays the bundled synthetic candles, at a speed that sets the interval', () => {
    const feed = createSimFeed({ clock: new ManualClock(), replay: { candles: 'bundled', speed: 60 } });
    expect(feed.intervalMs).toBe(250); // 60 s candle / 60 / 4 points
    feed.subscribe(['ETHUSDT']);
    const eth = loadBundledCandles('ETHUSDT');
    const expected = [...candlePath(eth[0]!, 1, 2), ...candlePath(eth[1]!, 1, 2)];
    expect(Array.from({ length: 8 }, () => feed.step()[0]!.price)).toEqual(expected);
  });
});
