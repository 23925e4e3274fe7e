import {
  Dec,
  DEFAULT_OUTCOME_TIMEOUTS,
  endOutcomeBySource,
  expireOutcome,
  isOpenOutcome,
  observeOutcome,
  startOutcome,
  type OutcomeState,
  type OutcomeTimeouts,
} from '@verzek/core';
import {
  findSignal,
  findTrackedOutcome,
  insertSignalOutcome,
  openSignalOutcomes,
  signalsWithoutOutcome,
  updateSignalOutcome,
  type SignalOutcomeColumns,
  type SignalRow,
  type TrackedOutcomeRow,
} from '@verzek/db';
import type { PriceTick } from '@verzek/exchange';
import type { AppContext } from '../context';
import type { LiveEvent } from '../events/bus';

export interface SignalOutcomeMonitorOptions {
  /** How often the monitor re-reads the database (new signals, other workers' writes, source closes, time limits). */
  syncMs?: number;
  timeouts?: OutcomeTimeouts;
}

type SourceEnd = { kind: 'closed' | 'cancelled'; at: number };

interface Tracked {
  signalId: number;
  symbol: string;
  state: OutcomeState;
  /** The row version `state` was read at or written as. */
  version: number;
  /** `state` changed here but is not written yet (a failed write); the next sync retries. */
  dirty: boolean;
  /** The source closed or cancelled the signal (from its row or a live follow-up event). */
  ended: SourceEnd | null;
}

/** Ticks that arrived while the monitor was busy, merged per symbol into one observation. */
interface Pending {
  at: number;
  price: string;
  low: Dec;
  high: Dec;
}

const CLOSING_KINDS = new Set(['ALL_TP', 'SL_HIT', 'CLOSED', 'CANCELLED']);
const ADOPT_BATCH = 200;
/** Every this many syncs, new signals are looked for over the whole table, not just above the last id seen. */
const FULL_SCAN_EVERY = 60;

function columns(s: OutcomeState): SignalOutcomeColumns {
  return {
    status: s.status,
    reason: s.reason,
    entry_price: s.entry_price,
    profit_pct: s.profit_pct,
    targets_hit: s.targets_hit,
    state: JSON.stringify(s),
    entered_at: s.entered_at,
    closed_at: s.closed_at,
  };
}

function endOf(
  row: Pick<TrackedOutcomeRow, 'signal_status' | 'signal_closed_at'>,
  now: number,
): SourceEnd | null {
  if (row.signal_status === 'OPEN') return null;
  return {
    kind: row.signal_status === 'CANCELLED' ? 'cancelled' : 'closed',
    at: row.signal_closed_at ?? now,
  };
}

/**
 * Watches every running signal against the market prices the worker already receives and records
 * what happened to it (`signal_outcomes`, the rule in @verzek/core `observeOutcome`). Independent of
 * followers: a signal nobody traded still has an outcome.
 *
 * Each worker process tracks every open signal in memory and writes a row only when something
 * happens (entry, target, stop, close); writes are compare-and-set on the row's version, so several
 * workers sharing a database agree (the loser re-reads the row and re-applies its observation).
 * Work runs one piece at a time; ticks arriving meanwhile are merged per symbol into one
 * observation (its low and high), which the core rule treats pessimistically.
 *
 * Prices seen while no worker runs are not seen at all: tracking resumes from the next tick.
 */
export class SignalOutcomeMonitor {
  private readonly tracked = new Map<number, Tracked>();
  private readonly bySymbol = new Map<string, Set<number>>();
  private pending = new Map<string, Pending>();
  private chain: Promise<void> = Promise.resolve();
  private drainQueued = false;
  /** A periodic sync waiting its turn (a slow database must not pile them up). */
  private syncQueued: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private offTick: (() => void) | null = null;
  private offBus: (() => void) | null = null;
  private maxSeenId = 0;
  private syncs = 0;
  private stopped = false;
  private readonly timeouts: OutcomeTimeouts;
  private readonly log: AppContext['logger'];

  constructor(
    private readonly ctx: Pick<AppContext, 'db' | 'clock' | 'logger' | 'feed' | 'bus'>,
    private readonly options: SignalOutcomeMonitorOptions = {},
  ) {
    this.timeouts = options.timeouts ?? DEFAULT_OUTCOME_TIMEOUTS;
    this.log = ctx.logger.child({ component: 'signal-outcomes' });
  }

  /** Starts listening at once; resolves after the first (full) sync. */
  start(): Promise<void> {
    if (this.offTick) return this.flush();
    this.stopped = false;
    this.offTick = this.ctx.feed.onTick((tick) => this.onTick(tick));
    this.offBus = this.ctx.bus.subscribe((event) => this.onEvent(event));
    const first = this.sync(true);
    this.timer = setInterval(() => {
      void this.sync().catch(() => undefined);
    }, this.options.syncMs ?? 5000);
    this.timer.unref();
    return first;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.offTick?.();
    this.offBus?.();
    this.offTick = this.offBus = null;
    await this.flush();
    for (const symbol of this.bySymbol.keys()) this.unsubscribe(symbol);
    this.bySymbol.clear();
    this.tracked.clear();
  }

