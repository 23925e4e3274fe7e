import type { PositionEvent } from '@verzek/core';
import {
  enqueuePositionEvent,
  findOrderRef,
  findPosition,
  type Db,
  type PositionRow,
  type UserRow,
} from '@verzek/db';
import { ApiError, conflict, forbidden, notFound } from '../../errors';
import { cancelRule } from './cancel-rules';
import { parseState } from './views';

export interface CloseDeps {
  db: Db;
  now: number;
  /** Wakes this process's engine, if it runs one (other processes poll for work). */
  kick(): void;
}

/** A position the caller may act on: their own, or any for an admin (404 if missing, 403 if not theirs). */
export async function ownPosition(db: Db, caller: UserRow, id: number): Promise<PositionRow> {
  const row = await findPosition(db, id);
  if (!row) throw notFound('Position');
  if (row.user_id !== caller.id && caller.role !== 'ADMIN') {
    throw forbidden('forbidden', 'You can only reach your own positions');
  }
  return row;
}

/**
 * Queues a manual close for the position (the engine cancels its orders and closes the remainder at
 * market; a position with nothing filled ends CANCELED). Asking twice is harmless; a position that has
 * already ended is a 409.
 */
export async function requestClose(deps: CloseDeps, row: PositionRow, note: string | null): Promise<void> {
  if (row.status === 'CLOSED' || row.status === 'CANCELED') {
    throw conflict('position_closed', `Position ${row.id} is already ${row.status.toLowerCase()}`);
  }
  const event: PositionEvent = { type: 'manual_close', reason: note, at: deps.now };
  // One manual close per position is enough: once it is winding down, another changes nothing.
  await enqueuePositionEvent(deps.db, { positionId: row.id, event, dedupKey: 'manual_close', now: deps.now });
  deps.kick();
}

/**
 * Cancels one order by its client order id, under {@link cancelRule}: an unfilled entry order of a
 * position with nothing filled cancels the position; anything else is a 409 saying why.
 */
export async function cancelOrderById(
  deps: CloseDeps,
  caller: UserRow,
  clientOrderId: string,
): Promise<{ row: PositionRow; leg: string }> {
  const ref = await findOrderRef(deps.db, clientOrderId);
  if (!ref) throw notFound('Order');
  const row = await ownPosition(deps.db, caller, ref.position_id);
  const state = parseState(row);
  const order = state.orders.find((o) => o.leg === ref.leg);
  if (!order) throw notFound('Order');
  const rule = cancelRule(state, order);
  if (!rule.ok) throw new ApiError(409, rule.error, rule.reason);
  await requestClose(deps, row, `entry order ${order.leg} cancelled by the user`);
  return { row, leg: order.leg };
}
