import { Dec, dec, decStr, roundDp, PCT_DP, PRICE_DP, USDT_DP } from '../../money';
import { isEntryRole } from './orders';
import type { PositionState } from './state';

/** +1 for LONG, −1 for SHORT. */
export function directionSign(s: PositionState): 1 | -1 {
  return s.plan.direction === 'LONG' ? 1 : -1;
}

/** Exact (unrounded) accounting totals, recomputed from every fill of every order. */
export interface Totals {
  entryQty: Dec;
  entryCost: Dec;
  exitQty: Dec;
  exitProceeds: Dec;
  feesQuote: Dec;
  feesOther: Map<string, Dec>;
}

export function totals(s: PositionState): Totals {
  const t: Totals = {
    entryQty: new Dec(0),
    entryCost: new Dec(0),
    exitQty: new Dec(0),
    exitProceeds: new Dec(0),
    feesQuote: new Dec(0),
    feesOther: new Map(),
  };
  for (const o of s.orders) {
    const entry = isEntryRole(o.role);
    for (const f of o.fills) {
      const q = dec(f.qty);
      const value = q.mul(dec(f.price));
      if (entry) {
        t.entryQty = t.entryQty.plus(q);
        t.entryCost = t.entryCost.plus(value);
      } else {
        t.exitQty = t.exitQty.plus(q);
        t.exitProceeds = t.exitProceeds.plus(value);
      }
      if (f.fee_asset === s.plan.quote_asset) t.feesQuote = t.feesQuote.plus(dec(f.fee));
      else t.feesOther.set(f.fee_asset, (t.feesOther.get(f.fee_asset) ?? new Dec(0)).plus(dec(f.fee)));
    }
  }
  return t;
}

/** Remaining open quantity from the fills (never negative). */
export function remainingQty(s: PositionState): Dec {
  const t = totals(s);
  const r = t.entryQty.minus(t.exitQty);
  return r.lt(0) ? new Dec(0) : r;
}

/**
 * Recomputes the accounting snapshot of the state from the orders' fills (freqtrade-style: the fills
 * are the truth). Realized PnL = sign × (Σ exit value − avg entry × Σ exit qty) − Σ quote-asset fees,
 * with avg entry = Σ entry value / Σ entry qty over all entry fills; once fully closed this is exactly
 * the cash result. Percentages: on margin (avg entry × entry qty / leverage) and unleveraged.
 */
export function recomputeAccounting(s: PositionState): void {
  const t = totals(s);
  const sign = directionSign(s);
  const remaining = t.entryQty.minus(t.exitQty);
  s.entry_filled_qty = decStr(t.entryQty);
  s.exit_filled_qty = decStr(t.exitQty);
  s.remaining_qty = decStr(remaining.lt(0) ? 0 : remaining);
  s.avg_entry_price = t.entryQty.isZero() ? null : decStr(roundDp(t.entryCost.div(t.entryQty), PRICE_DP));
  s.avg_exit_price = t.exitQty.isZero() ? null : decStr(roundDp(t.exitProceeds.div(t.exitQty), PRICE_DP));
  const gross = t.entryQty.isZero()
    ? new Dec(0)
    : t.exitProceeds.minus(t.entryCost.mul(t.exitQty).div(t.entryQty)).mul(sign);
  const realized = gross.minus(t.feesQuote);
  s.realized_pnl_usdt = decStr(roundDp(realized, USDT_DP));
  s.fees_usdt = decStr(roundDp(t.feesQuote, USDT_DP));
  const other: Record<string, string> = {};
  for (const asset of [...t.feesOther.keys()].sort()) other[asset] = decStr(t.feesOther.get(asset) ?? 0);
  s.fees_other = other;
  if (t.entryCost.isZero()) {
    s.margin_usdt = null;
    s.realized_pnl_pct = null;
    s.realized_pnl_pct_unleveraged = null;
  } else {
    const margin = t.entryCost.div(s.plan.leverage);
    s.margin_usdt = decStr(roundDp(margin, USDT_DP));
    s.realized_pnl_pct = decStr(roundDp(realized.div(margin).mul(100), PCT_DP));
    s.realized_pnl_pct_unleveraged = decStr(roundDp(realized.div(t.entryCost).mul(100), PCT_DP));
  }
  s.highest_tp_reached = s.tp.reduce(
    (h, slot) => (slot.status === 'filled' || slot.status === 'taken' ? Math.max(h, slot.n) : h),
    0,
  );
}
