import { Dec, dec, decStr, roundDp, PCT_DP } from '../../money';
import type { EntryType } from '../../signal/types';
import type { Direction } from '../../types';
import type { BreakevenMode } from '../position/plan';

/**
 * What actually happened to a signal: its own entry, targets and stop played against the market,
 * whoever followed it. Pure: the caller feeds price observations, the source's closing follow-ups
 * and the time; the state is plain JSON (store it as is), never mutated, and a call that changes
 * nothing returns the very same object.
 *
 * The rule (docs/payments.md, "Signal statistics"):
 * - **Entry.** Market and breakout entries (or none given) fill at the price of the first
 *   observation; if that price is already at or past TP1 or the stop, the signal is EXPIRED
 *   (`missed`). A single price fills when the market trades at or through it (LONG: at or below;
 *   SHORT: at or above), at that price. A zone is three equal parts — near edge, middle, far edge —
 *   and a list of prices is one equal part per price; each part fills when reached, until the first
 *   target is reached. The entry is the mean of the filled parts.
 * - **Exits.** Equal shares per target (1/N each) at the target prices; the stop closes whatever is
 *   left at the stop price. After TP1 the stop moves as the platform's default policy does
 *   (`breakeven`: to the average entry; `moving_target`: then to the previous target; `off`).
 * - **Ordering inside one observation** (a candle or a tick that gapped): entry parts first, then
 *   the stop, then the targets — a stop and a target in the same observation count as the stop, and
 *   targets are not counted in the observation that first entered. Pessimistic on purpose.
 * - **Source follow-ups.** What a channel claims (TP n hit, stop hit) changes nothing; a closing
 *   follow-up (ALL_TP, SL_HIT, CLOSED, CANCELLED) ends the signal as it ends its followers'
 *   positions: before the entry it is CANCELLED, after it the remainder exits at the market price.
 * - **Time.** Not entered within the entry window → EXPIRED (`entry_timeout`); entered and still
 *   open after the maximum life → the remainder exits at the market (`timeout`).
 * - **Result**, at 1× leverage, fees left out: profit % = Σ over exits of share × (exit − entry) /
 *   entry × 100 (negated for a SHORT), rounded to 4 places (half-even). WIN above 0, LOSS below 0,
 *   BREAKEVEN at exactly 0.
 */
export type OutcomeStatus = 'PENDING' | 'ACTIVE' | 'WIN' | 'LOSS' | 'BREAKEVEN' | 'CANCELLED' | 'EXPIRED';

export const OUTCOME_STATUSES: readonly OutcomeStatus[] = [
  'PENDING',
  'ACTIVE',
  'WIN',
  'LOSS',
  'BREAKEVEN',
  'CANCELLED',
  'EXPIRED',
];

/** Still running: waiting for the entry (PENDING) or entered (ACTIVE). */
export const OPEN_OUTCOME_STATUSES: readonly OutcomeStatus[] = ['PENDING', 'ACTIVE'];

export type OutcomeReason =
  /** every target reached */
  | 'targets'
  /** the signal's own stop */
  | 'stop'
  /** the stop after it moved (breakeven or moving target) */
  | 'moved_stop'
  /** the source closed it (ALL_TP, SL_HIT, CLOSED): the remainder at the market */
  | 'source_closed'
  /** the source cancelled it: before the entry → CANCELLED; after it, the remainder at the market */
  | 'source_cancelled'
  /** open longer than the maximum life: the remainder at the market */
  | 'timeout'
  /** the entry was not reached within the entry window */
  | 'entry_timeout'
  /** a market entry whose first price was already at or past TP1 or the stop */
  | 'missed';

/** The parts of a signal the outcome depends on (prices as decimal strings). */
export interface OutcomeSignal {
  direction: Direction;
  entry_type: EntryType;
  /** [] for a market entry; a zone as [low, high]. */
  entries: readonly string[];
  /** In the order they are hit. */
  targets: readonly string[];
  stop_loss: string | null;
}

export interface OutcomeOptions {
  /** Stop management after TP1, as the platform's default follower (`breakeven`). */
  breakeven?: BreakevenMode;
}

