import type { Direction } from '../../types';
import type { EntryType } from '../types';
import type { Fields, Priced } from './fields';

export interface EntryReading {
  entries: string[];
  type: EntryType;
  /** the prices came from a labelled entry field (not loose numbers next to the pair) */
  labeled: boolean;
}

/**
 * Loose prices count as the entry only on a line that also says LONG/SHORT/BUY/SELL ("BTCUSDT LONG 70000
 * TP …"); a price next to the pair alone is commentary ("BTC broke 70k, next target 75k").
 */
function looseEntries(f: Fields): Priced[] {
  return f.loose.filter((p) => f.directionLines.has(p.line));
}

/**
 * Decides the entry: market ("Entry: CMP"), breakout ("buy above 1.234"), one price, a zone (two prices
 * joined by "-", "~", "to", or under a "zone" label), or several prices.
 */
export function readEntries(f: Fields, direction: Direction | null): EntryReading {
  const fromField = f.entries.length > 0;
  const src = fromField || f.market ? f.entries : looseEntries(f);
  const entries = src.map((p) => p.v);
  const labeled = fromField || f.market;
  if (f.market) return { entries, type: 'market', labeled };
  if (entries.length === 1) {
    const breakout =
      f.breakout === 'breakout' ||
      (f.breakout === 'above' && direction !== 'SHORT') ||
      (f.breakout === 'below' && direction === 'SHORT');
    return { entries, type: breakout ? 'breakout' : 'single', labeled };
  }
  if (entries.length === 2 && (src[1]?.range === true || f.zoneWord))
    return { entries, type: 'zone', labeled };
  return { entries, type: entries.length === 0 ? 'single' : 'multiple', labeled };
}
