import { sql } from 'kysely';
import type { Db } from '../../connection';
import type { Dialect } from '../../migrations';
import { preparedQuery } from '../../prepared';
import type { ExecutionIntentRow, IntentStatus } from '../../schema';
import { claimRows } from './claim';

const CHUNK = 500;

/**
 * Writes one PENDING intent per user; duplicates of (signal, user) are ignored. Returns how many were new.
 *
 * The rows go in ascending user id: on PostgreSQL each row's foreign key check locks its user row
 * (FOR KEY SHARE) in insertion order, and the intent worker locks its users FOR UPDATE in ascending
 * id order — in any other order the two deadlock (found by the multi-process test).
 */
export async function insertIntents(
  db: Db,
  signalId: number,
  users: readonly number[],
  now: number,
): Promise<number> {
  const userIds = [...new Set(users)].sort((a, b) => a - b);
  let inserted = 0;
  for (let i = 0; i < userIds.length; i += CHUNK) {
    const rows = userIds.slice(i, i + CHUNK).map((user_id) => ({
      signal_id: signalId,
      user_id,
      status: 'PENDING' as const,
      reason: null,
      position_id: null,
      attempts: 0,
      lease_owner: null,
      lease_until: null,
      created_at: now,
      updated_at: now,
    }));
    const r = await db
      .insertInto('execution_intents')
      .values(rows)
      .onConflict((oc) => oc.columns(['signal_id', 'user_id']).doNothing())
      .executeTakeFirst();
    inserted += Number(r.numInsertedOrUpdatedRows ?? 0);
  }
  return inserted;
}

export async function claimIntents(
  db: Db,
  dialect: Dialect,
  q: { owner: string; now: number; leaseMs: number; limit: number },
): Promise<ExecutionIntentRow[]> {
  const ids = await claimRows(db, dialect, {
    table: 'execution_intents',
    ready: sql`status = 'PENDING'`,
    owner: q.owner,
    now: q.now,
    until: q.now + q.leaseMs,
    limit: q.limit,
  });
  if (ids.length === 0) return [];
  return db.selectFrom('execution_intents').selectAll().where('id', 'in', ids).orderBy('id').execute();
}

const finish = preparedQuery(
  (
    db,
    p: {
      id: number;
      status: Exclude<IntentStatus, 'PENDING'>;
      reason: string | null;
      positionId: number | null;
      now: number;
    },
  ) =>
    db
      .updateTable('execution_intents')
      .set({
        status: p.status,
        reason: p.reason,
        position_id: p.positionId,
        lease_owner: null,
        lease_until: null,
        updated_at: p.now,
      })
      .where('id', '=', p.id),
);

export async function finishIntent(
  db: Db,
  id: number,
  outcome: {
    status: Exclude<IntentStatus, 'PENDING'>;
    reason: string | null;
    positionId: number | null;
    now: number;
  },
): Promise<void> {
  await finish(db, { id, ...outcome });
}

/** Gives a claimed intent back (e.g. a transient failure), counting the attempt. */
export async function releaseIntent(
  db: Db,
  id: number,
  now: number,
  retryAt: number,
  reason: string,
): Promise<void> {
  await db
    .updateTable('execution_intents')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      lease_owner: null,
      lease_until: retryAt,
      reason,
      updated_at: now,
    }))
    .where('id', '=', id)
    .execute();
}

export async function countIntentsByStatus(db: Db, signalId?: number): Promise<Record<IntentStatus, number>> {
  let q = db.selectFrom('execution_intents').select(['status', (eb) => eb.fn.countAll<number>().as('n')]);
  if (signalId !== undefined) q = q.where('signal_id', '=', signalId);
  const rows = await q.groupBy('status').execute();
  const out: Record<IntentStatus, number> = { PENDING: 0, DONE: 0, BLOCKED: 0, FAILED: 0 };
  for (const r of rows) out[r.status] = Number(r.n);
  return out;
}
