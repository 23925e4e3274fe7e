import type { Dec } from '../money';
import { dec, decStr, floorToStep, roundDp, tryDec, USDT_DP } from '../money';
import { checkOrderMinimums, validateMarketRules, type MarketRules, type MinimumCode } from './market-rules';

/** Inputs of {@link sizeTrade}. Money as decimal strings; `leverage` and `risk_pct` are plain numbers. */
export interface SizeTradeInput {
  /** Expected entry price (the limit price, or the current price for a market entry). */
  entry_price: string;
  /** The user's margin per trade; also the cap on risk-based sizing. */
  per_trade_usdt: string;
  leverage: number;
  market: MarketRules;
  /** Needed for risk-based sizing and for `risk_usdt`. */
  stop_loss?: string | null;
  /** Percent of capital to lose at the stop; enables risk-based sizing when > 0. */
  risk_pct?: number | null;
  /** Needed for risk-based sizing. */
  capital_usdt?: string | null;
}

/** `fixed`: per_trade × leverage / entry. `risk`: capital × risk% / |entry − stop|, capped by fixed. */
export type SizingMethod = 'fixed' | 'risk';

/** A successful sizing: the quantity is on the lot grid and passes the market minimums. */
export interface SizedTrade {
  ok: true;
  method: SizingMethod;
  qty: string;
  /** qty × entry price. */
  notional_usdt: string;
  /** notional / leverage. */
  margin_usdt: string;
  /** per_trade_usdt × leverage: the most notional any sizing method may use. */
  max_notional_usdt: string;
  /** True when risk-based sizing wanted more than `max_notional_usdt` and was cut down to it. */
  capped: boolean;
  /** Loss at the stop before fees (qty × |entry − stop|), null without a stop. */
  risk_usdt: string | null;
}

/** Why a trade could not be sized. */
export type SizingRejectionCode = 'invalid_input' | 'stop_required' | MinimumCode;

/** A refused sizing: data, never an exception. */
export interface SizingRejection {
  ok: false;
  code: SizingRejectionCode;
  reason: string;
  /** The quantity that was computed before the minimums refused it (when it got that far). */
  qty?: string;
}

export type SizeTradeResult = SizedTrade | SizingRejection;

function reject(code: SizingRejectionCode, reason: string, qty?: Dec): SizingRejection {
  return qty == null ? { ok: false, code, reason } : { ok: false, code, reason, qty: decStr(qty) };
}

/**
 * Sizes a trade (§5). Fixed: notional = per_trade_usdt × leverage, qty = notional / entry rounded DOWN
 * to the lot size. Risk-based (when `risk_pct` > 0): qty = capital × risk% / |entry − stop|, then capped
 * by the fixed notional — `per_trade_usdt` is the user's most margin per trade, so turning risk sizing on
 * can make a trade smaller, never bigger. Below min qty / min notional → rejected with a reason.
 */
export function sizeTrade(input: SizeTradeInput): SizeTradeResult {
  const entry = tryDec(input.entry_price);
  const perTrade = tryDec(input.per_trade_usdt);
  const marketErrors = validateMarketRules(input.market);
  if (entry == null || entry.lte(0)) return reject('invalid_input', 'Entry price must be a positive number');
  if (perTrade == null || perTrade.lte(0))
    return reject('invalid_input', 'per_trade_usdt must be a positive number');
  if (!Number.isFinite(input.leverage) || input.leverage < 1) {
    return reject('invalid_input', 'Leverage must be a number ≥ 1');
  }
  if (marketErrors.length > 0) return reject('invalid_input', marketErrors.join('; '));
  const leverage = dec(input.leverage);
  const maxNotional = perTrade.mul(leverage);
  const fixedQty = maxNotional.div(entry);
  const stop = input.stop_loss == null ? null : tryDec(input.stop_loss);
  if (input.stop_loss != null && (stop == null || stop.lte(0))) {
    return reject('invalid_input', 'Stop loss must be a positive number');
  }

  let method: SizingMethod = 'fixed';
  let rawQty = fixedQty;
  let capped = false;
  const riskPct = input.risk_pct ?? 0;
  if (!Number.isFinite(riskPct) || riskPct < 0)
    return reject('invalid_input', 'risk_pct must be a number ≥ 0');
  if (riskPct > 0) {
    method = 'risk';
    const capital = tryDec(input.capital_usdt ?? null);
    if (capital == null || capital.lte(0)) {
      return reject('invalid_input', 'Risk-based sizing needs capital_usdt > 0');
    }
    if (stop == null) return reject('stop_required', 'Risk-based sizing needs a stop loss');
    const distance = entry.minus(stop).abs();
    if (distance.isZero()) return reject('invalid_input', 'Stop loss equals the entry price');
    const riskQty = capital.mul(riskPct).div(100).div(distance);
    capped = riskQty.gt(fixedQty);
    rawQty = capped ? fixedQty : riskQty;
  }

  const qty = floorToStep(rawQty, input.market.lotSize);
  const minimums = checkOrderMinimums(qty, entry, input.market);
  if (!minimums.ok) {
    const how =
      method === 'fixed'
        ? `${decStr(perTrade)} USDT × ${input.leverage}x at ${decStr(entry)}`
        : `${riskPct}% risk of capital over a stop distance of ${decStr(entry.minus(stop ?? entry).abs())}`;
    return reject(minimums.code, `${minimums.reason} (sized from ${how})`, qty);
  }
  const notional = qty.mul(entry);
  return {
    ok: true,
    method,
    qty: decStr(qty),
    notional_usdt: decStr(roundDp(notional, USDT_DP)),
    margin_usdt: decStr(roundDp(notional.div(leverage), USDT_DP)),
    max_notional_usdt: decStr(roundDp(maxNotional, USDT_DP)),
    capped,
    risk_usdt: stop == null ? null : decStr(roundDp(qty.mul(entry.minus(stop).abs()), USDT_DP)),
  };
}
