import type { FeedLogger, PriceTick, TickListener } from './types';

/**
 * Fans ticks out to listeners and remembers the freshest quote per symbol. A listener that throws
 * (or returns a rejected promise) is logged and counted; the others still get the tick.
 */
export class TickHub {
  private readonly listeners = new Set<{ fn: TickListener }>();
  private readonly latest = new Map<string, PriceTick>();
  /** Clock time of the last emitted tick. */
  lastTickAt: number | null = null;
  /** Event time of the last emitted tick. */
  lastEventTs: number | null = null;
  /** Listener invocations that failed. */
  listenerErrors = 0;

  constructor(private readonly logger?: FeedLogger) {}

  /** Registers a listener; the returned function unregisters it (idempotent). */
  on(fn: TickListener): () => void {
    if (typeof fn !== 'function') throw new TypeError('onTick needs a function');
    const entry = { fn };
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  /** Records `tick` as the symbol's latest quote and delivers it to every listener. */
  emit(tick: PriceTick, receivedAt: number): void {
    const frozen = Object.freeze(tick);
    this.latest.set(frozen.symbol, frozen);
    this.lastTickAt = receivedAt;
    this.lastEventTs = frozen.ts;
    // Set iteration tolerates listeners removing themselves (or others) while we deliver.
    for (const entry of this.listeners) {
      try {
        const result: unknown = entry.fn(frozen);
        if (result !== undefined && typeof (result as PromiseLike<unknown>).then === 'function') {
          (result as PromiseLike<unknown>).then(undefined, (err: unknown) => this.failed(err, frozen));
        }
      } catch (err) {
        this.failed(err, frozen);
      }
    }
  }

  /** Updates the latest quote without notifying listeners (e.g. a book-only update). */
  remember(tick: PriceTick): void {
    this.latest.set(tick.symbol, Object.freeze(tick));
  }

  /** The latest quote of a symbol. */
  last(symbol: string): PriceTick | undefined {
    return this.latest.get(symbol) ?? this.latest.get(symbol.trim().toUpperCase());
  }

  /** Forgets a symbol's quote (after its last unsubscribe). */
  forget(symbol: string): void {
    this.latest.delete(symbol);
  }

  /** Forgets everything but the listeners and counters. */
  clear(): void {
    this.latest.clear();
  }

  /** `now − event time of the last tick`, or null before the first tick. */
  lagMs(now: number): number | null {
    return this.lastEventTs === null ? null : now - this.lastEventTs;
  }

  private failed(err: unknown, tick: PriceTick): void {
    this.listenerErrors += 1;
    // a listener failing on every tick must not flood the log: the first ten, then every 1000th
    if (this.listenerErrors <= 10 || this.listenerErrors % 1000 === 0) {
      this.logger?.error(
        { err, symbol: tick.symbol, count: this.listenerErrors },
        'price tick listener failed',
      );
    }
  }
}
