import type { Generated, Selectable } from 'kysely';

export type IntentStatus = 'PENDING' | 'DONE' | 'BLOCKED' | 'FAILED';

/** One per (signal, follower), written in the signal's transaction: the durable fan-out queue. */
export interface ExecutionIntentsTable {
  id: Generated<number>;
  signal_id: number;
  user_id: number;
  status: IntentStatus;
  reason: string | null;
  position_id: number | null;
  attempts: number;
  lease_owner: string | null;
  lease_until: number | null;
  created_at: number;
  updated_at: number;
}

export type ExecutionIntentRow = Selectable<ExecutionIntentsTable>;

export type PositionRowStatus = 'PENDING' | 'OPEN' | 'PARTIAL' | 'CLOSED' | 'CANCELED';

/**
 * A position: `state` (JSON) is the state machine's whole state and the source of truth; the other
 * columns are copies of it for queries.
 */
export interface PositionsTable {
  id: Generated<number>;
  user_id: number;
  signal_id: number | null;
  exchange_account_id: number;
  venue: string;
  /** Stable key of the position for client order ids (`s<signal>u<user>` or `m<uuid>`). */
  order_key: string;
  symbol: string;
  direction: 'LONG' | 'SHORT';
  status: PositionRowStatus;
  close_reason: string | null;
  leverage: number;
  qty: string;
  remaining_qty: string;
  avg_entry_price: string | null;
  margin_usdt: string | null;
  realized_pnl_usdt: string;
  realized_pnl_pct: string | null;
  state: string;
  /** 1 while there are unprocessed events or commands: the engine's work queue. */
  pending_work: number;
  lease_owner: string | null;
  lease_until: number | null;
  /** Engine claims so far (0 for a new position, 1 when handed straight to an engine); see 0012-position-claims. */
  claims: Generated<number>;
  version: number;
  opened_at: number | null;
  closed_at: number | null;
  created_at: number;
  updated_at: number;
}

export type PositionRow = Selectable<PositionsTable>;

/** Events waiting for their position (follow-ups, venue order updates, user requests). */
export interface PositionInboxTable {
  id: Generated<number>;
  position_id: number;
  /** JSON PositionEvent, or an engine-level event. */
  event: string;
  /** Same key twice for one position = the same event delivered twice. */
  dedup_key: string | null;
  created_at: number;
  processed_at: number | null;
}

/** Client order id → position and leg, for venue updates and lookups. */
export interface OrderRefsTable {
  client_order_id: string;
  position_id: number;
  leg: string;
  user_id: number;
  created_at: number;
}

export interface RiskEventsTable {
  id: Generated<number>;
  user_id: number | null;
  signal_id: number | null;
  code: string;
  reason: string;
  data: string;
  created_at: number;
}

export type RiskEventRow = Selectable<RiskEventsTable>;

/** The single row (id 1) of global safety state. */
export interface SafetyStateTable {
  id: number;
  kill_switch: number;
  reason: string | null;
  /** 'admin' | 'breaker' */
  set_by: string | null;
  set_by_user: number | null;
  /** When the 24 h drawdown first came back 5 points under the limit (auto-resume timer). */
  recovered_since: number | null;
  updated_at: number;
}

/** Per user per UTC day, recomputed from that day's closed positions. */
export interface DailyStatsTable {
  user_id: number;
  day: string;
  trades: number;
  wins: number;
  losses: number;
  realized_usdt: string;
  /** JSON: the full DailyStats of @verzek/core (gross/net %, fees, drawdown…). */
  data: string;
  last_loss_at: number | null;
  updated_at: number;
}

export type DailyStatsRow = Selectable<DailyStatsTable>;

export interface DailyReportsTable {
  day: string;
  data: string;
  created_at: number;
}
