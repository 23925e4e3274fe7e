import type { OrderSide } from '../../types';
import type { ResolvedPlan } from './plan';

/** PENDING (no entry fill yet) → OPEN → PARTIAL (some exit filled) → CLOSED | CANCELED (nothing filled). */
export type PositionStatus = 'PENDING' | 'OPEN' | 'PARTIAL' | 'CLOSED' | 'CANCELED';

/** Why a position ended (or is winding down). */
export type CloseReason =
  | 'tp_all'
  | 'stop_loss'
  | 'breakeven_stop'
  | 'target_stop'
  | 'signal_closed'
  | 'signal_cancelled'
  | 'manual'
  | 'liquidation'
  | 'stop_rejected'
  | 'entry_rejected'
  | 'entry_canceled'
  | 'invalid_plan';

/**
 * Order lifecycle. PENDING_CANCEL = we asked to cancel and wait for the exchange's answer (the order
 * may still fill until then). FILLED, CANCELED and REJECTED are final.
 */
export type OrderStatus =
  'PENDING_NEW' | 'NEW' | 'PARTIALLY_FILLED' | 'PENDING_CANCEL' | 'FILLED' | 'CANCELED' | 'REJECTED';

export type OrderKind = 'MARKET' | 'LIMIT' | 'STOP_MARKET';

/**
 * What an order is for: `entry` (entry / zone parts / DCA base), `dca` (safety orders), `tp` (TP limit),
 * `tp_take` (market order taking a TP's share on a "TP n reached" follow-up), `stop`, `close`
 * (market close of the remainder) and `liquidation` (a record of the exchange's liquidation, never placed).
 */
export type LegRole = 'entry' | 'dca' | 'tp' | 'tp_take' | 'stop' | 'close' | 'liquidation';

/** The order to place, as sent to the exchange port. */
export interface OrderSpec {
  kind: OrderKind;
  side: OrderSide;
  qty: string;
  /** LIMIT only. */
  price?: string;
  /** STOP_MARKET only. */
  stop_price?: string;
  /** True on every exit order. */
  reduce_only: boolean;
}

/** One execution of an order. `fee` is in `fee_asset`. */
export interface FillRecord {
  qty: string;
  price: string;
  fee: string;
  fee_asset: string;
  /** True when the event had no fee and it was estimated from the plan's fee rates. */
  fee_estimated: boolean;
  fill_id: string | null;
  at: number;
}

/** An order of the position, keyed by its leg. Orders are never removed, so leg keys are never reused. */
export interface OrderRecord {
  /** Unique within the position: `entry`, `entry-z2`, `dca-1`, `tp-1`, `tp-1-r2`, `tp-2-take`, `sl`, `sl-r2`, `close`, … */
  leg: string;
  /** The leg without its revision suffix (`tp-1` for `tp-1-r3`). */
  base: string;
  role: LegRole;
  /** TP number (1-based) for `tp` and `tp_take`, else null. */
  tp: number | null;
  kind: OrderKind;
  side: OrderSide;
  qty: string;
  price: string | null;
  stop_price: string | null;
  reduce_only: boolean;
  status: OrderStatus;
  filled_qty: string;
  avg_fill_price: string | null;
  fills: FillRecord[];
  exchange_order_id: string | null;
  reject_reason: string | null;
  created_at: number;
  updated_at: number;
}

/** pending → filled (its limit filled) | taken (market-taken on a follow-up) | failed (rejected). */
export type TpSlotStatus = 'pending' | 'filled' | 'taken' | 'failed';

/** One rung of the take-profit ladder. */
export interface TpSlot {
  /** 1-based. */
  n: number;
  /** The signal's target (after edits). */
  target: string;
  /** The price the TP order uses now (the target, or re-based on the average entry after a DCA fill). */
  price: string;
  /** Relative split weight. */
  weight: string;
  status: TpSlotStatus;
  reached_at: number | null;
}

/** initial (the plan's), edited (by a follow-up), breakeven (moved to entry), target (moved to a TP). */
export type StopKind = 'initial' | 'edited' | 'breakeven' | 'target';

/** Something odd the machine ignored or corrected (kept for audit; capped at the last 50). */
export interface Anomaly {
  at: number;
  message: string;
}

/**
 * The whole position, as plain JSON (strings, numbers, booleans, null, arrays, objects): store it as is.
 * Accounting fields are recomputed from the orders' fills after every event.
 */
export interface PositionState {
  schema: 1;
  plan: ResolvedPlan;
  status: PositionStatus;
  close_reason: CloseReason | null;
  /** Free text, e.g. the reason given with a manual close. */
  close_note: string | null;
  /** Set while winding down (cancel everything, close the remainder); the status turns CLOSED or
   * CANCELED once nothing remains and no entry order is live. */
  closing: { reason: CloseReason; note: string | null; since: number } | null;
  /** Validation errors of an invalid plan (the position is then CANCELED with reason invalid_plan). */
  errors: string[];
  tp: TpSlot[];
  stop_price: string | null;
  stop_kind: StopKind;
  /** True once the machine moved the stop to breakeven/target: from then on it only moves in the
   * position's favour (LONG up, SHORT down). */
  stop_locked: boolean;
  /** Safety orders have been placed. */
  dca_placed: boolean;
  /** No more entry orders: a TP was reached, or the position is winding down. */
  entries_closed: boolean;
  /** Close orders placed so far (capped; see MAX_CLOSE_ATTEMPTS). */
  close_attempts: number;
  orders: OrderRecord[];

  entry_filled_qty: string;
  exit_filled_qty: string;
  /** entry_filled_qty − exit_filled_qty, never negative. */
  remaining_qty: string;
  avg_entry_price: string | null;
  avg_exit_price: string | null;
  /** Σ exit fills (exit − avg entry) × qty × (+1 LONG, −1 SHORT) − all USDT fees (entry and exit). */
  realized_pnl_usdt: string;
  /** realized / margin × 100, margin = avg entry × entry qty / leverage; null before any fill. */
  realized_pnl_pct: string | null;
  /** realized / (avg entry × entry qty) × 100. */
  realized_pnl_pct_unleveraged: string | null;
  /** Fees in the quote asset (included in the PnL). */
  fees_usdt: string;
  /** Fees in other assets (e.g. BNB), not included in the PnL. */
  fees_other: Record<string, string>;
  margin_usdt: string | null;
  /** Highest TP number reached (0 = none). */
  highest_tp_reached: number;

  created_at: number;
  opened_at: number | null;
  closed_at: number | null;
  updated_at: number;
  anomalies: Anomaly[];
}
