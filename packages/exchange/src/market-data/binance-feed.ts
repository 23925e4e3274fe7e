import type { Clock } from '@verzek/platform';
import { type BackoffOptions, resolveBackoff } from './backoff';
import { bookTickerStream, markPriceStream, parseBinanceFrame } from './binance-messages';
import { StreamConnection, type StreamConnectionOptions } from './stream-connection';
import { SubscriptionCounter } from './subscriptions';
import { TickHub } from './tick-hub';
import type { FeedLogger, FeedState, FeedStatus, PriceFeed, PriceTick, TickListener } from './types';

/** Default public endpoint of Binance USDⓈ-M futures market streams. */
export const BINANCE_FUTURES_WS_URL = 'wss://fstream.binance.com';

/** Options of {@link createBinanceFeed}. */
export interface BinanceFeedOptions {
  /** Source of `lastTickAt` and `lagMs` (tick timestamps are Binance's event times). */
  clock: Clock;
  /** Websocket base URL without path (default `wss://fstream.binance.com`). */
  baseUrl?: string;
  /**
   * Endpoint layout. `'split'` (default) follows Binance's routed endpoints (mandatory since
   * 2026-04-23): mark prices on `<base>/market/stream`, book tickers on `<base>/public/stream`.
   * `'single'` puts every stream on `<base>/stream` (the legacy layout, still used by some mirrors).
   */
  routing?: 'split' | 'single';
  /** Reconnection backoff (default 0.5 s doubling to 30 s, 50 % jitter). */
  backoff?: BackoffOptions;
  /** Also subscribe `<symbol>@bookTicker` for bid/ask (default true). */
  bookTicker?: boolean;
  /** Mark price stream speed (default `'1s'`; `'3s'` is Binance's slower variant). */
  markPriceSpeed?: '1s' | '3s';
  /**
   * Emit a tick on every book update too (default false: ticks follow mark price updates, and book
   * updates only refresh the bid/ask seen by `last()` and carried by the next tick).
   */
  emitOnBook?: boolean;
  /** Reconnect when a socket with streams receives nothing for this long (default 20 000 ms). */
  silenceTimeoutMs?: number;
  /** Abandon a connection attempt after this long (default 10 000 ms). */
  connectTimeoutMs?: number;
  /** Subscription messages per second per socket (default 5; Binance disconnects above 10). */
  maxMessagesPerSecond?: number;
  /** Streams per socket before another socket is opened (default 1024, Binance's maximum). */
  maxStreamsPerConnection?: number;
  /** Streams per SUBSCRIBE/UNSUBSCRIBE message (default 100). */
  maxStreamsPerMessage?: number;
  /** Jitter source for the backoff (default `Math.random`). */
  random?: () => number;
  /** Logger for connection events and listener failures. */
  logger?: FeedLogger;
}

/** The live Binance USDⓈ-M futures feed. */
export interface BinanceFeed extends PriceFeed {
  readonly kind: 'binance';
}

type Category = 'market' | 'public';

/** Connections of one endpoint, each holding up to `maxStreams` streams. */
class StreamPool {
  readonly connections: StreamConnection[] = [];
  private readonly owner = new Map<string, StreamConnection>();
  private started = false;

  constructor(
    private readonly maxStreams: number,
    private readonly make: (index: number) => StreamConnection,
  ) {}

  add(streams: readonly string[]): void {
    const batches = new Map<StreamConnection, string[]>();
    for (const s of streams) {
      if (this.owner.has(s)) continue;
      let conn = this.connections.find(
        (c) => c.desired.size + (batches.get(c)?.length ?? 0) < this.maxStreams,
      );
      if (!conn) {
        conn = this.make(this.connections.length);
        this.connections.push(conn);
        if (this.started) void conn.start();
      }
      this.owner.set(s, conn);
      const batch = batches.get(conn) ?? [];
      batch.push(s);
      batches.set(conn, batch);
    }
    for (const [conn, batch] of batches) conn.add(batch);
  }

