import { Dec, dec, decStr, roundDp, tryDec, PCT_DP, USDT_DP } from '../money';
import type { Direction } from '../types';
import type { MarketRules } from './market-rules';
import type { FeeRates } from './position/plan';
import { validateTargets } from './position/validate-plan';
import { checkRisk } from './risk/check-risk';
import { killSwitchDecision } from './risk/rules';
import type { RiskContext, RiskDecision } from './risk/types';
import { sizeTrade, type SizeTradeResult } from './sizing';
import { splitTakeProfits } from './split-qty';

/** Inputs of {@link previewTrade} (the body of `POST /api/trade/preview` plus the user's settings). */
export interface PreviewTradeInput {
  symbol: string;
  direction: Direction;
  /** Expected entry price (the limit price, or the current price for a market entry). */
  entry_price: string;
  /** Decides the entry fee rate: market → taker (default), limit → maker. */
  entry_type?: 'market' | 'limit' | null;
  stop_loss: string | null;
  targets: string[];
  tp_split_pct?: number[] | null;
  leverage: number;
  per_trade_usdt: string;
  capital_usdt: string;
  /** Enables risk-based sizing (see `sizeTrade`). */
  risk_pct?: number | null;
  market: MarketRules;
  fees: FeeRates;
}

/** The outcome at one take-profit, fees included (entry fee share + maker exit fee). */
export interface TargetPreview {
  n: number;
  price: string;
  qty: string;
  pnl_usdt: string;
  /** On this share's margin. */
  pnl_pct: string;
  pnl_pct_unleveraged: string;
  /** PnL of TPs 1…n together. */
  cumulative_pnl_usdt: string;
}

/** What `POST /api/trade/preview` answers: the sizing, the money at stake, and the risk decision. */
export interface TradePreview {
  /** Sized, valid and allowed by the risk engine. */
  ok: boolean;
  /** Why it is not ok (empty when ok; includes the risk engine's reason when blocked). */
  reasons: string[];
  symbol: string;
  direction: Direction;
  entry_price: string;
  leverage: number;
  sizing: SizeTradeResult;
  /** The quantity to trade: the sized one, or the risk engine's `adjusted_qty`. Null if not sized. */
  qty: string | null;
  notional_usdt: string | null;
  margin_usdt: string | null;
  entry_fee_usdt: string | null;
  /** Loss if the stop is hit: qty × |entry − stop| + entry fee + taker exit fee. Null without a stop. */
  risk_usdt: string | null;
  risk_pct_of_capital: string | null;
  targets: TargetPreview[];
  /** PnL if every target is hit. */
  pnl_all_targets_usdt: string | null;
  risk: RiskDecision;
}

function usdt(d: Dec): string {
  return decStr(roundDp(d, USDT_DP));
}

function pct(d: Dec): string {
  return decStr(roundDp(d, PCT_DP));
}

function sideProblems(input: PreviewTradeInput, entry: Dec | null): string[] {
  const problems = validateTargets(input.direction, input.targets);
  if (entry == null) return problems;
  const long = input.direction === 'LONG';
  const stop = tryDec(input.stop_loss);
  if (input.stop_loss != null && (stop == null || (long ? !stop.lt(entry) : !stop.gt(entry)))) {
    problems.push(`Stop loss must be ${long ? 'below' : 'above'} the entry for a ${input.direction}`);
  }
  const first = tryDec(input.targets[0]);
  if (first != null && (long ? !first.gt(entry) : !first.lt(entry))) {
    problems.push(`Targets must be ${long ? 'above' : 'below'} the entry for a ${input.direction}`);
  }
  return problems;
}

/**
 * Previews a trade (§5): sizes it (`sizeTrade`), asks the risk engine (`checkRisk` with `risk`, the
 * user's context), and if the engine shrank it uses its `adjusted_qty`; then reports margin, the loss
 * at the stop and the PnL (USDT and % on margin) at each target for the TP split, fees included.
 * Never throws: problems are listed in `reasons` with `ok: false`.
 */
