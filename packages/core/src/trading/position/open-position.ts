import { priceToTick } from '../market-rules';
import { decStr, tryDec } from '../../money';
import { recomputeAccounting } from './accounting';
import type { TransitionResult } from './commands';
import { commandsOf, newCtx, notify } from './context';
import { placeEntries } from './entries';
import type { PositionPlan } from './plan';
import { resolvePlan } from './resolve-plan';
import type { PositionState } from './state';
import { validatePositionPlan } from './validate-plan';

function roundedStop(plan: ReturnType<typeof resolvePlan>): string | null {
  const stop = tryDec(plan.stop_loss);
  return stop == null ? null : decStr(priceToTick(stop, plan.market.tickSize));
}

/** A fresh state for a (resolved) plan: nothing placed, nothing filled. */
function initialState(plan: PositionPlan, now: number, errors: string[]): PositionState {
  const resolved = resolvePlan(plan);
  const valid = errors.length === 0;
  return {
    schema: 1,
    plan: resolved,
    status: valid ? 'PENDING' : 'CANCELED',
    close_reason: valid ? null : 'invalid_plan',
    close_note: null,
    closing: null,
    errors,
    tp: resolved.targets.map((target, i) => ({
      n: i + 1,
      target,
      price: valid ? decStr(priceToTick(target, resolved.market.tickSize)) : target,
      weight: resolved.tp_weights[i] ?? '1',
      status: 'pending',
      reached_at: null,
    })),
    stop_price: valid ? roundedStop(resolved) : null,
    stop_kind: 'initial',
    stop_locked: false,
    dca_placed: false,
    entries_closed: !valid,
    close_attempts: 0,
    orders: [],
    entry_filled_qty: '0',
    exit_filled_qty: '0',
    remaining_qty: '0',
    avg_entry_price: null,
    avg_exit_price: null,
    realized_pnl_usdt: '0',
    realized_pnl_pct: null,
    realized_pnl_pct_unleveraged: null,
    fees_usdt: '0',
    fees_other: {},
    margin_usdt: null,
    highest_tp_reached: 0,
    created_at: now,
    opened_at: null,
    closed_at: valid ? null : now,
    updated_at: now,
    anomalies: [],
  };
}

/**
 * Opens a position from a sized plan: returns the initial state (PENDING) and the commands — set
 * leverage, then the entry order(s) (`entry`, or `entry-z1…` for a zone; with DCA the base order only:
 * safety orders follow once it has filled). The TP ladder and the stop are placed by `transition` once
 * entry quantity has filled. An invalid plan gives a CANCELED state (reason `invalid_plan`, `errors`
 * filled) and a single `invalid_plan` notification — never an exception. `now` is epoch ms.
 */
export function openPosition(plan: PositionPlan, now: number): TransitionResult {
  const errors = validatePositionPlan(plan);
  const state = initialState(plan, now, errors);
  const ctx = newCtx(state, now);
  if (errors.length > 0) {
    notify(ctx, { kind: 'invalid_plan', message: `Trade plan refused: ${errors.join('; ')}`, errors });
    return { state, commands: commandsOf(ctx) };
  }
  ctx.setup.push({
    type: 'set_leverage',
    leverage: state.plan.leverage,
    margin_mode: state.plan.margin_mode,
  });
  placeEntries(ctx);
  recomputeAccounting(state);
  notify(ctx, {
    kind: 'position_created',
    message: `${state.plan.direction} ${state.plan.symbol} ×${state.plan.leverage}: ${state.plan.qty} via ${state.plan.entry.type} entry`,
  });
  return { state, commands: commandsOf(ctx) };
}