  remove(streams: readonly string[]): void {
    const batches = new Map<StreamConnection, string[]>();
    for (const s of streams) {
      const conn = this.owner.get(s);
      if (!conn) continue;
      this.owner.delete(s);
      const batch = batches.get(conn) ?? [];
      batch.push(s);
      batches.set(conn, batch);
    }
    for (const [conn, batch] of batches) conn.remove(batch);
  }

  async start(): Promise<void> {
    this.started = true;
    await Promise.all(this.connections.map((c) => c.start()));
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all(this.connections.map((c) => c.stop()));
  }
}

class BinancePriceFeed implements BinanceFeed {
  readonly kind = 'binance' as const;
  private readonly clock: Clock;
  private readonly logger?: FeedLogger;
  private readonly subscriptions = new SubscriptionCounter();
  private readonly hub: TickHub;
  private readonly pools: Record<Category, StreamPool>;
  private readonly books = new Map<string, { bid: string; ask: string; ts: number }>();
  private readonly withBook: boolean;
  private readonly emitOnBook: boolean;
  private readonly speed: '1s' | '3s';
  private started = false;
  private everStarted = false;
  private lastError: string | null = null;
  private malformed = 0;

  constructor(options: BinanceFeedOptions) {
    this.clock = options.clock;
    this.logger = options.logger;
    this.hub = new TickHub(options.logger);
    this.withBook = options.bookTicker ?? true;
    this.emitOnBook = options.emitOnBook ?? false;
    this.speed = options.markPriceSpeed ?? '1s';

    const base = (options.baseUrl ?? BINANCE_FUTURES_WS_URL).replace(/\/+$/, '');
    if (!/^wss?:\/\/[^/]+/.test(base)) throw new RangeError(`baseUrl must be a ws:// or wss:// URL: ${base}`);
    const maxPerSecond = options.maxMessagesPerSecond ?? 5;
    if (!(maxPerSecond > 0 && maxPerSecond <= 10))
      throw new RangeError('maxMessagesPerSecond must be in (0, 10]');
    const maxStreams = options.maxStreamsPerConnection ?? 1024;
    if (!(Number.isInteger(maxStreams) && maxStreams >= 1 && maxStreams <= 1024)) {
      throw new RangeError('maxStreamsPerConnection must be an integer in [1, 1024]');
    }
    const perMessage = options.maxStreamsPerMessage ?? 100;
    if (!(Number.isInteger(perMessage) && perMessage >= 1))
      throw new RangeError('maxStreamsPerMessage must be ≥ 1');

    const shared: Omit<StreamConnectionOptions, 'url' | 'name'> = {
      backoff: resolveBackoff(options.backoff),
      random: options.random ?? Math.random,
      silenceTimeoutMs: options.silenceTimeoutMs ?? 20_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      maxMessagesPerSecond: maxPerSecond,
      maxStreamsPerMessage: perMessage,
      maxUrlChars: 1500,
      logger: options.logger,
      onMessage: (text) => this.handle(text),
      onBinary: () => {
        this.malformed += 1;
      },
      onStatus: () => {},
      onError: (message) => {
        this.lastError = message;
      },
    };
    const pool = (path: string, label: string) =>
      new StreamPool(
        maxStreams,
        (i) => new StreamConnection({ ...shared, url: `${base}${path}`, name: `${label}#${i}` }),
      );
    if ((options.routing ?? 'split') === 'split') {
      this.pools = { market: pool('/market/stream', 'market'), public: pool('/public/stream', 'public') };
    } else {
      const single = pool('/stream', 'stream');
      this.pools = { market: single, public: single };
    }
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.everStarted = true;
    await Promise.all(this.uniquePools().map((p) => p.start()));
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all(this.uniquePools().map((p) => p.stop()));
  }

  subscribe(symbols: readonly string[]): void {
    const added = this.subscriptions.add(symbols);
    if (added.length === 0) return;
    this.pools.market.add(added.map((s) => markPriceStream(s, this.speed)));
    if (this.withBook) this.pools.public.add(added.map(bookTickerStream));
  }

