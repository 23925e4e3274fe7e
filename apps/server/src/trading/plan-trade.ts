import {
  checkRisk,
  dec,
  decStr,
  sizeTrade,
  type DcaConfig,
  type Direction,
  type EntrySpec,
  type PositionPlan,
  type RiskContext,
  type RiskDecision,
  type SizedTrade,
} from '@verzek/core';
import type { ExchangeAccountRow } from '@verzek/db';
import type { MarketInfo } from '@verzek/exchange';
import type { TradingSettings } from '../services/users/settings';

/** A trade to open: from a signal, or from the user's own request. Prices are decimal strings. */
export interface TradeRequest {
  symbol: string;
  direction: Direction;
  entry_type: 'single' | 'zone' | 'multiple' | 'market' | 'breakout';
  entries: string[];
  targets: string[];
  stop_loss: string | null;
  leverage: number | null;
  margin_mode: 'CROSS' | 'ISOLATED' | null;
}

export interface TraderContext {
  settings: TradingSettings;
  account: ExchangeAccountRow;
  market: MarketInfo;
  /** The current market price (needed for market entries). */
  marketPrice: string | null;
}

export type PlannedTrade =
  | { ok: true; plan: PositionPlan; sized: SizedTrade; risk: RiskDecision; entryPrice: string }
  | { ok: false; code: string; reason: string; risk?: RiskDecision };

/**
 * Leverage: the signal's (or the user's default when the signal names none), never above the
 * exchange account's setting nor the market's maximum.
 */
export function effectiveLeverage(req: Pick<TradeRequest, 'leverage'>, trader: TraderContext): number {
  const wanted = req.leverage ?? trader.settings.strategy.leverage;
  return Math.max(1, Math.min(wanted, trader.account.leverage_default, trader.market.maxLeverage));
}

/** Entry orders: market by default; the user's `entry_mode: limit` uses the signal's prices. */
export function entrySpec(req: TradeRequest, mode: 'market' | 'limit'): EntrySpec {
  if (
    mode === 'market' ||
    req.entries.length === 0 ||
    req.entry_type === 'market' ||
    req.entry_type === 'breakout'
  ) {
    return { type: 'market' };
  }
  if (req.entries.length === 1) return { type: 'limit', price: req.entries[0]! };
  const sorted = [...req.entries].sort((a, b) => dec(a).cmp(dec(b)));
  const parts = req.entry_type === 'zone' ? 3 : Math.min(req.entries.length, 5);
  return { type: 'zone', low: sorted[0]!, high: sorted[sorted.length - 1]!, parts };
}

/** The price sizing and risk use: the limit price, the zone's middle, or the market price. */
export function expectedEntryPrice(entry: EntrySpec, marketPrice: string | null): string | null {
  if (entry.type === 'limit') return entry.price;
  if (entry.type === 'zone') return decStr(dec(entry.low).plus(entry.high).div(2));
  return marketPrice;
}

function dcaConfig(settings: TradingSettings): DcaConfig | null {
  const d = settings.dca;
  if (!d.enabled || d.safety_orders === 0) return null;
  return {
    safety_orders: d.safety_orders,
    price_deviation_pct: d.price_deviation_pct,
    step_scale: d.step_scale,
    volume_scale: d.volume_scale,
    base_fraction: d.base_order_pct / 100,
  };
}

/** Sizes, vets and plans one trade for one user. A refusal is data with a reason. */
export function planTrade(req: TradeRequest, trader: TraderContext, risk: RiskContext): PlannedTrade {
  const { strategy } = trader.settings;
  const entry = entrySpec(req, strategy.entry_mode);
  const entryPrice = expectedEntryPrice(entry, trader.marketPrice);
  if (entryPrice === null)
    return { ok: false, code: 'no_price', reason: `No market price for ${req.symbol} yet` };
  const leverage = effectiveLeverage(req, trader);
  const sized = sizeTrade({
    entry_price: entryPrice,
    per_trade_usdt: strategy.per_trade_usdt,
    leverage,
    market: trader.market.rules,
    stop_loss: req.stop_loss,
    risk_pct: strategy.sizing_mode === 'risk' ? strategy.risk_per_trade_pct : null,
    capital_usdt: strategy.capital_usdt,
  });
  if (!sized.ok) return { ok: false, code: sized.code, reason: sized.reason };
  const decision = checkRisk({
    ...risk,
    trade: { symbol: req.symbol, qty: sized.qty, price: entryPrice, leverage, market: trader.market.rules },
  });
  if (!decision.allowed) return { ok: false, code: decision.code, reason: decision.reason, risk: decision };
  const split = strategy.tp_split_pct;
  const plan: PositionPlan = {
    symbol: req.symbol,
    direction: req.direction,
    leverage,
    margin_mode: req.margin_mode ?? (trader.account.margin_mode === 'CROSSED' ? 'CROSS' : 'ISOLATED'),
    entry,
    qty: decision.adjusted_qty ?? sized.qty,
    entry_reference: req.entries.length > 0 ? expectedEntryPrice(entrySpec(req, 'limit'), null) : null,
    targets: req.targets,
    // A split for a different number of targets than this signal has falls back to equal shares.
    tp_split_pct: split && split.length === req.targets.length ? split : null,
    stop_loss: req.stop_loss,
    breakeven: strategy.breakeven_mode,
    dca: dcaConfig(trader.settings),
    market: trader.market.rules,
    fees: trader.market.fees,
  };
  return { ok: true, plan, sized, risk: decision, entryPrice };
}
