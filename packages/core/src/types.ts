/** Shared vocabulary of the domain. */
export type Direction = 'LONG' | 'SHORT';
export type MarginMode = 'CROSS' | 'ISOLATED';
export type OrderSide = 'BUY' | 'SELL';

/** The side that opens a position in this direction. */
export function entrySide(direction: Direction): OrderSide {
  return direction === 'LONG' ? 'BUY' : 'SELL';
}

/** The side that reduces or closes a position in this direction. */
export function exitSide(direction: Direction): OrderSide {
  return direction === 'LONG' ? 'SELL' : 'BUY';
}
