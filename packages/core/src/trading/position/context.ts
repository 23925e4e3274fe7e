import type {
  CancelOrderCommand,
  NotifyCommand,
  PlaceOrderCommand,
  PositionCommand,
  PositionNotification,
  SetLeverageCommand,
} from './commands';
import type { PositionState } from './state';

/** Max anomalies kept in the state. */
export const MAX_ANOMALIES = 50;

/** The working copy of a transition: a private clone of the state plus the commands collected so far. */
export interface Ctx {
  s: PositionState;
  at: number;
  setup: SetLeverageCommand[];
  cancels: CancelOrderCommand[];
  places: PlaceOrderCommand[];
  notes: NotifyCommand[];
}

/** Deep copy through JSON: the state is plain JSON by contract, and the input is never mutated. */
export function cloneState(state: PositionState): PositionState {
  return JSON.parse(JSON.stringify(state)) as PositionState;
}

export function newCtx(s: PositionState, at: number): Ctx {
  return { s, at, setup: [], cancels: [], places: [], notes: [] };
}

/** Commands in execution order: setup, cancels (free reduce-only room first), places, notifications. */
export function commandsOf(ctx: Ctx): PositionCommand[] {
  return [...ctx.setup, ...ctx.cancels, ...ctx.places, ...ctx.notes];
}

export function notify(ctx: Ctx, n: PositionNotification): void {
  ctx.notes.push({ type: 'notify', ...n });
}

export function anomaly(ctx: Ctx, message: string): void {
  ctx.s.anomalies.push({ at: ctx.at, message });
  if (ctx.s.anomalies.length > MAX_ANOMALIES)
    ctx.s.anomalies.splice(0, ctx.s.anomalies.length - MAX_ANOMALIES);
}
