import { describe, expect, it } from 'vitest';
import { detectUpdate } from './updates';

function kindOf(text: string): [string, number | null] | null {
  const u = detectUpdate(text.split('\n'));
  return u === null ? null : [u.kind, u.target];
}

describe('detectUpdate', () => {
  it('reads the highest target reached', () => {
    expect(kindOf('TP1 ✅ TP2 ✅ TP3 ✅')).toEqual(['TP_HIT', 3]);
  });
  it('reads a stop hit together with a target as a closed trade', () => {
    expect(kindOf('Stop loss hit after TP1')).toEqual(['CLOSED', null]);
    expect(kindOf('TP1 hit ✅\nSL hit ❌')).toEqual(['CLOSED', null]);
    expect(kindOf('SL hit at breakeven')).toEqual(['CLOSED', null]);
  });
  it('distinguishes closed at stop from closed after profit', () => {
    expect(kindOf('Closed at stoploss')).toEqual(['SL_HIT', null]);
    expect(kindOf('Closed at stoploss after reaching take profit')).toEqual(['CLOSED', null]);
  });
  it('ignores negations, conditions, instructions and boasting', () => {
    expect(kindOf('Entry not filled yet')).toBeNull();
    expect(kindOf('If TP1 is hit, move SL to entry')).toBeNull();
    expect(kindOf('Cancel if 4h candle closes below 68500')).toBeNull();
    expect(kindOf('Move SL to breakeven')).toBeNull();
    expect(kindOf('Last week our VIP hit TP3 on BTC')).toBeNull();
    expect(kindOf('Where will BTC close this week?')).toBeNull();
  });
  it('prefers an entry update only when nothing else happened', () => {
    expect(kindOf('Entry 2 filled ✅')).toEqual(['ENTRY_FILLED', 2]);
    expect(kindOf('Entry filled, TP1 hit')).toEqual(['TP_HIT', 1]);
  });
  it('tells whether the update was said in words', () => {
    expect(detectUpdate(['TP1 ✅'])?.worded).toBe(false);
    expect(detectUpdate(['TP1 reached'])?.worded).toBe(true);
  });
});
