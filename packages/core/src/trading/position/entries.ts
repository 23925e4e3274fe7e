import { Dec, dec, decStr, floorToStep } from '../../money';
import { entrySide } from '../../types';
import { priceToTick } from '../market-rules';
import { splitQty } from '../split-qty';
import type { Ctx } from './context';
import { notify } from './context';
import { avgFillWhere, isOpen, placeOrder } from './orders';
import type { ResolvedPlan } from './plan';
import type { PositionState } from './state';

/** One planned limit/market entry order. */
export interface PlannedEntry {
  base: string;
  qty: Dec;
  price: Dec | null;
}

/** The base order's share of the plan's qty: everything without DCA, else base_fraction of it. */
export function baseFraction(dca: ResolvedPlan['dca']): Dec {
  if (dca == null) return new Dec(1);
  if (dca.base_fraction != null) return dec(dca.base_fraction);
  let weights = new Dec(0);
  for (let k = 0; k < dca.safety_orders; k++) weights = weights.plus(dec(dca.volume_scale).pow(k));
  return new Dec(1).div(weights.plus(1));
}

/** Base order quantity: plan qty (× base fraction with DCA) down to the lot size. */
export function baseQty(plan: ResolvedPlan): Dec {
  const q = dec(plan.qty);
  return plan.dca == null ? q : floorToStep(q.mul(baseFraction(plan.dca)), plan.market.lotSize);
}

/** The prices of a zone's parts, nearest to the market first (LONG: high → low; SHORT: low → high). */
export function zonePrices(plan: ResolvedPlan, low: Dec, high: Dec, parts: number): Dec[] {
  const tick = plan.market.tickSize;
  if (parts <= 1) return [priceToTick(low.plus(high).div(2), tick)];
  const prices: Dec[] = [];
  for (let k = 0; k < parts; k++) {
    const offset = high
      .minus(low)
      .mul(k)
      .div(parts - 1);
    prices.push(priceToTick(plan.direction === 'LONG' ? high.minus(offset) : low.plus(offset), tick));
  }
  return prices;
}

/** The entry orders to place at open: `entry`, or `entry-z1…zN` for a zone. */
export function plannedEntries(plan: ResolvedPlan): PlannedEntry[] {
  const qty = baseQty(plan);
  const e = plan.entry;
  if (e.type === 'market') return [{ base: 'entry', qty, price: null }];
  if (e.type === 'limit') return [{ base: 'entry', qty, price: priceToTick(e.price, plan.market.tickSize) }];
  const prices = zonePrices(plan, dec(e.low), dec(e.high), e.parts);
  const shares = splitQty(
    qty,
    prices.map(() => new Dec(1)),
    plan.market,
    prices,
  );
  return prices
    .map((price, i) => ({ base: `entry-z${i + 1}`, qty: shares[i] ?? new Dec(0), price }))
    .filter((p) => p.qty.gt(0));
}

/** Places the planned entry orders (open time). */
export function placeEntries(ctx: Ctx): void {
  const plan = ctx.s.plan;
  const side = entrySide(plan.direction);
  for (const p of plannedEntries(plan)) {
    placeOrder(
      ctx,
      p.base,
      'entry',
      null,
      p.price == null
        ? { kind: 'MARKET', side, qty: decStr(p.qty), reduce_only: false }
        : { kind: 'LIMIT', side, qty: decStr(p.qty), price: decStr(p.price), reduce_only: false },
    );
  }
}

/** Cumulative deviation (%) of safety order k (1-based): dev × (1 + s + … + s^(k−1)). */
export function safetyDeviationPct(dca: NonNullable<ResolvedPlan['dca']>, k: number): Dec {
  let total = new Dec(0);
  for (let j = 0; j < k; j++) total = total.plus(dec(dca.step_scale).pow(j));
  return total.mul(dca.price_deviation_pct);
}

/** Safety order prices and sizes from the base order's average fill price. */
export function plannedSafetyOrders(plan: ResolvedPlan, basePrice: Dec): PlannedEntry[] {
  const dca = plan.dca;
  if (dca == null) return [];
  const sign = plan.direction === 'LONG' ? -1 : 1;
  const stop = plan.stop_loss == null ? null : dec(plan.stop_loss);
  const prices: Dec[] = [];
  const weights: Dec[] = [];
  for (let k = 1; k <= dca.safety_orders; k++) {
    const factor = new Dec(1).plus(safetyDeviationPct(dca, k).div(100).mul(sign));
    prices.push(priceToTick(basePrice.mul(factor), plan.market.tickSize));
    weights.push(dec(dca.volume_scale).pow(k - 1));
  }
  const rest = dec(plan.qty).minus(baseQty(plan));
  const shares = splitQty(rest, weights, plan.market, prices);
  return prices
    .map((price, i) => ({ base: `dca-${i + 1}`, qty: shares[i] ?? new Dec(0), price }))
    .filter((p) => {
      if (p.qty.lte(0) || p.price == null || p.price.lte(0)) return false;
      // a safety order at or beyond the stop could only fill after the stop: never place it
      if (stop == null) return true;
      return plan.direction === 'LONG' ? p.price.gt(stop) : p.price.lt(stop);
    });
}

/**
 * Places the DCA safety orders once the base order is complete (no base order open and something
 * filled), unless entries are closed (a TP was reached or the position is winding down).
 */
export function placeSafetyOrdersIfDue(ctx: Ctx): void {
  const s = ctx.s;
  if (s.plan.dca == null || s.dca_placed || s.entries_closed) return;
  const base = s.orders.filter((o) => o.role === 'entry');
  if (base.some(isOpen)) return;
  const basePrice = avgFillWhere(s, (o) => o.role === 'entry');
  if (basePrice == null) return;
  s.dca_placed = true;
  const side = entrySide(s.plan.direction);
  const legs: string[] = [];
  for (const p of plannedSafetyOrders(s.plan, basePrice)) {
    const o = placeOrder(ctx, p.base, 'dca', null, {
      kind: 'LIMIT',
      side,
      qty: decStr(p.qty),
      price: decStr(p.price ?? 0),
      reduce_only: false,
    });
    legs.push(o.leg);
  }
  if (legs.length > 0) {
    notify(ctx, { kind: 'dca_placed', message: `${legs.length} DCA safety orders placed`, legs });
  }
}

/** True while a market entry order is still open: exits wait until it settles. */
export function marketEntryOpen(s: PositionState): boolean {
  return s.orders.some((o) => o.role === 'entry' && o.kind === 'MARKET' && isOpen(o));
}
