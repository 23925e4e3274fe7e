import type { Db } from '../connection';
import { isUniqueViolation } from '../errors';
import type {
  SignalOutcomeRow,
  SignalOutcomesTable,
  SignalOutcomeStatus,
  SignalRow,
  SignalStatus,
  SourceKind,
} from '../schema';

/** The columns a tracker writes (copies of its state JSON, written together with it). */
export type SignalOutcomeColumns = Pick<
  SignalOutcomesTable,
  'status' | 'reason' | 'entry_price' | 'profit_pct' | 'targets_hit' | 'state' | 'entered_at' | 'closed_at'
>;

/** Creates a signal's outcome row unless one exists (another worker was first): true if created. */
export async function insertSignalOutcome(
  db: Db,
  signalId: number,
  columns: SignalOutcomeColumns,
  now: number,
): Promise<boolean> {
  try {
    const r = await db
      .insertInto('signal_outcomes')
      .values({ signal_id: signalId, ...columns, version: 0, created_at: now, updated_at: now })
      .onConflict((oc) => oc.column('signal_id').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  } catch (err) {
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}

/**
 * Writes a new state if the row is still at `expectedVersion` (no other worker wrote meanwhile):
 * true if written (the version is then `expectedVersion + 1`).
 */
export async function updateSignalOutcome(
  db: Db,
  signalId: number,
  expectedVersion: number,
  columns: SignalOutcomeColumns,
  now: number,
): Promise<boolean> {
  const r = await db
    .updateTable('signal_outcomes')
    .set({ ...columns, version: expectedVersion + 1, updated_at: now })
    .where('signal_id', '=', signalId)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** An outcome with what the tracker needs of its signal. */
export type TrackedOutcomeRow = SignalOutcomeRow & {
  symbol: string;
  signal_status: SignalStatus;
  signal_closed_at: number | null;
};

function trackedQuery(db: Db) {
  return db
    .selectFrom('signal_outcomes as o')
    .innerJoin('signals as s', 's.id', 'o.signal_id')
    .selectAll('o')
    .select(['s.symbol as symbol', 's.status as signal_status', 's.closed_at as signal_closed_at']);
}

/** Every outcome still running (PENDING or ACTIVE), oldest signal first. */
export async function openSignalOutcomes(db: Db): Promise<TrackedOutcomeRow[]> {
  return trackedQuery(db).where('o.status', 'in', ['PENDING', 'ACTIVE']).orderBy('o.signal_id').execute();
}

export async function findTrackedOutcome(db: Db, signalId: number): Promise<TrackedOutcomeRow | undefined> {
  return trackedQuery(db).where('o.signal_id', '=', signalId).executeTakeFirst();
}

export async function findSignalOutcome(db: Db, signalId: number): Promise<SignalOutcomeRow | undefined> {
  return db.selectFrom('signal_outcomes').selectAll().where('signal_id', '=', signalId).executeTakeFirst();
}

/** Signals without an outcome row yet (to start tracking), lowest id first. */
export async function signalsWithoutOutcome(
  db: Db,
  q: { afterId?: number; limit: number },
): Promise<SignalRow[]> {
  let query = db
    .selectFrom('signals')
    .leftJoin('signal_outcomes as o', 'o.signal_id', 'signals.id')
    .selectAll('signals')
    .where('o.signal_id', 'is', null);
  if (q.afterId !== undefined) query = query.where('signals.id', '>', q.afterId);
  return query.orderBy('signals.id').limit(q.limit).execute();
}

/** One signal for the statistics: its source and its outcome (null status = not tracked yet). */
export interface SignalOutcomeFact {
  signal_id: number;
  source_id: number;
  source_name: string | null;
  source_kind: SourceKind | null;
  status: SignalOutcomeStatus | null;
  profit_pct: string | null;
}

/** Signals published in [from, to) (epoch ms), of one source or all, with their outcomes. */
export async function signalOutcomeFacts(
  db: Db,
  q: { from?: number; to?: number; sourceId?: number },
): Promise<SignalOutcomeFact[]> {
  let query = db
    .selectFrom('signals as s')
    .leftJoin('signal_outcomes as o', 'o.signal_id', 's.id')
    .leftJoin('signal_sources as src', 'src.id', 's.source_id')
    .select([
      's.id as signal_id',
      's.source_id as source_id',
      'src.name as source_name',
      'src.kind as source_kind',
      'o.status as status',
      'o.profit_pct as profit_pct',
    ]);
  if (q.from !== undefined) query = query.where('s.created_at', '>=', q.from);
  if (q.to !== undefined) query = query.where('s.created_at', '<', q.to);
  if (q.sourceId !== undefined) query = query.where('s.source_id', '=', q.sourceId);
  const rows = await query.orderBy('s.id').execute();
  return rows.map((r) => ({
    ...r,
    profit_pct: r.profit_pct === null ? null : String(r.profit_pct),
  }));
}
