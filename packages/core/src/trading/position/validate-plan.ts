import { Dec, dec, decStr, floorToStep, tryDec } from '../../money';
import type { Direction } from '../../types';
import { validateMarketRules } from '../market-rules';
import { resolveTpWeights } from '../split-qty';
import { baseFraction, safetyDeviationPct } from './entries';
import type { PositionPlan } from './plan';

/** Most take-profit targets a position may have (§3). */
export const MAX_POSITION_TARGETS = 10;
/** Most parts a zone entry may be split into. */
export const MAX_ZONE_PARTS = 20;
/** Most DCA safety orders. */
export const MAX_SAFETY_ORDERS = 20;
/** Highest leverage accepted. */
export const MAX_POSITION_LEVERAGE = 125;

function positive(v: unknown): Dec | null {
  const d = tryDec(v);
  return d != null && d.gt(0) ? d : null;
}

function isInt(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

/** Problems with a target list (empty when valid): ≤ 10 positive prices, strictly away from the entry. */
export function validateTargets(direction: Direction, targets: unknown): string[] {
  if (!Array.isArray(targets)) return ['targets must be an array'];
  if (targets.length > MAX_POSITION_TARGETS) return [`at most ${MAX_POSITION_TARGETS} targets`];
  const parsed = targets.map(positive);
  if (parsed.some((t) => t == null)) return ['every target must be a positive decimal string'];
  for (let i = 1; i < parsed.length; i++) {
    const a = parsed[i - 1] as Dec;
    const b = parsed[i] as Dec;
    if (direction === 'LONG' ? !b.gt(a) : !b.lt(a)) {
      return [
        `targets must be strictly ${direction === 'LONG' ? 'ascending' : 'descending'} for a ${direction}`,
      ];
    }
  }
  return [];
}

/** The entry's price range, where the plan says it (null for a market entry). */
function entryRange(plan: PositionPlan): { low: Dec; high: Dec } | null {
  const e = plan.entry;
  if (e?.type === 'limit') {
    const p = positive(e.price);
    return p == null ? null : { low: p, high: p };
  }
  if (e?.type === 'zone') {
    const low = positive(e.low);
    const high = positive(e.high);
    return low == null || high == null ? null : { low, high };
  }
  const ref = positive(plan.entry_reference);
  return ref == null ? null : { low: ref, high: ref };
}

function validateEntry(plan: PositionPlan): string[] {
  const e = plan.entry;
  if (e == null || typeof e !== 'object') return ['entry is required'];
  if (e.type === 'market') return [];
  if (e.type === 'limit') return positive(e.price) == null ? ['entry.price must be a positive decimal'] : [];
  if (e.type === 'zone') {
    const errors: string[] = [];
    const low = positive(e.low);
    const high = positive(e.high);
    if (low == null || high == null || !high.gt(low)) errors.push('zone entry needs 0 < low < high');
    if (!isInt(e.parts, 1, MAX_ZONE_PARTS))
      errors.push(`zone parts must be an integer from 1 to ${MAX_ZONE_PARTS}`);
    return errors;
  }
  return ['entry.type must be market, limit or zone'];
}

function validateSides(plan: PositionPlan): string[] {
  const range = entryRange(plan);
  if (range == null) return [];
  const errors: string[] = [];
  const long = plan.direction === 'LONG';
  const stop = positive(plan.stop_loss);
  if (stop != null && (long ? !stop.lt(range.low) : !stop.gt(range.high))) {
    errors.push(`stop_loss must be ${long ? 'below' : 'above'} the entry for a ${plan.direction}`);
  }
  const first = Array.isArray(plan.targets) ? positive(plan.targets[0]) : null;
  if (first != null && (long ? !first.gt(range.low) : !first.lt(range.high))) {
    errors.push(`targets must be ${long ? 'above' : 'below'} the entry for a ${plan.direction}`);
  }
  return errors;
}

/** The (base) entry order must be worth the market's min notional where its price is known. */
function validateNotional(plan: PositionPlan): string[] {
  const range = entryRange(plan);
  const qty = positive(plan.qty);
  if (range == null || qty == null) return [];
  const d = plan.dca;
  const base =
    d == null
      ? qty
      : floorToStep(
          qty.mul(baseFraction({ ...d, base_fraction: d.base_fraction ?? null })),
          plan.market.lotSize,
        );
  const value = base.mul(range.low);
  const min = dec(plan.market.minNotional);
  if (value.gte(min)) return [];
  return [
    `the ${d == null ? 'entry' : 'DCA base'} order is worth ${decStr(value)} USDT, below the minimum notional ${plan.market.minNotional}`,
  ];
}

function validateDca(plan: PositionPlan): string[] {
  const d = plan.dca;
  if (d == null) return [];
  const errors: string[] = [];
  if (!isInt(d.safety_orders, 1, MAX_SAFETY_ORDERS))
    errors.push(`dca.safety_orders must be an integer from 1 to ${MAX_SAFETY_ORDERS}`);
  for (const k of ['price_deviation_pct', 'step_scale', 'volume_scale'] as const) {
    if (!(typeof d[k] === 'number' && Number.isFinite(d[k]) && d[k] > 0))
      errors.push(`dca.${k} must be a number > 0`);
  }
  const bf = d.base_fraction;
  if (bf != null && !(typeof bf === 'number' && bf > 0 && bf < 1))
    errors.push('dca.base_fraction must be between 0 and 1');
  if (plan.entry?.type === 'zone') errors.push('DCA cannot be combined with a zone entry');
  if (errors.length > 0) return errors;
  const resolved = { ...d, base_fraction: bf ?? null };
  const maxDev = safetyDeviationPct(resolved, d.safety_orders);
  if (plan.direction === 'LONG' && maxDev.gte(100))
    errors.push('DCA deviations reach 100% or more below the entry');
  const qty = positive(plan.qty);
  if (qty != null && plan.market != null) {
    const base = floorToStep(qty.mul(baseFraction(resolved)), plan.market.lotSize);
    if (base.lte(0) || base.lt(tryDec(plan.market.minQty) ?? 0))
      errors.push('DCA base order is below the minimum quantity');
    if (qty.minus(base).lte(0)) errors.push('DCA leaves nothing for the safety orders');
  }
  const range = entryRange(plan);
  const stop = positive(plan.stop_loss);
  if (range != null && stop != null && plan.direction === 'LONG') {
    if (range.low.mul(new Dec(1).minus(maxDev.div(100))).lte(stop))
      errors.push('the last DCA safety order would sit below the stop loss');
  }
  if (range != null && stop != null && plan.direction === 'SHORT') {
    if (range.high.mul(new Dec(1).plus(maxDev.div(100))).gte(stop))
      errors.push('the last DCA safety order would sit above the stop loss');
  }
  return errors;
}

/**
 * Every problem with a plan (empty when it can be opened): symbol, direction, leverage (integer 1–125),
 * market rules, qty (> 0, on the lot grid, ≥ min qty; worth the min notional where the entry price is
 * known), entry, targets (≤ 10, ordered away from the entry), TP split, stop (positive; on the losing
 * side where the entry price is known), breakeven mode, DCA settings, fee rates.
 */
export function validatePositionPlan(plan: PositionPlan): string[] {
  if (plan == null || typeof plan !== 'object') return ['plan is required'];
  const errors: string[] = [];
  if (typeof plan.symbol !== 'string' || plan.symbol.trim() === '') errors.push('symbol is required');
  if (plan.direction !== 'LONG' && plan.direction !== 'SHORT') errors.push('direction must be LONG or SHORT');
  if (!isInt(plan.leverage, 1, MAX_POSITION_LEVERAGE))
    errors.push(`leverage must be an integer from 1 to ${MAX_POSITION_LEVERAGE}`);
  const marketErrors = plan.market == null ? ['market rules are required'] : validateMarketRules(plan.market);
  errors.push(...marketErrors);
  const qty = positive(plan.qty);
  if (qty == null) errors.push('qty must be a positive decimal');
  else if (marketErrors.length === 0) {
    if (!floorToStep(qty, plan.market.lotSize).eq(qty))
      errors.push(`qty ${plan.qty} is not a multiple of the lot size ${plan.market.lotSize}`);
    if (qty.lt(dec(plan.market.minQty)))
      errors.push(`qty ${plan.qty} is below the minimum quantity ${plan.market.minQty}`);
  }
  errors.push(...validateEntry(plan));
  if (plan.entry_reference != null && positive(plan.entry_reference) == null)
    errors.push('entry_reference must be a positive decimal');
  if (plan.direction === 'LONG' || plan.direction === 'SHORT')
    errors.push(...validateTargets(plan.direction, plan.targets));
  const split = resolveTpWeights(Array.isArray(plan.targets) ? plan.targets.length : 0, plan.tp_split_pct);
  if ('error' in split) errors.push(split.error);
  if (plan.stop_loss != null && positive(plan.stop_loss) == null)
    errors.push('stop_loss must be a positive decimal or null');
  if (plan.breakeven != null && !['off', 'breakeven', 'moving_target'].includes(plan.breakeven)) {
    errors.push('breakeven must be off, breakeven or moving_target');
  }
  if (errors.length === 0)
    errors.push(...validateSides(plan), ...validateDca(plan), ...validateNotional(plan));
  const maker = tryDec(plan.fees?.maker_rate);
  const taker = tryDec(plan.fees?.taker_rate);
  if (maker == null || maker.lte(-1) || maker.gte(1))
    errors.push('fees.maker_rate must be a decimal fraction (e.g. "0.0002")');
  if (taker == null || taker.lt(0) || taker.gte(1))
    errors.push('fees.taker_rate must be a decimal fraction ≥ 0 (e.g. "0.0005")');
  return errors;
}