  /** Resolves once everything queued so far (ticks, events, syncs) is done. */
  async flush(): Promise<void> {
    let seen: Promise<void> | null = null;
    while (seen !== this.chain) {
      seen = this.chain;
      await seen;
    }
  }

  /** Signal ids being watched now (open outcomes), for tests and health. */
  trackedIds(): number[] {
    return [...this.tracked.keys()].sort((a, b) => a - b);
  }

  /**
   * Re-reads the database: retries unsaved states, picks up other workers' writes and the
   * signals' own status (closed or cancelled by their source), starts tracking new signals, then
   * applies source closes and time limits.
   */
  sync(full = false): Promise<void> {
    if (this.syncQueued && !full) return this.syncQueued;
    const run = this.enqueue(async () => {
      this.syncQueued = null;
      const now = this.ctx.clock.now();
      for (const t of this.tracked.values()) if (t.dirty) await this.persist(t);
      const rows = await openSignalOutcomes(this.ctx.db);
      const open = new Set<number>();
      for (const row of rows) {
        open.add(row.signal_id);
        const t = this.tracked.get(row.signal_id);
        if (!t) {
          this.track(row, now);
          continue;
        }
        if (row.version > t.version && !t.dirty) {
          t.state = JSON.parse(row.state) as OutcomeState;
          t.version = row.version;
        }
        t.ended ??= endOf(row, now);
      }
      for (const t of [...this.tracked.values()]) {
        if (!open.has(t.signalId) && !t.dirty) this.untrack(t.signalId); // closed by another worker
      }
      await this.adoptNew(full || this.syncs % FULL_SCAN_EVERY === 0, now);
      for (const t of [...this.tracked.values()]) {
        const price = this.ctx.feed.last(t.symbol)?.price ?? null;
        const ended = t.ended;
        if (ended) await this.advance(t, (s) => endOutcomeBySource(s, ended.kind, ended.at, price));
        if (this.tracked.has(t.signalId)) {
          await this.advance(t, (s) => expireOutcome(s, now, price, this.timeouts));
        }
      }
      this.syncs++;
    });
    if (!full) this.syncQueued = run;
    return run;
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.chain.then(() => (this.stopped && this.offTick === null ? undefined : task()));
    this.chain = run.catch((err: unknown) => this.log.error({ err }, 'signal outcome work failed'));
    return run;
  }

  private onTick(tick: PriceTick): void {
    if (!this.bySymbol.has(tick.symbol)) return;
    let price: Dec;
    try {
      price = new Dec(tick.price);
    } catch {
      return;
    }
    const p = this.pending.get(tick.symbol);
    if (p) {
      p.at = Math.max(p.at, tick.ts);
      p.price = tick.price;
      p.low = Dec.min(p.low, price);
      p.high = Dec.max(p.high, price);
    } else {
      this.pending.set(tick.symbol, { at: tick.ts, price: tick.price, low: price, high: price });
    }
    if (!this.drainQueued) {
      this.drainQueued = true;
      void this.enqueue(() => this.drain()).catch(() => undefined);
    }
  }

  private async drain(): Promise<void> {
    this.drainQueued = false;
    const batch = this.pending;
    this.pending = new Map();
    for (const [symbol, p] of batch) {
      for (const id of [...(this.bySymbol.get(symbol) ?? [])]) {
        const t = this.tracked.get(id);
        if (!t) continue;
        await this.advance(t, (s) =>
          observeOutcome(s, {
            at: Math.max(p.at, s.created_at),
            price: p.price,
            low: p.low.toFixed(),
            high: p.high.toFixed(),
          }),
        );
      }
    }
  }

  private onEvent(event: LiveEvent): void {
    if (event.type === 'signal') {
      const id = Number(event.data.id);
      if (!Number.isSafeInteger(id) || this.tracked.has(id)) return;
      void this.enqueue(async () => {
        if (this.tracked.has(id)) return;
        const signal = await findSignal(this.ctx.db, id);
        if (signal) await this.adopt(signal, this.ctx.clock.now());
      }).catch(() => undefined);
    } else if (event.type === 'signal_event') {
      const id = Number(event.data.signal_id);
      const kind = String(event.data.kind);
      if (!CLOSING_KINDS.has(kind) || !this.tracked.has(id)) return;
      const ended: SourceEnd = {
        kind: kind === 'CANCELLED' ? 'cancelled' : 'closed',
        at: this.ctx.clock.now(),
      };
      void this.enqueue(async () => {
        const t = this.tracked.get(id);
        if (!t) return;
        t.ended ??= ended;
        const price = this.ctx.feed.last(t.symbol)?.price ?? null;
        await this.advance(t, (s) => endOutcomeBySource(s, ended.kind, ended.at, price));
      }).catch(() => undefined);
    }
  }

