import type { TradeInput } from '@verzek/contract';
import { entrySide, previewTrade } from '@verzek/core';
import type { Db, UserRow } from '@verzek/db';
import { RiskFacts } from '../risk-context';
import type { ManualMarkets } from './market';
import { resolveTrade } from './request';
import { loadTrader } from './trader';
import { entryView } from './views';

/** Whether the caller may place trades at all, for the preview's `execute` block. */
export interface ExecuteEligibility {
  allowed: boolean;
  error: string | null;
  reason: string | null;
}

/**
 * `POST /api/trade/preview`: the trade as `execute` would size it (same settings, account, market
 * rules and risk context), through core `previewTrade`: quantity, margin, fees, the loss at the stop
 * in USDT and % of capital, the PnL at each target, and the risk engine's decision. Creates nothing.
 */
export async function previewManualTrade(
  deps: { db: Db; markets: ManualMarkets; now: number },
  user: UserRow,
  input: TradeInput,
  execute: ExecuteEligibility,
) {
  const { db, now } = deps;
  const trader = await loadTrader(deps, user, input);
  const r = resolveTrade(input, trader, true);
  const settings = r.trader.settings;
  const s = settings.strategy;
  const facts = await RiskFacts.load(db, [user.id], now);
  const split = s.tp_split_pct && s.tp_split_pct.length === r.targets.length ? s.tp_split_pct : null;
  const p = previewTrade(
    {
      symbol: input.symbol,
      direction: input.direction,
      entry_price: r.entryPrice,
      entry_type: r.entry.type === 'market' ? 'market' : 'limit',
      stop_loss: r.stopLoss,
      targets: r.targets,
      tp_split_pct: split,
      leverage: r.leverage,
      per_trade_usdt: s.per_trade_usdt,
      capital_usdt: s.capital_usdt,
      risk_pct: s.sizing_mode === 'risk' ? s.risk_per_trade_pct : null,
      market: trader.market.rules,
      fees: trader.market.fees,
    },
    facts.context(user.id, settings, now),
  );
  const rules = trader.market.rules;
  // An explicit qty refused by the minimums: say it in terms of that qty, not of the margin behind it.
  let { sizing, reasons } = p;
  const problem = r.sizeProblem;
  if (problem && !sizing.ok) {
    const old = sizing.reason;
    reasons = reasons.map((x) => (x === old ? problem.reason : x));
    sizing = { ...sizing, reason: problem.reason };
  }
  return {
    ...p,
    reasons,
    sizing,
    side: entrySide(input.direction),
    entry: entryView(r.entry),
    market_price: trader.marketPrice,
    price_source: r.priceSource,
    leverage_requested: input.leverage,
    stop_loss: r.stopLoss,
    capital_usdt: s.capital_usdt,
    per_trade_usdt: input.size !== null && 'qty' in input.size ? null : s.per_trade_usdt,
    risk: {
      allowed: p.risk.allowed,
      code: p.risk.code,
      reason: p.risk.reason,
      adjusted_qty: p.risk.adjusted_qty ?? null,
      exposure_pct_after: p.risk.exposure_pct_after,
    },
    market: {
      tick_size: rules.tickSize,
      lot_size: rules.lotSize,
      min_qty: rules.minQty,
      min_notional: rules.minNotional,
      max_leverage: trader.market.maxLeverage,
      maker_fee: trader.market.fees.maker_rate,
      taker_fee: trader.market.fees.taker_rate,
    },
    execute,
  };
}
