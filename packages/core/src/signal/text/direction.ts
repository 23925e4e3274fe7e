import type { Direction } from '../../types';
import { dec } from '../../money/decimal';
import type { Dec } from '../../money/decimal';
import type { Fields } from './fields';

export interface DirectionReading {
  direction: Direction | null;
  /** 2: long/short word, 1: buy/sell word, 0: implied by the prices */
  strength: 0 | 1 | 2;
}

function bounds(prices: readonly string[]): [Dec, Dec] {
  let lo = dec(prices[0] ?? '0');
  let hi = lo;
  for (const p of prices) {
    const d = dec(p);
    if (d.lt(lo)) lo = d;
    if (d.gt(hi)) hi = d;
  }
  return [lo, hi];
}

/** LONG when every target is above every entry, SHORT when below; for a market entry, the stop decides. */
export function impliedDirection(
  entries: readonly string[],
  targets: readonly string[],
  stop: string | null,
): Direction | null {
  if (targets.length === 0) return null;
  if (entries.length > 0) {
    // linear in the number of prices: every target above every entry ⟺ lowest target > highest entry
    const [tLo, tHi] = bounds(targets);
    const [eLo, eHi] = bounds(entries);
    if (tLo.gt(eHi)) return 'LONG';
    if (tHi.lt(eLo)) return 'SHORT';
    return null;
  }
  if (stop === null) return null;
  const first = targets[0] ?? stop;
  if (dec(stop).lt(first)) return 'LONG';
  if (dec(stop).gt(first)) return 'SHORT';
  return null;
}

/**
 * Explicit words win (long/short over buy/sell); when long and short words disagree the prices decide;
 * with no words at all the prices imply the direction.
 */
export function readDirection(f: Fields, implied: Direction | null): DirectionReading {
  if (f.strong !== null) {
    if (f.conflict && implied !== null) return { direction: implied, strength: 1 };
    return { direction: f.strong, strength: 2 };
  }
  if (f.weak !== null) return { direction: f.weak, strength: 1 };
  return { direction: implied, strength: 0 };
}
