import type { Selectable } from 'kysely';

/** `OutcomeStatus` of @verzek/core, or UNTRACKED: published before outcome tracking existed. */
export type SignalOutcomeStatus =
  'PENDING' | 'ACTIVE' | 'WIN' | 'LOSS' | 'BREAKEVEN' | 'CANCELLED' | 'EXPIRED' | 'UNTRACKED';

/**
 * What actually happened to each signal against the market (one row per signal, written by the
 * workers' outcome monitor): `state` is the tracker's whole state (JSON) and the source of truth,
 * the other columns are copies of it for the statistics.
 */
export interface SignalOutcomesTable {
  signal_id: number;
  status: SignalOutcomeStatus;
  reason: string | null;
  entry_price: string | null;
  /** % at 1× leverage (4 places); set once closed. */
  profit_pct: string | null;
  targets_hit: number;
  state: string;
  /** Bumped by every write; writers compare it (several workers may track the same signal). */
  version: number;
  entered_at: number | null;
  closed_at: number | null;
  created_at: number;
  updated_at: number;
}

export type SignalOutcomeRow = Selectable<SignalOutcomesTable>;
