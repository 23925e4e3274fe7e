import { Dec, decStr, tryDec } from '../../money';
import { exitSide } from '../../types';
import { priceToTick } from '../market-rules';
import { remainingQty } from './accounting';
import { beginClosing } from './closing';
import type { Ctx } from './context';
import { notify } from './context';
import type { PositionEvent } from './events';
import { desiredTpQtys } from './ladder';
import { nextLeg, placeOrder } from './orders';
import { isBetterStop, stopCloseReason } from './stop-policy';
import type { CloseReason, OrderRecord, TpSlot } from './state';
import { isTerminal } from './status';
import { validateTargets } from './validate-plan';

type Ev<T extends PositionEvent['type']> = Extract<PositionEvent, { type: T }>;

/**
 * "TP n reached" from the source: TPs 1…n still pending are marked reached; for each, the share its
 * limit has not filled is taken with a reduce-only MARKET (`tp-k-take`), and the limit is cancelled.
 * Ignored before any entry fill, while winding down, and for an n outside the ladder.
 */
export function onSignalTpHit(ctx: Ctx, e: Ev<'signal_tp_hit'>): boolean {
  const s = ctx.s;
  if (isTerminal(s) || s.closing != null || s.entry_filled_qty === '0') return false;
  if (!Number.isInteger(e.n) || e.n < 1 || e.n > s.tp.length) return false;
  const want = desiredTpQtys(s);
  let changed = false;
  for (const slot of s.tp.slice(0, e.n)) {
    if (slot.status !== 'pending') continue;
    changed = true;
    slot.status = 'taken';
    slot.reached_at = ctx.at;
    const qty = want.get(slot.n) ?? new Dec(0);
    if (qty.gt(0)) {
      placeOrder(ctx, `tp-${slot.n}-take`, 'tp_take', slot.n, {
        kind: 'MARKET',
        side: exitSide(s.plan.direction),
        qty: decStr(qty),
        reduce_only: true,
      });
    }
    notify(ctx, {
      kind: 'tp_hit',
      message: `TP${slot.n} reached (signal): taking ${decStr(qty)} at market`,
      n: slot.n,
      via: 'signal',
      price: slot.price,
      realized_pnl_usdt: s.realized_pnl_usdt,
    });
  }
  return changed;
}

/** ALL_TP, SL, CANCELLED, CLOSED follow-ups and manual closes: wind the position down. */
export function onCloseRequest(ctx: Ctx, reason: CloseReason, note: string | null = null): boolean {
  return beginClosing(ctx, reason, note);
}

/** The close reason for an "SL hit" follow-up, from what the stop is now. */
export function signalStopReason(ctx: Ctx): CloseReason {
  return stopCloseReason(ctx.s.stop_kind);
}

function applyTargets(ctx: Ctx, targets: string[]): void {
  const s = ctx.s;
  const tick = s.plan.market.tickSize;
  const sameCount = targets.length === s.tp.length;
  const slots: TpSlot[] = targets.map((t, i) => {
    const old = s.tp[i];
    const target = decStr(tryDec(t) ?? 0);
    const reached = old != null && old.status !== 'pending';
    return {
      n: i + 1,
      target,
      price: reached ? old.price : decStr(priceToTick(target, tick)),
      weight: sameCount && old != null ? old.weight : '1',
      status: old == null || old.status === 'failed' ? 'pending' : old.status,
      reached_at: old?.reached_at ?? null,
    };
  });
  s.tp = slots;
}

/**
 * A signal edit. Targets (a valid list longer than the highest TP reached): prices of pending TPs change
 * (their orders are re-placed by the reconcile step); with a different count the split becomes equal;
 * TPs already reached stay reached; removed TPs' orders are cancelled. Stop: any move while the stop is not locked (the source
 * may widen it); once a TP was reached under breakeven/moving-target the stop is locked and an edit may
 * only tighten it — a widening edit is ignored with an `edit_ignored` notification.
 */