export interface OutcomeTimeouts {
  /** A signal not entered this long after it was published expires; null = never. */
  entry_window_ms: number | null;
  /** A signal entered this long ago is closed at the market; null = never. */
  max_open_ms: number | null;
}

/** 72 hours to reach the entry, 30 days to run (what the platform applies). */
export const DEFAULT_OUTCOME_TIMEOUTS: OutcomeTimeouts = {
  entry_window_ms: 72 * 3_600_000,
  max_open_ms: 30 * 86_400_000,
};

/** One equal part of the entry; `price` null = a market entry not yet priced. */
export interface OutcomeEntryPart {
  price: string | null;
  filled_at: number | null;
}

export interface OutcomeState {
  direction: Direction;
  entry_type: EntryType;
  targets: string[];
  stop_loss: string | null;
  breakeven: BreakevenMode;
  /** When the signal was published (epoch ms): the entry window starts here. */
  created_at: number;
  status: OutcomeStatus;
  reason: OutcomeReason | null;
  parts: OutcomeEntryPart[];
  /** Mean of the filled parts; null before the entry. */
  entry_price: string | null;
  entered_at: number | null;
  /** Targets reached, in order (each took 1/N at its price). */
  targets_hit: number;
  /** The stop that protects the remainder now (moved after TP1 by the policy). */
  stop: string | null;
  /** Where the remainder (N − targets_hit shares) exited; null while open or with nothing left. */
  exit_price: string | null;
  /** % at 1× (4 places); set when the signal is closed. */
  profit_pct: string | null;
  closed_at: number | null;
}

/**
 * One look at the market: the last price, and the low and high since the previous look when known
 * (a candle). A tick is `{ at, price }`.
 */
export interface PriceObservation {
  at: number;
  price: string;
  low?: string;
  high?: string;
}

function positive(value: string, what: string): string {
  let d: Dec;
  try {
    d = dec(value);
  } catch {
    throw new RangeError(`${what} must be a decimal, got ${JSON.stringify(value)}`);
  }
  if (d.lte(0)) throw new RangeError(`${what} must be positive, got ${value}`);
  return decStr(d);
}

function entryParts(signal: OutcomeSignal): OutcomeEntryPart[] {
  const prices = signal.entries.map((e, i) => positive(e, `entry ${i + 1}`));
  const part = (price: string | null): OutcomeEntryPart => ({ price, filled_at: null });
  if (prices.length === 0 || signal.entry_type === 'market' || signal.entry_type === 'breakout') {
    return [part(null)];
  }
  if (signal.entry_type === 'zone' && prices.length === 2) {
    const [a, b] = prices.map((p) => dec(p)) as [Dec, Dec];
    const low = Dec.min(a, b);
    const high = Dec.max(a, b);
    const near = signal.direction === 'LONG' ? high : low;
    const far = signal.direction === 'LONG' ? low : high;
    if (low.eq(high)) return [part(decStr(low))];
    return [part(decStr(near)), part(decStr(low.plus(high).div(2))), part(decStr(far))];
  }
  return prices.map((p) => part(p));
}

/** The state of a signal just published: PENDING, nothing filled. Throws RangeError on a malformed signal. */
export function startOutcome(
  signal: OutcomeSignal,
  createdAt: number,
  options: OutcomeOptions = {},
): OutcomeState {
  if (signal.direction !== 'LONG' && signal.direction !== 'SHORT') {
    throw new RangeError(`direction must be LONG or SHORT, got ${String(signal.direction)}`);
  }
  if (signal.targets.length === 0) throw new RangeError('a signal needs at least one target');
  const targets = signal.targets.map((t, i) => positive(t, `target ${i + 1}`));
  const stop = signal.stop_loss === null ? null : positive(signal.stop_loss, 'stop_loss');
  return {
    direction: signal.direction,
    entry_type: signal.entry_type,
    targets,
    stop_loss: stop,
    breakeven: options.breakeven ?? 'breakeven',
    created_at: createdAt,
    status: 'PENDING',
    reason: null,
    parts: entryParts(signal),
    entry_price: null,
    entered_at: null,
    targets_hit: 0,
    stop,
    exit_price: null,
    profit_pct: null,
    closed_at: null,
  };
}

