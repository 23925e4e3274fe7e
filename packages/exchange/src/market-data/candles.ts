import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Dec, dec, decStr, tryDec } from '@verzek/core';

/** One OHLC candle; prices are decimal strings. */
export interface Candle {
  /** Open time, epoch ms. */
  ts: number;
  open: string;
  high: string;
  low: string;
  close: string;
}

/**
 * Parses a candle CSV: lines of `ts,open,high,low,close` (epoch ms, decimals), an optional first
 * (header) line starting with `ts`, blank lines and `#` comments ignored. Rows must be in increasing time
 * order and consistent (`low ≤ open, close ≤ high`, all positive).
 * @throws Error naming the source and line of the first bad row.
 */
export function parseCandlesCsv(text: string, source = 'candles'): Candle[] {
  const candles: Candle[] = [];
  const lines = text.split(/\r?\n/);
  let headerAllowed = true;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    if (headerAllowed) {
      headerAllowed = false;
      if (/^ts\b/i.test(line)) continue;
    }
    const fail = (why: string): never => {
      throw new Error(`${source}:${i + 1}: ${why}`);
    };
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length !== 5) fail(`expected 5 columns (ts,open,high,low,close), got ${cells.length}`);
    const [tsCell, ...priceCells] = cells as [string, string, string, string, string];
    if (!/^\d{1,15}$/.test(tsCell)) fail(`bad timestamp ${JSON.stringify(tsCell)}`);
    const ts = Number(tsCell);
    const prices = priceCells.map((c) => {
      const d = tryDec(c);
      if (d === null || d.lte(0)) fail(`bad price ${JSON.stringify(c)}`);
      return d as Dec;
    });
    const [o, h, l, c] = prices as [Dec, Dec, Dec, Dec];
    if (l.gt(Dec.min(o, c)) || h.lt(Dec.max(o, c)) || l.gt(h))
      fail('inconsistent candle (need low ≤ open,close ≤ high)');
    const prev = candles[candles.length - 1];
    if (prev && ts <= prev.ts) fail('timestamps must increase');
    candles.push({ ts, open: decStr(o), high: decStr(h), low: decStr(l), close: decStr(c) });
  }
  if (candles.length === 0) throw new Error(`${source}: no candles`);
  return candles;
}

/** Reads and parses a candle CSV file. */
export function loadCandleFile(path: string): Candle[] {
  return parseCandlesCsv(readFileSync(path, 'utf8'), path);
}

/** Symbols with a bundled (synthetic) one-minute candle file in `packages/exchange/fixtures/candles`. */
export const BUNDLED_CANDLE_SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'] as const;

/** Path of a bundled candle file, e.g. `…/fixtures/candles/BTCUSDT-1m.csv`. */
export function bundledCandlePath(symbol: string): string {
  return fileURLToPath(new URL(`../../fixtures/candles/${symbol}-1m.csv`, import.meta.url));
}

/**
 * The bundled candles of a symbol. They are **synthetic** (generated offline, not market history)
 * and only meant for demos and tests.
 * @throws Error when the symbol has no bundled file.
 */
export function loadBundledCandles(symbol: string): Candle[] {
  if (!(BUNDLED_CANDLE_SYMBOLS as readonly string[]).includes(symbol)) {
    throw new Error(`no bundled candles for ${symbol} (have ${BUNDLED_CANDLE_SYMBOLS.join(', ')})`);
  }
  return loadCandleFile(bundledCandlePath(symbol));
}

/**
 * The price path a candle is replayed along: open → low → high → close for an up candle
 * (close ≥ open), open → high → low → close for a down candle. Each of the three legs is split into
 * `stepsPerLeg` equal steps rounded to `places` decimals (default: the most decimals among the
 * candle's prices; pass {@link seriesDecimalPlaces} for a whole series), so the path has
 * `3 × stepsPerLeg + 1` points and always touches the exact high and low.
 */
export function candlePath(candle: Candle, stepsPerLeg = 1, places?: number): string[] {
  if (!Number.isInteger(stepsPerLeg) || stepsPerLeg < 1) throw new RangeError('stepsPerLeg must be ≥ 1');
  const up = dec(candle.close).gte(candle.open);
  const vertices = up
    ? [candle.open, candle.low, candle.high, candle.close]
    : [candle.open, candle.high, candle.low, candle.close];
  const dp = places ?? Math.max(...vertices.map((v) => dec(v).decimalPlaces()));
  const path: string[] = [decStr(vertices[0] as string)];
  for (let leg = 0; leg < 3; leg++) {
    const from = dec(vertices[leg] as string);
    const to = dec(vertices[leg + 1] as string);
    for (let k = 1; k <= stepsPerLeg; k++) {
      const point =
        k === stepsPerLeg ? to : from.plus(to.minus(from).mul(k).div(stepsPerLeg)).toDecimalPlaces(dp);
      path.push(decStr(point));
    }
  }
  return path;
}

/** Typical spacing of a candle series (the smallest positive gap between open times), in ms. */
export function candleIntervalMs(candles: readonly Candle[]): number {
  let best = Infinity;
  for (let i = 1; i < candles.length; i++) {
    const gap = (candles[i] as Candle).ts - (candles[i - 1] as Candle).ts;
    if (gap > 0 && gap < best) best = gap;
  }
  return Number.isFinite(best) ? best : 60_000;
}

/** The most decimal places used by any price of a candle series: its price grid. */
export function seriesDecimalPlaces(candles: readonly Candle[]): number {
  let places = 0;
  for (const c of candles) {
    for (const v of [c.open, c.high, c.low, c.close]) places = Math.max(places, dec(v).decimalPlaces());
  }
  return places;
}
