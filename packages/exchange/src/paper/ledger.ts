import {
  ceilToStep,
  Dec,
  dec,
  floorToStep,
  PRICE_DP,
  roundDp,
  USDT_DP,
  type DecInput,
  type OrderSide,
} from '@verzek/core';

/**
 * The account arithmetic of the paper venue (pure): one-way net positions, realized PnL, fees,
 * slippage and margin. USDT amounts are rounded to 8 decimals (half-even) and average entry prices
 * to 12, so balances stay exact sums of stored numbers.
 */

/** A net position: `qty` signed (> 0 long, < 0 short), `entryPrice` 0 when flat. */
export interface NetPosition {
  qty: Dec;
  entryPrice: Dec;
}

export interface FillOutcome extends NetPosition {
  /** PnL realized by the part of the fill that reduced the position. */
  realizedPnl: Dec;
}

/** Signed quantity of an order side: + for BUY, − for SELL. */
export function signed(side: OrderSide, qty: DecInput): Dec {
  return side === 'BUY' ? dec(qty) : dec(qty).neg();
}

/** How much an order on `side` can reduce the position: its size if on the opposite side, else 0. */
export function reducibleQty(positionQty: Dec, side: OrderSide): Dec {
  if (side === 'SELL' && positionQty.gt(0)) return positionQty;
  if (side === 'BUY' && positionQty.lt(0)) return positionQty.abs();
  return new Dec(0);
}

/**
 * Applies a fill to a net position (one-way mode): adding to it moves the average entry; the part
 * against it realizes `(price − entry) × qty` for a long, `(entry − price) × qty` for a short; what is
 * left after closing opens the other way at the fill price.
 */
export function applyFill(pos: NetPosition, side: OrderSide, qty: Dec, price: Dec): FillOutcome {
  const delta = signed(side, qty);
  const after = pos.qty.plus(delta);
  if (pos.qty.isZero() || pos.qty.isPos() === delta.isPos()) {
    const entry = roundDp(pos.qty.abs().mul(pos.entryPrice).plus(qty.mul(price)).div(after.abs()), PRICE_DP);
    return { qty: after, entryPrice: entry, realizedPnl: new Dec(0) };
  }
  const closed = Dec.min(qty, pos.qty.abs());
  const perUnit = pos.qty.isPos() ? price.minus(pos.entryPrice) : pos.entryPrice.minus(price);
  const realizedPnl = roundDp(perUnit.mul(closed), USDT_DP);
  if (after.isZero()) return { qty: after, entryPrice: new Dec(0), realizedPnl };
  const entryPrice = after.isPos() === pos.qty.isPos() ? pos.entryPrice : price;
  return { qty: after, entryPrice, realizedPnl };
}

/** Fee of an execution: `qty × price × rate`, in USDT. */
export function feeFor(qty: Dec, price: Dec, rate: DecInput): Dec {
  return roundDp(qty.mul(price).mul(dec(rate)), USDT_DP);
}

/**
 * A taker's execution price: `price` moved `bps` basis points against the taker (buys higher, sells
 * lower), then onto the tick grid, rounding against the taker too.
 */
export function slippedPrice(price: Dec, side: OrderSide, bps: Dec, tickSize: string): Dec {
  const factor = bps.div(10_000);
  if (side === 'BUY') return ceilToStep(price.mul(factor.plus(1)), tickSize);
  const down = floorToStep(price.mul(new Dec(1).minus(factor)), tickSize);
  return down.gt(0) ? down : dec(tickSize);
}

/** What ties up margin on an account. */
export interface MarginInputs {
  balance: Dec;
  positions: ReadonlyArray<{ symbol: string; qty: Dec; entryPrice: Dec }>;
  /** Open orders that are not reduce-only: they reserve margin at their price. */
  openEntryOrders: ReadonlyArray<{ symbol: string; qty: Dec; price: Dec }>;
  leverageOf(symbol: string): number;
  /** The mark price, when known (its unrealized PnL then counts, as on a cross-margin account). */
  markOf(symbol: string): Dec | undefined;
}

/**
 * Available balance, Binance cross-margin style: wallet balance + unrealized PnL − initial margin of
 * the positions (at entry) − initial margin reserved by open entry orders. May be negative.
 */
export function availableBalance(m: MarginInputs): Dec {
  let available = m.balance;
  for (const p of m.positions) {
    if (p.qty.isZero()) continue;
    available = available.minus(p.qty.abs().mul(p.entryPrice).div(m.leverageOf(p.symbol)));
    const mark = m.markOf(p.symbol);
    if (mark !== undefined) available = available.plus(mark.minus(p.entryPrice).mul(p.qty));
  }
  for (const o of m.openEntryOrders) {
    available = available.minus(o.qty.mul(o.price).div(m.leverageOf(o.symbol)));
  }
  return available;
}
