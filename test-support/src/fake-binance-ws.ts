import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import WebSocket, { WebSocketServer } from 'ws';

/**
 * Which routed endpoint a connection came in on: `/market/stream`, `/public/stream`, or the
 * legacy unrouted `/stream`.
 */
export type FakeBinanceRoute = 'market' | 'public' | 'unrouted';

/** Options of {@link FakeBinanceWs}. */
export interface FakeBinanceWsOptions {
  /** Port to listen on (default 0: an ephemeral port). Pass a closed fake's port to "restart" it. */
  port?: number;
  /** Server ping interval in ms (Binance: 3 minutes). 0 disables pings. */
  pingIntervalMs?: number;
  /** Incoming messages allowed per connection per second; one more and the connection is closed (10). */
  maxIncomingPerSecond?: number;
  /** Streams one connection may hold (1024). */
  maxStreamsPerConnection?: number;
  /**
   * When false (default, like Binance since 2026-04), the unrouted `/stream` endpoint only delivers
   * public-category streams (book tickers); when true it delivers everything, as before the split.
   */
  legacyUnrouted?: boolean;
  /** Default event time of pushed events (default `Date.now`). */
  now?: () => number;
}

/** Counters of what the fake has seen and sent. */
export interface FakeBinanceWsStats {
  /** Websocket connections accepted since start. */
  connectionsAccepted: number;
  /** Connections open now. */
  openConnections: number;
  /** SUBSCRIBE messages received. */
  subscribeMessages: number;
  /** UNSUBSCRIBE messages received. */
  unsubscribeMessages: number;
  /** LIST_SUBSCRIPTIONS messages received. */
  listMessages: number;
  /** Text and binary messages received from clients (control frames excluded). */
  messagesReceived: number;
  /** The most messages one connection sent within any one-second window. */
  peakMessagesPerSecond: number;
  /** Connections closed for exceeding `maxIncomingPerSecond`. */
  rateLimitDisconnects: number;
  /** Pong frames received in answer to the server's pings. */
  pongsReceived: number;
  /** Data frames sent to clients (events and replies). */
  framesSent: number;
}

/** Prices pushed by {@link FakeBinanceWs.push}, as decimal strings like Binance sends them. */
export interface FakeBinanceQuote {
  /** Mark price. */
  price: string;
  /** Best bid; with `ask`, or alone (the other side then defaults to `price`), sends a bookTicker. */
  bid?: string;
  /** Best ask. */
  ask?: string;
  /** Event time `E`, epoch ms (default: the fake's `now()`). */
  eventTime?: number;
}

interface Conn {
  ws: WebSocket;
  route: FakeBinanceRoute;
  streams: Set<string>;
  recent: number[];
}

const ROUTES: Record<string, FakeBinanceRoute> = {
  '/stream': 'unrouted',
  '/market/stream': 'market',
  '/public/stream': 'public',
};

const STREAM_NAME = /^[a-z0-9_]+@[a-zA-Z0-9_@]+$/;

/** The endpoint category Binance routes a stream to (only the streams the fake knows about). */
function categoryOf(stream: string): 'market' | 'public' {
  return /@(bookTicker|depth)/.test(stream) ? 'public' : 'market';
}

/**
 * A fake Binance USDⓈ-M futures market-stream server on 127.0.0.1, speaking the real protocol for
 * what a price feed uses: combined streams on `/market/stream`, `/public/stream` and `/stream`
 * (`?streams=a/b` in the URL), JSON SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS requests answered
 * with `{"result":…,"id":n}`, `markPriceUpdate` and `bookTicker` events wrapped as
 * `{"stream":…,"data":…}`, server pings, and Binance's limits (10 incoming messages per second and
 * 1024 streams per connection).
 */
export class FakeBinanceWs {
  /** Base URL, e.g. `ws://127.0.0.1:41234` (set by `start()`). */
  url = '';
  /** Listening port (set by `start()`). */
  port = 0;
  private wss: WebSocketServer | undefined;
  private readonly conns = new Set<Conn>();
  private readonly requested = new Map<string, number>();
  private silent = false;
  private pingTimer: NodeJS.Timeout | undefined;
  private bookSeq = 1;
  private readonly counters: Omit<FakeBinanceWsStats, 'openConnections'> = {
    connectionsAccepted: 0,
    subscribeMessages: 0,
    unsubscribeMessages: 0,
    listMessages: 0,
    messagesReceived: 0,
    peakMessagesPerSecond: 0,
    rateLimitDisconnects: 0,
    pongsReceived: 0,
    framesSent: 0,
  };
  private readonly maxPerSecond: number;
  private readonly maxStreams: number;
  private readonly now: () => number;

