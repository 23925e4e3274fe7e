import { isTerminal, type OrderRecord, type PositionState } from '@verzek/core';

export type CancelRule =
  | { ok: true; reason: string }
  | {
      ok: false;
      /** The API error code of a refused cancel (always a 409). */
      error:
        'order_not_open' | 'already_canceling' | 'position_closing' | 'position_open' | 'order_protected';
      reason: string;
    };

const FINAL = new Set(['FILLED', 'CANCELED', 'REJECTED']);

/**
 * What a user may cancel, one order at a time (§5, `POST /api/orders/:id/cancel`):
 * - an unfilled entry (or DCA) order of a position with nothing filled yet: that cancels the
 *   position — its orders are cancelled by the engine and it ends CANCELED;
 * - nothing else. Take-profits and stops are managed as a whole (the ladder always sums to the open
 *   quantity; a position is never left without its stop); entry orders of a position that has filled
 *   part of its entry are left to the machine. For those, close the position instead.
 */
export function cancelRule(state: PositionState, order: OrderRecord): CancelRule {
  if (order.role === 'liquidation') {
    return { ok: false, error: 'order_not_open', reason: 'A record of a liquidation, not an order' };
  }
  if (FINAL.has(order.status)) {
    return { ok: false, error: 'order_not_open', reason: `The order is already ${order.status}` };
  }
  if (order.status === 'PENDING_CANCEL') {
    return { ok: false, error: 'already_canceling', reason: 'A cancel of this order is already on its way' };
  }
  if (isTerminal(state) || state.closing !== null) {
    return {
      ok: false,
      error: 'position_closing',
      reason: 'The position is being closed: every open order is being cancelled',
    };
  }
  switch (order.role) {
    case 'entry':
    case 'dca':
      return state.entry_filled_qty === '0'
        ? { ok: true, reason: 'Nothing has filled yet: cancelling it cancels the position' }
        : {
            ok: false,
            error: 'position_open',
            reason:
              'Part of the entry has filled, so the remaining entry orders stay with the position; close the position instead',
          };
    case 'stop':
      return {
        ok: false,
        error: 'order_protected',
        reason:
          'A stop loss cannot be removed: a position must never be left without its stop; close the position instead',
      };
    case 'tp':
    case 'tp_take':
      return {
        ok: false,
        error: 'order_protected',
        reason:
          'Take-profits are managed as a ladder that always covers the open quantity, so they cannot be cancelled one by one; close the position instead',
      };
    case 'close':
      return {
        ok: false,
        error: 'order_protected',
        reason: 'A closing order cannot be cancelled',
      };
  }
}
