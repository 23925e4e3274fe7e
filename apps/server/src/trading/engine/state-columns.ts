import { isTerminal, type PositionState } from '@verzek/core';
import type { PositionStateColumns } from '@verzek/db';

/** The query columns of a position, copied from its state. */
export function stateColumns(state: PositionState): PositionStateColumns {
  return {
    status: state.status,
    close_reason: state.close_reason,
    qty: state.entry_filled_qty === '0' ? state.plan.qty : state.entry_filled_qty,
    remaining_qty: state.remaining_qty,
    avg_entry_price: state.avg_entry_price,
    margin_usdt: state.margin_usdt,
    realized_pnl_usdt: state.realized_pnl_usdt,
    realized_pnl_pct: state.realized_pnl_pct,
    state: JSON.stringify(state),
    opened_at: state.opened_at,
    closed_at: isTerminal(state) ? (state.closed_at ?? state.updated_at) : null,
  };
}

/** A compact view of a position for live events and lists. */
export function positionSummary(id: number, userId: number, signalId: number | null, state: PositionState) {
  return {
    id,
    user_id: userId,
    signal_id: signalId,
    symbol: state.plan.symbol,
    direction: state.plan.direction,
    status: state.status,
    close_reason: state.close_reason,
    qty: state.entry_filled_qty,
    remaining_qty: state.remaining_qty,
    avg_entry_price: state.avg_entry_price,
    stop_price: state.stop_price,
    realized_pnl_usdt: state.realized_pnl_usdt,
    realized_pnl_pct: state.realized_pnl_pct,
    highest_tp_reached: state.highest_tp_reached,
    updated_at: state.updated_at,
  };
}