  constructor(private readonly options: FakeBinanceWsOptions = {}) {
    this.maxPerSecond = options.maxIncomingPerSecond ?? 10;
    this.maxStreams = options.maxStreamsPerConnection ?? 1024;
    this.now = options.now ?? Date.now;
  }

  /** Starts listening on an ephemeral port; resolves with the base URL. */
  async start(): Promise<string> {
    const wss = new WebSocketServer({
      host: '127.0.0.1',
      port: this.options.port ?? 0,
      perMessageDeflate: false,
      verifyClient: (info, done) => {
        const path = new URL(info.req.url ?? '/', 'ws://x').pathname;
        if (path in ROUTES) done(true);
        else done(false, 404, 'Not Found');
      },
    });
    this.wss = wss;
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', reject);
    });
    this.port = (wss.address() as AddressInfo).port;
    this.url = `ws://127.0.0.1:${this.port}`;
    wss.on('connection', (ws, req) => this.accept(ws, req));
    const every = this.options.pingIntervalMs ?? 180_000;
    if (every > 0) {
      this.pingTimer = setInterval(() => {
        for (const c of this.conns) if (c.ws.readyState === WebSocket.OPEN) c.ws.ping();
      }, every);
      this.pingTimer.unref();
    }
    return this.url;
  }

  /**
   * Sends a `markPriceUpdate` to connections subscribed to `<symbol>@markPrice@1s` or
   * `<symbol>@markPrice`, and a `bookTicker` to those subscribed to `<symbol>@bookTicker` when a bid
   * or ask is given. Returns the number of frames sent (0 while silenced).
   */
  push(symbol: string, quote: FakeBinanceQuote): number {
    const s = symbol.toUpperCase();
    const lower = s.toLowerCase();
    const E = quote.eventTime ?? this.now();
    let sent = 0;
    if (quote.bid !== undefined || quote.ask !== undefined) {
      const stream = `${lower}@bookTicker`;
      const data = {
        e: 'bookTicker',
        u: this.bookSeq++,
        E,
        T: E - 1,
        s,
        b: quote.bid ?? quote.price,
        B: '12.500',
        a: quote.ask ?? quote.price,
        A: '7.250',
      };
      sent += this.broadcast(stream, data);
    }
    const mark = {
      e: 'markPriceUpdate',
      E,
      s,
      p: quote.price,
      P: quote.price,
      i: quote.price,
      r: '0.00010000',
      T: (Math.floor(E / 28_800_000) + 1) * 28_800_000,
    };
    sent += this.broadcast(`${lower}@markPrice@1s`, mark);
    sent += this.broadcast(`${lower}@markPrice`, mark);
    return sent;
  }

  /** Sends an arbitrary frame (e.g. garbage) to every open connection; returns how many got it. */
  sendRaw(frame: string | Buffer, options: { binary?: boolean } = {}): number {
    if (this.silent) return 0;
    let n = 0;
    for (const c of this.conns) {
      if (c.ws.readyState !== WebSocket.OPEN) continue;
      c.ws.send(frame, { binary: options.binary ?? typeof frame !== 'string' });
      this.counters.framesSent += 1;
      n += 1;
    }
    return n;
  }

  /** Kills every connection: abruptly by default, or with a close frame (code 1001) when graceful. */
  dropAll(options: { graceful?: boolean } = {}): void {
    for (const c of this.conns) {
      if (options.graceful) c.ws.close(1001, 'server going away');
      else c.ws.terminate();
    }
  }

  /** While on, sends nothing (no events, no replies) but keeps connections open and pinging. */
  silence(on: boolean): void {
    this.silent = on;
  }

  /** A snapshot of the counters. */
  stats(): FakeBinanceWsStats {
    return { ...this.counters, openConnections: this.conns.size };
  }

  /** How many times `stream` was requested (URL or SUBSCRIBE) over all connections since start. */
  subscriptionRequests(stream: string): number {
    return this.requested.get(stream) ?? 0;
  }

  /** Streams currently subscribed on open connections (each once), optionally for one route. */
  activeStreams(route?: FakeBinanceRoute): string[] {
    const all = new Set<string>();
    for (const c of this.conns) if (!route || c.route === route) for (const s of c.streams) all.add(s);
    return [...all].sort();
  }

  /** The open connections: their route and streams. */
  connections(): { route: FakeBinanceRoute; streams: string[] }[] {
    return [...this.conns].map((c) => ({ route: c.route, streams: [...c.streams].sort() }));
  }

  /** Polls `predicate` until it holds; rejects after `timeoutMs`. */
  async waitFor(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!predicate()) {
      if (performance.now() > deadline)
        throw new Error(`fake binance: ${what} not met within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Terminates every connection and stops listening. */
  async close(): Promise<void> {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = undefined;
    for (const c of this.conns) c.ws.terminate();
    this.conns.clear();
    const wss = this.wss;
    this.wss = undefined;
    if (wss) await new Promise<void>((resolve) => wss.close(() => resolve()));
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    const url = new URL(req.url ?? '/', 'ws://x');
    const conn: Conn = { ws, route: ROUTES[url.pathname] ?? 'unrouted', streams: new Set(), recent: [] };
    this.conns.add(conn);
    this.counters.connectionsAccepted += 1;
    const initial = (url.searchParams.get('streams') ?? '').split('/').filter((s) => s !== '');
    for (const s of initial.slice(0, this.maxStreams)) {
      if (!STREAM_NAME.test(s)) continue;
      conn.streams.add(s);
      this.requested.set(s, (this.requested.get(s) ?? 0) + 1);
    }
    ws.on('pong', () => {
      this.counters.pongsReceived += 1;
    });
    ws.on('message', (data, isBinary) => this.receive(conn, isBinary ? null : data.toString()));
    ws.on('close', () => this.conns.delete(conn));
    ws.on('error', () => this.conns.delete(conn));
  }

  private receive(conn: Conn, text: string | null): void {
    this.counters.messagesReceived += 1;
    const t = performance.now();
    conn.recent.push(t);
    while (conn.recent.length > 0 && (conn.recent[0] as number) <= t - 1000) conn.recent.shift();
    this.counters.peakMessagesPerSecond = Math.max(this.counters.peakMessagesPerSecond, conn.recent.length);
    if (conn.recent.length > this.maxPerSecond) {
      this.counters.rateLimitDisconnects += 1;
      this.conns.delete(conn);
      conn.ws.close(1008, 'Too many requests');
      return;
    }
    let msg: { method?: unknown; params?: unknown; id?: unknown };
    try {
      msg = text === null ? {} : (JSON.parse(text) as typeof msg);
    } catch {
      this.reply(conn, { error: { code: 3, msg: 'Invalid JSON' }, id: null });
      return;
    }
    const id = typeof msg.id === 'number' || typeof msg.id === 'string' ? msg.id : null;
    const params = Array.isArray(msg.params) ? msg.params : [];
    switch (msg.method) {
      case 'SUBSCRIBE': {
        this.counters.subscribeMessages += 1;
        if (!params.every((p): p is string => typeof p === 'string' && STREAM_NAME.test(p))) {
          this.reply(conn, { error: { code: 2, msg: 'Invalid request: invalid stream name' }, id });
          return;
        }
        const fresh = params.filter((p) => !conn.streams.has(p));
        if (conn.streams.size + fresh.length > this.maxStreams) {
          this.reply(conn, {
            error: { code: 2, msg: `Invalid request: over ${this.maxStreams} streams` },
            id,
          });
          return;
        }
        for (const p of params) {
          conn.streams.add(p);
          this.requested.set(p, (this.requested.get(p) ?? 0) + 1);
        }
        this.reply(conn, { result: null, id });
        return;
      }
      case 'UNSUBSCRIBE':
        this.counters.unsubscribeMessages += 1;
        for (const p of params) if (typeof p === 'string') conn.streams.delete(p);
        this.reply(conn, { result: null, id });
        return;
      case 'LIST_SUBSCRIPTIONS':
        this.counters.listMessages += 1;
        this.reply(conn, { result: [...conn.streams], id });
        return;
      default:
        this.reply(conn, { error: { code: 2, msg: 'Invalid request: unknown method' }, id });
    }
  }

  private delivers(conn: Conn, stream: string): boolean {
    if (!conn.streams.has(stream)) return false;
    const category = categoryOf(stream);
    if (conn.route === 'unrouted') return this.options.legacyUnrouted === true || category === 'public';
    return conn.route === category;
  }

  private broadcast(stream: string, data: object): number {
    if (this.silent) return 0;
    let frame: string | undefined;
    let n = 0;
    for (const c of this.conns) {
      if (c.ws.readyState !== WebSocket.OPEN || !this.delivers(c, stream)) continue;
      frame ??= JSON.stringify({ stream, data });
      c.ws.send(frame);
      this.counters.framesSent += 1;
      n += 1;
    }
    return n;
  }

  private reply(conn: Conn, body: object): void {
    if (this.silent || conn.ws.readyState !== WebSocket.OPEN) return;
    conn.ws.send(JSON.stringify(body));
    this.counters.framesSent += 1;
  }
}
