import { Dec, dec, decStr } from '../../money';
import { exitSide } from '../../types';
import { priceToTick } from '../market-rules';
import { splitQty } from '../split-qty';
import { remainingQty } from './accounting';
import type { Ctx } from './context';
import { notify } from './context';
import {
  avgFillWhere,
  cancelOrder,
  filledWhere,
  isLive,
  openQty,
  outstandingMarketExits,
  placeOrder,
} from './orders';
import type { PositionState, TpSlot } from './state';

/**
 * The price of TP n now: the signal's target on the tick grid; with DCA, once a safety order has filled,
 * target × avg entry / reference entry (keeps each target's % distance from the signal's entry).
 * The reference is the plan's `entry_reference`, else the base order's average fill price.
 */
export function ladderPrice(s: PositionState, slot: TpSlot): Dec {
  const tick = s.plan.market.tickSize;
  const target = dec(slot.target);
  const dcaFilled = s.plan.dca != null && filledWhere(s, (o) => o.role === 'dca').gt(0);
  if (!dcaFilled || s.avg_entry_price == null) return priceToTick(target, tick);
  const ref =
    s.plan.entry_reference != null ? dec(s.plan.entry_reference) : avgFillWhere(s, (o) => o.role === 'entry');
  if (ref == null || ref.lte(0)) return priceToTick(target, tick);
  return priceToTick(target.mul(dec(s.avg_entry_price)).div(ref), tick);
}

/** Re-prices the pending TP slots (DCA re-basing); notifies when the ladder moved. */
export function updateLadderPrices(ctx: Ctx): void {
  let changed = false;
  for (const slot of ctx.s.tp) {
    if (slot.status !== 'pending') continue;
    const price = decStr(ladderPrice(ctx.s, slot));
    if (price !== slot.price) {
      slot.price = price;
      changed = true;
    }
  }
  if (changed && ctx.s.avg_entry_price != null) {
    notify(ctx, {
      kind: 'ladder_updated',
      message: `TP ladder re-based on the average entry ${ctx.s.avg_entry_price}`,
      avg_entry_price: ctx.s.avg_entry_price,
    });
  }
}

/**
 * What each pending TP should still have on the book. Shares come from the filled entry quantity split
 * by the user's weights ({@link splitQty}); a pending slot wants its share minus what it already exited;
 * the highest pending slot takes everything left (remaining minus market exits in flight), so the
 * ladder always adds up to the open quantity exactly. Reached/failed slots want nothing.
 */
export function desiredTpQtys(s: PositionState): Map<number, Dec> {
  const want = new Map<number, Dec>();
  const pending = s.tp.filter((t) => t.status === 'pending');
  if (pending.length === 0) return want;
  const shares = splitQty(
    dec(s.entry_filled_qty),
    s.tp.map((t) => dec(t.weight)),
    s.plan.market,
    s.tp.map((t) => dec(t.price)),
  );
  let budget = remainingQty(s).minus(outstandingMarketExits(s));
  if (budget.lt(0)) budget = new Dec(0);
  const last = pending[pending.length - 1];
  for (const slot of pending) {
    if (slot === last) {
      want.set(slot.n, budget);
      break;
    }
    const exited = filledWhere(s, (o) => (o.role === 'tp' || o.role === 'tp_take') && o.tp === slot.n);
    let q = (shares[slot.n - 1] ?? new Dec(0)).minus(exited);
    if (q.lt(0)) q = new Dec(0);
    if (q.gt(budget)) q = budget;
    budget = budget.minus(q);
    want.set(slot.n, q);
  }
  return want;
}

/**
 * Makes the book's TP orders match {@link desiredTpQtys}: keeps a live order with the right price and
 * open quantity, cancels the rest (and every TP order of a slot no longer pending), places what is
 * missing as a reduce-only LIMIT with a new leg key (`tp-n`, `tp-n-r2`, …). Orders of TPs removed by an
 * edit are cancelled too.
 */
export function syncTakeProfits(ctx: Ctx): void {
  const s = ctx.s;
  const want = desiredTpQtys(s);
  const side = exitSide(s.plan.direction);
  const kept = new Set<number>();
  for (const o of s.orders) {
    if (o.role !== 'tp' || !isLive(o)) continue;
    const slot = o.tp == null ? undefined : s.tp[o.tp - 1];
    const q = slot?.status === 'pending' ? (want.get(slot.n) ?? new Dec(0)) : new Dec(0);
    if (slot != null && !kept.has(slot.n) && q.gt(0) && o.price === slot.price && openQty(o).eq(q))
      kept.add(slot.n);
    else cancelOrder(ctx, o);
  }
  for (const slot of s.tp) {
    const q = want.get(slot.n) ?? new Dec(0);
    if (slot.status !== 'pending' || kept.has(slot.n) || q.lte(0)) continue;
    placeOrder(ctx, `tp-${slot.n}`, 'tp', slot.n, {
      kind: 'LIMIT',
      side,
      qty: decStr(q),
      price: slot.price,
      reduce_only: true,
    });
  }
}
