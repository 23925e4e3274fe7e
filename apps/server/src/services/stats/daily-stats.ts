import { dailyStats, tryDec, type ClosedTradeSummary } from '@verzek/core';
import type { Db, Dialect, UserRow } from '@verzek/db';
import { sql } from 'kysely';
import { loadTradingSettings } from '../users/settings';

export const DAY_MS = 86_400_000;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Rows per multi-row upsert and ids per IN list (bound-parameter limits of both dialects). */
const CHUNK = 500;

/** The UTC day ("YYYY-MM-DD") containing `ms`. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Start (epoch ms) of a UTC day; throws RangeError for anything but a real "YYYY-MM-DD" date. */
export function utcDayStartOf(day: string): number {
  const m = DAY.exec(day);
  const start = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!Number.isFinite(start) || utcDay(start) !== day) throw new RangeError(`not a day: ${day}`);
  return start;
}

export interface ClosedTradeRow extends ClosedTradeSummary {
  user_id: number;
}

/**
 * Positions CLOSED in [from, to) (every user, or some), oldest close first, with what daily stats
 * need; the fees come out of the state JSON in SQL, so the (large) states never leave the database.
 */
export async function closedTrades(
  deps: { db: Db; dialect: Dialect },
  from: number,
  to: number,
  userIds?: readonly number[],
): Promise<ClosedTradeRow[]> {
  const fees =
    deps.dialect === 'postgres'
      ? sql<string | number | null>`(state::json ->> 'fees_usdt')`
      : sql<string | number | null>`json_extract(state, '$.fees_usdt')`;
  let q = deps.db
    .selectFrom('positions')
    .select(['user_id', 'closed_at', 'realized_pnl_usdt', 'margin_usdt', fees.as('fees_usdt')])
    .where('closed_at', '>=', from)
    .where('closed_at', '<', to)
    .where('status', '=', 'CLOSED');
  if (userIds) q = q.where('user_id', 'in', userIds);
  const rows = await q.orderBy('closed_at').orderBy('id').execute();
  return rows.map((r) => ({
    user_id: r.user_id,
    closed_at: Number(r.closed_at),
    realized_pnl_usdt: String(r.realized_pnl_usdt),
    margin_usdt: r.margin_usdt == null ? null : String(r.margin_usdt),
    fees_usdt: r.fees_usdt == null ? null : String(r.fees_usdt),
  }));
}

/**
 * Recomputes the `daily_stats` rows of one UTC day from the positions closed on it (§5): one row per
 * user with at least one close, from core `dailyStats` with the user's `capital_usdt` as the base of
 * the % figures and of the drawdown. Idempotent: a row is written only when its figures changed, so a
 * second run over the same data writes nothing.
 */
export async function recomputeDailyStats(
  deps: { db: Db; dialect: Dialect },
  day: string,
  now: number,
): Promise<{ users: number; written: number }> {
  const { db } = deps;
  const from = utcDayStartOf(day);
  const trades = await closedTrades(deps, from, from + DAY_MS);
  const byUser = new Map<number, ClosedTradeRow[]>();
  for (const t of trades) {
    const list = byUser.get(t.user_id);
    if (list) list.push(t);
    else byUser.set(t.user_id, [t]);
  }
  const userIds = [...byUser.keys()];
  const capital = new Map<number, string>();
  const stored = new Map<number, string>();
  for (let i = 0; i < userIds.length; i += CHUNK) {
    const ids = userIds.slice(i, i + CHUNK);
    const users: UserRow[] = await db.selectFrom('users').selectAll().where('id', 'in', ids).execute();
    for (const [id, s] of await loadTradingSettings(db, users)) capital.set(id, s.strategy.capital_usdt);
    const rows = await db
      .selectFrom('daily_stats')
      .select(['user_id', 'data'])
      .where('day', '=', day)
      .where('user_id', 'in', ids)
      .execute();
    for (const r of rows) stored.set(r.user_id, r.data);
  }

  const changed = [];
  for (const [userId, list] of byUser) {
    if (!capital.has(userId)) continue; // the account was deleted meanwhile
    const stats = dailyStats(list, day, { capital_usdt: capital.get(userId) });
    const data = JSON.stringify(stats);
    if (stored.get(userId) === data) continue;
    let lastLoss: number | null = null;
    for (const t of list) if (tryDec(t.realized_pnl_usdt)?.lt(0)) lastLoss = t.closed_at; // close order
    changed.push({
      user_id: userId,
      day,
      trades: stats.trades,
      wins: stats.wins,
      losses: stats.losses,
      realized_usdt: stats.realized_usdt,
      data,
      last_loss_at: lastLoss,
      updated_at: now,
    });
  }
  for (let i = 0; i < changed.length; i += CHUNK) {
    await db
      .insertInto('daily_stats')
      .values(changed.slice(i, i + CHUNK))
      .onConflict((oc) =>
        oc.columns(['user_id', 'day']).doUpdateSet((eb) => ({
          trades: eb.ref('excluded.trades'),
          wins: eb.ref('excluded.wins'),
          losses: eb.ref('excluded.losses'),
          realized_usdt: eb.ref('excluded.realized_usdt'),
          data: eb.ref('excluded.data'),
          last_loss_at: eb.ref('excluded.last_loss_at'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
  return { users: byUser.size, written: changed.length };
}
