import { Dec, decStr, tryDec } from '@verzek/core';
import type { Clock } from '@verzek/platform';
import { LocalFeed } from './local-feed';
import { normalizeSymbol } from './symbols';
import type { FeedLogger, PriceFeed, PriceTick } from './types';

/** Options of {@link createManualFeed}. */
export interface ManualFeedOptions {
  /** Source of tick timestamps. */
  clock: Clock;
  /** Logger for listener failures. */
  logger?: FeedLogger;
}

/** Optional book prices for {@link ManualFeed.setPrice}. */
export interface ManualQuote {
  /** Best bid, positive decimal string, not above `ask`. */
  bid?: string;
  /** Best ask, positive decimal string. */
  ask?: string;
}

/** A feed whose prices an operator (or a test) sets by hand. */
export interface ManualFeed extends PriceFeed {
  readonly kind: 'manual';
  /**
   * Sets a symbol's price and emits a tick stamped with the clock's time, whether or not the feed is
   * started or the symbol subscribed (subscriptions only decide what `unsubscribe` forgets).
   * @throws RangeError for a bad symbol, or a price/bid/ask that is not a positive decimal string.
   */
  setPrice(symbol: string, price: string, quote?: ManualQuote): PriceTick;
}

function positiveDecimal(value: unknown, what: string): string {
  const d = typeof value === 'string' ? tryDec(value) : null;
  if (d === null || d.lte(0))
    throw new RangeError(`${what} must be a positive decimal string, got ${JSON.stringify(value)}`);
  return decStr(d);
}

class ManualPriceFeed extends LocalFeed implements ManualFeed {
  readonly kind = 'manual' as const;

  constructor(options: ManualFeedOptions) {
    super(options.clock, options.logger);
  }

  setPrice(symbol: string, price: string, quote: ManualQuote = {}): PriceTick {
    const s = normalizeSymbol(symbol);
    const p = positiveDecimal(price, 'price');
    const bid = quote.bid === undefined ? undefined : positiveDecimal(quote.bid, 'bid');
    const ask = quote.ask === undefined ? undefined : positiveDecimal(quote.ask, 'ask');
    if (bid !== undefined && ask !== undefined && new Dec(bid).gt(ask)) {
      throw new RangeError(`bid ${bid} is above ask ${ask}`);
    }
    const now = this.clock.now();
    const tick: PriceTick = {
      symbol: s,
      price: p,
      ...(bid !== undefined ? { bid } : {}),
      ...(ask !== undefined ? { ask } : {}),
      ts: now,
    };
    this.hub.emit(tick, now);
    return tick;
  }
}

/** Creates the manual feed, for demos and black-box tests (an admin route calls `setPrice`). */
export function createManualFeed(options: ManualFeedOptions): ManualFeed {
  return new ManualPriceFeed(options);
}
