import type { Direction, MarginMode } from '../types';

/** How the entry of a signal is given. */
export type EntryType = 'single' | 'zone' | 'multiple' | 'market' | 'breakout';

export const ENTRY_TYPES: readonly EntryType[] = ['single', 'zone', 'multiple', 'market', 'breakout'];

/** A validated trade setup. Prices are canonical decimal strings ("70000", "0.0015"). */
export interface ParsedSignal {
  symbol: string;
  direction: Direction;
  /** One price, a zone [lo, hi] sorted ascending, several prices in the order given, or [] for market. */
  entries: string[];
  entry_type: EntryType;
  /** Take-profit ladder in the order it is hit: ascending for a LONG, descending for a SHORT. */
  targets: string[];
  stop_loss: string | null;
  leverage: number | null;
  margin_mode: MarginMode | null;
}

export type UpdateKind = 'TP_HIT' | 'ALL_TP' | 'SL_HIT' | 'CANCELLED' | 'CLOSED' | 'ENTRY_FILLED';

export const UPDATE_KINDS: readonly UpdateKind[] = [
  'TP_HIT',
  'ALL_TP',
  'SL_HIT',
  'CANCELLED',
  'CLOSED',
  'ENTRY_FILLED',
];

/** A follow-up about an earlier signal. */
export interface ParsedUpdate {
  /** The pair if the message names one, else null (the caller links by reply-to). */
  symbol: string | null;
  kind: UpdateKind;
  /** TP_HIT: the take-profit number; ENTRY_FILLED: the entry number when stated; otherwise null. */
  target: number | null;
}

export type ParseKind = 'signal' | 'update' | 'none';

export interface ParseResult {
  kind: ParseKind;
  /** 0..1: how sure the parser is that this reading is what the author meant. 0 for 'none'. */
  confidence: number;
  signal?: ParsedSignal;
  update?: ParsedUpdate;
  /** Why the message is 'none' (not a signal, or a setup that was rejected). */
  reason?: string;
}

/** A signal candidate from any source, before validation. */
export interface SignalInput {
  symbol: string;
  direction: string;
  entries: ReadonlyArray<string | number>;
  /** Inferred from the number of entries when absent (0: market, 1: single, 2+: multiple). */
  entry_type?: string;
  targets: ReadonlyArray<string | number>;
  stop_loss?: string | number | null;
  leverage?: number | string | null;
  margin_mode?: string | null;
}

export type ValidationResult = { ok: true; signal: ParsedSignal } | { ok: false; reason: string };
