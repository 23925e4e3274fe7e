import { iso } from '@verzek/contract';
import {
  dailyStats,
  Dec,
  decStr,
  decSum,
  roundDp,
  PCT_DP,
  USDT_DP,
  type ClosedTradeSummary,
} from '@verzek/core';
import type { Db, UserRow } from '@verzek/db';
import { sql } from 'kysely';
import { loadTradingSettings } from '../../services/users/settings';
import { DAY_MS, utcDayStart } from '../risk-context';
import { positionView } from './views';

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * `GET /api/positions/history`: the positions that ended in the last `days` UTC days (today
 * included), and per UTC day the aggregates of core `dailyStats` over the CLOSED ones (trades, wins,
 * losses, gross/net % of the user's capital, max drawdown of the day's close sequence).
 */
export async function positionHistory(
  deps: { db: Db; dialect: 'sqlite' | 'postgres'; now: number },
  user: UserRow,
  q: { days: number; limit: number },
) {
  const { db, now } = deps;
  const today = utcDayStart(now);
  const from = today - (q.days - 1) * DAY_MS;
  const settings = (await loadTradingSettings(db, [user])).get(user.id)!;
  const capital = settings.strategy.capital_usdt;
  const fees =
    deps.dialect === 'postgres'
      ? sql<string | null>`(state::json)->>'fees_usdt'`
      : sql<string | null>`json_extract(state, '$.fees_usdt')`;
  const [ended, closed] = await Promise.all([
    db
      .selectFrom('positions')
      .selectAll()
      .where('user_id', '=', user.id)
      .where('status', 'in', ['CLOSED', 'CANCELED'])
      .where('closed_at', '>=', from)
      .orderBy('closed_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.limit)
      .execute(),
    db
      .selectFrom('positions')
      .select(['closed_at', 'realized_pnl_usdt', 'margin_usdt', fees.as('fees_usdt')])
      .where('user_id', '=', user.id)
      .where('status', '=', 'CLOSED')
      .where('closed_at', '>=', from)
      .execute(),
  ]);

  const byDay = new Map<string, ClosedTradeSummary[]>();
  for (const c of closed) {
    if (c.closed_at === null) continue;
    const closedAt = Number(c.closed_at);
    const list = byDay.get(utcDay(closedAt)) ?? [];
    list.push({
      closed_at: closedAt,
      realized_pnl_usdt: String(c.realized_pnl_usdt),
      fees_usdt: c.fees_usdt === null ? null : String(c.fees_usdt),
      margin_usdt: c.margin_usdt === null ? null : String(c.margin_usdt),
    });
    byDay.set(utcDay(closedAt), list);
  }
  const daily = [];
  for (let start = from; start <= today; start += DAY_MS) {
    const day = utcDay(start);
    const {
      from: _from,
      to: _to,
      base_usdt: _base,
      ...stats
    } = dailyStats(byDay.get(day) ?? [], day, {
      capital_usdt: capital,
    });
    daily.push(stats);
  }
  const trades = daily.reduce((n, d) => n + d.trades, 0);
  const wins = daily.reduce((n, d) => n + d.wins, 0);
  return {
    user_id: user.id,
    days: q.days,
    from: iso(from),
    to: iso(now),
    capital_usdt: capital,
    items: ended.map((row) => positionView(row)),
    daily,
    totals: {
      trades,
      wins,
      losses: daily.reduce((n, d) => n + d.losses, 0),
      win_rate_pct: trades === 0 ? null : decStr(roundDp(new Dec(wins).div(trades).mul(100), PCT_DP)),
      realized_usdt: decStr(roundDp(decSum(daily.map((d) => d.realized_usdt)), USDT_DP)),
      fees_usdt: decStr(roundDp(decSum(daily.map((d) => d.fees_usdt)), USDT_DP)),
    },
  };
}
