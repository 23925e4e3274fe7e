import { dec, decStr, Dec, type OrderRecord, type PositionEvent, type PositionState } from '@verzek/core';
import type { OrderSnapshot } from '@verzek/exchange';
import { snapshotEvents } from '../engine/snapshot-events';

/** One of our positions on an exchange account's symbol, as loaded. */
export interface UnitPosition {
  id: number;
  direction: 'LONG' | 'SHORT';
  state: PositionState;
}

/** What the exchange says about one of the position's resting orders that changed or disappeared. */
export interface OrderUpdate {
  order: OrderRecord;
  clientId: string;
  /** null: the exchange does not know the order (any more). */
  snap: OrderSnapshot | null;
}

export interface QueuedEvent {
  event: PositionEvent;
  /** The inbox de-duplication key (same scheme as the paper venue's updates). */
  key: string;
}

export interface UnitInput {
  positions: UnitPosition[];
  updates: ReadonlyMap<number, OrderUpdate[]>;
  /** The exchange's net position on the symbol (signed, + long), or null when not read. */
  exchangeSigned: Dec | null;
  /** Market price for a close recorded without a fill of ours. */
  price: string | null;
  venue: string;
  now: number;
}

export interface UnitPlan {
  events: Map<number, QueuedEvent[]>;
  /** The exchange's position differs from ours in a way no rule explains (logged, not acted on). */
  mismatch: { exchange: string; ours: string } | null;
  /** Positions recorded as closed outside the platform. */
  external: Set<number>;
  /** Positions that received another position's excess exit (netting on one account). */
  netted: Set<number>;
}

const isEntry = (o: OrderRecord) => o.role === 'entry' || o.role === 'dca';

/**
 * Turns what the exchange says about one account's symbol into position events:
 * 1. each changed order's snapshot → fills / cancels (`snapshotEvents`);
 * 2. netting: an account's positions on one symbol are one position on the exchange (one-way mode;
 *    in hedge mode, per direction), so a reduce-only exit of one of ours (typically a stop left larger
 *    than what is left after its TPs) can close part of a sibling. The part an exit filled beyond its
 *    own position is given to the siblings of the same direction, as fills of their stop at that
 *    order's price (or, without a stop, as a close recorded outside the platform);
 * 3. if the exchange's position is flat while ours still hold quantity in one direction, those were
 *    closed outside the platform (by hand): recorded at the market price, reason `manual`; their
 *    resting orders expired with the position and are cancelled by the closing itself.
 */
