import { iso, type Position } from '@verzek/contract';
import {
  decStr,
  decSum,
  entrySide,
  type EntrySpec,
  type OrderRecord,
  type PositionState,
} from '@verzek/core';
import type { PositionRow } from '@verzek/db';
import { clientOrderId } from '@verzek/exchange';
import { cancelRule } from './cancel-rules';

export function entryView(entry: EntrySpec) {
  if (entry.type === 'limit') return { type: entry.type, price: entry.price, low: null, high: null };
  if (entry.type === 'zone') return { type: entry.type, price: null, low: entry.low, high: entry.high };
  return { type: entry.type, price: null, low: null, high: null };
}

export function parseState(row: Pick<PositionRow, 'state'>): PositionState {
  return JSON.parse(row.state) as PositionState;
}

/** A position as the API shows it, read from its state (the source of truth). */
export function positionView(row: PositionRow, state: PositionState = parseState(row)): Position {
  const ladder = state.tp.map((slot) => {
    const orders = state.orders.filter((o) => o.tp === slot.n && (o.role === 'tp' || o.role === 'tp_take'));
    const current = [...orders].reverse().find((o) => o.role === 'tp' && o.status !== 'REJECTED');
    return {
      n: slot.n,
      target: slot.target,
      price: slot.price,
      weight: slot.weight,
      status: slot.status,
      reached_at: iso(slot.reached_at),
      qty: current?.qty ?? null,
      filled_qty: decStr(decSum(orders.map((o) => o.filled_qty))),
    };
  });
  const plan = state.plan;
  return {
    id: row.id,
    user_id: row.user_id,
    signal_id: row.signal_id,
    origin: row.signal_id === null ? 'manual' : 'signal',
    symbol: plan.symbol,
    direction: plan.direction,
    side: entrySide(plan.direction),
    status: state.status,
    close_reason: state.close_reason ?? state.closing?.reason ?? null,
    close_note: state.close_note ?? state.closing?.note ?? null,
    closing: state.closing !== null,
    leverage: plan.leverage,
    margin_mode: plan.margin_mode,
    entry: entryView(plan.entry),
    qty: plan.qty,
    filled_qty: state.entry_filled_qty,
    remaining_qty: state.remaining_qty,
    avg_entry_price: state.avg_entry_price,
    avg_exit_price: state.avg_exit_price,
    stop_loss: plan.stop_loss,
    stop_price: state.stop_price,
    stop_kind: state.stop_kind,
    ladder,
    highest_tp_reached: state.highest_tp_reached,
    margin_usdt: state.margin_usdt,
    realized_pnl_usdt: state.realized_pnl_usdt,
    realized_pnl_pct: state.realized_pnl_pct,
    realized_pnl_pct_unleveraged: state.realized_pnl_pct_unleveraged,
    fees_usdt: state.fees_usdt,
    venue: row.venue,
    created_at: iso(state.created_at),
    opened_at: iso(state.opened_at),
    closed_at: iso(state.closed_at),
    updated_at: iso(state.updated_at),
  };
}

/** One order of a position, with its client order id and whether the caller may cancel it. */
export function orderView(row: Pick<PositionRow, 'id' | 'order_key'>, state: PositionState, o: OrderRecord) {
  const quote = state.plan.quote_asset;
  const feeUsdt = decSum(o.fills.filter((f) => f.fee_asset === quote).map((f) => f.fee));
  const other: Record<string, string> = {};
  for (const f of o.fills) {
    if (f.fee_asset !== quote) other[f.fee_asset] = decStr(decSum([other[f.fee_asset] ?? '0', f.fee]));
  }
  const id = clientOrderId(row.order_key, o.leg);
  const rule = cancelRule(state, o);
  return {
    id,
    client_order_id: id,
    exchange_order_id: o.exchange_order_id,
    position_id: row.id,
    leg: o.leg,
    role: o.role,
    tp: o.tp,
    kind: o.kind,
    side: o.side,
    qty: o.qty,
    price: o.price,
    stop_price: o.stop_price,
    reduce_only: o.reduce_only,
    status: o.status,
    filled_qty: o.filled_qty,
    avg_fill_price: o.avg_fill_price,
    fee_usdt: decStr(feeUsdt),
    fees_other: other,
    reject_reason: o.reject_reason,
    cancelable: rule.ok,
    cancel_note: rule.reason,
    created_at: iso(o.created_at),
    updated_at: iso(o.updated_at),
  };
}
