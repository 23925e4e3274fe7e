import { dec, decStr, normalizeDirection, normalizeSymbol } from '@verzek/core';
import { z } from 'zod';
import { IsoTime, PositiveDecimalString } from './common';

/** §5 manual trading: preview, execute, market, close; positions, history and orders. */

const Price = PositiveDecimalString;

const TradeSymbol = z.string().min(1).max(40).meta({ description: 'BTCUSDT, BTC/USDT, #BTCUSDT or btcusdt' });

const DirectionText = z.string().max(10).meta({ description: 'LONG|SHORT (also BUY|SELL)' });

const Pct = (max: number) => z.number().gt(0).max(max);

/** Every field a trade request may carry; each endpoint takes a subset (see the bodies below). */
const tradeShape = {
  symbol: TradeSymbol,
  direction: DirectionText.optional(),
  side: DirectionText.optional(),
  /** A price, or a zone [low, high] (limit mode only). Absent: the market price. */
  entry: z
    .union([Price, z.array(Price).min(1).max(2)])
    .nullable()
    .optional(),
  sl: Price.optional(),
  stop_loss: Price.optional(),
  /** Stop distance in % from the entry (or market) price. */
  sl_pct: Pct(99).optional(),
  tp: z.array(Price).max(10).optional(),
  targets: z.array(Price).max(10).optional(),
  /** Targets as distances in % from the entry (or market) price. */
  tp_pct: z.array(Pct(1000)).max(10).optional(),
  leverage: z.number().int().min(1).max(125).optional(),
  mode: z.enum(['market', 'limit']).optional(),
  /** Size in the base asset (floored to the lot size) … */
  qty: Price.optional(),
  /** … or as margin in USDT (like `per_trade_usdt`: notional = usdt × leverage). Default: per_trade_usdt. */
  usdt: Price.optional(),
};

type RawTrade = {
  symbol: string;
  direction?: string | undefined;
  side?: string | undefined;
  entry?: string | string[] | null | undefined;
  sl?: string | undefined;
  stop_loss?: string | undefined;
  sl_pct?: number | undefined;
  tp?: string[] | undefined;
  targets?: string[] | undefined;
  tp_pct?: number[] | undefined;
  leverage?: number | undefined;
  mode?: 'market' | 'limit' | undefined;
  qty?: string | undefined;
  usdt?: string | undefined;
};

/** A trade request with its aliases resolved. Prices are canonical decimal strings. */
export interface TradeInput {
  symbol: string;
  direction: 'LONG' | 'SHORT';
  /** [] = market price; one price = limit; two = a zone (low, high). */
  entries: string[];
  /** The stop as a price, or as a % distance (resolved against the entry price by the server). */
  stop: { price: string } | { pct: number };
  targets: { prices: string[] } | { pcts: number[] };
  leverage: number | null;
  mode: 'market' | 'limit' | null;
  size: { qty: string } | { usdt: string } | null;
}

function oneOf(ctx: z.RefinementCtx, names: string[], values: unknown[]): boolean {
  const given = names.filter((_, i) => values[i] !== undefined);
  if (given.length > 1) {
    ctx.addIssue({ code: 'custom', message: `send only one of ${given.join(', ')}`, path: [given[1]!] });
    return false;
  }
  return true;
}