  unsubscribe(symbols: readonly string[]): void {
    const removed = this.subscriptions.remove(symbols);
    if (removed.length === 0) return;
    for (const s of removed) {
      this.hub.forget(s);
      this.books.delete(s);
    }
    this.pools.market.remove(removed.map((s) => markPriceStream(s, this.speed)));
    if (this.withBook) this.pools.public.remove(removed.map(bookTickerStream));
  }

  onTick(listener: TickListener): () => void {
    return this.hub.on(listener);
  }

  last(symbol: string): PriceTick | undefined {
    return this.hub.last(symbol);
  }

  state(): FeedState {
    const connections = this.uniquePools().flatMap((p) => p.connections);
    let status: FeedStatus;
    if (!this.started) status = this.everStarted ? 'stopped' : 'idle';
    else if (connections.some((c) => c.status === 'reconnecting')) status = 'reconnecting';
    else if (connections.some((c) => c.status === 'connecting')) status = 'connecting';
    else status = 'live';
    return {
      kind: 'binance',
      status,
      symbols: this.subscriptions.size,
      lastTickAt: this.hub.lastTickAt,
      lagMs: this.hub.lagMs(this.clock.now()),
      reconnects: connections.reduce((n, c) => n + c.reconnects, 0),
      lastError: this.lastError,
      connections: connections.filter((c) => c.status === 'open').length,
      malformed: this.malformed,
      listenerErrors: this.hub.listenerErrors,
    };
  }

  private uniquePools(): StreamPool[] {
    return [...new Set([this.pools.market, this.pools.public])];
  }

  private handle(text: string): void {
    const frame = parseBinanceFrame(text);
    switch (frame.kind) {
      case 'mark': {
        if (!this.subscriptions.has(frame.symbol)) return; // in flight when we unsubscribed
        const book = this.books.get(frame.symbol);
        const tick: PriceTick = book
          ? { symbol: frame.symbol, price: frame.price, bid: book.bid, ask: book.ask, ts: frame.eventTime }
          : { symbol: frame.symbol, price: frame.price, ts: frame.eventTime };
        this.hub.emit(tick, this.clock.now());
        return;
      }
      case 'book': {
        if (!this.subscriptions.has(frame.symbol)) return;
        this.books.set(frame.symbol, { bid: frame.bid, ask: frame.ask, ts: frame.eventTime });
        const prev = this.hub.last(frame.symbol);
        if (!prev) return; // no mark price yet: the first mark tick will carry this book
        const tick: PriceTick = {
          ...prev,
          bid: frame.bid,
          ask: frame.ask,
          ts: Math.max(prev.ts, frame.eventTime),
        };
        if (this.emitOnBook) this.hub.emit(tick, this.clock.now());
        else this.hub.remember(tick);
        return;
      }
      case 'reply':
        if (frame.error) {
          this.lastError = `subscription request ${String(frame.id)} refused: ${frame.error}`;
          this.logger?.error({ id: frame.id, error: frame.error }, 'binance refused a subscription request');
        }
        return;
      case 'other':
        return;
      case 'malformed':
        this.malformed += 1;
        if (this.malformed <= 10 || this.malformed % 1000 === 0) {
          this.logger?.warn(
            { reason: frame.reason, count: this.malformed },
            'malformed price feed frame ignored',
          );
        }
        return;
    }
  }
}

/**
 * Creates the live feed of Binance USDⓈ-M futures public market streams (no API key): per symbol
 * `<symbol>@markPrice@1s` for the mark price and `<symbol>@bookTicker` for bid/ask, over combined
 * streams with dynamic SUBSCRIBE/UNSUBSCRIBE, reconnecting with backoff and resubscribing.
 */
export function createBinanceFeed(options: BinanceFeedOptions): BinanceFeed {
  return new BinancePriceFeed(options);
}
