import { recomputeAccounting, remainingQty } from './accounting';
import { beginClosing, cancelUnfilled, reconcileClosing } from './closing';
import type { Ctx } from './context';
import { notify } from './context';
import { marketEntryOpen, placeSafetyOrdersIfDue } from './entries';
import { syncTakeProfits, updateLadderPrices } from './ladder';
import { cancelOrder, isEntryRole, isExitRole, isLive, isOpen } from './orders';
import { applyStopPolicy, stopCloseReason, syncStop } from './stop-policy';
import type { CloseReason, PositionState } from './state';
import { isTerminal, updateStatus } from './status';

/** Marks pending TP slots whose limit order filled completely. */
function markFilledSlots(ctx: Ctx): void {
  const s = ctx.s;
  for (const slot of s.tp) {
    if (slot.status !== 'pending') continue;
    const done = s.orders.find((o) => o.role === 'tp' && o.tp === slot.n && o.status === 'FILLED');
    if (done == null) continue;
    slot.status = 'filled';
    slot.reached_at = ctx.at;
    recomputeAccounting(s);
    notify(ctx, {
      kind: 'tp_hit',
      message: `TP${slot.n} filled at ${done.avg_fill_price ?? slot.price}`,
      n: slot.n,
      via: 'order',
      price: done.avg_fill_price ?? slot.price,
      realized_pnl_usdt: s.realized_pnl_usdt,
    });
  }
}

/** The reason for a position whose exits emptied it on their own: from the most recent exit fill. */
function reasonFromExits(s: PositionState): CloseReason {
  let latest: { at: number; role: string } | null = null;
  for (const o of s.orders) {
    if (!isExitRole(o.role)) continue;
    for (const f of o.fills) if (latest == null || f.at >= latest.at) latest = { at: f.at, role: o.role };
  }
  if (latest?.role === 'stop') return stopCloseReason(s.stop_kind);
  if (latest?.role === 'liquidation') return 'liquidation';
  return 'tp_all';
}

/**
 * Brings the orders in line with the state after an event: the heart of the machine. It is a fixpoint:
 * run twice on the same state, the second run emits nothing.
 * Order of business: accounting → TPs reached → winding down? → never filled? → opened → stop entries
 * after a TP → emptied / last TP reached → DCA safety orders → (wait for a market entry to settle) →
 * ladder prices → stop policy → TP orders → stop order.
 */
export function reconcile(ctx: Ctx): void {
  const s = ctx.s;
  recomputeAccounting(s);
  if (isTerminal(s)) return;
  markFilledSlots(ctx);
  if (s.closing == null) reconcileOpen(ctx);
  if (s.closing != null) reconcileClosing(ctx);
  recomputeAccounting(s);
  updateStatus(s);
}

function reconcileOpen(ctx: Ctx): void {
  const s = ctx.s;
  const entryOpen = s.orders.some((o) => isEntryRole(o.role) && isOpen(o));
  if (s.entry_filled_qty === '0') {
    if (!entryOpen) {
      const rejected = s.orders.filter((o) => isEntryRole(o.role)).every((o) => o.status === 'REJECTED');
      cancelUnfilled(ctx, rejected ? 'entry_rejected' : 'entry_canceled');
    }
    return;
  }
  if (s.opened_at == null) {
    s.opened_at = ctx.at;
    notify(ctx, {
      kind: 'opened',
      message: `${s.plan.direction} ${s.plan.symbol} opened: ${s.entry_filled_qty} at ${s.avg_entry_price ?? '?'}`,
      qty: s.entry_filled_qty,
      avg_entry_price: s.avg_entry_price ?? '0',
    });
  }
  if (s.highest_tp_reached > 0 && !s.entries_closed) s.entries_closed = true;
  if (s.entries_closed) {
    for (const o of s.orders) if (isEntryRole(o.role) && isLive(o)) cancelOrder(ctx, o);
  }
  const remaining = remainingQty(s);
  if (remaining.isZero()) {
    beginClosing(ctx, reasonFromExits(s));
    return;
  }
  const last = s.tp[s.tp.length - 1];
  if (last != null && (last.status === 'filled' || last.status === 'taken')) {
    beginClosing(ctx, 'tp_all');
    return;
  }
  placeSafetyOrdersIfDue(ctx);
  if (marketEntryOpen(s)) return;
  updateLadderPrices(ctx);
  applyStopPolicy(ctx);
  syncTakeProfits(ctx);
  syncStop(ctx);
}
