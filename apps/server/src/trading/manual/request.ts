import type { TradeInput } from '@verzek/contract';
import {
  checkOrderMinimums,
  dec,
  decStr,
  Dec,
  floorToStep,
  roundPriceToTick,
  type EntrySpec,
} from '@verzek/core';
import type { ExchangeAccountRow, UserRow } from '@verzek/db';
import type { MarketInfo } from '@verzek/exchange';
import { badRequest, conflict } from '../../errors';
import type { TradingSettings } from '../../services/users/settings';
import {
  effectiveLeverage,
  entrySpec,
  expectedEntryPrice,
  type TradeRequest,
  type TraderContext,
} from '../plan-trade';

/** The caller, their settings and exchange account, and the market the trade is on. */
export interface ManualTrader {
  user: UserRow;
  settings: TradingSettings;
  account: ExchangeAccountRow;
  market: MarketInfo;
  /** The feed's price now; null when the feed has none for the symbol. */
  marketPrice: string | null;
}

/** A manual trade resolved into what `planTrade` takes, plus what a preview reports. */
export interface ResolvedTrade {
  req: TradeRequest;
  /** The trader with the settings this trade overrides (entry mode, size). */
  trader: TraderContext;
  entry: EntrySpec;
  /** The price sizing and risk use: the limit price, the zone's middle, or the market price. */
  entryPrice: string;
  priceSource: 'market' | 'entry' | 'limit';
  stopLoss: string;
  targets: string[];
  leverage: number;
  /** An explicit `qty` that the market's minimums refuse (sizing would report it in other words). */
  sizeProblem: { code: string; reason: string } | null;
}

/**
 * Turns a trade request into a `TradeRequest` for `planTrade`, exactly as a signal would be:
 * market or limit by `mode` (default the user's `entry_mode`), stop and targets given as prices or as
 * % distances from the entry price (rounded to the tick), and an explicit size (`usdt` margin, or
 * `qty`) instead of the user's `per_trade_usdt`. Bad geometry (stop or targets on the wrong side, out
 * of order) is a 400 naming the prices.
 *
 * `previewOnly`: with no market price, a given entry stands in for it (the preview says so); a trade
 * to place needs the real price (409 `no_price`).
 */
export function resolveTrade(input: TradeInput, t: ManualTrader, previewOnly: boolean): ResolvedTrade {
  const mode = input.entries.length === 0 ? 'market' : (input.mode ?? t.settings.strategy.entry_mode);
  const req: TradeRequest = {
    symbol: input.symbol,
    direction: input.direction,
    entry_type: input.entries.length === 0 ? 'market' : input.entries.length === 2 ? 'zone' : 'single',
    entries: input.entries,
    targets: [],
    stop_loss: null,
    leverage: input.leverage,
    margin_mode: null,
  };
  const entry = entrySpec(req, mode);
  let entryPrice = expectedEntryPrice(entry, t.marketPrice);
  let priceSource: ResolvedTrade['priceSource'] = entry.type === 'market' ? 'market' : 'limit';
  if (entryPrice === null && previewOnly && input.entries.length > 0) {
    entryPrice = expectedEntryPrice(entrySpec(req, 'limit'), null);
    priceSource = 'entry';
  }
  // A trade to place needs the market's price even for a limit entry: the venue can't take an order
  // on a market it has no price for.
  if (entryPrice === null || (!previewOnly && t.marketPrice === null)) {
    throw conflict(
      'no_price',
      `No market price for ${input.symbol} yet${previewOnly ? '; send an entry price to preview' : ''}`,
    );
  }

  const rules = t.market.rules;
  const long = input.direction === 'LONG';
  const ref = dec(entryPrice);
  const away = (pct: number, up: boolean) =>
    roundPriceToTick(ref.mul(new Dec(100).plus(up ? pct : -pct)).div(100), rules);
  const stopLoss = 'price' in input.stop ? input.stop.price : away(input.stop.pct, !long);
  const targets =
    'prices' in input.targets ? input.targets.prices : input.targets.pcts.map((p) => away(p, long));
  const problems = geometryProblems(input.direction, entry, entryPrice, stopLoss, targets);
  if (problems.length > 0) throw badRequest('invalid_trade', problems.join('; '));

  const leverage = effectiveLeverage(req, t);
  const strategy = { ...t.settings.strategy, entry_mode: mode };
  let sizeProblem: ResolvedTrade['sizeProblem'] = null;
  if (input.size !== null) {
    strategy.sizing_mode = 'fixed';
    if ('usdt' in input.size) {
      strategy.per_trade_usdt = input.size.usdt;
    } else {
      // Fixed sizing floors per_trade × leverage / price to the lot; half a lot on top of the wanted
      // quantity makes that floor land exactly on it (40-digit decimals: no drift near the boundary).
      const lot = dec(rules.lotSize);
      const qty = floorToStep(input.size.qty, lot);
      strategy.per_trade_usdt = decStr(qty.plus(lot.div(2)).mul(ref).div(leverage));
      const minimums = checkOrderMinimums(qty, ref, rules);
      if (!minimums.ok) {
        sizeProblem = { code: minimums.code, reason: `qty ${input.size.qty}: ${minimums.reason}` };
      }
    }
  }
  const trader: TraderContext = {
    settings: { ...t.settings, strategy },
    account: t.account,
    market: t.market,
    marketPrice: t.marketPrice ?? (priceSource === 'entry' ? entryPrice : null),
  };
  return {
    req: { ...req, stop_loss: stopLoss, targets },
    trader,
    entry,
    entryPrice,
    priceSource,
    stopLoss,
    targets,
    leverage,
    sizeProblem,
  };
}

/**
 * Stop on the losing side of every entry price, the first target beyond every entry price, targets
 * strictly in order away from the entry. (Stricter than the position machine for zones, so the
 * preview's checks against the zone's middle always agree.)
 */
export function geometryProblems(
  direction: 'LONG' | 'SHORT',
  entry: EntrySpec,
  entryPrice: string,
  stopLoss: string,
  targets: readonly string[],
): string[] {
  const long = direction === 'LONG';
  const low = dec(entry.type === 'zone' ? entry.low : entryPrice);
  const high = dec(entry.type === 'zone' ? entry.high : entryPrice);
  const where =
    entry.type === 'zone' ? `the entry zone ${entry.low}–${entry.high}` : `the entry ${entryPrice}`;
  const problems: string[] = [];
  const stop = dec(stopLoss);
  if (stop.lte(0)) problems.push(`the stop loss must be a positive price (got ${stopLoss})`);
  else if (long ? !stop.lt(low) : !stop.gt(high)) {
    problems.push(
      `the stop loss ${stopLoss} must be ${long ? 'below' : 'above'} ${where} for a ${direction}`,
    );
  }
  const first = targets[0];
  if (first !== undefined) {
    const t0 = dec(first);
    if (t0.lte(0)) problems.push(`targets must be positive prices (got ${first})`);
    else if (long ? !t0.gt(high) : !t0.lt(low)) {
      problems.push(`target 1 (${first}) must be ${long ? 'above' : 'below'} ${where} for a ${direction}`);
    }
  }
  for (let i = 1; i < targets.length; i++) {
    const a = dec(targets[i - 1]!);
    const b = dec(targets[i]!);
    if (long ? !b.gt(a) : !b.lt(a)) {
      problems.push(`targets must be strictly ${long ? 'ascending' : 'descending'} for a ${direction}`);
      break;
    }
    if (b.lte(0)) {
      problems.push(`targets must be positive prices (got ${targets[i]!})`);
      break;
    }
  }
  return problems;
}
