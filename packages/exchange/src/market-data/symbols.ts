const SYMBOL = /^[A-Z0-9_]{2,32}$/;

/**
 * Normalizes a symbol to the feed's form (`btcusdt` → `BTCUSDT`).
 * @throws RangeError when it is not 2–32 characters of `A–Z`, `0–9` and `_` after upper-casing.
 */
export function normalizeSymbol(symbol: string): string {
  const s = typeof symbol === 'string' ? symbol.trim().toUpperCase() : '';
  if (!SYMBOL.test(s)) throw new RangeError(`invalid market symbol: ${JSON.stringify(symbol)}`);
  return s;
}
