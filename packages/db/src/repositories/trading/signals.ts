import type { Db } from '../../connection';
import { isUniqueViolation } from '../../errors';
import type { SignalEventKind, SignalRow, SignalsTable } from '../../schema';

export type NewSignal = Omit<SignalsTable, 'id'>;

export async function insertSignal(db: Db, s: NewSignal): Promise<number> {
  const row = await db.insertInto('signals').values(s).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function findSignal(db: Db, id: number): Promise<SignalRow | undefined> {
  return db.selectFrom('signals').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findSignalBySourceMessage(
  db: Db,
  sourceId: number,
  sourceMessageId: string,
): Promise<SignalRow | undefined> {
  return db
    .selectFrom('signals')
    .selectAll()
    .where('source_id', '=', sourceId)
    .where('source_message_id', '=', sourceMessageId)
    .executeTakeFirst();
}

export interface SignalFeedQuery {
  /** Only signals created at or before this time (the TRIAL delay). */
  createdUpTo?: number;
  /** Only signals created at or after this time (the TRIAL history window). */
  createdFrom?: number;
  /** Cursor: ids below this. */
  before?: number;
  symbol?: string;
  limit: number;
}

export async function listSignals(db: Db, q: SignalFeedQuery): Promise<SignalRow[]> {
  let query = db.selectFrom('signals').selectAll();
  if (q.createdUpTo !== undefined) query = query.where('created_at', '<=', q.createdUpTo);
  if (q.createdFrom !== undefined) query = query.where('created_at', '>=', q.createdFrom);
  if (q.before !== undefined) query = query.where('id', '<', q.before);
  if (q.symbol !== undefined) query = query.where('symbol', '=', q.symbol);
  return query.orderBy('id', 'desc').limit(q.limit).execute();
}

export async function insertSignalEvent(
  db: Db,
  e: {
    signalId: number;
    kind: SignalEventKind;
    target: number | null;
    data?: Record<string, unknown>;
    now: number;
  },
): Promise<number> {
  const row = await db
    .insertInto('signal_events')
    .values({
      signal_id: e.signalId,
      kind: e.kind,
      target: e.target,
      data: JSON.stringify(e.data ?? {}),
      created_at: e.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function listSignalEvents(db: Db, signalId: number) {
  return db.selectFrom('signal_events').selectAll().where('signal_id', '=', signalId).orderBy('id').execute();
}

/**
 * Records that a source message/event id was seen. False when it was seen before (a duplicate).
 * Must run in the transaction that stores what the message carried.
 */
export async function claimIngestKey(db: Db, sourceId: number, key: string, now: number): Promise<boolean> {
  try {
    const r = await db
      .insertInto('ingest_keys')
      .values({ source_id: sourceId, key, created_at: now })
      .onConflict((oc) => oc.columns(['source_id', 'key']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  } catch (err) {
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}
