import type { Clock } from '@verzek/platform';
import { SubscriptionCounter } from './subscriptions';
import { TickHub } from './tick-hub';
import type {
  FeedKind,
  FeedLogger,
  FeedState,
  FeedStatus,
  PriceFeed,
  PriceTick,
  TickListener,
} from './types';

/** Shared plumbing of the feeds that need no network (simulated and manual). */
export abstract class LocalFeed implements PriceFeed {
  abstract readonly kind: FeedKind;
  protected readonly subscriptions = new SubscriptionCounter();
  protected readonly hub: TickHub;
  protected status: FeedStatus = 'idle';

  protected constructor(
    protected readonly clock: Clock,
    protected readonly logger?: FeedLogger,
  ) {
    this.hub = new TickHub(logger);
  }

  async start(): Promise<void> {
    if (this.status === 'live') return;
    this.status = 'live';
    this.onStart();
  }

  async stop(): Promise<void> {
    this.status = 'stopped';
    this.onStop();
  }

  subscribe(symbols: readonly string[]): void {
    for (const s of this.subscriptions.add(symbols)) this.onSymbolAdded(s);
  }

  unsubscribe(symbols: readonly string[]): void {
    for (const s of this.subscriptions.remove(symbols)) this.hub.forget(s);
  }

  onTick(listener: TickListener): () => void {
    return this.hub.on(listener);
  }

  last(symbol: string): PriceTick | undefined {
    return this.hub.last(symbol);
  }

  state(): FeedState {
    return {
      kind: this.kind,
      status: this.status,
      symbols: this.subscriptions.size,
      lastTickAt: this.hub.lastTickAt,
      lagMs: this.hub.lagMs(this.clock.now()),
      reconnects: 0,
      lastError: null,
      connections: 0,
      malformed: 0,
      listenerErrors: this.hub.listenerErrors,
    };
  }

  /** Called when the feed goes live. */
  protected onStart(): void {}
  /** Called on every stop; must clear all timers. */
  protected onStop(): void {}
  /** Called when a symbol gets its first reference. */
  protected onSymbolAdded(_symbol: string): void {}
}
