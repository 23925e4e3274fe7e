import type { DailyReport } from '@verzek/contract';
import { describe, expect, it } from 'vitest';
import { formatDailyReport } from './format';

const REPORT: DailyReport = {
  day: '2026-11-22',
  generated_at: '2026-11-22T23:59:00.000Z',
  as_of: '2026-11-22T23:59:00.000Z',
  trading: {
    signals: 4,
    traders: 2,
    trades: 6,
    wins: 3,
    losses: 2,
    breakeven: 1,
    win_rate_pct: '50',
    avg_profit_pct: '1.2345',
    realized_usdt: '18.456',
    fees_usdt: '1.2',
  },
  safety: {
    kill_switch: false,
    kill_switch_set_by: null,
    kill_switch_reason: null,
    drawdown_pct: '6.7961',
    max_dd_limit_pct: 35,
    blocked_trades: 5,
    blocked_by_code: { cooldown: 1, kill_switch: 3, daily_loss_limit: 1 },
  },
};

describe('formatDailyReport', () => {
  it('writes the day as a trader channel posts it', () => {
    expect(formatDailyReport(REPORT)).toBe(
      [
        '📊 Daily report — 2026-11-22 (UTC)',
        '',
        '📡 Signals: 4',
        '💼 Trades closed: 6',
        '✅ Wins: 3   ❌ Losses: 2   ➖ Breakeven: 1',
        '🎯 Win rate: 50%',
        '📈 Average profit: +1.23% per trade',
        '💰 Realized: +18.46 USDT',
        '',
        '🛡 Safety',
        '🟢 Kill switch: off',
        '📉 Drawdown today: 6.8% (limit 35%)',
        '🚫 Blocked trades: 5 — kill switch 3, cooldown 1, daily loss limit 1',
      ].join('\n'),
    );
  });

  it('says so on a quiet day, and when trading is halted', () => {
    const quiet: DailyReport = {
      ...REPORT,
      trading: {
        ...REPORT.trading,
        signals: 0,
        traders: 0,
        trades: 0,
        wins: 0,
        losses: 0,
        breakeven: 0,
        win_rate_pct: null,
        avg_profit_pct: null,
        realized_usdt: '0',
        fees_usdt: '0',
      },
      safety: {
        ...REPORT.safety,
        kill_switch: true,
        kill_switch_set_by: 'breaker',
        kill_switch_reason: 'Circuit breaker tripped',
        drawdown_pct: '0',
        blocked_trades: 0,
        blocked_by_code: {},
      },
    };
    expect(formatDailyReport(quiet)).toBe(
      [
        '📊 Daily report — 2026-11-22 (UTC)',
        '',
        '📡 Signals: 0',
        '💤 No trades closed today',
        '',
        '🛡 Safety',
        '🔴 Kill switch: ON — halted by the circuit breaker',
        '📉 Drawdown today: 0% (limit 35%)',
        '🚫 Blocked trades: 0',
      ].join('\n'),
    );
  });

  it('signs losses and rounds half to even like every other amount', () => {
    const text = formatDailyReport({
      ...REPORT,
      trading: {
        ...REPORT.trading,
        wins: 1,
        losses: 4,
        breakeven: 0,
        avg_profit_pct: '-0.5',
        realized_usdt: '-12.345',
      },
    });
    expect(text).toContain('✅ Wins: 1   ❌ Losses: 4\n');
    expect(text).toContain('📈 Average profit: -0.5% per trade');
    expect(text).toContain('💰 Realized: -12.34 USDT');
  });
});