  /** Starts tracking signals without an outcome row: those above the last id seen, or all of them. */
  private async adoptNew(full: boolean, now: number): Promise<void> {
    let afterId: number | undefined = full ? undefined : Math.max(0, this.maxSeenId - ADOPT_BATCH);
    for (;;) {
      const signals = await signalsWithoutOutcome(this.ctx.db, { afterId, limit: ADOPT_BATCH });
      for (const s of signals) await this.adopt(s, now);
      if (signals.length < ADOPT_BATCH) return;
      afterId = signals[signals.length - 1]!.id;
    }
  }

  private async adopt(signal: SignalRow, now: number): Promise<void> {
    this.maxSeenId = Math.max(this.maxSeenId, signal.id);
    let state: OutcomeState;
    try {
      state = startOutcome(
        {
          direction: signal.direction,
          entry_type: signal.entry_type,
          entries: (JSON.parse(signal.entries) as unknown[]).map(String),
          targets: (JSON.parse(signal.targets) as unknown[]).map(String),
          stop_loss: signal.stop_loss === null ? null : String(signal.stop_loss),
        },
        signal.created_at,
      );
    } catch (err) {
      this.log.warn({ err, signal: signal.id }, 'signal cannot be tracked; recorded as UNTRACKED');
      await insertSignalOutcome(
        this.ctx.db,
        signal.id,
        {
          status: 'UNTRACKED',
          reason: 'invalid_signal',
          entry_price: null,
          profit_pct: null,
          targets_hit: 0,
          state: '{}',
          entered_at: null,
          closed_at: null,
        },
        now,
      );
      return;
    }
    await insertSignalOutcome(this.ctx.db, signal.id, columns(state), now);
    // ours, or the one another worker created first
    const row = await findTrackedOutcome(this.ctx.db, signal.id);
    if (!row || !isOpenOutcome(row.status as OutcomeState['status']) || this.tracked.has(signal.id)) return;
    const t = this.track(row, now);
    // the market as this worker knows it now: the first observation (a market entry's price)
    const last = this.ctx.feed.last(t.symbol);
    if (last) {
      await this.advance(t, (s) =>
        observeOutcome(s, { at: Math.max(last.ts, s.created_at), price: last.price }),
      );
    }
  }

  private track(row: TrackedOutcomeRow, now: number): Tracked {
    const t: Tracked = {
      signalId: row.signal_id,
      symbol: row.symbol,
      state: JSON.parse(row.state) as OutcomeState,
      version: row.version,
      dirty: false,
      ended: endOf(row, now),
    };
    this.tracked.set(t.signalId, t);
    let ids = this.bySymbol.get(t.symbol);
    if (!ids) {
      ids = new Set();
      this.bySymbol.set(t.symbol, ids);
      try {
        this.ctx.feed.subscribe([t.symbol]);
      } catch (err) {
        this.log.warn({ err, symbol: t.symbol }, 'cannot subscribe to the symbol of a signal');
      }
    }
    ids.add(t.signalId);
    return t;
  }

  private untrack(signalId: number): void {
    const t = this.tracked.get(signalId);
    if (!t) return;
    this.tracked.delete(signalId);
    const ids = this.bySymbol.get(t.symbol);
    ids?.delete(signalId);
    if (ids && ids.size === 0) {
      this.bySymbol.delete(t.symbol);
      this.unsubscribe(t.symbol);
    }
  }

  private unsubscribe(symbol: string): void {
    try {
      this.ctx.feed.unsubscribe([symbol]);
    } catch {
      /* a symbol the feed refused to subscribe */
    }
  }

  /** Applies `step` and writes the result if it changed anything. */
  private async advance(t: Tracked, step: (s: OutcomeState) => OutcomeState): Promise<void> {
    const next = step(t.state);
    if (next === t.state) return;
    t.state = next;
    t.dirty = true;
    await this.persist(t, step);
  }

  /**
   * Compare-and-set write. When another worker wrote first, its row wins and `step` (if given) is
   * applied to it again; a close it already recorded is simply adopted.
   */
  private async persist(t: Tracked, step?: (s: OutcomeState) => OutcomeState): Promise<void> {
    const db = this.ctx.db;
    if (await updateSignalOutcome(db, t.signalId, t.version, columns(t.state), this.ctx.clock.now())) {
      t.version++;
      t.dirty = false;
    } else {
      const row = await findTrackedOutcome(db, t.signalId);
      if (!row) {
        this.untrack(t.signalId);
        return;
      }
      t.state = JSON.parse(row.state) as OutcomeState;
      t.version = row.version;
      t.dirty = false;
      const again = step && isOpenOutcome(t.state.status) ? step(t.state) : t.state;
      if (again !== t.state) {
        t.state = again;
        t.dirty = true;
        if (await updateSignalOutcome(db, t.signalId, t.version, columns(again), this.ctx.clock.now())) {
          t.version++;
          t.dirty = false;
        }
      }
    }
    if (!t.dirty && !isOpenOutcome(t.state.status)) {
      this.log.info(
        {
          signal: t.signalId,
          status: t.state.status,
          reason: t.state.reason,
          profit_pct: t.state.profit_pct,
        },
        'signal outcome',
      );
      this.untrack(t.signalId);
    }
  }
}