export function isOpenOutcome(status: OutcomeStatus): boolean {
  return status === 'PENDING' || status === 'ACTIVE';
}

function copy(s: OutcomeState): OutcomeState {
  return { ...s, targets: [...s.targets], parts: s.parts.map((p) => ({ ...p })) };
}

/** +1 for a LONG, −1 for a SHORT: profit is sign × (exit − entry). */
function sign(s: OutcomeState): number {
  return s.direction === 'LONG' ? 1 : -1;
}

/** Move from the entry to `price`, in % at 1× (positive = in the signal's favour). */
function movePct(s: OutcomeState, entry: Dec, price: Dec): Dec {
  return price.minus(entry).div(entry).mul(100).mul(sign(s));
}

/** The result of every share so far: the reached targets plus the remainder at `exit` (if any). */
export function outcomeProfitPct(s: OutcomeState, exit: string | null = s.exit_price): string | null {
  if (s.entry_price === null) return null;
  const entry = dec(s.entry_price);
  const n = s.targets.length;
  let total = new Dec(0);
  for (let k = 0; k < s.targets_hit; k++) total = total.plus(movePct(s, entry, dec(s.targets[k]!)));
  const rest = n - s.targets_hit;
  if (rest > 0 && exit !== null) total = total.plus(movePct(s, entry, dec(exit)).mul(rest));
  return decStr(roundDp(total.div(n), PCT_DP));
}

/** Closes the remainder at `price` (null when every target was reached) and classifies the result. */
function close(s: OutcomeState, price: string | null, reason: OutcomeReason, at: number): void {
  s.exit_price = s.targets_hit < s.targets.length ? price : null;
  s.reason = reason;
  s.closed_at = at;
  const profit = outcomeProfitPct(s)!;
  s.profit_pct = profit;
  const p = dec(profit);
  s.status = p.gt(0) ? 'WIN' : p.lt(0) ? 'LOSS' : 'BREAKEVEN';
}

function bounds(obs: PriceObservation): { low: Dec; high: Dec; last: Dec } {
  const last = dec(obs.price);
  const a = obs.low === undefined ? last : dec(obs.low);
  const b = obs.high === undefined ? last : dec(obs.high);
  return { low: Dec.min(a, b, last), high: Dec.max(a, b, last), last };
}

function averageFilled(parts: readonly OutcomeEntryPart[]): string | null {
  const filled = parts.filter((p) => p.filled_at !== null && p.price !== null);
  if (filled.length === 0) return null;
  const sum = filled.reduce((acc, p) => acc.plus(p.price!), new Dec(0));
  return decStr(sum.div(filled.length));
}

/** The stop after `hits` targets under the policy, never looser than `current`. */
function movedStop(s: OutcomeState, hits: number): string | null {
  if (hits === 0 || s.breakeven === 'off' || s.entry_price === null) return s.stop;
  const candidate = s.breakeven === 'moving_target' && hits >= 2 ? s.targets[hits - 2]! : s.entry_price;
  if (s.stop === null) return candidate;
  const tighter = s.direction === 'LONG' ? Dec.max(s.stop, candidate) : Dec.min(s.stop, candidate);
  return decStr(tighter);
}

/**
 * Plays one observation. Invalid prices (not positive decimals) are ignored: a bad tick must not
 * decide a signal.
 */
