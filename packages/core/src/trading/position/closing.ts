import { decStr } from '../../money';
import { exitSide } from '../../types';
import { remainingQty } from './accounting';
import type { Ctx } from './context';
import { notify } from './context';
import {
  cancelOrder,
  isEntryRole,
  isExitRole,
  isLive,
  isOpen,
  outstandingMarketExits,
  placeOrder,
} from './orders';
import type { CloseReason } from './state';
import { isTerminal } from './status';

/** Close orders placed at most per position; then `close_failed` is notified once. */
export const MAX_CLOSE_ATTEMPTS = 5;

const REASON_TEXT: Record<CloseReason, string> = {
  tp_all: 'all take-profits reached',
  stop_loss: 'stop loss',
  breakeven_stop: 'breakeven stop',
  target_stop: 'trailing target stop',
  signal_closed: 'closed by the signal source',
  signal_cancelled: 'cancelled by the signal source',
  manual: 'closed manually',
  liquidation: 'liquidated by the exchange',
  stop_rejected: 'the stop loss could not be placed',
  entry_rejected: 'the entry order was rejected',
  entry_canceled: 'the entry order was cancelled',
  invalid_plan: 'invalid trade plan',
};

export function reasonText(reason: CloseReason): string {
  return REASON_TEXT[reason];
}

/**
 * Starts winding the position down (first reason wins): no more entries; `reconcileClosing` then
 * cancels every open order and closes the remainder at market. Returns false if already closing/over.
 */
export function beginClosing(ctx: Ctx, reason: CloseReason, note: string | null = null): boolean {
  const s = ctx.s;
  if (s.closing != null || isTerminal(s)) return false;
  s.closing = { reason, note, since: ctx.at };
  s.entries_closed = true;
  notify(ctx, { kind: 'closing', message: `Closing: ${reasonText(reason)}`, reason });
  return true;
}

/** Ends the position: CLOSED if anything was filled, else CANCELED. */
function finalize(ctx: Ctx, reason: CloseReason, note: string | null): void {
  const s = ctx.s;
  const filled = s.entry_filled_qty !== '0';
  s.status = filled ? 'CLOSED' : 'CANCELED';
  s.close_reason = reason;
  s.close_note = note;
  s.closing = null;
  s.closed_at = ctx.at;
  if (filled) {
    notify(ctx, {
      kind: 'closed',
      message: `Position closed (${reasonText(reason)}): PnL ${s.realized_pnl_usdt} USDT${s.realized_pnl_pct == null ? '' : ` (${s.realized_pnl_pct}%)`}`,
      reason,
      realized_pnl_usdt: s.realized_pnl_usdt,
      realized_pnl_pct: s.realized_pnl_pct,
      realized_pnl_pct_unleveraged: s.realized_pnl_pct_unleveraged,
    });
  } else {
    notify(ctx, { kind: 'canceled', message: `Position cancelled (${reasonText(reason)})`, reason });
  }
}

/** Ends a position that never filled and has no entry order left (rejected/cancelled entries). */
export function cancelUnfilled(ctx: Ctx, reason: CloseReason): void {
  finalize(ctx, reason, null);
}

/**
 * While closing: cancel every live order except market exits in flight, close what they don't cover
 * with a reduce-only MARKET (`close`, `close-r2`, …; at most {@link MAX_CLOSE_ATTEMPTS}), and finish once
 * nothing remains and no entry order can still fill (a late entry fill is closed in turn).
 */
export function reconcileClosing(ctx: Ctx): void {
  const s = ctx.s;
  const closing = s.closing;
  if (closing == null) return;
  for (const o of s.orders) {
    if (isLive(o) && !(o.kind === 'MARKET' && isExitRole(o.role))) cancelOrder(ctx, o);
  }
  const remaining = remainingQty(s);
  const uncovered = remaining.minus(outstandingMarketExits(s));
  if (uncovered.gt(0)) {
    if (s.close_attempts < MAX_CLOSE_ATTEMPTS) {
      s.close_attempts++;
      placeOrder(ctx, 'close', 'close', null, {
        kind: 'MARKET',
        side: exitSide(s.plan.direction),
        qty: decStr(uncovered),
        reduce_only: true,
      });
    } else if (s.close_attempts === MAX_CLOSE_ATTEMPTS) {
      s.close_attempts++;
      notify(ctx, {
        kind: 'close_failed',
        message: `Could not close ${decStr(uncovered)} ${s.plan.symbol} after ${MAX_CLOSE_ATTEMPTS} attempts: manual action needed`,
      });
    }
  }
  const entryOpen = s.orders.some((o) => isEntryRole(o.role) && isOpen(o));
  if (remaining.isZero() && !entryOpen) finalize(ctx, closing.reason, closing.note);
}
