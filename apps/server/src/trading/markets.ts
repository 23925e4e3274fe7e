import type { ExchangeAccount, MarketInfo, PriceFeed } from '@verzek/exchange';

/**
 * Market filters and current prices for planning trades: filters are cached per venue and symbol
 * (they change rarely), prices come from the feed, waiting briefly for a symbol's first tick.
 */
export class Markets {
  private readonly info = new Map<string, Promise<MarketInfo>>();

  constructor(
    private readonly feed: PriceFeed,
    private readonly options: { firstTickTimeoutMs: number; infoTtlMs: number },
  ) {}

  marketInfo(venue: string, account: ExchangeAccount, symbol: string): Promise<MarketInfo> {
    const key = `${venue}:${symbol}`;
    let cached = this.info.get(key);
    if (!cached) {
      cached = account.loadMarket(symbol);
      this.info.set(key, cached);
      cached.catch(() => this.info.delete(key));
      setTimeout(() => this.info.delete(key), this.options.infoTtlMs).unref();
    }
    return cached;
  }

  /** The latest price of a symbol, subscribing to it (for good) if needed; null if none came in time. */
  async price(symbol: string): Promise<string | null> {
    const last = this.feed.last(symbol);
    if (last) return last.price;
    this.feed.subscribe([symbol]);
    return new Promise<string | null>((resolve) => {
      const done = (value: string | null) => {
        off();
        clearTimeout(timer);
        resolve(value);
      };
      const off = this.feed.onTick((tick) => {
        if (tick.symbol === symbol) done(tick.price);
      });
      // The tick may have landed between last() and onTick().
      const seen = this.feed.last(symbol);
      const timer = setTimeout(() => done(null), this.options.firstTickTimeoutMs);
      if (seen) done(seen.price);
    });
  }
}
