import type { DailyReport } from '@verzek/contract';
import { dec, decStr, roundDp, tryDec } from '@verzek/core';

/** "40", "-0.5", "6.8": at most two decimals, no trailing zeros. */
function pct(value: string | null): string {
  const d = tryDec(value);
  return d === null ? 'n/a' : decStr(roundDp(d, 2));
}

function signedPct(value: string | null): string {
  const d = tryDec(value);
  return d === null ? 'n/a' : `${d.gt(0) ? '+' : ''}${pct(value)}`;
}

function usdt(value: string): string {
  const d = dec(value);
  return `${d.gt(0) ? '+' : ''}${roundDp(d, 2).toFixed(2)}`;
}

function setter(by: DailyReport['safety']['kill_switch_set_by']): string {
  if (by === 'breaker') return 'halted by the circuit breaker';
  if (by === 'admin') return 'halted by an administrator';
  return 'halted';
}

/**
 * The daily report as a trader channel posts it: plain text (no markup, so any sink can escape it for
 * its own format), a line per figure, a little emoji. Pure: the same report gives the same text.
 */
export function formatDailyReport(r: DailyReport): string {
  const t = r.trading;
  const s = r.safety;
  const lines = [`📊 Daily report — ${r.day} (UTC)`, '', `📡 Signals: ${t.signals}`];
  if (t.trades === 0) {
    lines.push('💤 No trades closed today');
  } else {
    lines.push(
      `💼 Trades closed: ${t.trades}`,
      `✅ Wins: ${t.wins}   ❌ Losses: ${t.losses}${t.breakeven > 0 ? `   ➖ Breakeven: ${t.breakeven}` : ''}`,
      `🎯 Win rate: ${pct(t.win_rate_pct)}%`,
      `📈 Average profit: ${signedPct(t.avg_profit_pct)}% per trade`,
      `💰 Realized: ${usdt(t.realized_usdt)} USDT`,
    );
  }
  const blocked = Object.entries(s.blocked_by_code)
    .filter(([, n]) => n > 0)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([code, n]) => `${code.replaceAll('_', ' ')} ${n}`);
  lines.push(
    '',
    '🛡 Safety',
    s.kill_switch ? `🔴 Kill switch: ON — ${setter(s.kill_switch_set_by)}` : '🟢 Kill switch: off',
    `📉 Drawdown today: ${pct(s.drawdown_pct)}% (limit ${s.max_dd_limit_pct}%)`,
    `🚫 Blocked trades: ${s.blocked_trades}${blocked.length > 0 ? ` — ${blocked.join(', ')}` : ''}`,
  );
  return lines.join('\n');
}
