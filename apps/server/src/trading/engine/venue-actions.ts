import type { OrderRecord, PositionCommand, PositionEvent, PositionState } from '@verzek/core';
import { clientOrderId, isExchangeError, type ExchangeAccount, type OrderSnapshot } from '@verzek/exchange';
import type { Logger } from '@verzek/platform';
import { snapshotEvents } from './snapshot-events';

/**
 * What the engine asks a venue to do for one position. `lookup` is set for orders that may have
 * reached the venue already (a previous run died after persisting them): look first, place only if
 * the venue never got it.
 */
export type VenueAction =
  | { type: 'set_leverage'; leverage: number; marginMode: 'CROSS' | 'ISOLATED' | null }
  | { type: 'place'; leg: string; lookup: boolean }
  | { type: 'cancel'; leg: string }
  | { type: 'refresh'; leg: string };

/** Actions for fresh commands, in the machine's order (it places a new stop before cancelling the old). */
export function actionsFromCommands(commands: readonly PositionCommand[]): VenueAction[] {
  const out: VenueAction[] = [];
  for (const c of commands) {
    if (c.type === 'set_leverage')
      out.push({ type: 'set_leverage', leverage: c.leverage, marginMode: c.margin_mode });
    else if (c.type === 'place_order') out.push({ type: 'place', leg: c.leg, lookup: false });
    else if (c.type === 'cancel_order') out.push({ type: 'cancel', leg: c.leg });
  }
  return out;
}

/**
 * Actions owed by a state read back from the database, when the commands that produced it are lost:
 * orders waiting to be placed (looked up first), cancels not confirmed, and — on reconciliation —
 * a refresh of every order the venue holds. Places come before cancels so a stop is never missing.
 * A position whose opening never got an answer (nothing filled, an entry order still PENDING_NEW: its
 * opening commands were lost, or it was created for another process to run) sets its leverage again
 * first — best effort and idempotent, as in `openPosition`. `neverWorked`: no engine has claimed the
 * position before this one, so none of its orders can have been sent: they are placed without a lookup.
 */
export function actionsFromState(
  state: PositionState,
  reconcile: boolean,
  neverWorked = false,
): VenueAction[] {
  const setup: VenueAction[] = [];
  if (
    state.status === 'PENDING' &&
    state.closing === null &&
    state.entry_filled_qty === '0' &&
    state.orders.some((o) => (o.role === 'entry' || o.role === 'dca') && o.status === 'PENDING_NEW')
  ) {
    setup.push({ type: 'set_leverage', leverage: state.plan.leverage, marginMode: state.plan.margin_mode });
  }
  const places: VenueAction[] = [];
  const cancels: VenueAction[] = [];
  const refreshes: VenueAction[] = [];
  for (const o of state.orders) {
    if (o.role === 'liquidation') continue;
    if (o.status === 'PENDING_NEW') places.push({ type: 'place', leg: o.leg, lookup: !neverWorked });
    else if (o.status === 'PENDING_CANCEL') cancels.push({ type: 'cancel', leg: o.leg });
    else if (reconcile && (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED'))
      refreshes.push({ type: 'refresh', leg: o.leg });
  }
  return [...setup, ...refreshes, ...places, ...cancels];
}

export interface ActionOutcome {
  events: PositionEvent[];
  /** True when something failed transiently and the position must be retried later. */
  retry: boolean;
  /** How long the venue asked us to wait before retrying (rate limits, unsettled lookups). */
  retryAfterMs?: number;
  /** Venue calls made (for metrics). */
  calls: number;
}

const TRANSIENT = new Set(['retryable', 'rate_limited']);

/** Runs one position's actions in order against its venue account. Never throws. */
export async function runActions(
  account: ExchangeAccount,
  state: PositionState,
  orderKey: string,
  actions: readonly VenueAction[],
  options: { now: () => number; logger: Logger; timeoutMs: number },
): Promise<ActionOutcome> {
  const out: ActionOutcome = { events: [], retry: false, calls: 0 };
  const symbol = state.plan.symbol;
  const byLeg = new Map<string, OrderRecord>(state.orders.map((o) => [o.leg, o]));
  const call = <T>(fn: () => Promise<T>): Promise<T> => {
    out.calls += 1;
    return withTimeout(fn(), options.timeoutMs);
  };
  const adopt = (leg: string, snap: OrderSnapshot) =>
    out.events.push(...snapshotEvents(byLeg.get(leg), leg, snap, options.now()));

  for (const action of actions) {
    if (action.type === 'set_leverage') {
      try {
        await call(() => account.setLeverage(symbol, action.leverage, action.marginMode));
      } catch (err) {
        options.logger.warn({ err: message(err), symbol }, 'set leverage failed (best effort)');
      }
      continue;
    }
    const order = byLeg.get(action.leg);
    if (!order) continue;
    const id = clientOrderId(orderKey, action.leg);
    // Lets venues that keep conditional orders apart (Binance algo orders) ask the right endpoint.
    const hint = { kind: order.kind, side: order.side, qty: order.qty };
    try {
      if (action.type === 'refresh') {
        const snap = await call(() => account.fetchOrder(symbol, id, hint));
        if (snap) adopt(action.leg, snap);
        continue;
      }
      if (action.type === 'cancel') {
        adopt(action.leg, await call(() => account.cancelOrder(symbol, id, hint)));
        continue;
      }
      if (action.lookup) {
        const existing = await call(() => account.fetchOrder(symbol, id, hint));
        if (existing) {
          adopt(action.leg, existing);
          continue;
        }
      }
      const snap = await call(() =>
        account.placeOrder({
          clientOrderId: id,
          symbol,
          kind: order.kind,
          side: order.side,
          qty: order.qty,
          ...(order.price !== null ? { price: order.price } : {}),
          ...(order.stop_price !== null ? { stopPrice: order.stop_price } : {}),
          reduceOnly: order.reduce_only,
        }),
      );
      adopt(action.leg, snap);
    } catch (err) {
      if (isExchangeError(err, 'rejected') || isExchangeError(err, 'auth')) {
        if (action.type === 'place') {
          out.events.push({
            type: 'order_rejected',
            leg: action.leg,
            reason: err.message,
            at: options.now(),
          });
        } else {
          // A cancel refused (already filled or gone): what does the venue say now?
          try {
            const snap = await call(() => account.fetchOrder(symbol, id, hint));
            if (snap) adopt(action.leg, snap);
            else
              out.events.push({
                type: 'order_canceled',
                leg: action.leg,
                reason: 'unknown to the exchange',
                at: options.now(),
              });
          } catch {
            out.retry = true;
            break;
          }
        }
        continue;
      }
      // Unknown outcome or transient: the order stays as it is in the state (PENDING_NEW is looked up
      // before any re-send) and the position is retried after a back-off. The remaining actions wait
      // too: a cancel of the old stop must never run when placing the new one did not.
      out.retry = true;
      if (isExchangeError(err) && err.options.retryAfterMs) out.retryAfterMs = err.options.retryAfterMs;
      const kind = isExchangeError(err) ? err.kind : 'timeout_or_bug';
      const level = isExchangeError(err) && TRANSIENT.has(err.kind) ? 'info' : 'warn';
      options.logger[level](
        { err: message(err), kind, leg: action.leg, symbol },
        'venue call did not complete',
      );
      break;
    }
  }
  return out;
}

class CallTimeout extends Error {
  override name = 'CallTimeout';
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CallTimeout(`venue call timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
