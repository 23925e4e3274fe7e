export type { BreakevenMode, DcaConfig, EntrySpec, FeeRates, PositionPlan, ResolvedPlan } from './plan';
export type {
  Anomaly,
  CloseReason,
  FillRecord,
  LegRole,
  OrderKind,
  OrderRecord,
  OrderSpec,
  OrderStatus,
  PositionState,
  PositionStatus,
  StopKind,
  TpSlot,
  TpSlotStatus,
} from './state';
export type { PositionEvent, PositionEventType } from './events';
export type {
  CancelOrderCommand,
  NotifyCommand,
  PlaceOrderCommand,
  PositionCommand,
  PositionNotification,
  PositionNotificationKind,
  SetLeverageCommand,
  TransitionResult,
} from './commands';
export { openPosition } from './open-position';
export { transition, transitionAll } from './transition';
export {
  validatePositionPlan,
  MAX_POSITION_TARGETS,
  MAX_ZONE_PARTS,
  MAX_SAFETY_ORDERS,
  MAX_POSITION_LEVERAGE,
} from './validate-plan';
export { MAX_CLOSE_ATTEMPTS } from './closing';
export { isTerminal } from './status';
export { isLive as isOrderLive, isOpen as isOrderOpen } from './orders';
