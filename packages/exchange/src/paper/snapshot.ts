import { decStr } from '@verzek/core';
import type { PaperFillRow, PaperOrderRow } from '@verzek/db';
import type { OrderSnapshot } from '../port';

/** A stored paper order and its fills as the port's {@link OrderSnapshot}. */
export function toSnapshot(order: PaperOrderRow, fills: readonly PaperFillRow[]): OrderSnapshot {
  return {
    clientOrderId: order.client_order_id,
    exchangeOrderId: String(order.id),
    symbol: order.symbol,
    kind: order.kind,
    side: order.side,
    status: order.status,
    qty: decStr(order.qty),
    filledQty: decStr(order.filled_qty),
    avgPrice: order.avg_price === null ? null : decStr(order.avg_price),
    fills: fills.map((f) => ({
      id: String(f.id),
      qty: decStr(f.qty),
      price: decStr(f.price),
      fee: decStr(f.fee),
      feeAsset: f.fee_asset,
      at: f.created_at,
    })),
    rejectReason: order.reason,
    updatedAt: order.updated_at,
  };
}
