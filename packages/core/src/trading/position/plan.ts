import type { Direction, MarginMode } from '../../types';
import type { MarketRules } from '../market-rules';

/**
 * How the position is entered: one market order, one limit order, or a zone split into `parts` limit
 * orders spread evenly from `low` to `high` (the part nearest the market first: high for LONG).
 */
export type EntrySpec =
  | { type: 'market' }
  | { type: 'limit'; price: string }
  | { type: 'zone'; low: string; high: string; parts: number };

/**
 * Stop management after take-profits: `off`; `breakeven` — once any TP is reached the stop moves to the
 * average entry; `moving_target` — after TP1 to the average entry, after TPn (n ≥ 2) to TP(n−1).
 */
export type BreakevenMode = 'off' | 'breakeven' | 'moving_target';

/**
 * DCA (§5): the plan's `qty` is split into a base order and `safety_orders` limit orders.
 * Safety order k sits at a cumulative deviation from the base fill price of
 * price_deviation_pct × (1 + s + s² + … + s^(k−1)) with s = step_scale (3Commas style), against the
 * position (below for LONG). Sizes: the base gets `base_fraction` of qty (default: the weight of one
 * safety order), safety order k weighs volume_scale^(k−1).
 */
export interface DcaConfig {
  safety_orders: number;
  price_deviation_pct: number;
  step_scale: number;
  volume_scale: number;
  base_fraction?: number | null;
}

/** Fee rates as decimal fractions ("0.0004" = 0.04%). */
export interface FeeRates {
  maker_rate: string;
  taker_rate: string;
}

/** Everything {@link openPosition} needs; quantities and prices are decimal strings. */
export interface PositionPlan {
  symbol: string;
  direction: Direction;
  /** Integer ≥ 1. */
  leverage: number;
  margin_mode?: MarginMode | null;
  entry: EntrySpec;
  /** Total quantity, already sized (see `sizeTrade`) and on the lot grid. */
  qty: string;
  /** The signal's entry price: the base of the targets' % distances after DCA. Default: the limit price,
   * the zone midpoint, or the base order's average fill price for a market entry. */
  entry_reference?: string | null;
  /** Take-profit prices in order away from the entry (ascending for LONG); up to 10. */
  targets: string[];
  /** The user's split in % per target, summing to 100; default equal. */
  tp_split_pct?: number[] | null;
  stop_loss: string | null;
  /** Default `breakeven`. */
  breakeven?: BreakevenMode | null;
  dca?: DcaConfig | null;
  market: MarketRules;
  fees: FeeRates;
  /** The asset fees must be in to count in the USDT PnL; default "USDT". */
  quote_asset?: string | null;
}

/** The plan as stored in the state: defaults applied, absent options as null (plain JSON). */
export interface ResolvedPlan {
  symbol: string;
  direction: Direction;
  leverage: number;
  margin_mode: MarginMode | null;
  entry: EntrySpec;
  qty: string;
  entry_reference: string | null;
  targets: string[];
  /** Relative TP weights (the user's % or "1" each). */
  tp_weights: string[];
  stop_loss: string | null;
  breakeven: BreakevenMode;
  dca: {
    safety_orders: number;
    price_deviation_pct: number;
    step_scale: number;
    volume_scale: number;
    base_fraction: number | null;
  } | null;
  market: MarketRules;
  fees: FeeRates;
  quote_asset: string;
}
