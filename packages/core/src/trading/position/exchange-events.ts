import { Dec, dec, decStr, roundDp, tryDec, PRICE_DP } from '../../money';
import { remainingQty } from './accounting';
import { beginClosing } from './closing';
import type { Ctx } from './context';
import { anomaly, notify } from './context';
import type { PositionEvent } from './events';
import { findOrder, isExitRole, isLive, isOpen } from './orders';
import { isTerminal } from './status';
import { newestStop } from './stop-policy';
import type { OrderRecord } from './state';

type Ev<T extends PositionEvent['type']> = Extract<PositionEvent, { type: T }>;

/** PENDING_NEW → NEW, and the exchange's order id. */
export function onOrderAccepted(ctx: Ctx, e: Ev<'order_accepted'>): boolean {
  const o = findOrder(ctx.s, e.leg);
  if (o == null) return false;
  let changed = false;
  if (o.status === 'PENDING_NEW') {
    o.status = 'NEW';
    changed = true;
  }
  if (typeof e.exchange_order_id === 'string' && e.exchange_order_id !== '' && o.exchange_order_id == null) {
    o.exchange_order_id = e.exchange_order_id;
    changed = true;
  }
  if (changed) o.updated_at = ctx.at;
  return changed;
}

function estimateFee(ctx: Ctx, o: OrderRecord, qty: Dec, price: Dec): Dec {
  const rate = o.kind === 'LIMIT' ? ctx.s.plan.fees.maker_rate : ctx.s.plan.fees.taker_rate;
  return qty.mul(price).mul(tryDec(rate) ?? 0);
}

/**
 * An execution of an order (incremental qty). Fills are money that moved, so they are accepted even on
 * an order we asked to cancel, but never beyond the order's qty, never (for exits) beyond the open
 * position (reduce-only), never twice for one fill id, and never once the position is over.
 */
export function onOrderFill(ctx: Ctx, e: Ev<'order_fill'>): boolean {
  const s = ctx.s;
  if (isTerminal(s)) return false;
  const o = findOrder(s, e.leg);
  if (o == null || o.role === 'liquidation' || o.status === 'REJECTED' || o.status === 'FILLED') return false;
  let qty = tryDec(e.qty);
  const price = tryDec(e.price);
  if (qty == null || qty.lte(0) || price == null || price.lte(0)) return false;
  const fillId = typeof e.fill_id === 'string' && e.fill_id !== '' ? e.fill_id : null;
  if (fillId != null && o.fills.some((f) => f.fill_id === fillId)) return false;
  const notes: string[] = [];
  const orderRoom = dec(o.qty).minus(dec(o.filled_qty));
  if (qty.gt(orderRoom)) {
    notes.push(`fill of ${decStr(qty)} on ${o.leg} capped to its open ${decStr(orderRoom)}`);
    qty = orderRoom;
  }
  if (isExitRole(o.role)) {
    const room = remainingQty(s);
    if (qty.gt(room)) {
      notes.push(`exit fill on ${o.leg} capped to the open position ${decStr(room)} (reduce-only)`);
      qty = room;
    }
  }
  if (qty.lte(0)) return false;
  for (const n of notes) anomaly(ctx, n);
  const feeGiven = tryDec(e.fee ?? null);
  const fee = feeGiven ?? estimateFee(ctx, o, qty, price);
  const feeAsset =
    typeof e.fee_asset === 'string' && e.fee_asset.trim() !== '' ? e.fee_asset.trim() : s.plan.quote_asset;
  o.fills.push({
    qty: decStr(qty),
    price: decStr(price),
    fee: decStr(fee),
    fee_asset: feeAsset,
    fee_estimated: feeGiven == null,
    fill_id: fillId,
    at: ctx.at,
  });
  const prevFilled = dec(o.filled_qty);
  const filled = prevFilled.plus(qty);
  const prevAvg = o.avg_fill_price == null ? new Dec(0) : dec(o.avg_fill_price);
  o.avg_fill_price = decStr(roundDp(prevAvg.mul(prevFilled).plus(price.mul(qty)).div(filled), PRICE_DP));
  o.filled_qty = decStr(filled);
  if (filled.gte(dec(o.qty))) o.status = 'FILLED';
  else if (o.status === 'PENDING_NEW' || o.status === 'NEW') o.status = 'PARTIALLY_FILLED';
  o.updated_at = ctx.at;
  return true;
}

/** The exchange confirms a cancel (ours, an expiry, or someone else's): the order is gone. */
export function onOrderCanceled(ctx: Ctx, e: Ev<'order_canceled'>): boolean {
  const o = findOrder(ctx.s, e.leg);
  if (o == null || !isOpen(o)) return false;
  o.status = 'CANCELED';
  o.updated_at = ctx.at;
  return true;
}

/**
 * The exchange refused an order. A TP → its slot is given up (the stop still protects that share).
 * The current stop → the position is closed at market (reason stop_rejected): never leave it
 * unprotected. A close → re-placed by the closing logic (bounded). Entries → the position goes on with
 * what filled, or ends CANCELED (entry_rejected) if nothing did.
 */
export function onOrderRejected(ctx: Ctx, e: Ev<'order_rejected'>): boolean {
  const s = ctx.s;
  const o = findOrder(s, e.leg);
  if (o == null || !isOpen(o) || o.role === 'liquidation') return false;
  const wasLive = isLive(o);
  const reason = typeof e.reason === 'string' && e.reason !== '' ? e.reason : 'rejected';
  o.status = dec(o.filled_qty).gt(0) ? 'CANCELED' : 'REJECTED';
  o.reject_reason = reason;
  o.updated_at = ctx.at;
  if (!wasLive) return true;
  notify(ctx, { kind: 'order_rejected', message: `Order ${o.leg} rejected: ${reason}`, leg: o.leg, reason });
  if (isTerminal(s)) return true;
  if (o.role === 'tp' && o.tp != null) {
    const slot = s.tp[o.tp - 1];
    const newest = [...s.orders].reverse().find((x) => x.role === 'tp' && x.tp === o.tp);
    if (slot?.status === 'pending' && newest === o) slot.status = 'failed';
  }
  if (o.role === 'stop' && newestStop(s) === o && remainingQty(s).gt(0))
    beginClosing(ctx, 'stop_rejected', reason);
  return true;
}
