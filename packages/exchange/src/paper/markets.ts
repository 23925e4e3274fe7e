import { Dec, dec, decStr, type FeeRates, type MarketRules } from '@verzek/core';
import { tickSizeFor } from '../market-data';
import type { MarketInfo } from '../port';

/** The per-symbol part of a paper market; the minimum notional and fees are venue-wide options. */
export interface PaperMarketSpec {
  /** Price step (Binance `PRICE_FILTER.tickSize`). */
  tickSize: string;
  /** Quantity step (Binance `LOT_SIZE.stepSize`); also the minimum quantity. */
  lotSize: string;
  /** Highest leverage `setLeverage` accepts. */
  maxLeverage: number;
}

/**
 * Filters of common Binance USDⓈ-M perpetuals, for the paper venue.
 *
 * Source: tick and step sizes as published by Binance's `GET /fapi/v1/exchangeInfo`
 * (`PRICE_FILTER.tickSize`, `LOT_SIZE.stepSize`; `minQty` equals the step on these markets), taken
 * from a public copy of that response — not fetched live, and Binance changes them now and then.
 * Maximum leverages are the top bracket's, rounded (they also change with position size on Binance).
 * The minimum notional is NOT Binance's per-symbol value (5–100 USDT): paper uses one configurable
 * value for every market (`minNotionalUsdt`, default 5). Override or extend with the `markets` option.
 */
export const PAPER_MARKETS: Readonly<Record<string, PaperMarketSpec>> = Object.freeze({
  BTCUSDT: { tickSize: '0.1', lotSize: '0.001', maxLeverage: 125 },
  ETHUSDT: { tickSize: '0.01', lotSize: '0.001', maxLeverage: 100 },
  BNBUSDT: { tickSize: '0.01', lotSize: '0.01', maxLeverage: 75 },
  SOLUSDT: { tickSize: '0.01', lotSize: '0.01', maxLeverage: 100 },
  XRPUSDT: { tickSize: '0.0001', lotSize: '0.1', maxLeverage: 75 },
  DOGEUSDT: { tickSize: '0.00001', lotSize: '1', maxLeverage: 75 },
  ADAUSDT: { tickSize: '0.0001', lotSize: '1', maxLeverage: 75 },
  TRXUSDT: { tickSize: '0.00001', lotSize: '1', maxLeverage: 75 },
  LINKUSDT: { tickSize: '0.001', lotSize: '0.01', maxLeverage: 75 },
  AVAXUSDT: { tickSize: '0.001', lotSize: '1', maxLeverage: 75 },
  DOTUSDT: { tickSize: '0.001', lotSize: '0.1', maxLeverage: 75 },
  LTCUSDT: { tickSize: '0.01', lotSize: '0.001', maxLeverage: 75 },
  BCHUSDT: { tickSize: '0.01', lotSize: '0.001', maxLeverage: 75 },
  TONUSDT: { tickSize: '0.0001', lotSize: '0.1', maxLeverage: 50 },
  SUIUSDT: { tickSize: '0.0001', lotSize: '0.1', maxLeverage: 50 },
  NEARUSDT: { tickSize: '0.001', lotSize: '1', maxLeverage: 50 },
  APTUSDT: { tickSize: '0.0001', lotSize: '0.1', maxLeverage: 50 },
  ARBUSDT: { tickSize: '0.0001', lotSize: '0.1', maxLeverage: 50 },
  OPUSDT: { tickSize: '0.0001', lotSize: '0.1', maxLeverage: 50 },
  '1000PEPEUSDT': { tickSize: '0.0000001', lotSize: '1', maxLeverage: 50 },
});

/** Maximum leverage of a market derived from its price. */
export const FALLBACK_MAX_LEVERAGE = 20;

/**
 * Filters for a symbol the table does not know, derived from its price: a tick of about six
 * significant digits (95000 → 0.1, 0.19 → 0.000001) and a lot worth between 0.1 and 1 USDT
 * (`10^−ceil(log10 price)`: 95000 → 0.00001, 2.3 → 0.1, 0.19 → 1, 0.009 → 100). Stable as long as
 * the price stays within the same power of ten.
 */
export function fallbackMarketSpec(price: string): PaperMarketSpec {
  const p = dec(price);
  if (p.lte(0)) throw new RangeError(`price must be positive: ${price}`);
  const magnitude = p.log(10).ceil().toNumber(); // an exponent, not a price
  return {
    tickSize: tickSizeFor(price),
    lotSize: decStr(new Dec(10).pow(-magnitude)),
    maxLeverage: FALLBACK_MAX_LEVERAGE,
  };
}

/** A {@link PaperMarketSpec} as the port's {@link MarketInfo}. */
export function toMarketInfo(
  symbol: string,
  spec: PaperMarketSpec,
  minNotional: string,
  fees: FeeRates,
): MarketInfo {
  const rules: MarketRules = {
    tickSize: spec.tickSize,
    lotSize: spec.lotSize,
    minQty: spec.lotSize,
    minNotional,
  };
  return { symbol, rules, fees: { ...fees }, maxLeverage: spec.maxLeverage };
}