export function previewTrade(input: PreviewTradeInput, risk: RiskContext): TradePreview {
  const entry = tryDec(input.entry_price);
  const reasons = sideProblems(input, entry != null && entry.gt(0) ? entry : null);
  const sizing = sizeTrade({
    entry_price: input.entry_price,
    per_trade_usdt: input.per_trade_usdt,
    leverage: input.leverage,
    market: input.market,
    stop_loss: input.stop_loss,
    risk_pct: input.risk_pct ?? null,
    capital_usdt: input.capital_usdt,
  });
  const base: TradePreview = {
    ok: false,
    reasons,
    symbol: input.symbol,
    direction: input.direction,
    entry_price: input.entry_price,
    leverage: input.leverage,
    sizing,
    qty: null,
    notional_usdt: null,
    margin_usdt: null,
    entry_fee_usdt: null,
    risk_usdt: null,
    risk_pct_of_capital: null,
    targets: [],
    pnl_all_targets_usdt: null,
    risk: { allowed: false, code: 'invalid_input', reason: 'Not checked', exposure_pct_after: null },
  };
  if (!sizing.ok || entry == null) {
    reasons.push(sizing.ok ? 'Entry price must be a positive number' : sizing.reason);
    base.risk = killSwitchDecision(risk) ?? {
      allowed: false,
      code: 'invalid_input',
      reason: `Nothing to check: ${sizing.ok ? 'no entry price' : sizing.reason}`,
      exposure_pct_after: null,
    };
    return base;
  }
  const decision = checkRisk({
    ...risk,
    trade: {
      symbol: input.symbol,
      qty: sizing.qty,
      price: input.entry_price,
      leverage: input.leverage,
      market: input.market,
    },
  });
  if (!decision.allowed) reasons.push(decision.reason);
  const qty = dec(decision.adjusted_qty ?? sizing.qty);
  const leverage = dec(input.leverage);
  const sign = input.direction === 'LONG' ? 1 : -1;
  const entryRate =
    tryDec(input.entry_type === 'limit' ? input.fees.maker_rate : input.fees.taker_rate) ?? new Dec(0);
  const maker = tryDec(input.fees.maker_rate) ?? new Dec(0);
  const taker = tryDec(input.fees.taker_rate) ?? new Dec(0);
  const notional = qty.mul(entry);
  const stop = tryDec(input.stop_loss);
  const capital = tryDec(input.capital_usdt);
  const riskUsdt =
    stop == null
      ? null
      : qty.mul(entry.minus(stop).abs()).plus(notional.mul(entryRate)).plus(qty.mul(stop).mul(taker));

  const split = splitTakeProfits(decStr(qty), input.targets, input.tp_split_pct, input.market);
  if ('error' in split) reasons.push(split.error);
  const targets: TargetPreview[] = [];
  let cumulative = new Dec(0);
  if ('qtys' in split && reasons.length === 0) {
    input.targets.forEach((t, i) => {
      const price = dec(t);
      const q = dec(split.qtys[i] ?? 0);
      const cost = q.mul(entry);
      const pnl = price
        .minus(entry)
        .mul(q)
        .mul(sign)
        .minus(cost.mul(entryRate))
        .minus(q.mul(price).mul(maker));
      cumulative = cumulative.plus(pnl);
      const hasQty = !cost.isZero();
      targets.push({
        n: i + 1,
        price: decStr(price),
        qty: decStr(q),
        pnl_usdt: usdt(pnl),
        pnl_pct: hasQty ? pct(pnl.div(cost.div(leverage)).mul(100)) : '0',
        pnl_pct_unleveraged: hasQty ? pct(pnl.div(cost).mul(100)) : '0',
        cumulative_pnl_usdt: usdt(cumulative),
      });
    });
  }
  return {
    ...base,
    ok: reasons.length === 0,
    qty: decStr(qty),
    notional_usdt: usdt(notional),
    margin_usdt: usdt(notional.div(leverage)),
    entry_fee_usdt: usdt(notional.mul(entryRate)),
    risk_usdt: riskUsdt == null ? null : usdt(riskUsdt),
    risk_pct_of_capital:
      riskUsdt == null || capital == null || capital.lte(0) ? null : pct(riskUsdt.div(capital).mul(100)),
    targets,
    pnl_all_targets_usdt: targets.length === 0 ? null : usdt(cumulative),
    risk: decision,
  };
}
