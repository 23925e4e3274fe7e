import type { MarketRules } from '../market-rules';
import type { RiskLimits } from './limits';

/** One of the user's open positions, as the risk engine sees it. */
export interface OpenPositionExposure {
  symbol: string;
  /** Margin locked by the position (notional / leverage), USDT. */
  margin_usdt: string;
  /** Informational; exposure is measured on margin. */
  notional_usdt?: string;
}

/** The user's trading so far today (the caller decides the day boundary, e.g. the user's timezone). */
export interface TodayRiskStats {
  /** Trades opened today. */
  trade_count: number;
  /** Today's realized PnL as % of capital (negative for a loss), e.g. "-12.5". */
  realized_pnl_pct: string | number;
  /** When the last losing trade closed (epoch ms), or null. */
  last_loss_at: number | null;
}

/** Global safety state (§6). */
export interface SafetyState {
  kill_switch: boolean;
}

/** The trade being considered. */
export interface ProposedTrade {
  symbol: string;
  qty: string;
  /** Expected entry price. */
  price: string;
  leverage: number;
  /** Needed to shrink the trade to fit the exposure cap (`exposure_mode: 'reduce'`). */
  market?: MarketRules | null;
}

/** Everything the risk engine needs except the trade itself (what {@link previewTrade} takes). */
export interface RiskContext {
  limits?: Partial<RiskLimits> | null;
  capital_usdt: string;
  open_positions: readonly OpenPositionExposure[];
  today: TodayRiskStats;
  safety: SafetyState;
  /** Epoch ms. */
  now: number;
}

/** Input of {@link checkRisk}. */
export interface RiskCheckInput extends RiskContext {
  trade: ProposedTrade;
}

/** Machine-readable outcome of a risk check. `ok` and `exposure_reduced` are allowed. */
export type RiskCode =
  | 'ok'
  | 'exposure_reduced'
  | 'invalid_input'
  | 'kill_switch'
  | 'daily_loss_limit'
  | 'daily_trade_limit'
  | 'max_concurrent_trades'
  | 'per_symbol_limit'
  | 'cooldown'
  | 'exposure_cap';

/** A risk decision: a rejection is data (record it as a risk event), never an exception. */
export interface RiskDecision {
  allowed: boolean;
  code: RiskCode;
  /** Human-readable, e.g. "Daily loss limit reached: -25.3% of capital today (limit 25%)". */
  reason: string;
  /** Set when the trade was shrunk to fit the exposure cap: the quantity to use instead. */
  adjusted_qty?: string;
  /** Σ margin / capital × 100 after this trade (with `adjusted_qty` if reduced); null if unknown. */
  exposure_pct_after: string | null;
}
