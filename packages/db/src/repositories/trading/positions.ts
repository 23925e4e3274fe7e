import { sql } from 'kysely';
import type { Db } from '../../connection';
import { preparedQuery } from '../../prepared';
import type { Dialect } from '../../migrations';
import type { PositionRow, PositionRowStatus, PositionsTable } from '../../schema';
import { claimRows } from './claim';

/** Statuses in which a position still holds or may still get exposure. */
export const LIVE_POSITION_STATUSES = ['PENDING', 'OPEN', 'PARTIAL'] as const;

/** The columns that mirror the state JSON, written together with it. */
export type PositionStateColumns = Pick<
  PositionsTable,
  | 'status'
  | 'close_reason'
  | 'qty'
  | 'remaining_qty'
  | 'avg_entry_price'
  | 'margin_usdt'
  | 'realized_pnl_usdt'
  | 'realized_pnl_pct'
  | 'state'
  | 'opened_at'
  | 'closed_at'
>;

/**
 * A new position. `claims`: 0 for one no engine has seen, 1 when it is handed straight to an engine;
 * left out, the column's default (1) makes its first claim look its orders up, the safe side.
 */
export type NewPosition = Omit<PositionsTable, 'id' | 'version' | 'claims'> & { claims?: number };

export async function insertPosition(db: Db, p: NewPosition): Promise<number> {
  const row = await db
    .insertInto('positions')
    .values({ ...p, version: 0 })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** New positions, a statement per 100; their ids, in the order given. */
export async function insertPositions(db: Db, ps: readonly NewPosition[]): Promise<number[]> {
  const ids = new Map<string, number>();
  for (let i = 0; i < ps.length; i += 100) {
    const rows = await db
      .insertInto('positions')
      // every row with the same columns (claims' default made explicit), as a multi-row insert needs
      .values(ps.slice(i, i + 100).map((p) => ({ ...p, claims: p.claims ?? 1, version: 0 })))
      .returning(['id', 'order_key'])
      .execute();
    for (const r of rows) ids.set(r.order_key, r.id);
  }
  return ps.map((p) => {
    const id = ids.get(p.order_key);
    if (id === undefined) throw new Error(`position ${p.order_key} was not inserted`);
    return id;
  });
}

export async function findPosition(db: Db, id: number): Promise<PositionRow | undefined> {
  return db.selectFrom('positions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findPositionBySignalUser(
  db: Db,
  signalId: number,
  userId: number,
): Promise<PositionRow | undefined> {
  return db
    .selectFrom('positions')
    .selectAll()
    .where('signal_id', '=', signalId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export async function loadPositions(db: Db, ids: readonly number[]): Promise<PositionRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('positions').selectAll().where('id', 'in', ids).orderBy('id').execute();
}

/** Leases positions that have work (unprocessed events or orders to send). */
export async function claimPositions(
  db: Db,
  dialect: Dialect,
  q: { owner: string; now: number; leaseMs: number; limit: number },
): Promise<number[]> {
  return claimRows(db, dialect, {
    table: 'positions',
    ready: sql`pending_work = 1`,
    alsoSet: sql`claims = claims + 1`,
    owner: q.owner,
    now: q.now,
    until: q.now + q.leaseMs,
    limit: q.limit,
  });
}

type StateUpdate = PositionStateColumns & { pending_work: number; lease_until: number; updated_at: number };

const saveState = preparedQuery((db, p: StateUpdate & { id: number; owner: string }) =>
  db
    .updateTable('positions')
    .set((eb) => ({
      status: p.status,
      close_reason: p.close_reason,
      qty: p.qty,
      remaining_qty: p.remaining_qty,
      avg_entry_price: p.avg_entry_price,
      margin_usdt: p.margin_usdt,
      realized_pnl_usdt: p.realized_pnl_usdt,
      realized_pnl_pct: p.realized_pnl_pct,
      state: p.state,
      opened_at: p.opened_at,
      closed_at: p.closed_at,
      pending_work: p.pending_work,
      lease_until: p.lease_until,
      updated_at: p.updated_at,
      version: eb('version', '+', 1),
    }))
    .where('id', '=', p.id)
    .where('lease_owner', '=', p.owner),
);

/**
 * Writes a new state. Fails (returns false) if the lease was lost to another worker, so a stale
 * worker can never overwrite a newer state.
 */
export async function savePositionState(
  db: Db,
  id: number,
  owner: string,
  columns: StateUpdate,
): Promise<boolean> {
  const r = await saveState(db, { ...columns, id, owner });
  return Number(r.numAffectedRows) === 1;
}

type Release = { id: number; owner: string; retryAt: number | null; now: number };

const releaseWithWork = preparedQuery((db, p: Release) =>
  db
    .updateTable('positions')
    .set({ pending_work: 1, lease_owner: null, lease_until: p.retryAt, updated_at: p.now })
    .where('id', '=', p.id)
    .where('lease_owner', '=', p.owner),
);

const releaseIdle = preparedQuery((db, p: Release) =>
  db
    .updateTable('positions')
    .set({
      pending_work: sql<number>`case when exists (select 1 from position_inbox i where i.position_id = ${p.id} and i.processed_at is null) then 1 else 0 end`,
      lease_owner: null,
      lease_until: p.retryAt,
      updated_at: p.now,
    })
    .where('id', '=', p.id)
    .where('lease_owner', '=', p.owner),
);

// On PostgreSQL the subquery of `releaseIdle` reads the snapshot taken when the statement began: an
// event committed while the statement waited for the row lock (its enqueue set pending_work = 1) is
// not seen, and the 0 written there would hide it for good. A fresh statement sees every committed event.
const repairPending = preparedQuery((db, p: { id: number }) =>
  db
    .updateTable('positions')
    .set({ pending_work: 1 })
    .where('id', '=', p.id)
    .where('pending_work', '=', 0)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('position_inbox')
          .select(sql`1`.as('one'))
          .where('position_inbox.position_id', '=', p.id)
          .where('position_inbox.processed_at', 'is', null),
      ),
    ),
);

/**
 * Ends a lease. The position stays in the work queue when it still has work, or when events arrived
 * meanwhile (`pending_work` was set to 1 by whoever inserted them, and unprocessed rows remain).
 * `retryAt` keeps it leased-out until then (back-off after a transient venue error).
 */
export async function releasePosition(
  db: Db,
  id: number,
  owner: string,
  q: { hasWork: boolean; retryAt: number | null; now: number },
): Promise<void> {
  const p = { id, owner, retryAt: q.retryAt, now: q.now };
  if (q.hasWork) {
    await releaseWithWork(db, p);
    return;
  }
  await releaseIdle(db, p);
  await repairPending(db, { id });
}

export async function markPositionsPending(db: Db, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('positions').set({ pending_work: 1 }).where('id', 'in', ids).execute();
}

/** Every position that may still have live orders is put back in the work queue (start-up reconciliation). */
export async function markLivePositionsPending(db: Db): Promise<number[]> {
  const rows = await db
    .updateTable('positions')
    .set({ pending_work: 1 })
    .where('status', 'in', [...LIVE_POSITION_STATUSES])
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

export interface PositionListQuery {
  userId?: number;
  statuses?: readonly PositionRowStatus[];
  closedSince?: number;
  signalId?: number;
  before?: number;
  limit: number;
}

export async function listPositions(db: Db, q: PositionListQuery): Promise<PositionRow[]> {
  let query = db.selectFrom('positions').selectAll();
  if (q.userId !== undefined) query = query.where('user_id', '=', q.userId);
  if (q.statuses) query = query.where('status', 'in', [...q.statuses]);
  if (q.closedSince !== undefined) query = query.where('closed_at', '>=', q.closedSince);
  if (q.signalId !== undefined) query = query.where('signal_id', '=', q.signalId);
  if (q.before !== undefined) query = query.where('id', '<', q.before);
  return query.orderBy('id', 'desc').limit(q.limit).execute();
}
