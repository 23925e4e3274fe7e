import { Dec, dec, decStr, floorToStep, roundDp, tryDec, PCT_DP } from '../../money';
import { checkOrderMinimums } from '../market-rules';
import type { RiskLimits } from './limits';
import type { RiskCheckInput, RiskDecision } from './types';

/** Facts computed once from the input, shared by the rules. */
export interface RiskFacts {
  capital: Dec;
  qty: Dec;
  price: Dec;
  leverage: Dec;
  margin: Dec;
  openMargin: Dec;
  todayPnlPct: Dec;
}

/** One §6 rule: a blocking (or adjusting) decision, or null to pass to the next rule. */
export type RiskRule = (input: RiskCheckInput, limits: RiskLimits, facts: RiskFacts) => RiskDecision | null;

/** Formats a percentage for a reason: at most 2 decimals, no trailing zeros. */
export function fmtPct(value: Dec | number): string {
  return decStr(roundDp(dec(value), 2));
}

function block(code: RiskDecision['code'], reason: string, exposure: Dec | null = null): RiskDecision {
  return {
    allowed: false,
    code,
    reason,
    exposure_pct_after: exposure == null ? null : decStr(roundDp(exposure, PCT_DP)),
  };
}

/** The kill switch needs no other input, so it is also checked before the inputs are parsed. */
export function killSwitchDecision(input: Pick<RiskCheckInput, 'safety'>): RiskDecision | null {
  return input.safety?.kill_switch === true
    ? block('kill_switch', 'Trading is halted: the global kill switch is on')
    : null;
}

export const killSwitchRule: RiskRule = (input) => killSwitchDecision(input);

export const dailyLossRule: RiskRule = (_input, limits, facts) => {
  const limit = limits.daily_loss_limit_pct;
  if (limit <= 0 || facts.todayPnlPct.gt(-limit)) return null;
  return block(
    'daily_loss_limit',
    `Daily loss limit reached: ${fmtPct(facts.todayPnlPct)}% of capital today (limit ${fmtPct(limit)}%)`,
  );
};

export const dailyTradeCountRule: RiskRule = (input, limits) => {
  if (input.today.trade_count < limits.max_daily_trades) return null;
  return block(
    'daily_trade_limit',
    `Daily trade limit reached: ${input.today.trade_count} trades today (limit ${limits.max_daily_trades})`,
  );
};

export const maxConcurrentRule: RiskRule = (input, limits) => {
  const open = input.open_positions.length;
  if (open < limits.max_concurrent_trades) return null;
  return block(
    'max_concurrent_trades',
    `Too many open trades: ${open} open (limit ${limits.max_concurrent_trades})`,
  );
};

export const perSymbolRule: RiskRule = (input, limits) => {
  const symbol = input.trade.symbol;
  const same = input.open_positions.filter((p) => p.symbol === symbol).length;
  if (same < limits.per_symbol_limit) return null;
  return block(
    'per_symbol_limit',
    `Per-symbol limit reached: ${same} open on ${symbol} (limit ${limits.per_symbol_limit})`,
  );
};

export const cooldownRule: RiskRule = (input, limits) => {
  const last = input.today.last_loss_at;
  const minutes = limits.cooldown_minutes_after_loss;
  if (last == null || minutes <= 0) return null;
  const until = last + minutes * 60_000;
  if (input.now >= until) return null;
  const left = Math.ceil((until - input.now) / 60_000);
  return block('cooldown', `Cooldown after a losing trade: ${left} min left (cooldown ${minutes} min)`);
};

/**
 * Exposure = Σ margin of open positions (+ this trade) / capital. Over the cap: blocked, or with
 * `exposure_mode: 'reduce'` the quantity is cut (down to the lot size) to the margin that still fits.
 */
export const exposureRule: RiskRule = (input, limits, facts) => {
  const cap = dec(limits.max_account_exposure_pct);
  const after = facts.openMargin.plus(facts.margin).div(facts.capital).mul(100);
  if (after.lte(cap)) return null;
  const capText = `${fmtPct(cap)}% of capital`;
  const refuse = (why: string) =>
    block(
      'exposure_cap',
      `Exposure cap: this trade would take exposure to ${fmtPct(after)}% (cap ${capText})${why}`,
      after,
    );
  if (limits.exposure_mode !== 'reduce') return refuse('');
  const market = input.trade.market;
  const room = cap.mul(facts.capital).div(100).minus(facts.openMargin);
  if (room.lte(0)) return refuse('; no room left to reduce into');
  if (market == null) return refuse('; cannot reduce without the market rules');
  const qty = floorToStep(room.mul(facts.leverage).div(facts.price), market.lotSize);
  const minimums = checkOrderMinimums(qty, facts.price, market);
  if (!minimums.ok) return refuse(`; the reduced size is too small (${minimums.reason})`);
  const reducedAfter = facts.openMargin
    .plus(qty.mul(facts.price).div(facts.leverage))
    .div(facts.capital)
    .mul(100);
  return {
    allowed: true,
    code: 'exposure_reduced',
    reason: `Size reduced from ${decStr(facts.qty)} to ${decStr(qty)} to stay within the exposure cap of ${capText}`,
    adjusted_qty: decStr(qty),
    exposure_pct_after: decStr(roundDp(reducedAfter, PCT_DP)),
  };
};

/** The §6 rules in the order they are checked; the first that blocks decides. */
export const RISK_RULES: readonly RiskRule[] = [
  killSwitchRule,
  dailyLossRule,
  dailyTradeCountRule,
  maxConcurrentRule,
  perSymbolRule,
  cooldownRule,
  exposureRule,
];

/** Parses the numeric inputs; a reason string when something is unusable. */
export function riskFacts(input: RiskCheckInput): RiskFacts | string {
  const capital = tryDec(input.capital_usdt);
  if (capital == null || capital.lte(0)) return 'capital_usdt must be a positive number';
  const qty = tryDec(input.trade.qty);
  const price = tryDec(input.trade.price);
  if (qty == null || qty.lte(0)) return 'The trade quantity must be a positive number';
  if (price == null || price.lte(0)) return 'The trade price must be a positive number';
  if (!Number.isFinite(input.trade.leverage) || input.trade.leverage < 1)
    return 'Leverage must be a number ≥ 1';
  const todayPnlPct = tryDec(input.today.realized_pnl_pct);
  if (todayPnlPct == null) return "Today's realized PnL % must be a number";
  let openMargin = new Dec(0);
  for (const p of input.open_positions) {
    const m = tryDec(p.margin_usdt);
    if (m == null || m.lt(0)) return `Open position on ${p.symbol} has an invalid margin`;
    openMargin = openMargin.plus(m);
  }
  const leverage = dec(input.trade.leverage);
  return { capital, qty, price, leverage, margin: qty.mul(price).div(leverage), openMargin, todayPnlPct };
}
