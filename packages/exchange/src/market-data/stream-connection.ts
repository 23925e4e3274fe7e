import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { backoffDelay, type ResolvedBackoff } from './backoff';
import type { FeedLogger } from './types';

/** Lifecycle of one upstream socket. */
export type ConnectionStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'stopped';

/** Settings of one {@link StreamConnection}. */
export interface StreamConnectionOptions {
  /** Combined-stream endpoint, e.g. `wss://fstream.binance.com/market/stream`. */
  url: string;
  /** Name used in logs and errors, e.g. `market#0`. */
  name: string;
  /** Reconnection delays. */
  backoff: ResolvedBackoff;
  /** Jitter source for the backoff. */
  random: () => number;
  /** Reconnect when a socket with streams receives nothing for this long. */
  silenceTimeoutMs: number;
  /** Give up a connection attempt (and retry) after this long. */
  connectTimeoutMs: number;
  /** Upper bound on the messages we send per second (Binance allows 10). */
  maxMessagesPerSecond: number;
  /** Streams per SUBSCRIBE/UNSUBSCRIBE message. */
  maxStreamsPerMessage: number;
  /** Upper bound on the length of the `?streams=` list put in the URL when connecting. */
  maxUrlChars: number;
  /** Connection events are logged here. */
  logger?: FeedLogger;
  /** Every text frame received. */
  onMessage(text: string): void;
  /** A binary frame (never sent by Binance market streams). */
  onBinary(): void;
  /** Status changed. */
  onStatus(): void;
  /** An error to report in the feed's state. */
  onError(message: string): void;
}

const monotonic = (): number => performance.now();

/**
 * One websocket to a Binance combined-stream endpoint, holding a set of wanted streams.
 *
 * It connects lazily (when it has streams), reconnects with exponential backoff and jitter after
 * any close or error, resubscribes everything on reconnect (the first streams go in the URL, the rest
 * in SUBSCRIBE messages), coalesces subscription changes into batched messages sent at a bounded
 * rate, and treats a socket that stays silent for `silenceTimeoutMs` as dead.
 */
export class StreamConnection {
  /** Current status. */
  status: ConnectionStatus = 'idle';
  /** Streams this connection should be subscribed to. */
  readonly desired = new Set<string>();
  /** Reconnection attempts made. */
  reconnects = 0;

  private ws: WebSocket | undefined;
  /** Streams the server has been told about on the current socket. */
  private readonly active = new Set<string>();
  private started = false;
  private everOpened = false;
  private attempt = 0;
  private socketError: string | null = null;
  private lastMessageAt = 0;
  private nextSendAt = 0;
  private nextId = 1;
  private connectTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private firstOutcome: (() => void)[] = [];
  private closed: (() => void)[] = [];
  private readonly minGapMs: number;

  constructor(private readonly options: StreamConnectionOptions) {
    this.minGapMs = Math.floor(1000 / options.maxMessagesPerSecond) + 1;
  }

  /** Wants these streams; connects or sends SUBSCRIBE soon (changes in the same tick are batched). */
  add(streams: readonly string[]): void {
    for (const s of streams) this.desired.add(s);
    this.kick();
  }

  /** No longer wants these streams; sends UNSUBSCRIBE soon. */
  remove(streams: readonly string[]): void {
    for (const s of streams) this.desired.delete(s);
    this.kick();
  }

  /** Starts connecting if there are streams; resolves after the first attempt's outcome. */
  start(): Promise<void> {
    this.started = true;
    if (this.status === 'stopped') this.status = 'idle';
    if (this.desired.size === 0 || this.status === 'open') return Promise.resolve();
    const outcome = new Promise<void>((resolve) => this.firstOutcome.push(resolve));
    if (this.status === 'idle') this.connectSoon();
    return outcome;
  }

