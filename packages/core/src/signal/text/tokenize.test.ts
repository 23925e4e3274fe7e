import { describe, expect, it } from 'vitest';
import { tokenizeLine } from './tokenize';

describe('tokenizeLine', () => {
  it('reads prices, shorthand, leverage, words and symbols', () => {
    expect(tokenizeLine('TP1: 70,500 30K 10x x20 4h 1.2k')).toEqual([
      { t: 'word', w: 'tp1' },
      { t: 'sym', c: ':' },
      { t: 'num', v: '70500', int: null, pct: false, keycap: false, dot: false },
      { t: 'num', v: '30000', int: null, pct: false, keycap: false, dot: false },
      { t: 'lev', v: '10' },
      { t: 'lev', v: '20' },
      { t: 'word', w: '4h' },
      { t: 'num', v: '1200', int: null, pct: false, keycap: false, dot: false },
    ]);
  });
  it('marks percentages, keycaps and "1." list indexes', () => {
    const [pct] = tokenizeLine('5 %');
    expect(pct).toMatchObject({ t: 'num', v: '5', pct: true });
    const [keycap] = tokenizeLine('1️⃣ 0.162');
    expect(keycap).toMatchObject({ t: 'num', v: '1', int: 1, keycap: true });
    const [dot] = tokenizeLine('2. 71000');
    expect(dot).toMatchObject({ t: 'num', v: '2', int: 2, dot: true });
  });
  it('keeps emoji as one symbol and drops variation selectors', () => {
    expect(tokenizeLine('🎯⛔️')).toEqual([
      { t: 'sym', c: '🎯' },
      { t: 'sym', c: '⛔' },
    ]);
  });
  it('splits a number from a word glued after a dot, and keeps tickers starting with digits whole', () => {
    expect(tokenizeLine('70000.Stop')).toMatchObject([
      { t: 'num', v: '70000' },
      { t: 'word', w: 'stop' },
    ]);
    expect(tokenizeLine('1000PEPEUSDT')).toEqual([{ t: 'word', w: '1000pepeusdt' }]);
  });
  it('reads Cyrillic words and the Cyrillic "х" of leverage', () => {
    expect(tokenizeLine('Плечо 20х')).toEqual([
      { t: 'word', w: 'плечо' },
      { t: 'lev', v: '20' },
    ]);
  });
});
