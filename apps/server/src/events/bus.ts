/**
 * Live events for connected clients (server-sent events). `audience` says who may see it: one user,
 * every user whose plan includes live signals, or everyone.
 */
export type LiveEvent =
  | { type: 'signal'; audience: { plan: 'VIP' }; data: Record<string, unknown> }
  | { type: 'signal_event'; audience: { plan: 'VIP' }; data: Record<string, unknown> }
  | { type: 'position'; audience: { userId: number }; data: Record<string, unknown> }
  | { type: 'risk_block'; audience: { userId: number }; data: Record<string, unknown> }
  | { type: 'notification'; audience: { userId: number }; data: Record<string, unknown> }
  | { type: 'safety'; audience: 'all'; data: Record<string, unknown> };

export type LiveEventListener = (event: LiveEvent) => void;

/**
 * Publish/subscribe for live events. Publishing never throws and never waits for listeners; a
 * listener that throws affects no one else. With a relay attached (PostgreSQL LISTEN/NOTIFY when
 * several processes share the database), events published here also reach the clients connected
 * to every other API process, and theirs reach ours.
 */
export class EventBus {
  private readonly listeners = new Set<LiveEventListener>();
  private relay: ((event: LiveEvent) => void) | null = null;

  publish(event: LiveEvent): void {
    this.deliver(event);
    this.relay?.(event);
  }

  /** An event another process published: to our listeners only. */
  deliver(event: LiveEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        /* a broken subscriber must not break the publisher */
      }
    }
  }

  subscribe(listener: LiveEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }

  attachRelay(relay: ((event: LiveEvent) => void) | null): void {
    this.relay = relay;
  }
}
