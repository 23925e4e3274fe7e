import { ExchangeError } from '../port';

/** Rate limits of one venue as seen from one outbound IP (see docs/exchanges.md). */
export interface GateLimits {
  /** IP request weight per minute (Binance USDⓈ-M: 2400). 0 = unlimited. */
  weightPerMinute: number;
  /** New orders per account per 10 s (Binance: 300) and per minute (1200). 0 = unlimited. */
  ordersPer10s: number;
  ordersPerMinute: number;
  /** Share of each limit we use, leaving room for clock drift and other clients of the key. */
  headroom: number;
  /** Requests in flight at once from this process to this venue, and per account. */
  maxInFlight: number;
  perAccountInFlight: number;
  /** Longest a request waits for its turn before failing with `rate_limited` (nothing sent). */
  maxWaitMs: number;
  /** Share of the IP weight best-effort (optional) requests may use, and how long they may wait. */
  optionalShare: number;
  optionalWaitMs: number;
  /** Length of the IP weight window, ms (default a minute; Bybit counts 600 requests per 5 s). */
  ipWindowMs?: number;
  /**
   * Per-account, per-endpoint requests per second, by bucket name (Bybit's per-UID limits, e.g.
   * `order/create: 10`); a request names its bucket in {@link RequestCost.bucket}. 0 or absent = no limit.
   */
  perSecond?: Readonly<Record<string, number>>;
}

export const BINANCE_FUTURES_LIMITS: GateLimits = {
  weightPerMinute: 2400,
  ordersPer10s: 300,
  ordersPerMinute: 1200,
  headroom: 0.9,
  maxInFlight: 128,
  perAccountInFlight: 4,
  maxWaitMs: 5_000,
  optionalShare: 0.75,
  optionalWaitMs: 1_000,
};

/** What one request costs: IP weight and new orders (placing counts; cancels and reads don't). */
export interface RequestCost {
  weight: number;
  orders: number;
  /**
   * Best-effort calls (leverage, margin type): they may use only `optionalShare` of the IP weight and
   * wait at most `optionalWaitMs`, so they can never starve what protects money (orders, stops,
   * lookups after unknown outcomes).
   */
  optional?: boolean;
  /** The per-account, per-second budget it draws from ({@link GateLimits.perSecond}). */
  bucket?: string;
}

/** What the venue said about a response: its status and the usage headers it carries. */
export interface ResponseInfo {
  status: number;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string>>;
  body?: string;
  /**
   * What the venue said about the remaining per-second budget of the account's endpoint bucket
   * (Bybit: `X-Bapi-Limit-Status` and `X-Bapi-Limit-Reset-Timestamp`), as the adapter read it.
   */
  usage?: { bucket: string; remaining: number; resetAt: number };
  /**
   * A rate-limit refusal the adapter recognised in the answer (Bybit answers retCode 10006 with HTTP
   * 200, and 403 for its IP limit): traffic of that scope waits until `until` (epoch ms).
   */
  refusal?: { scope: 'ip' | 'bucket'; bucket?: string; until: number };
}

interface Bucket {
  window: number;
  used: number;
  blockedUntil: number;
}

interface Waiter {
  cost: RequestCost;
  deadline: number;
  resolve: () => void;
  reject: (err: ExchangeError) => void;
  /** Dispatched or refused: no longer waiting. */
  done: boolean;
  timer: NodeJS.Timeout | null;
}

interface AccountState {
  queue: Waiter[];
  inFlight: number;
  w10: number;
  used10: number;
  w60: number;
  used60: number;
  blockedUntil: number;
  buckets: Map<string, Bucket>;
}

export interface GateStats {
  waiting: number;
  inFlight: number;
  weightUsed: number;
  bannedUntil: number;
  rejected: number;
  dispatched: number;
}

/**
 * Spends one venue's rate limits for every account of this process, fairly: requests wait in a queue
 * per account and are dispatched round-robin across accounts, so one busy account (50 positions at
 * once) delays only itself. Budgets are the IP weight per minute and each account's order counts per
 * 10 s and per minute, counted locally and corrected by the usage headers the venue returns
 * (`X-MBX-USED-WEIGHT-1M`, `X-MBX-ORDER-COUNT-10S|1M`). A 429/418 with Retry-After stops all traffic
 * (IP) or the account's orders (order-rate 429) until it expires. A request that cannot be sent within
 * `maxWaitMs` fails with `rate_limited` and was never sent — always safe to retry later.
 */
export class RequestGate {
  private readonly accounts = new Map<string, AccountState>();
  /** Accounts with waiting requests, round-robin (a deque: `head` is its front). */
  private ready: string[] = [];
  private head = 0;
  private readonly inReady = new Set<string>();
  private inFlight = 0;
  private ipWindow = 0;
  private ipUsed = 0;
  private bannedUntil = 0;
  private timer: NodeJS.Timeout | null = null;
  private wakeAt = 0;
  private rejected = 0;
  private dispatched = 0;

