import { describe, expect, it } from 'vitest';
import {
  BUNDLED_CANDLE_SYMBOLS,
  candleIntervalMs,
  candlePath,
  loadBundledCandles,
  parseCandlesCsv,
  seriesDecimalPlaces,
} from './candles';

describe('parseCandlesCsv', () => {
  it('parses rows, skipping a header, comments and blank lines', () => {
    const candles = parseCandlesCsv(
      '# sample\nts,open,high,low,close\n\n1000,10.50,11,10,10.90\n61000,10.9,11.2,10.8,11.0\n',
    );
    expect(candles).toEqual([
      { ts: 1000, open: '10.5', high: '11', low: '10', close: '10.9' },
      { ts: 61000, open: '10.9', high: '11.2', low: '10.8', close: '11' },
    ]);
    expect(candleIntervalMs(candles)).toBe(60_000);
  });

  it('names the line of a bad row', () => {
    expect(() => parseCandlesCsv('1,1,2,1\n', 'x.csv')).toThrow('x.csv:1: expected 5 columns');
    expect(() => parseCandlesCsv('ts,open,high,low,close\n1,1,2,1,abc\n', 'x.csv')).toThrow(
      'x.csv:2: bad price',
    );
    expect(() => parseCandlesCsv('1,1,2,1,0\n')).toThrow('bad price');
    expect(() => parseCandlesCsv('1,1,2,1.5,1.2\n')).toThrow('inconsistent');
    expect(() => parseCandlesCsv('1,1,0.9,0.8,0.85\n')).toThrow('inconsistent');
    expect(() => parseCandlesCsv('2,1,2,1,1\n1,1,2,1,1\n')).toThrow('timestamps must increase');
    expect(() => parseCandlesCsv('x,1,2,1,1\n')).toThrow('bad timestamp');
    expect(() => parseCandlesCsv('ts,open,high,low,close\n')).toThrow('no candles');
  });

  it('loads the bundled synthetic candles', () => {
    for (const s of BUNDLED_CANDLE_SYMBOLS) {
      const candles = loadBundledCandles(s);
      expect(candles).toHaveLength(120);
      expect(candleIntervalMs(candles)).toBe(60_000);
    }
    expect(seriesDecimalPlaces(loadBundledCandles('BTCUSDT'))).toBe(1);
    expect(seriesDecimalPlaces(loadBundledCandles('ETHUSDT'))).toBe(2);
    expect(() => loadBundledCandles('XRPUSDT')).toThrow('no bundled candles');
  });
});

describe('candlePath', () => {
  const up = { ts: 0, open: '100', high: '110', low: '95', close: '105' };
  const down = { ts: 0, open: '100', high: '103', low: '90', close: '92.5' };

  it('goes open → low → high → close up, open → high → low → close down', () => {
    expect(candlePath(up)).toEqual(['100', '95', '110', '105']);
    expect(candlePath(down)).toEqual(['100', '103', '90', '92.5']);
  });

  it('subdivides each leg, rounded to the candle precision, touching the extremes', () => {
    expect(candlePath(up, 2)).toEqual(['100', '98', '95', '102', '110', '108', '105']); // half-even, 0 dp
    expect(candlePath(up, 2, 1)).toEqual(['100', '97.5', '95', '102.5', '110', '107.5', '105']);
    expect(candlePath(down, 3)).toEqual([
      '100',
      '101',
      '102',
      '103',
      '98.7',
      '94.3',
      '90',
      '90.8',
      '91.7',
      '92.5',
    ]);
    expect(() => candlePath(up, 0)).toThrow(RangeError);
  });
});
