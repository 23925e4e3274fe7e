import type { Db, PositionRowStatus } from '@verzek/db';
import { expect } from 'vitest';
import type { Api, Session, TestServer } from './harness';

let seq = 0;

/**
 * A finished position written straight into the table (what the position engine leaves behind):
 * realized PnL, margin, and the fees in its state JSON, closed at `closedAt`.
 */
export async function insertClosedPosition(
  db: Db,
  p: {
    userId: number;
    closedAt: number;
    pnl: string;
    margin?: string | null;
    fees?: string;
    status?: PositionRowStatus;
  },
): Promise<number> {
  seq += 1;
  const status = p.status ?? 'CLOSED';
  const live = status === 'OPEN' || status === 'PARTIAL';
  const row = await db
    .insertInto('positions')
    .values({
      user_id: p.userId,
      signal_id: null,
      exchange_account_id: 0,
      venue: 'paper',
      order_key: `fixture-${process.pid}-${seq}`,
      symbol: 'BTCUSDT',
      direction: 'LONG',
      status,
      close_reason: live ? null : 'closed',
      leverage: 5,
      qty: '0.01',
      remaining_qty: live ? '0.01' : '0',
      avg_entry_price: status === 'CANCELED' ? null : '70000',
      margin_usdt: p.margin === undefined ? '100' : p.margin,
      realized_pnl_usdt: p.pnl,
      realized_pnl_pct: null,
      state: JSON.stringify({ status, fees_usdt: p.fees ?? '0' }),
      pending_work: 0,
      lease_owner: null,
      lease_until: null,
      version: 0,
      opened_at: status === 'CANCELED' ? null : p.closedAt - 3_600_000,
      closed_at: live ? null : p.closedAt,
      created_at: p.closedAt - 3_700_000,
      updated_at: p.closedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A PREMIUM user with auto-trading on and a verified email: a follower of every signal. */
export async function makeFollower(
  s: TestServer,
  admin: Session,
  user: Session,
  strategy: Record<string, unknown> = {},
): Promise<void> {
  const api: Api = s.api;
  expect((await api.put(`/api/users/${user.id}/subscription`, { plan: 'PREMIUM' }, admin.token)).status).toBe(
    200,
  );
  expect((await api.post(`/api/admin/users/${user.id}/verify-email`, undefined, admin.token)).status).toBe(
    200,
  );
  const r = await api.put(
    `/api/users/${user.id}/strategy`,
    { auto_trade_enabled: true, ...strategy },
    user.token,
  );
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

/** Admin notifications of one kind, oldest first. */
export async function adminAlerts(db: Db, kind: string) {
  return db
    .selectFrom('notifications')
    .selectAll()
    .where('audience', '=', 'admin')
    .where('kind', '=', kind)
    .orderBy('id')
    .execute();
}
