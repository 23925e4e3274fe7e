import { Dec, decStr, roundDp, tryDec, PCT_DP } from '../../money';
import type { OutcomeStatus } from './signal-outcome';

/**
 * One signal as the statistics see it. `status` null = not tracked yet (counted as open);
 * `UNTRACKED` = published before outcome tracking existed (counted apart, never in the rates).
 */
export interface OutcomeSummaryRow {
  status: OutcomeStatus | 'UNTRACKED' | null;
  /** % at 1× of a closed signal. */
  profit_pct: string | null;
}

export interface OutcomeSummary {
  total_signals: number;
  wins: number;
  losses: number;
  breakeven: number;
  cancelled: number;
  expired: number;
  /** Waiting for the entry or entered and still running (and not yet tracked). */
  open: number;
  untracked: number;
  /** wins / (wins + losses) × 100, 4 places half-even; null without wins or losses. */
  win_rate: string | null;
  /** Mean profit % at 1× over closed signals (wins, losses and breakevens), 4 places; null without any. */
  average_profit: string | null;
  /** Sum of those profit %, 4 places; null without any. */
  total_profit: string | null;
}

/** Counts and rates of a set of signals (every percentage a decimal string, never a float). */
export function summarizeOutcomes(rows: Iterable<OutcomeSummaryRow>): OutcomeSummary {
  const out: OutcomeSummary = {
    total_signals: 0,
    wins: 0,
    losses: 0,
    breakeven: 0,
    cancelled: 0,
    expired: 0,
    open: 0,
    untracked: 0,
    win_rate: null,
    average_profit: null,
    total_profit: null,
  };
  let sum = new Dec(0);
  let closed = 0;
  for (const r of rows) {
    out.total_signals++;
    switch (r.status) {
      case 'WIN':
      case 'LOSS':
      case 'BREAKEVEN': {
        if (r.status === 'WIN') out.wins++;
        else if (r.status === 'LOSS') out.losses++;
        else out.breakeven++;
        closed++;
        sum = sum.plus(tryDec(r.profit_pct) ?? 0);
        break;
      }
      case 'CANCELLED':
        out.cancelled++;
        break;
      case 'EXPIRED':
        out.expired++;
        break;
      case 'UNTRACKED':
        out.untracked++;
        break;
      default:
        out.open++;
    }
  }
  const decided = out.wins + out.losses;
  if (decided > 0) out.win_rate = decStr(roundDp(new Dec(out.wins).div(decided).mul(100), PCT_DP));
  if (closed > 0) {
    out.average_profit = decStr(roundDp(sum.div(closed), PCT_DP));
    out.total_profit = decStr(roundDp(sum, PCT_DP));
  }
  return out;
}
