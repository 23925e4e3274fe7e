import { Dec, dec, type DecInput } from './decimal';

/** Sum of decimals; 0 for an empty list. */
export function decSum(values: readonly DecInput[]): Dec {
  let total = new Dec(0);
  for (const v of values) total = total.plus(dec(v));
  return total;
}

/** The smaller of two decimals (the first when equal). */
export function decMin(a: DecInput, b: DecInput): Dec {
  const x = dec(a);
  const y = dec(b);
  return y.lt(x) ? y : x;
}

/** The larger of two decimals (the first when equal). */
export function decMax(a: DecInput, b: DecInput): Dec {
  const x = dec(a);
  const y = dec(b);
  return y.gt(x) ? y : x;
}
