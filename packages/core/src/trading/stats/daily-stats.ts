import { Dec, decStr, roundDp, tryDec, PCT_DP, USDT_DP } from '../../money';
import { drawdownPct } from './drawdown';

/** What daily statistics need from a closed trade (a position with at least one entry fill). */
export interface ClosedTradeSummary {
  /** Epoch ms. */
  closed_at: number;
  /** Net realized PnL, fees included, USDT. */
  realized_pnl_usdt: string;
  /** Total fees paid, USDT (0 when absent). */
  fees_usdt?: string | null;
  /** Margin the trade used (avg entry × qty / leverage), USDT; used for per-trade % and as fallback base. */
  margin_usdt?: string | null;
}

export interface DailyStatsOptions {
  /** The user's offset from UTC for the day boundary (e.g. 120 for UTC+2); default 0. */
  utc_offset_minutes?: number;
  /** Capital at the start of the day: the base of the % figures and of the drawdown curve. */
  capital_usdt?: string | null;
}

/**
 * One day's aggregates (§5). Money in USDT strings. Percentages are of `base_usdt` — the capital when
 * given, else the sum of the day's margins (return on the margin deployed) — and null without a base.
 */
export interface DailyStats {
  day: string;
  /** The day window [from, to) in epoch ms. */
  from: number;
  to: number;
  trades: number;
  /** PnL > 0. */
  wins: number;
  /** PnL < 0. */
  losses: number;
  /** PnL exactly 0. */
  breakeven: number;
  /** wins / trades × 100; null with no trades. */
  win_rate_pct: string | null;
  /** Net realized PnL (after fees). */
  realized_usdt: string;
  fees_usdt: string;
  /** Realized PnL before fees (realized + fees). */
  gross_usdt: string;
  /** gross_usdt / base × 100. */
  gross_pct: string | null;
  /** realized_usdt / base × 100. */
  net_pct: string | null;
  /** Mean of each trade's net PnL / its margin × 100 (trades without margin skipped). */
  avg_trade_pct: string | null;
  base_usdt: string | null;
  /** Peak-to-trough drawdown % of the equity curve base, base + pnl₁, base + pnl₁ + pnl₂, … in close order. */
  max_drawdown_pct: string | null;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

function pct(part: Dec, base: Dec | null): string | null {
  if (base == null || base.lte(0)) return null;
  return decStr(roundDp(part.div(base).mul(100), PCT_DP));
}

/**
 * Aggregates the trades that closed on `day` ("YYYY-MM-DD" in the user's offset): counts, wins/losses,
 * realized/gross USDT and %, average trade %, and the max drawdown over the day's sequence of closes.
 * Throws RangeError only for a malformed `day` (a programming error).
 */
export function dailyStats(
  closedTrades: readonly ClosedTradeSummary[],
  day: string,
  options: DailyStatsOptions = {},
): DailyStats {
  const m = DAY.exec(day);
  if (!m) throw new RangeError(`day must be YYYY-MM-DD, got ${day}`);
  const from =
    Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - (options.utc_offset_minutes ?? 0) * 60_000;
  const to = from + DAY_MS;
  const today = closedTrades
    .filter((t) => t.closed_at >= from && t.closed_at < to)
    .map((t, i) => ({ t, i }))
    .sort((a, b) => a.t.closed_at - b.t.closed_at || a.i - b.i)
    .map(({ t }) => ({
      pnl: tryDec(t.realized_pnl_usdt) ?? new Dec(0),
      fees: tryDec(t.fees_usdt ?? null) ?? new Dec(0),
      margin: tryDec(t.margin_usdt ?? null),
    }));

  let realized = new Dec(0);
  let fees = new Dec(0);
  let marginSum = new Dec(0);
  let wins = 0;
  let losses = 0;
  const tradePcts: Dec[] = [];
  for (const t of today) {
    realized = realized.plus(t.pnl);
    fees = fees.plus(t.fees);
    if (t.pnl.gt(0)) wins++;
    else if (t.pnl.lt(0)) losses++;
    if (t.margin != null && t.margin.gt(0)) {
      marginSum = marginSum.plus(t.margin);
      tradePcts.push(t.pnl.div(t.margin).mul(100));
    }
  }
  const capital = tryDec(options.capital_usdt ?? null);
  const base = capital != null && capital.gt(0) ? capital : marginSum.gt(0) ? marginSum : null;
  let equity = base ?? new Dec(0);
  const curve = [equity];
  for (const t of today) {
    equity = equity.plus(t.pnl);
    curve.push(equity);
  }
  const gross = realized.plus(fees);
  const n = today.length;
  return {
    day,
    from,
    to,
    trades: n,
    wins,
    losses,
    breakeven: n - wins - losses,
    win_rate_pct: n === 0 ? null : decStr(roundDp(new Dec(wins).div(n).mul(100), PCT_DP)),
    realized_usdt: decStr(roundDp(realized, USDT_DP)),
    fees_usdt: decStr(roundDp(fees, USDT_DP)),
    gross_usdt: decStr(roundDp(gross, USDT_DP)),
    gross_pct: pct(gross, base),
    net_pct: pct(realized, base),
    avg_trade_pct:
      tradePcts.length === 0
        ? null
        : decStr(roundDp(tradePcts.reduce((a, x) => a.plus(x), new Dec(0)).div(tradePcts.length), PCT_DP)),
    base_usdt: base == null ? null : decStr(roundDp(base, USDT_DP)),
    max_drawdown_pct: base == null ? null : drawdownPct(curve.map((e) => e.toFixed())),
  };
}