export function onSignalEdit(ctx: Ctx, e: Ev<'signal_edit'>): boolean {
  const s = ctx.s;
  if (isTerminal(s) || s.closing != null) return false;
  const ignored: string[] = [];
  const applied: string[] = [];
  if (e.targets != null) {
    const errors = validateTargets(s.plan.direction, e.targets);
    if (errors.length > 0) ignored.push(`targets (${errors.join('; ')})`);
    else if (e.targets.length <= s.highest_tp_reached) {
      ignored.push(
        `targets (TP${s.highest_tp_reached} was already reached; the edit leaves no target to take)`,
      );
    } else {
      const before = JSON.stringify(s.tp.map((t) => t.target));
      applyTargets(ctx, e.targets);
      if (JSON.stringify(s.tp.map((t) => t.target)) !== before)
        applied.push(`targets ${s.tp.map((t) => t.target).join(', ')}`);
    }
  }
  if (e.stop_loss != null) {
    const stop = tryDec(e.stop_loss);
    if (stop == null || stop.lte(0)) ignored.push('stop (not a positive price)');
    else {
      const price = priceToTick(stop, s.plan.market.tickSize);
      if (decStr(price) === s.stop_price) {
        // unchanged
      } else if (s.stop_locked && !isBetterStop(s.plan.direction, price, s.stop_price)) {
        ignored.push(
          `stop ${decStr(price)} (would move the locked stop ${s.stop_price ?? ''} against the position)`,
        );
      } else {
        const from = s.stop_price;
        s.stop_price = decStr(price);
        s.stop_kind = 'edited';
        applied.push(`stop ${from ?? 'none'} → ${s.stop_price}`);
        notify(ctx, {
          kind: 'stop_moved',
          message: `Stop moved to ${s.stop_price} (signal edit)`,
          from,
          to: s.stop_price,
          stop_kind: 'edited',
        });
      }
    }
  }
  if (applied.length > 0)
    notify(ctx, { kind: 'edit_applied', message: `Signal edit applied: ${applied.join('; ')}` });
  if (ignored.length > 0)
    notify(ctx, { kind: 'edit_ignored', message: `Signal edit ignored: ${ignored.join('; ')}` });
  return applied.length > 0 || ignored.length > 0;
}

/**
 * The exchange liquidated the position: the remaining quantity is recorded as exited at `price` on a
 * synthetic `liquidation` leg (never placed, never cancelled), then everything else is cancelled.
 */
export function onLiquidated(ctx: Ctx, e: Ev<'liquidated'>): boolean {
  return recordExternalExit(ctx, 'liquidation', 'liquidation', e.price, e.fee ?? null, null);
}

/**
 * The position was closed outside the platform (by hand on the exchange): like a liquidation, the
 * remainder is recorded as exited at `price` — on an `external` leg with the role of a market close,
 * already FILLED, so it is never placed or cancelled — the rest is cancelled, and the reason is `manual`.
 */
export function onClosedExternally(ctx: Ctx, e: Ev<'closed_externally'>): boolean {
  const note = typeof e.note === 'string' && e.note !== '' ? e.note : 'closed outside the platform';
  return recordExternalExit(ctx, 'external', 'manual', e.price, e.fee ?? null, note);
}

function recordExternalExit(
  ctx: Ctx,
  kind: 'liquidation' | 'external',
  reason: CloseReason,
  priceText: string,
  feeText: string | null,
  note: string | null,
): boolean {
  const s = ctx.s;
  if (isTerminal(s)) return false;
  const price = tryDec(priceText);
  const remaining = remainingQty(s);
  if (price == null || price.lte(0) || remaining.lte(0)) return false;
  const fee = tryDec(feeText) ?? new Dec(0);
  const leg = nextLeg(s, kind);
  const record: OrderRecord = {
    leg,
    base: kind,
    role: kind === 'liquidation' ? 'liquidation' : 'close',
    tp: null,
    kind: 'MARKET',
    side: exitSide(s.plan.direction),
    qty: decStr(remaining),
    price: null,
    stop_price: null,
    reduce_only: true,
    status: 'FILLED',
    filled_qty: decStr(remaining),
    avg_fill_price: decStr(price),
    fills: [
      {
        qty: decStr(remaining),
        price: decStr(price),
        fee: decStr(fee),
        fee_asset: s.plan.quote_asset,
        fee_estimated: false,
        fill_id: null,
        at: ctx.at,
      },
    ],
    exchange_order_id: null,
    reject_reason: null,
    created_at: ctx.at,
    updated_at: ctx.at,
  };
  s.orders.push(record);
  beginClosing(ctx, reason, note);
  return true;
}
