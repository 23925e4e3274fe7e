/** At most `limit` messages in any `windowMs`. */
export interface RateWindow {
  limit: number;
  windowMs: number;
}

/** Telegram's published limits: ~20 messages a minute to a group, ~1 a second to a user, ~30 a second overall. */
export interface RateLimits {
  group: RateWindow;
  private: RateWindow;
  global: RateWindow;
}

export const TELEGRAM_LIMITS: RateLimits = {
  group: { limit: 20, windowMs: 60_000 },
  private: { limit: 1, windowMs: 1_000 },
  global: { limit: 30, windowMs: 1_000 },
};

/** Groups, supergroups and channels have negative ids (or an @username); users positive ones. */
export function isGroupChat(chatId: string): boolean {
  return chatId.startsWith('-') || chatId.startsWith('@');
}

/** A taken slot: call `done` with the time the request finished (whatever its outcome). */
export interface RateSlot {
  done(at: number): void;
}

const IN_FLIGHT = Number.POSITIVE_INFINITY;

/**
 * Sliding-window pacing of outgoing messages, per chat and overall, with pauses from 429s.
 *
 * A slot is counted from the moment a request starts until `windowMs` after it *finished*: Telegram
 * counts a message when it receives it, which is after we start and before we hear back, so timing
 * the window from our completion can never run ahead of Telegram's count. Times are whatever
 * monotonic milliseconds the caller passes (the sender uses the wall clock).
 */
export class RateLimiter {
  private readonly perChat = new Map<string, number[]>();
  private readonly global: number[] = [];
  private readonly paused = new Map<string, number>();
  private globalPausedUntil = 0;

  constructor(private readonly limits: RateLimits = TELEGRAM_LIMITS) {}

  /**
   * How long to wait before a request to `chatId` may start (0: now). `message` is false for calls
   * that post nothing (invite links, bans): they count only against the overall limit.
   */
  waitMs(chatId: string, now: number, message = true): number {
    let wait = Math.max(0, this.globalPausedUntil - now, (this.paused.get(chatId) ?? 0) - now);
    wait = Math.max(wait, this.windowWait(this.global, this.limits.global, now));
    if (message) {
      const w = isGroupChat(chatId) ? this.limits.group : this.limits.private;
      wait = Math.max(wait, this.windowWait(this.times(chatId), w, now));
    }
    return wait;
  }

  /** Takes a slot now (call only when `waitMs` is 0). */
  acquire(chatId: string, message = true): RateSlot {
    const entries: number[][] = [this.global];
    if (message) entries.push(this.times(chatId));
    for (const list of entries) list.push(IN_FLIGHT);
    let finished = false;
    return {
      done: (at: number) => {
        if (finished) return;
        finished = true;
        for (const list of entries) {
          const k = list.indexOf(IN_FLIGHT);
          if (k >= 0) list[k] = at;
        }
      },
    };
  }

  /** A 429 for this chat: nothing more to it until `until`. */
  pause(chatId: string, until: number): void {
    this.paused.set(chatId, Math.max(until, this.paused.get(chatId) ?? 0));
  }

  /** A 429 that is not about one chat (or several chats at once): everything waits. */
  pauseAll(until: number): void {
    this.globalPausedUntil = Math.max(this.globalPausedUntil, until);
  }

  /** Messages sent before this limiter existed (after a restart), so the first burst stays in bounds. */
  seed(chatId: string, finishedAt: readonly number[], message = true): void {
    for (const at of finishedAt) {
      this.global.push(at);
      if (message) this.times(chatId).push(at);
    }
    this.global.sort((x, y) => x - y);
    if (message) this.times(chatId).sort((x, y) => x - y);
  }

  private times(chatId: string): number[] {
    let list = this.perChat.get(chatId);
    if (!list) {
      list = [];
      this.perChat.set(chatId, list);
    }
    return list;
  }

  private windowWait(list: number[], w: RateWindow, now: number): number {
    // Forget what has left the window (in-flight entries stay).
    for (let k = list.length - 1; k >= 0; k--) {
      if (list[k]! <= now - w.windowMs) list.splice(k, 1);
    }
    if (list.length < w.limit) return 0;
    const finished = list.filter((t) => t !== IN_FLIGHT).sort((x, y) => x - y);
    // Everything counted is still in flight: wait for a completion (the caller is woken by it).
    if (finished.length === 0) return 50;
    // The window frees up when enough of the oldest entries have left it.
    const excess = list.length - w.limit;
    const t = finished[Math.min(excess, finished.length - 1)]!;
    return Math.max(1, t + w.windowMs - now);
  }
}
