import { sql } from 'kysely';
import type { Db } from '../../connection';
import { LIVE_POSITION_STATUSES } from './positions';

export interface UserExposureRow {
  user_id: number;
  symbol: string;
  margin_usdt: string | null;
  qty: string;
  avg_entry_price: string | null;
  leverage: number;
}

/** Live positions of these users (what the risk engine counts as open). */
export async function liveExposures(db: Db, userIds: readonly number[]): Promise<UserExposureRow[]> {
  if (userIds.length === 0) return [];
  return db
    .selectFrom('positions')
    .select(['user_id', 'symbol', 'margin_usdt', 'qty', 'avg_entry_price', 'leverage'])
    .where('user_id', 'in', userIds)
    .where('status', 'in', [...LIVE_POSITION_STATUSES])
    .execute();
}

export interface UserDayRow {
  user_id: number;
  opened: number;
  /** Realized PnL of positions closed since `dayStart`, as decimal strings to be summed by the caller. */
  closed_pnls: string[];
  last_loss_at: number | null;
}

/**
 * Today's trading of these users: positions opened since `dayStart` (not counting those canceled
 * without a fill), PnL of positions closed since then, and the last losing close ever.
 */
export async function userDayFacts(
  db: Db,
  userIds: readonly number[],
  dayStart: number,
): Promise<Map<number, UserDayRow>> {
  const out = new Map<number, UserDayRow>();
  for (const id of userIds) out.set(id, { user_id: id, opened: 0, closed_pnls: [], last_loss_at: null });
  if (userIds.length === 0) return out;
  const opened = await db
    .selectFrom('positions')
    .select(['user_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('user_id', 'in', userIds)
    .where('created_at', '>=', dayStart)
    .where((eb) => eb.or([eb('status', '!=', 'CANCELED'), eb('opened_at', 'is not', null)]))
    .groupBy('user_id')
    .execute();
  for (const r of opened) out.get(r.user_id)!.opened = Number(r.n);
  const closed = await db
    .selectFrom('positions')
    .select(['user_id', 'realized_pnl_usdt'])
    .where('user_id', 'in', userIds)
    .where('closed_at', '>=', dayStart)
    .where('status', '=', 'CLOSED')
    .execute();
  for (const r of closed) out.get(r.user_id)!.closed_pnls.push(String(r.realized_pnl_usdt));
  // A loss is a negative realized PnL; NUMERIC on PostgreSQL and TEXT on SQLite both compare as numbers after a cast.
  const losses = await db
    .selectFrom('positions')
    .select(['user_id', (eb) => eb.fn.max('closed_at').as('at')])
    .where('user_id', 'in', userIds)
    .where('status', '=', 'CLOSED')
    .where(sql`cast(realized_pnl_usdt as real)`, '<', 0)
    .groupBy('user_id')
    .execute();
  for (const r of losses) out.get(r.user_id)!.last_loss_at = r.at === null ? null : Number(r.at);
  return out;
}
