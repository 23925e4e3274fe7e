import { sql } from 'kysely';
import type { Db } from '../../connection';
import { LIVE_POSITION_STATUSES } from './positions';

export interface InboxItem {
  id: number;
  position_id: number;
  event: string;
}

/** Queues an event for one position (ignored if the same dedup key was queued before). */
export async function enqueuePositionEvent(
  db: Db,
  e: { positionId: number; event: unknown; dedupKey: string | null; now: number },
): Promise<boolean> {
  const r = await db
    .insertInto('position_inbox')
    .values({
      position_id: e.positionId,
      event: JSON.stringify(e.event),
      dedup_key: e.dedupKey,
      created_at: e.now,
      processed_at: null,
    })
    .onConflict((oc) => oc.columns(['position_id', 'dedup_key']).doNothing())
    .executeTakeFirst();
  const added = Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  if (added)
    await db.updateTable('positions').set({ pending_work: 1 }).where('id', '=', e.positionId).execute();
  return added;
}

/**
 * Queues one event for every live position of a signal (a follow-up from the source) in two
 * statements, however many followers there are. Returns the ids of the positions reached.
 */
export async function enqueueForSignal(
  db: Db,
  q: { signalId: number; event: unknown; dedupKey: string; now: number },
): Promise<number[]> {
  const statuses = sql.join(LIVE_POSITION_STATUSES.map((s) => sql.lit(s)));
  await sql`
    insert into position_inbox (position_id, event, dedup_key, created_at, processed_at)
    select id, ${JSON.stringify(q.event)}, ${q.dedupKey}, ${q.now}, null
    from positions where signal_id = ${q.signalId} and status in (${statuses})
    on conflict (position_id, dedup_key) do nothing`.execute(db);
  const rows = await db
    .updateTable('positions')
    .set({ pending_work: 1 })
    .where('signal_id', '=', q.signalId)
    .where('status', 'in', [...LIVE_POSITION_STATUSES])
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

export async function loadInbox(db: Db, positionIds: readonly number[]): Promise<InboxItem[]> {
  if (positionIds.length === 0) return [];
  return db
    .selectFrom('position_inbox')
    .select(['id', 'position_id', 'event'])
    .where('position_id', 'in', positionIds)
    .where('processed_at', 'is', null)
    .orderBy('id')
    .execute();
}

export async function markInboxProcessed(db: Db, ids: readonly number[], now: number): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('position_inbox').set({ processed_at: now }).where('id', 'in', ids).execute();
}
