import type { Db } from '../../connection';

export interface SafetyRow {
  kill_switch: number;
  reason: string | null;
  set_by: string | null;
  set_by_user: number | null;
  recovered_since: number | null;
  updated_at: number;
}

export async function readSafety(db: Db): Promise<SafetyRow> {
  return db
    .selectFrom('safety_state')
    .select(['kill_switch', 'reason', 'set_by', 'set_by_user', 'recovered_since', 'updated_at'])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
}

export async function writeSafety(db: Db, patch: Partial<SafetyRow> & { updated_at: number }): Promise<void> {
  await db.updateTable('safety_state').set(patch).where('id', '=', 1).execute();
}

export async function insertRiskEvent(
  db: Db,
  e: {
    userId: number | null;
    signalId: number | null;
    code: string;
    reason: string;
    data?: Record<string, unknown>;
    now: number;
  },
): Promise<void> {
  await db
    .insertInto('risk_events')
    .values({
      user_id: e.userId,
      signal_id: e.signalId,
      code: e.code,
      reason: e.reason,
      data: JSON.stringify(e.data ?? {}),
      created_at: e.now,
    })
    .execute();
}

export async function listRiskEvents(
  db: Db,
  q: { since?: number; userId?: number; before?: number; limit: number },
) {
  let query = db.selectFrom('risk_events').selectAll();
  if (q.since !== undefined) query = query.where('created_at', '>=', q.since);
  if (q.userId !== undefined) query = query.where('user_id', '=', q.userId);
  if (q.before !== undefined) query = query.where('id', '<', q.before);
  return query.orderBy('id', 'desc').limit(q.limit).execute();
}

export async function countRiskEvents(db: Db, since: number): Promise<number> {
  const row = await db
    .selectFrom('risk_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