  /** Closes the socket and clears every timer. */
  async stop(): Promise<void> {
    this.started = false;
    this.clearTimers();
    this.settleFirstOutcome();
    const ws = this.ws;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      const done = new Promise<void>((resolve) => this.closed.push(resolve));
      const force = setTimeout(() => ws.terminate(), 1000);
      force.unref();
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(1000, 'client stopping');
      await done;
      clearTimeout(force);
    }
    this.ws = undefined;
    this.active.clear();
    this.attempt = 0;
    this.setStatus('stopped');
  }

  private kick(): void {
    if (!this.started) return;
    if (this.status === 'open') this.scheduleFlush();
    else if (this.status === 'idle' && this.desired.size > 0) this.connectSoon();
  }

  private connectSoon(): void {
    this.setStatus(this.everOpened ? 'reconnecting' : 'connecting');
    if (this.connectTimer) return;
    // next macrotask, so that a burst of subscribe() calls lands in the connect URL
    this.connectTimer = setTimeout(() => {
      this.connectTimer = undefined;
      this.connect();
    }, 0);
    this.connectTimer.unref();
  }

  private connect(): void {
    if (!this.started) return;
    const initial: string[] = [];
    let chars = 0;
    for (const s of this.desired) {
      if (chars + s.length + 1 > this.options.maxUrlChars) break;
      initial.push(s);
      chars += s.length + 1;
    }
    const url = initial.length > 0 ? `${this.options.url}?streams=${initial.join('/')}` : this.options.url;
    this.socketError = null;
    let ws: WebSocket;
    try {
      ws = new WebSocket(url, { handshakeTimeout: this.options.connectTimeoutMs, perMessageDeflate: false });
    } catch (err) {
      this.fail(err instanceof Error ? err.message : String(err));
      this.settleFirstOutcome();
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;

    ws.on('open', () => {
      if (ws !== this.ws) return;
      this.everOpened = true;
      this.active.clear();
      for (const s of initial) this.active.add(s);
      this.lastMessageAt = monotonic();
      this.nextSendAt = 0;
      this.startWatchdog();
      this.setStatus('open');
      this.options.logger?.info(
        { feed: this.options.name, streams: this.desired.size },
        'price feed connected',
      );
      this.scheduleFlush();
      this.settleFirstOutcome();
    });

    ws.on('message', (data, isBinary) => {
      if (ws !== this.ws) return;
      this.lastMessageAt = monotonic();
      this.attempt = 0; // the server talks to us: the next failure starts the backoff over
      if (isBinary) {
        this.options.onBinary();
        return;
      }
      this.options.onMessage(
        Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data.toString('utf8'),
      );
    });

    ws.on('error', (err) => {
      if (ws === this.ws) this.socketError = err.message || String(err);
    });

    ws.on('close', (code, reason) => {
      for (const resolve of this.closed.splice(0)) resolve();
      if (ws !== this.ws) return;
      this.ws = undefined;
      this.onClosed(code, reason.toString('utf8'));
    });
  }

  private onClosed(code: number, reason: string): void {
    this.stopWatchdog();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.active.clear();
    if (!this.started) return;
    this.fail(this.socketError ?? `closed with code ${code}${reason ? ` (${reason})` : ''}`);
    this.settleFirstOutcome();
    if (this.desired.size === 0) {
      this.setStatus('idle');
      return;
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (!this.started || this.reconnectTimer) return;
    this.attempt += 1;
    const delay = backoffDelay(this.attempt, this.options.backoff, this.options.random);
    this.options.logger?.warn(
      { feed: this.options.name, attempt: this.attempt, delayMs: delay },
      'price feed reconnecting',
    );
    this.setStatus('reconnecting');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.desired.size === 0) {
        this.setStatus('idle'); // nothing left to listen to; add() reconnects
        return;
      }
      this.reconnects += 1;
      this.connect();
    }, delay);
    this.reconnectTimer.unref();
  }

  private scheduleFlush(): void {
    if (this.status !== 'open' || this.flushTimer) return;
    const wait = Math.max(0, this.nextSendAt - monotonic());
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, wait);
    this.flushTimer.unref();
  }

  /** Sends one batched message (unsubscriptions first), then schedules the next if more is pending. */
  private flush(): void {
    const ws = this.ws;
    if (this.status !== 'open' || !ws || ws.readyState !== WebSocket.OPEN) return;
    const max = this.options.maxStreamsPerMessage;
    let method: 'SUBSCRIBE' | 'UNSUBSCRIBE' = 'UNSUBSCRIBE';
    const params: string[] = [];
    for (const s of this.active) {
      if (params.length >= max) break;
      if (!this.desired.has(s)) params.push(s);
    }
    if (params.length === 0) {
      method = 'SUBSCRIBE';
      for (const s of this.desired) {
        if (params.length >= max) break;
        if (!this.active.has(s)) params.push(s);
      }
    }
    if (params.length === 0) return;
    for (const s of params) {
      if (method === 'SUBSCRIBE') this.active.add(s);
      else this.active.delete(s);
    }
    ws.send(JSON.stringify({ method, params, id: this.nextId++ }));
    this.nextSendAt = monotonic() + this.minGapMs;
    if (this.hasPending()) this.scheduleFlush();
  }

  private hasPending(): boolean {
    if (this.active.size !== this.desired.size) return true;
    for (const s of this.desired) if (!this.active.has(s)) return true;
    return false;
  }

  private startWatchdog(): void {
    this.stopWatchdog();
    const every = Math.max(20, Math.min(5000, Math.floor(this.options.silenceTimeoutMs / 4)));
    this.watchdog = setInterval(() => {
      const ws = this.ws;
      if (this.status !== 'open' || !ws || this.active.size === 0) return;
      const silentFor = monotonic() - this.lastMessageAt;
      if (silentFor < this.options.silenceTimeoutMs) return;
      this.socketError = `no message for ${Math.round(silentFor)} ms`;
      this.options.logger?.warn(
        { feed: this.options.name, silentMs: Math.round(silentFor) },
        'price feed silent',
      );
      ws.terminate(); // 'close' follows and schedules the reconnect
    }, every);
    this.watchdog.unref();
  }

  private stopWatchdog(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
  }

  private clearTimers(): void {
    for (const t of [this.connectTimer, this.reconnectTimer, this.flushTimer]) if (t) clearTimeout(t);
    this.connectTimer = this.reconnectTimer = this.flushTimer = undefined;
    this.stopWatchdog();
  }

  private fail(message: string): void {
    this.options.onError(`${this.options.name}: ${message}`);
  }

  private settleFirstOutcome(): void {
    for (const resolve of this.firstOutcome.splice(0)) resolve();
  }

  private setStatus(status: ConnectionStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.options.onStatus();
  }
}
