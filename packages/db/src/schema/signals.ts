import type { Generated, Selectable } from 'kysely';

export type SignalStatus = 'OPEN' | 'CLOSED' | 'CANCELLED';

/** A stored, validated signal. Prices are decimal strings; lists are JSON arrays of them. */
export interface SignalsTable {
  id: Generated<number>;
  source_id: number;
  /** The source's own id of the message (Telegram message id, webhook event id…); unique per source. */
  source_message_id: string | null;
  symbol: string;
  direction: 'LONG' | 'SHORT';
  entry_type: 'single' | 'zone' | 'multiple' | 'market' | 'breakout';
  /** JSON string[] */
  entries: string;
  /** JSON string[] */
  targets: string;
  stop_loss: string | null;
  leverage: number | null;
  margin_mode: 'CROSS' | 'ISOLATED' | null;
  trade_type: 'FUTURES' | 'SPOT';
  confidence: number | null;
  duration: 'SHORT' | 'LONG' | null;
  /** What arrived (message text or JSON), for audit. */
  raw: string;
  status: SignalStatus;
  /** Highest TP reported by the source so far (0 = none). */
  highest_tp: number;
  created_by: number | null;
  created_at: number;
  updated_at: number;
  closed_at: number | null;
}

export type SignalRow = Selectable<SignalsTable>;

export type SignalEventKind =
  'TP_HIT' | 'ALL_TP' | 'SL_HIT' | 'CANCELLED' | 'CLOSED' | 'ENTRY_FILLED' | 'EDIT';

export interface SignalEventsTable {
  id: Generated<number>;
  signal_id: number;
  kind: SignalEventKind;
  target: number | null;
  /** JSON: for EDIT the new targets/stop; otherwise extra facts. */
  data: string;
  created_at: number;
}

export type SignalEventRow = Selectable<SignalEventsTable>;

/** One row per ingested message/event id per source: a second arrival is a duplicate. */
export interface IngestKeysTable {
  source_id: number;
  key: string;
  created_at: number;
}
