export * from './types';
export { normalizeSymbol } from './symbols';
export { type BackoffOptions, backoffDelay, resolveBackoff } from './backoff';
export { mulberry32, seedFor, type Random } from './prng';
export {
  REFERENCE_PRICES,
  DEFAULT_REFERENCE_PRICE,
  type ReferencePrice,
  referenceFor,
  tickSizeFor,
} from './reference-prices';
export {
  type Candle,
  parseCandlesCsv,
  loadCandleFile,
  loadBundledCandles,
  bundledCandlePath,
  BUNDLED_CANDLE_SYMBOLS,
  candlePath,
  candleIntervalMs,
  seriesDecimalPlaces,
} from './candles';
export {
  parseBinanceFrame,
  type BinanceFrame,
  type MarkPriceEvent,
  type BookTickerEvent,
} from './binance-messages';
export {
  createBinanceFeed,
  BINANCE_FUTURES_WS_URL,
  type BinanceFeed,
  type BinanceFeedOptions,
} from './binance-feed';
export { createSimFeed, type SimFeed, type SimFeedOptions, type SimReplayOptions } from './sim-feed';
export { createManualFeed, type ManualFeed, type ManualFeedOptions, type ManualQuote } from './manual-feed';
export { createPriceFeed, type PriceFeedOptionsByKind, type PriceFeedByKind } from './factory';
