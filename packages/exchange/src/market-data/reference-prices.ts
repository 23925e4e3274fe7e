import { Dec, dec, decStr } from '@verzek/core';

/** A starting point for the simulated feed: a price level and the price grid it moves on. */
export interface ReferencePrice {
  /** Approximate price, decimal string. */
  price: string;
  /** Tick size (price step), decimal string. */
  tick: string;
}

/**
 * Rough USDⓈ-M perpetual price levels used as starting points by the simulated feed.
 *
 * These are **approximations chosen to look plausible for 2026, not market data**: nothing here
 * was fetched from an exchange, and no result may rely on them being accurate. Tick sizes mimic
 * Binance's price filters in magnitude. Override with `startPrices` in the sim feed options.
 */
export const REFERENCE_PRICES: Readonly<Record<string, ReferencePrice>> = Object.freeze({
  BTCUSDT: { price: '95000', tick: '0.1' },
  ETHUSDT: { price: '3300', tick: '0.01' },
  SOLUSDT: { price: '160', tick: '0.01' },
  BNBUSDT: { price: '900', tick: '0.01' },
  XRPUSDT: { price: '2.3', tick: '0.0001' },
  DOGEUSDT: { price: '0.19', tick: '0.00001' },
  ADAUSDT: { price: '0.65', tick: '0.0001' },
  TRXUSDT: { price: '0.3', tick: '0.00001' },
  LINKUSDT: { price: '16', tick: '0.001' },
  AVAXUSDT: { price: '20', tick: '0.001' },
  DOTUSDT: { price: '3.5', tick: '0.001' },
  LTCUSDT: { price: '95', tick: '0.01' },
  BCHUSDT: { price: '480', tick: '0.01' },
  TONUSDT: { price: '2.5', tick: '0.0001' },
  SUIUSDT: { price: '2.8', tick: '0.0001' },
  NEARUSDT: { price: '2.6', tick: '0.001' },
  APTUSDT: { price: '4.5', tick: '0.0001' },
  ARBUSDT: { price: '0.35', tick: '0.0001' },
  OPUSDT: { price: '0.6', tick: '0.0001' },
  '1000PEPEUSDT': { price: '0.009', tick: '0.0000001' },
});

/** Starting price for a symbol without a reference or an override. */
export const DEFAULT_REFERENCE_PRICE = '100';

/**
 * A tick size giving about six significant digits at `price` (95000 → 0.1, 3300 → 0.01,
 * 0.19 → 0.000001), for symbols without a known tick.
 */
export function tickSizeFor(price: string): string {
  const p = dec(price);
  if (p.lte(0)) throw new RangeError(`price must be positive: ${price}`);
  const magnitude = p.log(10).floor().toNumber(); // an exponent, not a price
  return decStr(new Dec(10).pow(magnitude - 5));
}

/** The reference (price, tick) for a symbol: the override price if given, else the bundled table. */
export function referenceFor(symbol: string, override?: string): ReferencePrice {
  const known = REFERENCE_PRICES[symbol];
  if (override !== undefined) {
    const price = decStr(override);
    if (dec(price).lte(0)) throw new RangeError(`start price for ${symbol} must be positive: ${override}`);
    // keep the bundled grid only while it is fine enough for the overridden level
    const tick = known && dec(known.tick).mul(1000).lte(price) ? known.tick : tickSizeFor(price);
    return { price, tick };
  }
  if (known) return known;
  return { price: DEFAULT_REFERENCE_PRICE, tick: tickSizeFor(DEFAULT_REFERENCE_PRICE) };
}
