import { Dec, dec, type DecInput } from './decimal';

/** Decimal places kept for USDT amounts (PnL, fees, notional, margin) in stored results. */
export const USDT_DP = 8;
/** Decimal places kept for computed prices (average entry/exit) in stored results. */
export const PRICE_DP = 12;
/** Decimal places kept for percentages in stored results. */
export const PCT_DP = 4;

/** Rounds to a number of decimal places, half-even (banker's rounding), for stored results. */
export function roundDp(value: DecInput, places: number): Dec {
  return dec(value).toDecimalPlaces(places, Dec.ROUND_HALF_EVEN);
}

/** `part / whole × 100`, or null when `whole` is zero. */
export function percentOf(part: DecInput, whole: DecInput): Dec | null {
  const w = dec(whole);
  if (w.isZero()) return null;
  return dec(part).div(w).mul(100);
}
