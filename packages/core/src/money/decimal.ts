import Decimal from 'decimal.js';

/**
 * The one Decimal used for every price, quantity, fee and PnL. A private clone so that no other
 * library's configuration of decimal.js can change our precision or rounding.
 */
export const Dec = Decimal.clone({
  precision: 40,
  rounding: Decimal.ROUND_HALF_EVEN,
  toExpNeg: -30,
  toExpPos: 40,
});
export type Dec = InstanceType<typeof Dec>;

export type DecInput = Dec | string | number;

/**
 * Recently parsed strings. Decimals are immutable, and the same few strings (a plan's prices, a
 * market's steps, a position's quantities) are parsed over and over by the position machine.
 */
const parsed = new Map<string, Dec>();
const PARSED_MAX = 4096;

/** Parses a decimal; throws on NaN/Infinity/garbage. Numbers are accepted only as literals from code. */
export function dec(value: DecInput): Dec {
  if (value instanceof Dec) return checkFinite(value, value);
  if (typeof value !== 'string') return checkFinite(new Dec(value), value);
  let d = parsed.get(value);
  if (d === undefined) {
    d = checkFinite(new Dec(value), value);
    if (parsed.size >= PARSED_MAX) parsed.clear();
    parsed.set(value, d);
  }
  return d;
}

function checkFinite(d: Dec, value: DecInput): Dec {
  if (!d.isFinite()) throw new RangeError(`not a finite decimal: ${String(value)}`);
  return d;
}

/** Parses a decimal string, returning null instead of throwing. */
export function tryDec(value: unknown): Dec | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  if (typeof value === 'string' && !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value.trim())) return null;
  try {
    const d = new Dec(typeof value === 'string' ? value.trim() : value);
    return d.isFinite() ? d : null;
  } catch {
    return null;
  }
}

/** Canonical decimal string: no exponent, no trailing zeros ("70000", "0.0015"). */
export function decStr(value: DecInput): string {
  return dec(value).toFixed();
}

/** Rounds down (towards zero) to a multiple of step, e.g. a quantity to the lot size. */
export function floorToStep(value: DecInput, step: DecInput): Dec {
  const s = dec(step);
  if (s.lte(0)) return dec(value);
  return dec(value).div(s).toDecimalPlaces(0, Dec.ROUND_DOWN).mul(s);
}

/** Rounds to the nearest multiple of step (half away from zero), e.g. a price to the tick size. */
export function roundToStep(value: DecInput, step: DecInput): Dec {
  const s = dec(step);
  if (s.lte(0)) return dec(value);
  return dec(value).div(s).toDecimalPlaces(0, Dec.ROUND_HALF_UP).mul(s);
}

/** Rounds up (away from zero) to a multiple of step. */
export function ceilToStep(value: DecInput, step: DecInput): Dec {
  const s = dec(step);
  if (s.lte(0)) return dec(value);
  return dec(value).div(s).toDecimalPlaces(0, Dec.ROUND_UP).mul(s);
}