  constructor(
    readonly limits: GateLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs `fn` when the budget allows (fairly among accounts), counting its cost. */
  async run<T>(
    account: string,
    cost: RequestCost,
    fn: () => Promise<T>,
    maxWaitMs = cost.optional ? this.limits.optionalWaitMs : this.limits.maxWaitMs,
  ): Promise<T> {
    await this.acquire(account, cost, maxWaitMs);
    try {
      return await fn();
    } finally {
      this.release(account);
    }
  }

  /** Updates the budgets from a response (usage headers, 429/418 with Retry-After). */
  observe(account: string, info: ResponseInfo): void {
    const now = this.now();
    const h = info.headers;
    const weight = Number(h['x-mbx-used-weight-1m']);
    if (Number.isFinite(weight) && weight >= 0) {
      this.rollIp(now);
      this.ipUsed = Math.max(this.ipUsed, weight);
    }
    const st = this.state(account);
    this.rollAccount(st, now);
    const c10 = Number(h['x-mbx-order-count-10s']);
    if (Number.isFinite(c10) && c10 >= 0) st.used10 = Math.max(st.used10, c10);
    const c60 = Number(h['x-mbx-order-count-1m']);
    if (Number.isFinite(c60) && c60 >= 0) st.used60 = Math.max(st.used60, c60);
    if (info.status === 429 || info.status === 418) {
      const retryAfter = Number(h['retry-after']);
      const waitMs =
        Number.isFinite(retryAfter) && retryAfter > 0
          ? retryAfter * 1000
          : info.status === 418
            ? 60_000
            : 1_000;
      // An order-rate 429 (-1015) blocks this account's orders; anything else the whole IP.
      if (info.body?.includes('-1015')) st.blockedUntil = Math.max(st.blockedUntil, now + waitMs);
      else this.bannedUntil = Math.max(this.bannedUntil, now + waitMs);
    }
    if (info.usage) {
      const b = this.bucket(st, info.usage.bucket, now);
      const limit = this.limits.perSecond?.[info.usage.bucket] ?? 0;
      if (limit > 0) b.used = Math.max(b.used, limit - info.usage.remaining);
      if (info.usage.remaining <= 0 && info.usage.resetAt > now)
        b.blockedUntil = Math.max(b.blockedUntil, info.usage.resetAt);
    }
    if (info.refusal) {
      const until = Math.max(info.refusal.until, now + 1);
      if (info.refusal.scope === 'ip') this.bannedUntil = Math.max(this.bannedUntil, until);
      else if (info.refusal.bucket) {
        const b = this.bucket(st, info.refusal.bucket, now);
        b.blockedUntil = Math.max(b.blockedUntil, until);
      }
    }
    this.pump();
  }

  /** Milliseconds until traffic may resume after a ban (0 = not banned); with a bucket, its block too. */
  banRemainingMs(account?: string, bucket?: string): number {
    const now = this.now();
    const st = account ? this.accounts.get(account) : undefined;
    const account_ = st?.blockedUntil ?? 0;
    const bucket_ = bucket ? (st?.buckets.get(bucket)?.blockedUntil ?? 0) : 0;
    return Math.max(0, Math.max(this.bannedUntil, account_, bucket_) - now);
  }

  stats(): GateStats {
    let waiting = 0;
    for (const a of this.accounts.values()) waiting += a.queue.length;
    return {
      waiting,
      inFlight: this.inFlight,
      weightUsed: this.ipUsed,
      bannedUntil: this.bannedUntil,
      rejected: this.rejected,
      dispatched: this.dispatched,
    };
  }

  /** Fails every waiting request (shutdown). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const st of this.accounts.values()) {
      for (const w of st.queue.splice(0)) this.refuse(w, 'request gate closed', 1000);
    }
  }

  private acquire(account: string, cost: RequestCost, maxWaitMs: number): Promise<void> {
    const st = this.state(account);
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { cost, deadline: this.now() + maxWaitMs, resolve, reject, done: false, timer: null };
      st.queue.push(w);
      if (!this.inReady.has(account)) {
        this.inReady.add(account);
        this.ready.push(account);
      }
      this.pump();
      // Still waiting (the fast path dispatched it already): give up at its deadline.
      if (!w.done) {
        w.timer = setTimeout(() => this.expire(st, w), maxWaitMs + 1);
        w.timer.unref();
      }
    });
  }

  private expire(st: AccountState, w: Waiter): void {
    if (w.done) return;
    const i = st.queue.indexOf(w);
    if (i >= 0) st.queue.splice(i, 1);
    const now = this.now();
    this.refuse(w, null, Math.max(1, this.readyAt(st, w.cost, now) - now));
  }

  private refuse(w: Waiter, reason: string | null, retryAfterMs: number): void {
    if (w.done) return;
    w.done = true;
    if (w.timer) clearTimeout(w.timer);
    this.rejected += 1;
    w.reject(
      new ExchangeError(
        'rate_limited',
        reason ?? `rate limit budget exhausted; retry in ${retryAfterMs} ms (not sent)`,
        {
          retryAfterMs,
        },
      ),
    );
  }

  private release(account: string): void {
    const st = this.state(account);
    st.inFlight -= 1;
    this.inFlight -= 1;
    this.pump();
  }

  private state(account: string): AccountState {
    let st = this.accounts.get(account);
    if (!st) {
      st = {
        queue: [],
        inFlight: 0,
        w10: 0,
        used10: 0,
        w60: 0,
        used60: 0,
        blockedUntil: 0,
        buckets: new Map(),
      };
      this.accounts.set(account, st);
    }
    return st;
  }

  /** An account's endpoint bucket, rolled to the current second. */
  private bucket(st: AccountState, name: string, now: number): Bucket {
    let b = st.buckets.get(name);
    if (!b) {
      b = { window: 0, used: 0, blockedUntil: 0 };
      st.buckets.set(name, b);
    }
    const w = Math.floor(now / 1000);
    if (w !== b.window) {
      b.window = w;
      b.used = 0;
    }
    return b;
  }

  private rollIp(now: number): void {
    const w = Math.floor(now / (this.limits.ipWindowMs ?? 60_000));
    if (w !== this.ipWindow) {
      this.ipWindow = w;
      this.ipUsed = 0;
    }
  }

  private rollAccount(st: AccountState, now: number): void {
    const w10 = Math.floor(now / 10_000);
    if (w10 !== st.w10) {
      st.w10 = w10;
      st.used10 = 0;
    }
    const w60 = Math.floor(now / 60_000);
    if (w60 !== st.w60) {
      st.w60 = w60;
      st.used60 = 0;
    }
  }

  /** When a request of this cost could go (≤ now: at once). */
  private readyAt(st: AccountState, cost: RequestCost, now: number): number {
    const l = this.limits;
    let at = Math.max(now, this.bannedUntil);
    if (
      cost.weight > 0 &&
      l.weightPerMinute > 0 &&
      this.ipUsed + cost.weight >
        Math.floor(l.weightPerMinute * l.headroom * (cost.optional ? l.optionalShare : 1))
    )
      at = Math.max(at, (this.ipWindow + 1) * (l.ipWindowMs ?? 60_000));
    if (cost.orders > 0) {
      at = Math.max(at, st.blockedUntil);
      if (l.ordersPer10s > 0 && st.used10 + cost.orders > Math.floor(l.ordersPer10s * l.headroom))
        at = Math.max(at, (st.w10 + 1) * 10_000);
      if (l.ordersPerMinute > 0 && st.used60 + cost.orders > Math.floor(l.ordersPerMinute * l.headroom))
        at = Math.max(at, (st.w60 + 1) * 60_000);
    }
    if (cost.bucket) {
      const b = this.bucket(st, cost.bucket, now);
      at = Math.max(at, b.blockedUntil);
      const limit = l.perSecond?.[cost.bucket] ?? 0;
      if (limit > 0 && b.used + 1 > Math.max(1, Math.floor(limit * l.headroom)))
        at = Math.max(at, (b.window + 1) * 1000);
    }
    return at;
  }

  private pump(): void {
    const now = this.now();
    this.rollIp(now);
    let wake = Infinity;
    // Visit accounts round-robin, one request each per visit; stop when the in-flight cap is reached
    // or a whole round dispatched nothing (every account blocked or at its own cap).
    let idle = 0;
    while (
      this.inFlight < this.limits.maxInFlight &&
      this.head < this.ready.length &&
      idle < this.ready.length - this.head
    ) {
      const account = this.ready[this.head++]!;
      const st = this.state(account);
      if (st.queue.length === 0) {
        this.inReady.delete(account);
        continue;
      }
      if (st.inFlight >= this.limits.perAccountInFlight) {
        this.ready.push(account);
        idle += 1;
        continue;
      }
      this.rollAccount(st, now);
      const w = st.queue[0]!;
      const at = this.readyAt(st, w.cost, now);
      if (at > now) {
        if (at > w.deadline) {
          // It cannot go before its deadline: refuse now (nothing was sent).
          st.queue.shift();
          this.refuse(w, null, at - now);
          idle = 0;
        } else {
          wake = Math.min(wake, at);
          idle += 1;
        }
      } else {
        st.queue.shift();
        st.inFlight += 1;
        this.inFlight += 1;
        this.ipUsed += w.cost.weight;
        st.used10 += w.cost.orders;
        st.used60 += w.cost.orders;
        if (w.cost.bucket) this.bucket(st, w.cost.bucket, now).used += 1;
        this.dispatched += 1;
        w.done = true;
        if (w.timer) clearTimeout(w.timer);
        w.resolve();
        idle = 0;
      }
      if (st.queue.length > 0) this.ready.push(account);
      else this.inReady.delete(account);
    }
    if (this.head > 1024 && this.head * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.head);
      this.head = 0;
    }
    this.schedule(wake, now);
  }

  private schedule(at: number, now: number): void {
    if (at === Infinity) return;
    if (this.timer && this.wakeAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.wakeAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.pump();
      },
      Math.max(1, at - now + 1),
    );
    this.timer.unref();
  }
}
