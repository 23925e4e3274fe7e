import { fallbackMarketSpec, PAPER_MARKETS, type MarketInfo, type PriceFeed } from '@verzek/exchange';
import type { Config } from '@verzek/platform';
import { Markets } from '../markets';

/**
 * Market rules and prices for manual trades, without a venue: an API-only process has no trading
 * runtime, so the paper market table (or the rules derived from the price, as the paper venue does)
 * and the paper fee settings give the very rules the paper venue will apply.
 */
export class ManualMarkets {
  private readonly markets: Markets;

  constructor(
    private readonly feed: PriceFeed,
    private readonly paper: Config['trading']['paper'],
    firstTickTimeoutMs = 1500,
  ) {
    this.markets = new Markets(feed, { firstTickTimeoutMs, infoTtlMs: 3_600_000 });
  }

  /**
   * The latest price of a symbol. Symbols of the paper table are subscribed (and waited for briefly);
   * any other symbol is only read if the feed already follows it, so callers can't make the feed
   * subscribe to arbitrary names.
   */
  async price(symbol: string): Promise<string | null> {
    const last = this.last(symbol);
    if (last !== null) return last;
    if (PAPER_MARKETS[symbol] === undefined) return null;
    return this.markets.price(symbol);
  }

  /** The paper venue's rules for a symbol; null for an unknown symbol without any price. */
  info(symbol: string, price: string | null): MarketInfo | null {
    const spec = PAPER_MARKETS[symbol] ?? (price === null ? null : fallbackMarketSpec(price));
    if (spec === null) return null;
    return {
      symbol,
      rules: {
        tickSize: spec.tickSize,
        lotSize: spec.lotSize,
        minQty: spec.lotSize,
        minNotional: this.paper.minNotionalUsdt,
      },
      fees: { maker_rate: this.paper.makerFee, taker_rate: this.paper.takerFee },
      maxLeverage: spec.maxLeverage,
    };
  }

  private last(symbol: string): string | null {
    try {
      return this.feed.last(symbol)?.price ?? null;
    } catch {
      return null;
    }
  }
}
