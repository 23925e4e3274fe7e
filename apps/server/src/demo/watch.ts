import type { AppContext } from '../context';

/**
 * Narrates the demo on its log: each position's opening, take-profits and close, once per change
 * (the live events repeat a position on every save). Returns the unsubscribe function.
 */
export function narrateDemo(ctx: AppContext): () => void {
  const logger = ctx.logger.child({ component: 'demo' });
  const seen = new Map<number, string>();
  return ctx.bus.subscribe((event) => {
    if (event.type !== 'position') return;
    const p = event.data as {
      id: number;
      user_id: number;
      symbol: string;
      direction: string;
      status: string;
      close_reason: string | null;
      qty: string;
      remaining_qty: string;
      avg_entry_price: string | null;
      stop_price: string | null;
      realized_pnl_usdt: string;
      highest_tp_reached: number;
    };
    if (p.status === 'PENDING') return;
    const key = `${p.status}|${p.remaining_qty}|${p.highest_tp_reached}|${p.stop_price}`;
    if (seen.get(p.id) === key) return;
    seen.set(p.id, key);
    const what =
      p.status === 'CLOSED' || p.status === 'CANCELED'
        ? `${p.status.toLowerCase()} (${p.close_reason ?? 'done'}), realized ${p.realized_pnl_usdt} USDT`
        : p.highest_tp_reached > 0
          ? `TP${p.highest_tp_reached} taken, ${p.remaining_qty} left, stop ${p.stop_price ?? '-'}, realized ${p.realized_pnl_usdt} USDT`
          : `open ${p.qty} at ${p.avg_entry_price ?? '?'}, stop ${p.stop_price ?? '-'}`;
    logger.info(
      { position_id: p.id, user_id: p.user_id },
      `position ${p.id} ${p.symbol} ${p.direction}: ${what}`,
    );
  });
}
