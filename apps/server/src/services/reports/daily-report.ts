import { DailyReport, iso } from '@verzek/contract';
import { dailyStats } from '@verzek/core';
import { readSafety, type Db, type Dialect } from '@verzek/db';
import { systemDrawdownPct } from '../safety/drawdown';
import { closedTrades, DAY_MS, utcDayStartOf } from '../stats/daily-stats';
import { formatDailyReport } from './format';
import type { ReportSink } from './sink';

export interface ReportDeps {
  db: Db;
  dialect: Dialect;
  /** GLOBAL_MAX_DD_PCT, shown next to the day's drawdown. */
  maxDrawdownPct: number;
}

/**
 * The report of a UTC day as of `now` (§7): every follower's trade closed from 00:00 up to `now` (or
 * to the end of the day, for a day already over) — count, wins, losses, win rate, average profit per
 * trade (net PnL over margin), realized USDT — and a safety section: the kill switch now, the day's
 * system drawdown (the circuit breaker's measure over the day), and the trades risk checks blocked.
 */
export async function buildDailyReport(deps: ReportDeps, day: string, now: number): Promise<DailyReport> {
  const { db } = deps;
  const from = utcDayStartOf(day);
  const to = Math.min(now, from + DAY_MS);
  const [trades, signals, safety, dd, blocked] = await Promise.all([
    closedTrades(deps, from, to),
    db
      .selectFrom('signals')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('created_at', '>=', from)
      .where('created_at', '<', to)
      .executeTakeFirstOrThrow(),
    readSafety(db),
    systemDrawdownPct(db, from, to),
    blockedTrades(db, from, to),
  ]);
  // No capital across users: the % figures are of the margin each trade used.
  const stats = dailyStats(trades, day);
  return DailyReport.parse({
    day,
    generated_at: iso(now),
    as_of: iso(to),
    trading: {
      signals: Number(signals.n),
      traders: new Set(trades.map((t) => t.user_id)).size,
      trades: stats.trades,
      wins: stats.wins,
      losses: stats.losses,
      breakeven: stats.breakeven,
      win_rate_pct: stats.win_rate_pct,
      avg_profit_pct: stats.avg_trade_pct,
      realized_usdt: stats.realized_usdt,
      fees_usdt: stats.fees_usdt,
    },
    safety: {
      kill_switch: safety.kill_switch === 1,
      kill_switch_set_by:
        safety.kill_switch === 1 && (safety.set_by === 'admin' || safety.set_by === 'breaker')
          ? safety.set_by
          : null,
      kill_switch_reason: safety.kill_switch === 1 ? safety.reason : null,
      drawdown_pct: dd.pct,
      max_dd_limit_pct: deps.maxDrawdownPct,
      blocked_trades: Object.values(blocked).reduce((a, n) => a + n, 0),
      blocked_by_code: blocked,
    },
  });
}

/**
 * Trades blocked in [from, to), by risk code. A per-user risk event is one trade; a signal refused
 * whole by the kill switch (a user-less event) counts its followers.
 */
async function blockedTrades(db: Db, from: number, to: number): Promise<Record<string, number>> {
  const inWindow = db.selectFrom('risk_events').where('created_at', '>=', from).where('created_at', '<', to);
  const [perUser, whole] = await Promise.all([
    inWindow
      .select(['code', (eb) => eb.fn.countAll<number>().as('n')])
      .where('user_id', 'is not', null)
      .groupBy('code')
      .execute(),
    inWindow.select(['code', 'data']).where('user_id', 'is', null).execute(),
  ]);
  const out: Record<string, number> = {};
  for (const r of perUser) out[r.code] = (out[r.code] ?? 0) + Number(r.n);
  for (const r of whole) {
    const followers = (JSON.parse(r.data) as { followers?: unknown }).followers;
    const n = typeof followers === 'number' && Number.isInteger(followers) && followers >= 0 ? followers : 1;
    out[r.code] = (out[r.code] ?? 0) + n;
  }
  return out;
}

/**
 * Stores the report of its day and hands it to every sink, in one transaction — once per day, across
 * every worker: a day already stored is left alone and nothing is delivered again. True when stored.
 */
export async function publishDailyReport(
  db: Db,
  report: DailyReport,
  sinks: readonly ReportSink[],
  now: number,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('daily_reports')
      .values({ day: report.day, data: JSON.stringify(report), created_at: now })
      .onConflict((oc) => oc.column('day').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) return false;
    const text = formatDailyReport(report);
    for (const sink of sinks) await sink.dailyReport({ report, text }, { db: trx, now });
    return true;
  });
}

/** The daily report job's work: build, store and deliver `day`'s report unless it exists. */
export async function runDailyReport(
  deps: ReportDeps,
  sinks: readonly ReportSink[],
  day: string,
  now: number,
): Promise<{ stored: boolean; report: DailyReport | null }> {
  const existing = await deps.db
    .selectFrom('daily_reports')
    .select('day')
    .where('day', '=', day)
    .executeTakeFirst();
  if (existing) return { stored: false, report: null };
  const report = await buildDailyReport(deps, day, now);
  const stored = await publishDailyReport(deps.db, report, sinks, now);
  return { stored, report: stored ? report : null };
}