function resolveTrade(raw: RawTrade, ctx: z.RefinementCtx): TradeInput | typeof z.NEVER {
  let ok = true;
  const symbol = normalizeSymbol(raw.symbol);
  if (symbol === null) {
    ctx.addIssue({ code: 'custom', message: 'a symbol like BTCUSDT or BTC/USDT', path: ['symbol'] });
    ok = false;
  }
  const fromDirection = raw.direction === undefined ? undefined : normalizeDirection(raw.direction);
  const fromSide = raw.side === undefined ? undefined : normalizeDirection(raw.side);
  if (fromDirection === null || fromSide === null) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be LONG, SHORT, BUY or SELL',
      path: [fromDirection === null ? 'direction' : 'side'],
    });
    ok = false;
  }
  const direction = fromDirection ?? fromSide;
  if (direction === undefined) {
    ctx.addIssue({ code: 'custom', message: 'direction (or side) is required', path: ['direction'] });
    ok = false;
  } else if (fromDirection && fromSide && fromDirection !== fromSide) {
    ctx.addIssue({ code: 'custom', message: 'direction and side disagree', path: ['side'] });
    ok = false;
  }
  ok = oneOf(ctx, ['sl', 'stop_loss', 'sl_pct'], [raw.sl, raw.stop_loss, raw.sl_pct]) && ok;
  ok = oneOf(ctx, ['tp', 'targets', 'tp_pct'], [raw.tp, raw.targets, raw.tp_pct]) && ok;
  ok = oneOf(ctx, ['qty', 'usdt'], [raw.qty, raw.usdt]) && ok;
  const stopPrice = raw.sl ?? raw.stop_loss;
  if (stopPrice === undefined && raw.sl_pct === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: 'a stop loss is required (sl, stop_loss or sl_pct): every manual position has a stop',
      path: ['sl'],
    });
    ok = false;
  }
  const entries = raw.entry == null ? [] : Array.isArray(raw.entry) ? [...raw.entry] : [raw.entry];
  entries.sort((a, b) => dec(a).cmp(dec(b)));
  if (entries.length === 2 && entries[0] === entries[1]) entries.pop();
  if (raw.mode === 'limit' && entries.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'a limit entry needs an entry price', path: ['entry'] });
    ok = false;
  }
  if (raw.mode === 'market' && entries.length === 2) {
    ctx.addIssue({ code: 'custom', message: 'a zone entry needs mode "limit"', path: ['mode'] });
    ok = false;
  }
  if (!ok || symbol === null || direction == null) return z.NEVER;
  const tpPrices = raw.tp ?? raw.targets;
  return {
    symbol,
    direction,
    entries: entries.map((e) => decStr(e)),
    stop: stopPrice !== undefined ? { price: stopPrice } : { pct: raw.sl_pct! },
    targets: raw.tp_pct !== undefined ? { pcts: raw.tp_pct } : { prices: tpPrices ?? [] },
    leverage: raw.leverage ?? null,
    mode: raw.mode ?? (entries.length === 2 ? 'limit' : null),
    size: raw.qty !== undefined ? { qty: raw.qty } : raw.usdt !== undefined ? { usdt: raw.usdt } : null,
  };
}

/**
 * `POST /api/trade/preview`: `{symbol, side|direction, entry?, sl|stop_loss|sl_pct, tp|targets|tp_pct?,
 * leverage?, mode?, qty?|usdt?}`. Without `mode` the user's `entry_mode` setting decides.
 */
export const TradePreviewBody = z
  .strictObject(tradeShape)
  .transform((raw, ctx) => resolveTrade(raw, ctx) as TradeInput);
export type TradePreviewBody = z.output<typeof TradePreviewBody>;

const Confirm = z.literal(true, { error: 'send "confirm": true to place the trade' });
/** Makes a retried request return the position it already opened instead of opening another. */
const RequestId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : -');

/** `POST /api/trade/execute`: the preview body plus `confirm: true` (and an optional `request_id`). */
export const TradeExecuteBody = z
  .strictObject({ ...tradeShape, confirm: Confirm, request_id: RequestId.optional() })
  .transform((raw, ctx) => {
    const { confirm: _confirm, request_id, ...rest } = raw;
    return { ...(resolveTrade(rest, ctx) as TradeInput), request_id: request_id ?? null };
  });
export type TradeExecuteBody = z.output<typeof TradeExecuteBody>;

/**
 * `POST /api/trade/market`: a market entry now. Size by `qty` or `usdt` (margin), default the user's
 * `per_trade_usdt`; a stop is required (`sl` or `sl_pct` from the market price); targets optional
 * (`tp` prices or `tp_pct` distances), split by the user's TP percentages.
 */
export const TradeMarketBody = z
  .strictObject({
    symbol: tradeShape.symbol,
    direction: tradeShape.direction,
    side: tradeShape.side,
    sl: tradeShape.sl,
    stop_loss: tradeShape.stop_loss,
    sl_pct: tradeShape.sl_pct,
    tp: tradeShape.tp,
    targets: tradeShape.targets,
    tp_pct: tradeShape.tp_pct,
    leverage: tradeShape.leverage,
    qty: tradeShape.qty,
    usdt: tradeShape.usdt,
    confirm: z.literal(true).optional(),
    request_id: RequestId.optional(),
  })
  .transform((raw, ctx) => {
    const { confirm: _confirm, request_id, ...rest } = raw;
    return {
      ...(resolveTrade({ ...rest, mode: 'market' }, ctx) as TradeInput),
      request_id: request_id ?? null,
    };
  });
export type TradeMarketBody = z.output<typeof TradeMarketBody>;

const CloseReason = z.string().trim().min(1).max(200);

export const TradeCloseBody = z.strictObject({
  position_id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  reason: CloseReason.optional(),
});

/** Optional: a POST without a body closes with no note. */
export const PositionCloseBody = z.strictObject({ reason: CloseReason.optional() }).nullish();

export const PositionStatus = z.enum(['PENDING', 'OPEN', 'PARTIAL', 'CLOSED', 'CANCELED']);

