import { describe, expect, it } from 'vitest';
import { dailyStats } from './daily-stats';

const DAY = Date.UTC(2025, 0, 10);
const H = 3_600_000;

describe('dailyStats', () => {
  const trades = [
    { closed_at: DAY + 9 * H, realized_pnl_usdt: '-10', fees_usdt: '1', margin_usdt: '100' },
    { closed_at: DAY + 1 * H, realized_pnl_usdt: '20', fees_usdt: '1', margin_usdt: '100' },
    { closed_at: DAY + 12 * H, realized_pnl_usdt: '0', fees_usdt: '0.5', margin_usdt: '50' },
    { closed_at: DAY + 15 * H, realized_pnl_usdt: '-15', fees_usdt: '1', margin_usdt: '100' },
    { closed_at: DAY - 1, realized_pnl_usdt: '999', fees_usdt: '0' }, // yesterday
    { closed_at: DAY + 24 * H, realized_pnl_usdt: '999', fees_usdt: '0' }, // tomorrow
  ];

  it('aggregates the day’s closes, % of capital, and the drawdown over the sequence of closes', () => {
    expect(dailyStats(trades, '2025-01-10', { capital_usdt: '1000' })).toEqual({
      day: '2025-01-10',
      from: DAY,
      to: DAY + 24 * H,
      trades: 4,
      wins: 1,
      losses: 2,
      breakeven: 1,
      win_rate_pct: '25',
      realized_usdt: '-5',
      fees_usdt: '3.5',
      gross_usdt: '-1.5',
      gross_pct: '-0.15',
      net_pct: '-0.5',
      avg_trade_pct: '-1.25', // (−10 + 20 + 0 − 15) % of margins / 4
      base_usdt: '1000',
      // equity 1000 → 1020 → 1010 → 1010 → 995: (1020 − 995) / 1020
      max_drawdown_pct: '2.451',
    });
  });

  it('without capital, % are of the margin deployed that day; an empty day has no rates', () => {
    const s = dailyStats(trades, '2025-01-10');
    expect(s.base_usdt).toBe('350');
    expect(s.net_pct).toBe('-1.4286');
    const empty = dailyStats([], '2025-01-11');
    expect(empty).toMatchObject({
      trades: 0,
      win_rate_pct: null,
      net_pct: null,
      max_drawdown_pct: null,
      realized_usdt: '0',
    });
  });

  it('honours the user’s UTC offset for the day boundary', () => {
    // UTC+2: the day starts at 22:00 UTC the day before
    const s = dailyStats([{ closed_at: DAY - 1 * H, realized_pnl_usdt: '5' }], '2025-01-10', {
      utc_offset_minutes: 120,
    });
    expect(s.trades).toBe(1);
    expect(s.from).toBe(DAY - 2 * H);
  });

  it('refuses a malformed day', () => {
    expect(() => dailyStats([], '10/01/2025')).toThrow(RangeError);
  });
});
