import { sql } from 'kysely';
import type { Db } from '../../connection';
import type { Dialect } from '../../migrations';

/**
 * Leases up to `limit` rows of a work table to `owner` until `until`, skipping rows another worker
 * holds. On PostgreSQL the candidates are locked with FOR UPDATE SKIP LOCKED so concurrent claimers
 * never wait on or steal each other's rows; SQLite has a single writer, so the update is atomic.
 */
export async function claimRows(
  db: Db,
  dialect: Dialect,
  q: {
    table: 'execution_intents' | 'positions';
    /** SQL condition (besides the lease) that makes a row claimable. */
    ready: ReturnType<typeof sql>;
    /** Further assignments made by the claim (e.g. counting claims). */
    alsoSet?: ReturnType<typeof sql>;
    owner: string;
    now: number;
    until: number;
    limit: number;
  },
): Promise<number[]> {
  const table = sql.table(q.table);
  const lock = dialect === 'postgres' ? sql`for update skip locked` : sql``;
  const result = await sql<{ id: number }>`
    update ${table} set lease_owner = ${q.owner}, lease_until = ${q.until}${q.alsoSet ? sql`, ${q.alsoSet}` : sql``}
    where id in (
      select id from ${table}
      where ${q.ready} and (lease_until is null or lease_until < ${q.now})
      order by id
      limit ${q.limit}
      ${lock}
    )
    returning id`.execute(db);
  return result.rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}

/** Owners currently holding leases on work rows. */
export async function leaseOwners(db: Db, now: number): Promise<string[]> {
  const rows = await sql<{ owner: string }>`
    select distinct lease_owner as owner from positions where lease_owner is not null and lease_until >= ${now}
    union
    select distinct lease_owner as owner from execution_intents where lease_owner is not null and lease_until >= ${now}`.execute(
    db,
  );
  return rows.rows.map((r) => r.owner);
}

/** Frees every lease held by these owners (their processes are known to be dead). */
export async function releaseLeasesOf(db: Db, owners: readonly string[]): Promise<number> {
  if (owners.length === 0) return 0;
  const a = await db
    .updateTable('positions')
    .set({ lease_owner: null, lease_until: null, pending_work: 1 })
    .where('lease_owner', 'in', [...owners])
    .executeTakeFirst();
  const b = await db
    .updateTable('execution_intents')
    .set({ lease_owner: null, lease_until: null })
    .where('lease_owner', 'in', [...owners])
    .executeTakeFirst();
  return Number(a.numUpdatedRows) + Number(b.numUpdatedRows);
}
