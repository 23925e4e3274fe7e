import { dec, decStr, type OrderRecord, type PositionEvent } from '@verzek/core';
import type { OrderSnapshot } from '@verzek/exchange';

/**
 * Turns what a venue says about an order into position events. Fills carry the venue's trade ids so
 * a snapshot seen twice adds nothing (the machine ignores known fill ids). A venue that reports only
 * a cumulative filled quantity gets one synthetic fill for the part not yet recorded.
 */
export function snapshotEvents(
  order: OrderRecord | undefined,
  leg: string,
  snap: OrderSnapshot,
  at: number,
): PositionEvent[] {
  const events: PositionEvent[] = [];
  if (snap.status === 'REJECTED') {
    events.push({ type: 'order_rejected', leg, reason: snap.rejectReason ?? 'rejected by the exchange', at });
    return events;
  }
  if (!order || order.status === 'PENDING_NEW' || order.exchange_order_id === null) {
    events.push({ type: 'order_accepted', leg, exchange_order_id: snap.exchangeOrderId, at });
  }
  if (snap.fills.length > 0) {
    for (const f of snap.fills) {
      events.push({
        type: 'order_fill',
        leg,
        qty: f.qty,
        price: f.price,
        fee: f.fee,
        fee_asset: f.feeAsset,
        fill_id: f.id,
        at: f.at,
      });
    }
  } else {
    const known = dec(order?.filled_qty ?? '0');
    const missing = dec(snap.filledQty).minus(known);
    if (missing.gt(0) && snap.avgPrice !== null) {
      events.push({
        type: 'order_fill',
        leg,
        qty: decStr(missing),
        price: snap.avgPrice,
        fee: null,
        fill_id: `${snap.exchangeOrderId}:cum:${snap.filledQty}`,
        at: snap.updatedAt,
      });
    }
  }
  if (snap.status === 'CANCELED' || snap.status === 'EXPIRED') {
    events.push({ type: 'order_canceled', leg, reason: snap.status === 'EXPIRED' ? 'expired' : null, at });
  }
  return events;
}
