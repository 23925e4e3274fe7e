import type { Dec } from '../../money';
import { dec, decStr } from '../../money';
import type { Direction } from '../../types';
import { exitSide } from '../../types';
import { priceToTick } from '../market-rules';
import { remainingQty } from './accounting';
import type { Ctx } from './context';
import { notify } from './context';
import { cancelOrder, isLive, openQty, placeOrder } from './orders';
import type { CloseReason, PositionState, StopKind } from './state';

/** True when `candidate` protects more than `current` (LONG: higher; SHORT: lower; anything beats none). */
export function isBetterStop(direction: Direction, candidate: Dec, current: string | null): boolean {
  if (current == null) return true;
  return direction === 'LONG' ? candidate.gt(dec(current)) : candidate.lt(dec(current));
}

/** The close reason of a stop exit, from what the stop was at the time. */
export function stopCloseReason(kind: StopKind): CloseReason {
  if (kind === 'breakeven') return 'breakeven_stop';
  if (kind === 'target') return 'target_stop';
  return 'stop_loss';
}

/** Moves the state's stop to `price` (tick-rounded) with a notification. */
export function moveStop(ctx: Ctx, price: Dec, kind: StopKind, why: string): void {
  const from = ctx.s.stop_price;
  const to = decStr(price);
  if (from === to) return;
  ctx.s.stop_price = to;
  ctx.s.stop_kind = kind;
  notify(ctx, {
    kind: 'stop_moved',
    message: `Stop moved ${from == null ? 'to' : `from ${from} to`} ${to} (${why})`,
    from,
    to,
    stop_kind: kind,
  });
}

/**
 * Breakeven / moving-target stop management, driven by the highest TP reached (fills or follow-ups).
 * `breakeven`: after any TP → the average entry (rounded towards profit: up for LONG, down for SHORT).
 * `moving_target`: after TP1 → the average entry; after TPn → TP(n−1)'s price. The stop is only ever
 * moved if that protects more, and once a TP is reached it is locked: it never moves against the
 * position again (edits included).
 */
export function applyStopPolicy(ctx: Ctx): void {
  const s = ctx.s;
  const mode = s.plan.breakeven;
  const reached = s.highest_tp_reached;
  if (mode === 'off' || reached === 0 || s.avg_entry_price == null) return;
  s.stop_locked = true;
  const long = s.plan.direction === 'LONG';
  let candidate = priceToTick(s.avg_entry_price, s.plan.market.tickSize, long ? 'up' : 'down');
  let kind: StopKind = 'breakeven';
  let why = `breakeven after TP${reached}`;
  if (mode === 'moving_target' && reached >= 2) {
    const prev = s.tp[reached - 2];
    if (prev != null) {
      candidate = dec(prev.price);
      kind = 'target';
      why = `TP${reached - 1} after TP${reached}`;
    }
  }
  if (isBetterStop(s.plan.direction, candidate, s.stop_price)) moveStop(ctx, candidate, kind, why);
}

/**
 * Keeps one reduce-only STOP_MARKET at the state's stop price covering the remaining quantity. A stop
 * whose price changed, or that covers less than the remaining quantity, is cancelled and re-placed
 * under a new leg key (`sl`, `sl-r2`, …); a stop covering more is kept (reduce-only caps it).
 */
export function syncStop(ctx: Ctx): void {
  const s = ctx.s;
  const remaining = remainingQty(s);
  const live = s.orders.filter((o) => o.role === 'stop' && isLive(o));
  const wanted = s.stop_price != null && remaining.gt(0);
  let kept = false;
  for (const o of live) {
    if (wanted && !kept && o.stop_price === s.stop_price && openQty(o).gte(remaining)) kept = true;
    else cancelOrder(ctx, o);
  }
  if (wanted && !kept && s.stop_price != null) {
    placeOrder(ctx, 'sl', 'stop', null, {
      kind: 'STOP_MARKET',
      side: exitSide(s.plan.direction),
      qty: decStr(remaining),
      stop_price: s.stop_price,
      reduce_only: true,
    });
  }
}

/** The stop order placed most recently, if any. */
export function newestStop(s: PositionState) {
  for (let i = s.orders.length - 1; i >= 0; i--) {
    const o = s.orders[i];
    if (o?.role === 'stop') return o;
  }
  return undefined;
}
