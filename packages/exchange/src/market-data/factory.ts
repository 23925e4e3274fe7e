import { type BinanceFeed, type BinanceFeedOptions, createBinanceFeed } from './binance-feed';
import { createManualFeed, type ManualFeed, type ManualFeedOptions } from './manual-feed';
import { createSimFeed, type SimFeed, type SimFeedOptions } from './sim-feed';
import type { FeedKind, PriceFeed } from './types';

/** Options per feed kind, for {@link createPriceFeed}. */
export interface PriceFeedOptionsByKind {
  binance: BinanceFeedOptions;
  sim: SimFeedOptions;
  manual: ManualFeedOptions;
}

/** The feed type each kind creates. */
export interface PriceFeedByKind {
  binance: BinanceFeed;
  sim: SimFeed;
  manual: ManualFeed;
}

/**
 * Creates a price feed of the given kind, e.g. from configuration:
 * `createPriceFeed(config.marketFeed, { clock, ... })`.
 * @throws RangeError for an unknown kind.
 */
export function createPriceFeed<K extends FeedKind>(
  kind: K,
  options: PriceFeedOptionsByKind[K],
): PriceFeedByKind[K];
export function createPriceFeed(kind: FeedKind, options: PriceFeedOptionsByKind[FeedKind]): PriceFeed {
  switch (kind) {
    case 'binance':
      return createBinanceFeed(options as BinanceFeedOptions);
    case 'sim':
      return createSimFeed(options as SimFeedOptions);
    case 'manual':
      return createManualFeed(options as ManualFeedOptions);
    default:
      throw new RangeError(`unknown price feed kind: ${String(kind)}`);
  }
}
