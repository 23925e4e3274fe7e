import type { Db } from '../connection';

export async function beat(
  db: Db,
  hb: { owner: string; role: string; startedAt: number; now: number; schemaVersion: number },
): Promise<void> {
  await db
    .insertInto('worker_heartbeats')
    .values({
      owner: hb.owner,
      role: hb.role,
      started_at: hb.startedAt,
      last_seen: hb.now,
      schema_version: hb.schemaVersion,
    })
    .onConflict((oc) =>
      oc.column('owner').doUpdateSet({ last_seen: hb.now, schema_version: hb.schemaVersion }),
    )
    .execute();
}

export async function removeHeartbeat(db: Db, owner: string): Promise<void> {
  await db.deleteFrom('worker_heartbeats').where('owner', '=', owner).execute();
}

export interface WorkerBeat {
  owner: string;
  role: string;
  last_seen: number;
  /** null: a worker older than the column (`0013-worker-versions`). */
  schema_version: number | null;
}

/** Workers seen since `since`. */
export async function activeWorkers(db: Db, since: number): Promise<WorkerBeat[]> {
  return db
    .selectFrom('worker_heartbeats')
    .select(['owner', 'role', 'last_seen', 'schema_version'])
    .where('last_seen', '>=', since)
    .execute();
}
