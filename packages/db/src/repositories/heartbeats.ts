import type { Db } from '../connection';

export async function beat(
  db: Db,
  hb: { owner: string; role: string; startedAt: number; now: number },
): Promise<void> {
  await db
    .insertInto('worker_heartbeats')
    .values({ owner: hb.owner, role: hb.role, started_at: hb.startedAt, last_seen: hb.now })
    .onConflict((oc) => oc.column('owner').doUpdateSet({ last_seen: hb.now }))
    .execute();
}

export async function removeHeartbeat(db: Db, owner: string): Promise<void> {
  await db.deleteFrom('worker_heartbeats').where('owner', '=', owner).execute();
}

/** Workers seen since `since`. */
export async function activeWorkers(
  db: Db,
  since: number,
): Promise<{ owner: string; role: string; last_seen: number }[]> {
  return db
    .selectFrom('worker_heartbeats')
    .select(['owner', 'role', 'last_seen'])
    .where('last_seen', '>=', since)
    .execute();
}