const StatusFilter = z
  .string()
  .max(60)
  .transform((v, ctx) => {
    const s = v.trim().toUpperCase();
    if (s === 'ALL') return [...PositionStatus.options];
    if (s === 'LIVE') return ['PENDING', 'OPEN', 'PARTIAL'] as const;
    if (s === 'ENDED') return ['CLOSED', 'CANCELED'] as const;
    const parts = s.split(',').map((p) => p.trim());
    const bad = parts.filter((p) => !(PositionStatus.options as readonly string[]).includes(p));
    if (bad.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: 'live, ended, all, or a comma list of PENDING, OPEN, PARTIAL, CLOSED, CANCELED',
      });
      return z.NEVER;
    }
    return parts as z.infer<typeof PositionStatus>[];
  })
  .meta({ description: 'live (default), ended, all, or e.g. OPEN,PARTIAL' });

const UserIdQuery = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const PositionListQuery = z.object({
  status: StatusFilter.optional(),
  /** Admins: one user's positions (others may only name themselves). */
  user_id: UserIdQuery.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  before: z.coerce.number().int().positive().optional(),
});

export const UserIdParam = z.object({ userId: UserIdQuery });
export const PositionIdParam = z.object({ positionId: UserIdQuery });
export const OrderIdParam = z.object({ orderId: z.string().min(1).max(64) });

