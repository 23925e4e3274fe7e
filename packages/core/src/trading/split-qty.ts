import { Dec, dec, decStr, floorToStep, tryDec } from '../money';
import { meetsMinimums, type MarketRules } from './market-rules';

/**
 * Splits `total` into shares proportional to `weights`:
 * - every share but the last is rounded down to the lot size;
 * - a share that would break the market minimums at its price (`prices[i]`, null = qty rules only) is
 *   set to 0 and its raw amount carried into the next share, so small ladders merge forwards;
 * - the last share takes the remainder, so the shares always add up to `total` exactly;
 * - if that remainder itself breaks the minimums, it is merged into the last non-zero share before it.
 * Weights that sum to 0 give everything to the last share.
 */
export function splitQty(
  total: Dec,
  weights: readonly Dec[],
  market: MarketRules,
  prices: readonly (Dec | null)[],
): Dec[] {
  const n = weights.length;
  if (n === 0) return [];
  const weightSum = weights.reduce((a, w) => a.plus(w), new Dec(0));
  const shares: Dec[] = [];
  let allocated = new Dec(0);
  let carry = new Dec(0);
  for (let i = 0; i < n - 1; i++) {
    const raw = weightSum.isZero()
      ? new Dec(0)
      : total
          .mul(weights[i] ?? 0)
          .div(weightSum)
          .plus(carry);
    let q = floorToStep(raw, market.lotSize);
    if (q.gt(total.minus(allocated))) q = total.minus(allocated);
    if (!meetsMinimums(q, prices[i] ?? null, market)) {
      shares.push(new Dec(0));
      carry = raw;
      continue;
    }
    shares.push(q);
    allocated = allocated.plus(q);
    carry = new Dec(0);
  }
  let last = total.minus(allocated);
  if (last.gt(0) && !meetsMinimums(last, prices[n - 1] ?? null, market)) {
    for (let j = shares.length - 1; j >= 0; j--) {
      const s = shares[j];
      if (s != null && s.gt(0)) {
        shares[j] = s.plus(last);
        last = new Dec(0);
        break;
      }
    }
  }
  shares.push(last);
  return shares;
}

/** Tolerance on the sum of TP split percentages (33.33 + 33.33 + 33.33 is accepted). */
export const TP_SPLIT_TOLERANCE_PCT = '0.01';

/**
 * Resolves the user's TP split percentages for `count` targets into relative weights (decimal strings):
 * absent or empty → equal split (weight "1" each). Otherwise there must be one non-negative
 * percentage per target, summing to 100 (± {@link TP_SPLIT_TOLERANCE_PCT}); the last target always takes
 * what remains after lot rounding, so a small deviation never leaves quantity behind.
 */
export function resolveTpWeights(
  count: number,
  pct?: readonly number[] | null,
): { weights: string[] } | { error: string } {
  if (pct == null || pct.length === 0) return { weights: Array.from({ length: count }, () => '1') };
  if (pct.length !== count) {
    return { error: `tp_split_pct has ${pct.length} entries for ${count} targets` };
  }
  const parsed: Dec[] = [];
  for (const p of pct) {
    const d = tryDec(p);
    if (d == null || d.lt(0)) return { error: `tp_split_pct entries must be numbers ≥ 0 (got ${String(p)})` };
    parsed.push(d);
  }
  const sum = parsed.reduce((a, d) => a.plus(d), new Dec(0));
  if (sum.minus(100).abs().gt(dec(TP_SPLIT_TOLERANCE_PCT))) {
    return { error: `tp_split_pct must sum to 100 (got ${decStr(sum)})` };
  }
  return { weights: parsed.map((d) => decStr(d)) };
}

/**
 * The take-profit ladder quantities for a position of `qty` (what {@link splitQty} gives with the
 * targets as prices). Returns the quantities as strings, or an error for a bad split.
 */
export function splitTakeProfits(
  qty: string,
  targets: readonly string[],
  tpSplitPct: readonly number[] | null | undefined,
  market: MarketRules,
): { qtys: string[] } | { error: string } {
  const w = resolveTpWeights(targets.length, tpSplitPct);
  if ('error' in w) return w;
  const total = tryDec(qty);
  if (total == null || total.lt(0)) return { error: `qty must be a decimal ≥ 0 (got ${qty})` };
  const prices = targets.map((t) => tryDec(t));
  const shares = splitQty(
    total,
    w.weights.map((x) => dec(x)),
    market,
    prices,
  );
  return { qtys: shares.map((s) => decStr(s)) };
}
