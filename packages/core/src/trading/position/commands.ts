import type { MarginMode } from '../../types';
import type { CloseReason, OrderSpec, PositionState, StopKind } from './state';

/** What the executor must do, in order. Report every order's outcome back as events. */
export type PositionCommand = SetLeverageCommand | PlaceOrderCommand | CancelOrderCommand | NotifyCommand;

/** Best effort: set leverage (and margin mode) on the symbol before the entry; no event expected. */
export interface SetLeverageCommand {
  type: 'set_leverage';
  leverage: number;
  margin_mode: MarginMode | null;
}

/** Place an order; its client order id is derived from (signal, user, leg). */
export interface PlaceOrderCommand {
  type: 'place_order';
  leg: string;
  order: OrderSpec;
}

/** Cancel an order placed earlier and still open. */
export interface CancelOrderCommand {
  type: 'cancel_order';
  leg: string;
}

/** Something to tell the user (and log): a flat object with `kind` and a readable `message`. */
export type NotifyCommand = { type: 'notify' } & PositionNotification;

export type PositionNotification =
  | { kind: 'invalid_plan'; message: string; errors: string[] }
  | { kind: 'position_created'; message: string }
  | { kind: 'opened'; message: string; qty: string; avg_entry_price: string }
  | { kind: 'dca_placed'; message: string; legs: string[] }
  | {
      kind: 'tp_hit';
      message: string;
      n: number;
      via: 'order' | 'signal';
      price: string;
      realized_pnl_usdt: string;
    }
  | { kind: 'stop_moved'; message: string; from: string | null; to: string; stop_kind: StopKind }
  | { kind: 'ladder_updated'; message: string; avg_entry_price: string }
  | { kind: 'order_rejected'; message: string; leg: string; reason: string }
  | { kind: 'edit_applied'; message: string }
  | { kind: 'edit_ignored'; message: string }
  | { kind: 'closing'; message: string; reason: CloseReason }
  | { kind: 'close_failed'; message: string }
  | {
      kind: 'closed';
      message: string;
      reason: CloseReason;
      realized_pnl_usdt: string;
      realized_pnl_pct: string | null;
      realized_pnl_pct_unleveraged: string | null;
    }
  | { kind: 'canceled'; message: string; reason: CloseReason };

export type PositionNotificationKind = PositionNotification['kind'];

/** The result of `openPosition` and `transition`: the next state and the commands to execute. */
export interface TransitionResult {
  state: PositionState;
  commands: PositionCommand[];
}
