import { Dec, dec } from '../../money';
import type { Ctx } from './context';
import type { LegRole, OrderRecord, OrderSpec, OrderStatus, PositionState } from './state';

const LIVE: ReadonlySet<OrderStatus> = new Set(['PENDING_NEW', 'NEW', 'PARTIALLY_FILLED']);

/** Working on the exchange and not asked to cancel. */
export function isLive(o: OrderRecord): boolean {
  return LIVE.has(o.status);
}

/** May still fill: live or waiting for a cancel confirmation. */
export function isOpen(o: OrderRecord): boolean {
  return LIVE.has(o.status) || o.status === 'PENDING_CANCEL';
}

export function isEntryRole(role: LegRole): boolean {
  return role === 'entry' || role === 'dca';
}

export function isExitRole(role: LegRole): boolean {
  return !isEntryRole(role);
}

/** Quantity not yet filled. */
export function openQty(o: OrderRecord): Dec {
  return dec(o.qty).minus(dec(o.filled_qty));
}

export function findOrder(s: PositionState, leg: unknown): OrderRecord | undefined {
  if (typeof leg !== 'string') return undefined;
  return s.orders.find((o) => o.leg === leg);
}

/**
 * The next leg key for a base: the base itself the first time, then `base-r2`, `base-r3`, … Bases never
 * end in `-rN`, and orders are never removed from the state, so a key is never used twice.
 */
export function nextLeg(s: PositionState, base: string): string {
  const used = s.orders.filter((o) => o.base === base).length;
  return used === 0 ? base : `${base}-r${used + 1}`;
}

/** Records a new order (PENDING_NEW) and emits its place_order command. Returns the record. */
export function placeOrder(
  ctx: Ctx,
  base: string,
  role: LegRole,
  tp: number | null,
  spec: OrderSpec,
): OrderRecord {
  const leg = nextLeg(ctx.s, base);
  const record: OrderRecord = {
    leg,
    base,
    role,
    tp,
    kind: spec.kind,
    side: spec.side,
    qty: spec.qty,
    price: spec.price ?? null,
    stop_price: spec.stop_price ?? null,
    reduce_only: spec.reduce_only,
    status: 'PENDING_NEW',
    filled_qty: '0',
    avg_fill_price: null,
    fills: [],
    exchange_order_id: null,
    reject_reason: null,
    created_at: ctx.at,
    updated_at: ctx.at,
  };
  ctx.s.orders.push(record);
  ctx.places.push({ type: 'place_order', leg, order: { ...spec } });
  return record;
}

/** Asks to cancel a live order (→ PENDING_CANCEL) and emits cancel_order; no-op otherwise. */
export function cancelOrder(ctx: Ctx, o: OrderRecord): void {
  if (!isLive(o)) return;
  o.status = 'PENDING_CANCEL';
  o.updated_at = ctx.at;
  ctx.cancels.push({ type: 'cancel_order', leg: o.leg });
}

/** Σ filled quantity of the orders matching `pred`. */
export function filledWhere(s: PositionState, pred: (o: OrderRecord) => boolean): Dec {
  let total = new Dec(0);
  for (const o of s.orders) if (pred(o)) total = total.plus(dec(o.filled_qty));
  return total;
}

/** Volume-weighted average fill price of the orders matching `pred`, or null if nothing filled. */
export function avgFillWhere(s: PositionState, pred: (o: OrderRecord) => boolean): Dec | null {
  let qty = new Dec(0);
  let cost = new Dec(0);
  for (const o of s.orders) {
    if (!pred(o)) continue;
    for (const f of o.fills) {
      qty = qty.plus(dec(f.qty));
      cost = cost.plus(dec(f.qty).mul(dec(f.price)));
    }
  }
  return qty.isZero() ? null : cost.div(qty);
}

/** Open quantity of live market exits (TP takes and closes): already on its way out. */
export function outstandingMarketExits(s: PositionState): Dec {
  let total = new Dec(0);
  for (const o of s.orders) {
    if (o.kind === 'MARKET' && isExitRole(o.role) && isOpen(o)) total = total.plus(openQty(o));
  }
  return total;
}
