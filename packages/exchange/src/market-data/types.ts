import type { Logger } from '@verzek/platform';

/**
 * One price observation for one symbol.
 *
 * Prices are canonical decimal strings (no exponent, no trailing zeros, e.g. `"94213.5"`), never
 * JavaScript numbers: parse them with `dec()` from `@verzek/core` before doing arithmetic.
 */
export interface PriceTick {
  /** Exchange symbol in upper case without separators, e.g. `BTCUSDT`. */
  readonly symbol: string;
  /** Mark price (the price positions are valued and triggered at), decimal string. */
  readonly price: string;
  /** Best bid, when the source knows it. */
  readonly bid?: string;
  /** Best ask, when the source knows it. */
  readonly ask?: string;
  /** Epoch milliseconds: the exchange's event time when known, else the feed's clock. */
  readonly ts: number;
}

/** Which implementation a feed is. */
export type FeedKind = 'binance' | 'sim' | 'manual';

/**
 * Lifecycle of a feed:
 * `idle` (created, not started) → `connecting` → `live` ⇄ `reconnecting` → `stopped`.
 * Feeds without a network connection go straight from `idle` to `live`.
 */
export type FeedStatus = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'stopped';

/** A snapshot of a feed's health, for `/health` and the admin dashboard. */
export interface FeedState {
  /** Which implementation produced this state. */
  kind: FeedKind;
  /** Current lifecycle status. */
  status: FeedStatus;
  /** Number of distinct symbols currently subscribed. */
  symbols: number;
  /** Clock time (epoch ms) at which the last tick was delivered, or null before the first tick. */
  lastTickAt: number | null;
  /** `clock.now()` minus the event time of the last tick, or null before the first tick. */
  lagMs: number | null;
  /** Reconnection attempts since the feed was created (always 0 for offline feeds). */
  reconnects: number;
  /** The last connection or protocol error, or null. Not cleared on recovery: compare with `status`. */
  lastError: string | null;
  /** Upstream connections currently open (0 for offline feeds). */
  connections: number;
  /** Upstream frames that could not be understood and were dropped. */
  malformed: number;
  /** Tick listener invocations that threw (or rejected); the feed carried on. */
  listenerErrors: number;
}

/** Receives ticks. It may throw or return a rejected promise: the feed logs, counts and carries on. */
export type TickListener = (tick: PriceTick) => void;

/**
 * The price feed port: the paper exchange and the position monitor consume prices through it,
 * whatever the source (Binance, simulation or an operator).
 *
 * Subscriptions are reference-counted: every `subscribe(['BTCUSDT'])` must be balanced by one
 * `unsubscribe(['BTCUSDT'])`, and the upstream subscription exists once per symbol however many
 * watchers hold it. Subscribing before `start()` is allowed; it takes effect on start.
 */
export interface PriceFeed {
  /** Which implementation this is. */
  readonly kind: FeedKind;
  /**
   * Starts producing ticks. Idempotent. For network feeds, resolves once every needed upstream
   * connection has opened or failed its first attempt (it then keeps retrying in the background),
   * so a dead upstream never blocks the caller for longer than the connect timeout.
   */
  start(): Promise<void>;
  /** Stops producing ticks, closes sockets and clears every timer. Idempotent; `start()` may follow. */
  stop(): Promise<void>;
  /**
   * Adds one reference to each symbol (normalized to upper case).
   * @throws RangeError for a symbol that is not 2–32 characters of `A–Z`, `0–9` and `_`.
   */
  subscribe(symbols: readonly string[]): void;
  /**
   * Drops one reference to each symbol; at zero the upstream subscription is removed and `last()`
   * forgets the symbol. Unsubscribing a symbol that is not subscribed does nothing.
   */
  unsubscribe(symbols: readonly string[]): void;
  /** Registers a listener for every tick of every subscribed symbol; returns its unregister function. */
  onTick(listener: TickListener): () => void;
  /** The freshest known quote for a subscribed symbol, or undefined before its first tick. */
  last(symbol: string): PriceTick | undefined;
  /** A snapshot of the feed's health. */
  state(): FeedState;
}

/** The subset of the platform logger the feeds use (a pino logger fits). */
export type FeedLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
