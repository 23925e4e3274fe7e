import type { Dec } from '../money';
import { ceilToStep, dec, decStr, floorToStep, roundToStep, tryDec, type DecInput } from '../money';

/**
 * An exchange market's trading filters, as decimal strings (e.g. Binance `PRICE_FILTER.tickSize`,
 * `LOT_SIZE.stepSize`, `LOT_SIZE.minQty`, `MIN_NOTIONAL.notional`). A zero step means "no rounding",
 * a zero minimum means "no minimum".
 */
export interface MarketRules {
  tickSize: string;
  lotSize: string;
  minQty: string;
  minNotional: string;
}

/** How a price is moved onto the tick grid. */
export type PriceRounding = 'nearest' | 'down' | 'up';

/** Why an order size is refused by the market's minimums. */
export type MinimumCode = 'below_min_qty' | 'below_min_notional';

/** Outcome of {@link checkOrderMinimums}: `ok`, or the first violated rule with a readable reason. */
export type MinimumsCheck = { ok: true } | { ok: false; code: MinimumCode; reason: string };

/** Returns the problems with a set of market rules (empty when valid): every field a decimal ≥ 0. */
export function validateMarketRules(rules: MarketRules): string[] {
  const errors: string[] = [];
  for (const field of ['tickSize', 'lotSize', 'minQty', 'minNotional'] as const) {
    const v = tryDec(rules?.[field]);
    if (v == null || v.lt(0)) errors.push(`market.${field} must be a decimal ≥ 0`);
  }
  return errors;
}

/** Rounds a price onto the tick grid (nearest by default); returns a canonical decimal string. */
export function roundPriceToTick(
  price: DecInput,
  rules: Pick<MarketRules, 'tickSize'>,
  mode: PriceRounding = 'nearest',
): string {
  return decStr(priceToTick(price, rules.tickSize, mode));
}

/** Rounds a quantity down to the lot size (never up: we never buy more than was sized). */
export function floorQtyToLot(qty: DecInput, rules: Pick<MarketRules, 'lotSize'>): string {
  return decStr(floorToStep(qty, rules.lotSize));
}

/**
 * Checks a quantity (already on the lot grid) at a price against the market's minimums:
 * qty > 0 and qty ≥ minQty (`below_min_qty`), qty × price ≥ minNotional (`below_min_notional`). Reasons name the numbers involved.
 */
export function checkOrderMinimums(qty: DecInput, price: DecInput, rules: MarketRules): MinimumsCheck {
  const q = dec(qty);
  const notional = q.mul(dec(price));
  if (q.lte(0)) {
    return {
      ok: false,
      code: 'below_min_qty',
      reason: `Quantity rounds down to 0 at lot size ${rules.lotSize} (minimum quantity ${rules.minQty})`,
    };
  }
  if (q.lt(dec(rules.minQty))) {
    return {
      ok: false,
      code: 'below_min_qty',
      reason: `Quantity ${decStr(q)} is below the market's minimum quantity ${rules.minQty}`,
    };
  }
  if (notional.lt(dec(rules.minNotional))) {
    return {
      ok: false,
      code: 'below_min_notional',
      reason: `Order value ${decStr(notional)} USDT is below the market's minimum notional ${rules.minNotional} USDT`,
    };
  }
  return { ok: true };
}

/** True when an order of `qty` at `price` passes every market minimum (`price` null: qty rules only). */
export function meetsMinimums(qty: Dec, price: Dec | null, rules: MarketRules): boolean {
  if (qty.lte(0) || qty.lt(dec(rules.minQty))) return false;
  return price == null || qty.mul(price).gte(dec(rules.minNotional));
}

/** Internal: a price on the tick grid as a Dec. */
export function priceToTick(price: DecInput, tickSize: string, mode: PriceRounding = 'nearest'): Dec {
  if (mode === 'down') return floorToStep(price, tickSize);
  if (mode === 'up') return ceilToStep(price, tickSize);
  return roundToStep(price, tickSize);
}
