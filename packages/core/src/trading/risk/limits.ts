/** What to do when a trade would push the account's exposure over the cap. */
export type ExposureMode = 'block' | 'reduce';

/** A user's risk limits (§6). Percentages are plain numbers (25 = 25%). */
export interface RiskLimits {
  /** Open positions at once; at most {@link MAX_CONCURRENT_TRADES_CAP}. */
  max_concurrent_trades: number;
  /** New trades per (UTC or user) day. */
  max_daily_trades: number;
  /** Blocks new trades once today's realized PnL reaches −this % of capital. */
  daily_loss_limit_pct: number;
  /** Cap on Σ margin of open positions (plus the new one) as % of capital. */
  max_account_exposure_pct: number;
  /** Open positions on one symbol. */
  per_symbol_limit: number;
  /** No new trade for this long after a losing close. */
  cooldown_minutes_after_loss: number;
  /** `block` (default) refuses a trade over the exposure cap; `reduce` shrinks it to fit. */
  exposure_mode: ExposureMode;
}

/** The hard ceiling on concurrent trades for any user (§5: up to 50). */
export const MAX_CONCURRENT_TRADES_CAP = 50;

/** §6 defaults. */
export const DEFAULT_RISK_LIMITS: Readonly<RiskLimits> = Object.freeze({
  max_concurrent_trades: 5,
  max_daily_trades: 50,
  daily_loss_limit_pct: 25,
  max_account_exposure_pct: 80,
  per_symbol_limit: 5,
  cooldown_minutes_after_loss: 15,
  exposure_mode: 'block',
});

function pick(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

/**
 * Fills missing or invalid (negative, NaN) limits with the defaults and clamps
 * `max_concurrent_trades` to {@link MAX_CONCURRENT_TRADES_CAP}.
 */
export function resolveRiskLimits(partial?: Partial<RiskLimits> | null): RiskLimits {
  const p = partial ?? {};
  const d = DEFAULT_RISK_LIMITS;
  return {
    max_concurrent_trades: Math.min(
      pick(p.max_concurrent_trades, d.max_concurrent_trades),
      MAX_CONCURRENT_TRADES_CAP,
    ),
    max_daily_trades: pick(p.max_daily_trades, d.max_daily_trades),
    daily_loss_limit_pct: pick(p.daily_loss_limit_pct, d.daily_loss_limit_pct),
    max_account_exposure_pct: pick(p.max_account_exposure_pct, d.max_account_exposure_pct),
    per_symbol_limit: pick(p.per_symbol_limit, d.per_symbol_limit),
    cooldown_minutes_after_loss: pick(p.cooldown_minutes_after_loss, d.cooldown_minutes_after_loss),
    exposure_mode: p.exposure_mode === 'reduce' ? 'reduce' : 'block',
  };
}
