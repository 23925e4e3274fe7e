import { describe, expect, it } from 'vitest';
import { summarizeOutcomes } from './outcome-stats';

describe('summarizeOutcomes', () => {
  it('counts every status and rates wins over decided signals', () => {
    const s = summarizeOutcomes([
      { status: 'WIN', profit_pct: '3.3333' },
      { status: 'WIN', profit_pct: '20' },
      { status: 'LOSS', profit_pct: '-10' },
      { status: 'BREAKEVEN', profit_pct: '0' },
      { status: 'CANCELLED', profit_pct: null },
      { status: 'EXPIRED', profit_pct: null },
      { status: 'PENDING', profit_pct: null },
      { status: 'ACTIVE', profit_pct: null },
      { status: null, profit_pct: null },
      { status: 'UNTRACKED', profit_pct: null },
    ]);
    expect(s).toEqual({
      total_signals: 10,
      wins: 2,
      losses: 1,
      breakeven: 1,
      cancelled: 1,
      expired: 1,
      open: 3,
      untracked: 1,
      win_rate: '66.6667', // 2 / 3
      average_profit: '3.3333', // 13.3333 / 4
      total_profit: '13.3333',
    });
  });

  it('has no rates without decided signals', () => {
    expect(summarizeOutcomes([])).toMatchObject({ total_signals: 0, win_rate: null, average_profit: null });
    const onlyBreakeven = summarizeOutcomes([{ status: 'BREAKEVEN', profit_pct: '0' }]);
    expect(onlyBreakeven).toMatchObject({ win_rate: null, average_profit: '0', total_profit: '0' });
  });

  it('rounds half-even to 4 places from exact decimal sums', () => {
    const s = summarizeOutcomes([
      { status: 'WIN', profit_pct: '0.1' },
      { status: 'WIN', profit_pct: '0.2' },
      { status: 'LOSS', profit_pct: '-0.00005' },
    ]);
    expect(s.total_profit).toBe('0.3'); // 0.29995: a 5 after an odd 9 rounds up to 0.3000
    expect(s.average_profit).toBe('0.1'); // 0.29995 / 3 = 0.099983…
    expect(s.win_rate).toBe('66.6667');
  });
});
