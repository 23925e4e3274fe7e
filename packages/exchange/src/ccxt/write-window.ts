/**
 * When a lookup that finds no order is conclusive. A signed write the client gave up on (timeout,
 * overloaded process) may still be on its way — in a socket buffer, a proxy, the exchange's own queue
 * — and an exchange executes it if it arrives inside its validity window (Binance and Bybit
 * `recvWindow`, Phemex's request expiry). "Not found" before that window closed proves nothing: a
 * re-send then could place the order twice. After it, the exchange refuses the old request
 * (-1021 / 10002), so "not found" means "never placed".
 *
 * One per venue environment (process-wide): it remembers when each client id was last handed to the
 * transport. Ids sent by an earlier process (before a crash) were sent before this one started, so
 * the process start bounds them.
 */
export class WriteWindow {
  private readonly sentAt = new Map<string, number>();

  constructor(
    /** The exchange's validity window of a signed request, plus a margin for clock error. */
    private readonly horizonMs: number,
    private readonly now: () => number = Date.now,
    private readonly processStartedAt: number = Date.now() - Math.round(process.uptime() * 1000),
  ) {}

  /** Call right before the write is handed to the transport (after any queueing of ours). */
  noteSent(clientOrderId: string): void {
    const now = this.now();
    this.sentAt.delete(clientOrderId);
    this.sentAt.set(clientOrderId, now);
    // Oldest first (re-inserted on every send): drop what can no longer arrive.
    for (const [id, at] of this.sentAt) {
      if (at + this.horizonMs > now) break;
      this.sentAt.delete(id);
    }
  }

  /** Ms until a request for this id can no longer be executed by the exchange (0: never placed if not found). */
  pendingMs(clientOrderId: string): number {
    const since = this.sentAt.get(clientOrderId) ?? this.processStartedAt;
    return Math.max(0, since + this.horizonMs - this.now());
  }
}
