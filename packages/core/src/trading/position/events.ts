/**
 * Events fed to `transition`. Every event carries `at` (epoch ms). Exchange events name the order by
 * its leg. Fills are incremental: `qty` is this execution, not the cumulative quantity (one `order_fill`
 * event covers both partial and final fills; the order is FILLED when its fills reach its qty).
 */
export type PositionEvent =
  | { type: 'order_accepted'; leg: string; exchange_order_id?: string | null; at: number }
  | {
      type: 'order_fill';
      leg: string;
      qty: string;
      price: string;
      /** In `fee_asset` (default the quote asset). Absent: estimated from the plan's fee rates. */
      fee?: string | null;
      fee_asset?: string | null;
      /** The exchange's trade id: a repeated fill id is ignored (at-least-once delivery). */
      fill_id?: string | null;
      at: number;
    }
  | { type: 'order_canceled'; leg: string; reason?: string | null; at: number }
  | { type: 'order_rejected'; leg: string; reason: string; at: number }
  | { type: 'signal_tp_hit'; n: number; at: number }
  | { type: 'signal_all_tp'; at: number }
  | { type: 'signal_sl_hit'; at: number }
  | { type: 'signal_cancelled'; at: number }
  | { type: 'signal_closed'; at: number }
  | { type: 'signal_entry_filled'; at: number }
  | { type: 'signal_edit'; targets?: string[] | null; stop_loss?: string | null; at: number }
  | { type: 'manual_close'; reason?: string | null; at: number }
  | { type: 'liquidated'; price: string; fee?: string | null; at: number }
  /**
   * The position was closed outside the platform (by hand on the exchange): the remainder is recorded
   * exited at `price` (the best known: the exchange's fill or the market price), reason `manual`.
   */
  | { type: 'closed_externally'; price: string; fee?: string | null; note?: string | null; at: number };

export type PositionEventType = PositionEvent['type'];
