import { decStr, tryDec } from '@verzek/core';

/** Digits of the integer part in a key: prices up to 10^24 − 1. */
const INT_DIGITS = 24;
const CANONICAL = /^(0|[1-9]\d*)(\.\d*[1-9])?$/;

/**
 * An exact, order-preserving string key for a positive decimal price: the integer part left-padded
 * with zeros to a fixed width, then the canonical fraction (no trailing zeros). Plain string
 * comparison (`<`) of two keys orders them exactly as the decimals they stand for — no floats, and
 * `"95000.10"` and `"95000.1"` get the same key.
 *
 * @throws RangeError for a value that is not a positive decimal below 10^24.
 */
export function levelKey(price: string): string {
  let canonical = price;
  if (!CANONICAL.test(price)) {
    const d = tryDec(price);
    if (d === null) throw new RangeError(`not a decimal price: ${JSON.stringify(price)}`);
    canonical = decStr(d);
    if (!CANONICAL.test(canonical)) throw new RangeError(`price must be positive: ${price}`);
  }
  const dot = canonical.indexOf('.');
  const int = dot < 0 ? canonical : canonical.slice(0, dot);
  if (int.length > INT_DIGITS) throw new RangeError(`price too large: ${price}`);
  if (int === '0' && dot < 0) throw new RangeError(`price must be positive: ${price}`);
  return dot < 0 ? int.padStart(INT_DIGITS, '0') : int.padStart(INT_DIGITS, '0') + canonical.slice(dot);
}