export function observeOutcome(state: OutcomeState, obs: PriceObservation): OutcomeState {
  if (!isOpenOutcome(state.status)) return state;
  let b: { low: Dec; high: Dec; last: Dec };
  try {
    b = bounds(obs);
  } catch {
    return state;
  }
  if (b.low.lte(0)) return state;
  const long = state.direction === 'LONG';
  const partReached = (price: string) => (long ? b.low.lte(price) : b.high.gte(price));
  const stopReached = (stop: string) => (long ? b.low.lte(stop) : b.high.gte(stop));
  const targetReached = (target: string) => (long ? b.high.gte(target) : b.low.lte(target));

  const s = copy(state);
  let changed = false;
  let enteredNow = false;

  // 1. entry parts (before the first target only: reaching it cancels the rest of the entry)
  if (s.status === 'PENDING' || s.targets_hit === 0) {
    for (const part of s.parts) {
      if (part.filled_at !== null) continue;
      if (part.price === null) {
        // market entry: the first observation's price, unless the move is already over
        const t1 = s.targets[0]!;
        const pastTarget = long ? b.last.gte(t1) : b.last.lte(t1);
        const pastStop = s.stop !== null && (long ? b.last.lte(s.stop) : b.last.gte(s.stop));
        if (pastTarget || pastStop) {
          s.status = 'EXPIRED';
          s.reason = 'missed';
          s.closed_at = obs.at;
          return s;
        }
        part.price = decStr(b.last);
        part.filled_at = obs.at;
        changed = true;
      } else if (partReached(part.price)) {
        part.filled_at = obs.at;
        changed = true;
      }
    }
    if (changed) {
      s.entry_price = averageFilled(s.parts);
      if (s.status === 'PENDING') {
        s.status = 'ACTIVE';
        s.entered_at = obs.at;
        enteredNow = true;
      }
    }
  }
  if (s.status !== 'ACTIVE') return changed ? s : state;

  // 2. the stop (pessimistic: before any target of the same observation)
  if (s.stop !== null && stopReached(s.stop)) {
    close(s, s.stop, s.stop === s.stop_loss ? 'stop' : 'moved_stop', obs.at);
    return s;
  }

  // 3. targets, not in the observation that entered
  if (!enteredNow) {
    let hits = s.targets_hit;
    while (hits < s.targets.length && targetReached(s.targets[hits]!)) hits++;
    if (hits > s.targets_hit) {
      s.targets_hit = hits;
      s.stop = movedStop(s, hits);
      changed = true;
      if (hits === s.targets.length) close(s, null, 'targets', obs.at);
    }
  }
  return changed ? s : state;
}

/** Plays observations in order. */
export function observeAll(state: OutcomeState, observations: readonly PriceObservation[]): OutcomeState {
  return observations.reduce(observeOutcome, state);
}

/**
 * A closing follow-up from the source (ALL_TP, SL_HIT, CLOSED → `closed`; CANCELLED → `cancelled`).
 * Before the entry the signal is CANCELLED. After it, the market price is observed first (a stop it
 * crosses counts as the stop) and the remainder exits there; without a price nothing changes yet
 * (call again once one is known).
 */
export function endOutcomeBySource(
  state: OutcomeState,
  kind: 'closed' | 'cancelled',
  at: number,
  marketPrice: string | null,
): OutcomeState {
  const reason: OutcomeReason = kind === 'cancelled' ? 'source_cancelled' : 'source_closed';
  if (state.status === 'PENDING') {
    return { ...copy(state), status: 'CANCELLED', reason, closed_at: at };
  }
  if (state.status !== 'ACTIVE' || marketPrice === null) return state;
  const seen = observeOutcome(state, { at, price: marketPrice });
  if (seen.status !== 'ACTIVE') return seen;
  const s = seen === state ? copy(state) : seen;
  close(s, decStr(marketPrice), reason, at);
  return s;
}

/**
 * Applies the time limits at `now`: a PENDING signal past its entry window expires (closed at the
 * end of the window); an ACTIVE one past its maximum life exits at `marketPrice` (nothing happens
 * without a price).
 */
export function expireOutcome(
  state: OutcomeState,
  now: number,
  marketPrice: string | null,
  timeouts: OutcomeTimeouts = DEFAULT_OUTCOME_TIMEOUTS,
): OutcomeState {
  if (state.status === 'PENDING' && timeouts.entry_window_ms !== null) {
    const end = state.created_at + timeouts.entry_window_ms;
    if (now >= end) return { ...copy(state), status: 'EXPIRED', reason: 'entry_timeout', closed_at: end };
    return state;
  }
  if (state.status !== 'ACTIVE' || timeouts.max_open_ms === null || state.entered_at === null) return state;
  if (now < state.entered_at + timeouts.max_open_ms || marketPrice === null) return state;
  const seen = observeOutcome(state, { at: now, price: marketPrice });
  if (seen.status !== 'ACTIVE') return seen;
  const s = seen === state ? copy(state) : seen;
  close(s, decStr(marketPrice), 'timeout', now);
  return s;
}