export const PositionHistoryQuery = z.object({
  days: z.coerce.number().int().min(1).max(365).default(30),
  user_id: UserIdQuery.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const Dec = z.string();

export const LadderRung = z.object({
  n: z.number().int(),
  target: Dec,
  /** The price the TP order uses now (the target, or re-based after a DCA fill). */
  price: Dec,
  weight: Dec,
  status: z.enum(['pending', 'filled', 'taken', 'failed']),
  reached_at: IsoTime.nullable(),
  /** Quantity of the current TP order (null before the ladder is placed). */
  qty: Dec.nullable(),
  filled_qty: Dec,
});

export const Position = z.object({
  id: z.number().int(),
  user_id: z.number().int(),
  signal_id: z.number().int().nullable(),
  origin: z.enum(['signal', 'manual']),
  symbol: z.string(),
  direction: z.enum(['LONG', 'SHORT']),
  side: z.enum(['BUY', 'SELL']),
  status: PositionStatus,
  close_reason: z.string().nullable(),
  close_note: z.string().nullable(),
  /** True while winding down (orders being cancelled, the remainder closed). */
  closing: z.boolean(),
  leverage: z.number().int(),
  margin_mode: z.enum(['CROSS', 'ISOLATED']).nullable(),
  entry: z.object({
    type: z.enum(['market', 'limit', 'zone']),
    price: Dec.nullable(),
    low: Dec.nullable(),
    high: Dec.nullable(),
  }),
  /** Planned quantity. */
  qty: Dec,
  filled_qty: Dec,
  remaining_qty: Dec,
  avg_entry_price: Dec.nullable(),
  avg_exit_price: Dec.nullable(),
  stop_loss: Dec.nullable(),
  stop_price: Dec.nullable(),
  stop_kind: z.string(),
  ladder: z.array(LadderRung),
  highest_tp_reached: z.number().int(),
  margin_usdt: Dec.nullable(),
  realized_pnl_usdt: Dec,
  realized_pnl_pct: Dec.nullable(),
  realized_pnl_pct_unleveraged: Dec.nullable(),
  fees_usdt: Dec,
  venue: z.string(),
  created_at: IsoTime,
  opened_at: IsoTime.nullable(),
  closed_at: IsoTime.nullable(),
  updated_at: IsoTime,
});
export type Position = z.infer<typeof Position>;

export const PositionList = z.object({
  items: z.array(Position),
  next_before: z.number().int().nullable(),
});

export const PositionCloseResult = z.object({ message: z.string(), position: Position });

export const DailyAggregate = z.object({
  day: z.string(),
  trades: z.number().int(),
  wins: z.number().int(),
  losses: z.number().int(),
  breakeven: z.number().int(),
  win_rate_pct: Dec.nullable(),
  realized_usdt: Dec,
  fees_usdt: Dec,
  gross_usdt: Dec,
  gross_pct: Dec.nullable(),
  net_pct: Dec.nullable(),
  avg_trade_pct: Dec.nullable(),
  max_drawdown_pct: Dec.nullable(),
});

export const PositionHistory = z.object({
  user_id: z.number().int(),
  days: z.number().int(),
  from: IsoTime,
  to: IsoTime,
  /** The base of the daily % figures (the user's capital_usdt). */
  capital_usdt: Dec,
  /** Positions that ended in the window (CLOSED and CANCELED), newest first, at most `limit`. */
  items: z.array(Position),
  /** One row per UTC day of the window, oldest first; CLOSED positions only. */
  daily: z.array(DailyAggregate),
  totals: z.object({
    trades: z.number().int(),
    wins: z.number().int(),
    losses: z.number().int(),
    win_rate_pct: Dec.nullable(),
    realized_usdt: Dec,
    fees_usdt: Dec,
  }),
});

export const Order = z.object({
  /** Our client order id: the id to cancel it by. */
  id: z.string(),
  client_order_id: z.string(),
  exchange_order_id: z.string().nullable(),
  position_id: z.number().int(),
  leg: z.string(),
  role: z.enum(['entry', 'dca', 'tp', 'tp_take', 'stop', 'close', 'liquidation']),
  tp: z.number().int().nullable(),
  kind: z.enum(['MARKET', 'LIMIT', 'STOP_MARKET']),
  side: z.enum(['BUY', 'SELL']),
  qty: Dec,
  price: Dec.nullable(),
  stop_price: Dec.nullable(),
  reduce_only: z.boolean(),
  status: z.enum([
    'PENDING_NEW',
    'NEW',
    'PARTIALLY_FILLED',
    'PENDING_CANCEL',
    'FILLED',
    'CANCELED',
    'REJECTED',
  ]),
  filled_qty: Dec,
  avg_fill_price: Dec.nullable(),
  fee_usdt: Dec,
  fees_other: z.record(z.string(), Dec),
  reject_reason: z.string().nullable(),
  /** Whether `POST /api/orders/:id/cancel` would accept it, and what it would do or why not. */
  cancelable: z.boolean(),
  cancel_note: z.string(),
  created_at: IsoTime,
  updated_at: IsoTime,
});

export const OrderList = z.object({ position: Position, orders: z.array(Order) });

export const OrderCancelResult = z.object({
  message: z.string(),
  order: Order,
  position: Position,
});

const Sizing = z.object({
  ok: z.boolean(),
  method: z.string().optional(),
  code: z.string().optional(),
  reason: z.string().optional(),
  qty: Dec.optional(),
  notional_usdt: Dec.optional(),
  margin_usdt: Dec.optional(),
  max_notional_usdt: Dec.optional(),
  capped: z.boolean().optional(),
  risk_usdt: Dec.nullable().optional(),
});

export const RiskDecisionView = z.object({
  allowed: z.boolean(),
  code: z.string(),
  reason: z.string(),
  adjusted_qty: Dec.nullable(),
  exposure_pct_after: Dec.nullable(),
});

export const TradePreview = z.object({
  /** Sized, valid and allowed by the risk engine. */
  ok: z.boolean(),
  reasons: z.array(z.string()),
  symbol: z.string(),
  direction: z.enum(['LONG', 'SHORT']),
  side: z.enum(['BUY', 'SELL']),
  entry: z.object({
    type: z.enum(['market', 'limit', 'zone']),
    price: Dec.nullable(),
    low: Dec.nullable(),
    high: Dec.nullable(),
  }),
  /** The price sizing and PnL use: limit price, zone middle, or the market price. */
  entry_price: Dec,
  market_price: Dec.nullable(),
  /** `entry` when there was no market price and the given entry stood in for it. */
  price_source: z.enum(['market', 'entry', 'limit']),
  leverage: z.number().int(),
  leverage_requested: z.number().int().nullable(),
  stop_loss: Dec,
  capital_usdt: Dec,
  /** The margin per trade it was sized from (null when sized by `qty`). */
  per_trade_usdt: Dec.nullable(),
  sizing: Sizing,
  qty: Dec.nullable(),
  notional_usdt: Dec.nullable(),
  margin_usdt: Dec.nullable(),
  entry_fee_usdt: Dec.nullable(),
  risk_usdt: Dec.nullable(),
  risk_pct_of_capital: Dec.nullable(),
  targets: z.array(
    z.object({
      n: z.number().int(),
      price: Dec,
      qty: Dec,
      pnl_usdt: Dec,
      pnl_pct: Dec,
      pnl_pct_unleveraged: Dec,
      cumulative_pnl_usdt: Dec,
    }),
  ),
  pnl_all_targets_usdt: Dec.nullable(),
  risk: RiskDecisionView,
  market: z.object({
    tick_size: Dec,
    lot_size: Dec,
    min_qty: Dec,
    min_notional: Dec,
    max_leverage: z.number().int(),
    maker_fee: Dec,
    taker_fee: Dec,
  }),
  /** Whether this caller may execute trades at all (plan, verified email, auto-trading). */
  execute: z.object({ allowed: z.boolean(), error: z.string().nullable(), reason: z.string().nullable() }),
});

export const TradeExecuted = z.object({
  message: z.string(),
  /** True when `request_id` matched a trade already opened: nothing new was placed. */
  replayed: z.boolean(),
  position: Position,
});
