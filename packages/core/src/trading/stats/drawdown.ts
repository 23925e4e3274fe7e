import { Dec, decStr, roundDp, tryDec, PCT_DP } from '../../money';

/** A point of an equity curve: equity (USDT) at an instant (epoch ms). */
export interface EquityPoint {
  at: number;
  equity: string;
}

/**
 * Maximum peak-to-trough drawdown, in % of the running peak, over an ordered equity curve:
 * max over j of (max(v₀…vⱼ) − vⱼ) / max(v₀…vⱼ) × 100. Peaks ≤ 0 and unparsable values are skipped.
 * Returns "0" for fewer than two usable points. Rounded to {@link PCT_DP} places.
 */
export function drawdownPct(points: readonly (string | number)[]): string {
  let peak: Dec | null = null;
  let worst = new Dec(0);
  for (const p of points) {
    const v = tryDec(p);
    if (v == null) continue;
    if (peak == null || v.gt(peak)) peak = v;
    if (peak.lte(0)) continue;
    const dd = peak.minus(v).div(peak).mul(100);
    if (dd.gt(worst)) worst = dd;
  }
  return decStr(roundDp(worst, PCT_DP));
}

/** {@link drawdownPct} over the points of the last `windowMs` (default 24 h) before `now`, in time order. */
export function rollingDrawdownPct(
  points: readonly EquityPoint[],
  now: number,
  windowMs = 24 * 60 * 60_000,
): string {
  const from = now - windowMs;
  const inWindow = points.filter((p) => p.at >= from && p.at <= now).sort((a, b) => a.at - b.at);
  return drawdownPct(inWindow.map((p) => p.equity));
}
