import type { PositionCommand, TransitionResult } from './commands';
import { cloneState, commandsOf, newCtx, type Ctx } from './context';
import type { PositionEvent } from './events';
import { onOrderAccepted, onOrderCanceled, onOrderFill, onOrderRejected } from './exchange-events';
import { reconcile } from './reconcile';
import {
  onCloseRequest,
  onClosedExternally,
  onLiquidated,
  onSignalEdit,
  onSignalTpHit,
  signalStopReason,
} from './signal-events';
import type { PositionState } from './state';

function apply(ctx: Ctx, e: PositionEvent): boolean {
  switch (e.type) {
    case 'order_accepted':
      return onOrderAccepted(ctx, e);
    case 'order_fill':
      return onOrderFill(ctx, e);
    case 'order_canceled':
      return onOrderCanceled(ctx, e);
    case 'order_rejected':
      return onOrderRejected(ctx, e);
    case 'signal_tp_hit':
      return onSignalTpHit(ctx, e);
    case 'signal_all_tp':
      return onCloseRequest(ctx, 'tp_all');
    case 'signal_sl_hit':
      return onCloseRequest(ctx, signalStopReason(ctx));
    case 'signal_cancelled':
      return onCloseRequest(ctx, 'signal_cancelled');
    case 'signal_closed':
      return onCloseRequest(ctx, 'signal_closed');
    case 'manual_close':
      return onCloseRequest(ctx, 'manual', typeof e.reason === 'string' && e.reason !== '' ? e.reason : null);
    case 'signal_edit':
      return onSignalEdit(ctx, e);
    case 'liquidated':
      return onLiquidated(ctx, e);
    case 'closed_externally':
      return onClosedExternally(ctx, e);
    case 'signal_entry_filled':
      return false;
    default:
      return false;
  }
}

/**
 * The position state machine: applies one event and returns the next state and the commands to run.
 * Pure and total: the input state is never mutated, and no event — unknown type or leg, malformed
 * numbers, duplicates, events after the end — throws. An event that changes nothing returns the very
 * same state object and no commands. A CLOSED or CANCELED position only records order bookkeeping
 * (accepted / canceled / rejected) and never emits a command.
 */
export function transition(state: PositionState, event: PositionEvent): TransitionResult {
  if (event == null || typeof event !== 'object' || state == null) return { state, commands: [] };
  const ctx = newCtx(cloneState(state), eventAt(event, state));
  if (!apply(ctx, event)) return { state, commands: [] };
  ctx.s.updated_at = ctx.at;
  reconcile(ctx);
  return { state: ctx.s, commands: commandsOf(ctx) };
}

function eventAt(event: PositionEvent, state: PositionState): number {
  return typeof event.at === 'number' && Number.isFinite(event.at) ? event.at : state.updated_at;
}

/**
 * {@link transition} over several events in order: the same state and commands as applying them one
 * by one, for less work. An acceptance (PENDING_NEW → NEW, the exchange's id) right after a reconcile
 * is recorded on that working copy, with no copy and no reconcile of its own: reconcile treats
 * PENDING_NEW and NEW alike and is a fixpoint, so it would change nothing. A position's exit orders
 * come back as a run of acceptances.
 */
export function transitionAll(state: PositionState, events: readonly PositionEvent[]): TransitionResult {
  let current = state;
  // The working copy behind `current` when `current` was just reconciled by this call.
  let settled: Ctx | null = null;
  const commands: PositionCommand[] = [];
  for (const event of events) {
    if (settled !== null && event != null && event.type === 'order_accepted') {
      settled.at = eventAt(event, current);
      if (onOrderAccepted(settled, event)) current.updated_at = settled.at;
      continue;
    }
    const result = transition(current, event);
    if (result.state === current) continue;
    current = result.state;
    commands.push(...result.commands);
    settled = newCtx(current, current.updated_at);
  }
  return { state: current, commands };
}