export function planUnitEvents(input: UnitInput): UnitPlan {
  const { positions, updates, now } = input;
  const events = new Map<number, QueuedEvent[]>();
  const fills = new Map<number, QueuedEvent[]>();
  const cancels = new Map<number, QueuedEvent[]>();
  const remaining = new Map<number, Dec>();
  /** Exit qty filled beyond a position's own quantity, with its price, per direction. */
  const excess: { direction: 'LONG' | 'SHORT'; qty: Dec; price: string; donor: string }[] = [];

  for (const p of positions) {
    const f: QueuedEvent[] = [];
    const c: QueuedEvent[] = [];
    let rem = dec(p.state.remaining_qty);
    let exitDelta = new Dec(0);
    let exitPrice: string | null = null;
    let exitDonor = '';
    for (const u of updates.get(p.id) ?? []) {
      if (u.snap === null) {
        c.push({
          event: { type: 'order_canceled', leg: u.order.leg, reason: 'unknown to the exchange', at: now },
          key: `order_canceled:${u.clientId}`,
        });
        continue;
      }
      for (const e of snapshotEvents(u.order, u.order.leg, u.snap, now)) {
        if (e.type === 'order_accepted') continue;
        if (e.type === 'order_fill')
          f.push({ event: e, key: `fill:${u.clientId}:${e.fill_id ?? decStr(dec(e.qty))}` });
        else c.push({ event: e, key: `${e.type}:${u.clientId}` });
      }
      const delta = dec(u.snap.filledQty).minus(dec(u.order.filled_qty));
      if (delta.lte(0)) continue;
      if (isEntry(u.order)) rem = rem.plus(delta);
      else {
        exitDelta = exitDelta.plus(delta);
        exitPrice = u.snap.avgPrice ?? exitPrice;
        exitDonor = `${u.snap.exchangeOrderId}:${u.snap.filledQty}`;
      }
    }
    const after = rem.minus(exitDelta);
    if (after.lt(0) && exitPrice !== null) {
      excess.push({ direction: p.direction, qty: after.neg(), price: exitPrice, donor: exitDonor });
      remaining.set(p.id, new Dec(0));
    } else remaining.set(p.id, Dec.max(after, 0));
    fills.set(p.id, f);
    cancels.set(p.id, c);
  }

  const external = new Set<number>();
  const netted = new Set<number>();
  // 2. Give each excess to the siblings still holding quantity in its direction, oldest first.
  for (const x of excess) {
    let left = x.qty;
    for (const p of [...positions].sort((a, b) => a.id - b.id)) {
      if (left.lte(0)) break;
      if (p.direction !== x.direction) continue;
      const rem = remaining.get(p.id) ?? new Dec(0);
      if (rem.lte(0)) continue;
      const give = Dec.min(rem, left);
      const seen = new Map(
        (updates.get(p.id) ?? []).map((u) => [u.order.leg, u.snap ? dec(u.snap.filledQty) : null]),
      );
      const room = (o: OrderRecord) => dec(o.qty).minus(Dec.max(dec(o.filled_qty), seen.get(o.leg) ?? 0));
      // The stop the exchange just reported on, else the newest live one, else any with room.
      const stops = [...p.state.orders].reverse().filter((o) => o.role === 'stop' && o.status !== 'REJECTED');
      const stop =
        stops.find((o) => seen.has(o.leg) && room(o).gte(give)) ??
        stops.find((o) => (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED') && room(o).gte(give)) ??
        stops.find((o) => room(o).gte(give));
      if (stop) {
        fills.get(p.id)!.push({
          event: {
            type: 'order_fill',
            leg: stop.leg,
            qty: decStr(give),
            price: x.price,
            fee: null,
            fill_id: `net:${x.donor}:${p.id}`,
            at: now,
          },
          key: `fill:net:${x.donor}:${p.id}`,
        });
      } else {
        external.add(p.id);
        fills.get(p.id)!.push({
          event: {
            type: 'closed_externally',
            price: x.price,
            note: `closed by another position's exit on the same ${input.venue} account (positions net on the exchange)`,
            at: now,
          },
          key: `closed_externally:${p.id}`,
        });
      }
      netted.add(p.id);
      remaining.set(p.id, rem.minus(give));
      left = left.minus(give);
    }
  }

  // 3. Flat on the exchange, not in our books: closed by hand.
  let mismatch: UnitPlan['mismatch'] = null;
  if (input.exchangeSigned !== null) {
    let ours = new Dec(0);
    const holding: UnitPosition[] = [];
    for (const p of positions) {
      const rem = remaining.get(p.id) ?? new Dec(0);
      if (rem.lte(0)) continue;
      holding.push(p);
      ours = ours.plus(p.direction === 'LONG' ? rem : rem.neg());
    }
    const oneDirection = holding.every((p) => p.direction === holding[0]?.direction);
    const flatByHand = input.exchangeSigned.isZero() && holding.length > 0 && oneDirection && !ours.isZero();
    if (!flatByHand && !input.exchangeSigned.eq(ours))
      mismatch = { exchange: decStr(input.exchangeSigned), ours: decStr(ours) };
    if (flatByHand) {
      for (const p of holding) {
        if (external.has(p.id)) continue;
        external.add(p.id);
        fills.get(p.id)!.push({
          event: {
            type: 'closed_externally',
            price: input.price ?? p.state.avg_entry_price ?? '0',
            note: `closed on ${input.venue} outside the platform (recorded at the market price)`,
            at: now,
          },
          key: `closed_externally:${p.id}`,
        });
      }
    }
  }

  for (const p of positions) {
    // Fills first (money that moved), then the cancels — except for positions closed outside, whose
    // resting orders expired with the exchange position and are cancelled by the closing itself.
    const list = [...(fills.get(p.id) ?? []), ...(external.has(p.id) ? [] : (cancels.get(p.id) ?? []))];
    if (list.length > 0) events.set(p.id, list);
  }
  return { events, mismatch, external, netted };
}

/** Whether the exchange position must be read to judge this unit (orders vanished). */
export function needsPositionCheck(updates: ReadonlyMap<number, OrderUpdate[]>): boolean {
  for (const list of updates.values())
    for (const u of list) if (u.snap === null || !isOpenStatus(u.snap.status)) return true;
  return false;
}

function isOpenStatus(s: string): boolean {
  return s === 'NEW' || s === 'PARTIALLY_FILLED';
}
