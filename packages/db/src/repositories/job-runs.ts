import type { Db } from '../connection';

/**
 * Claims (job, period) for `owner`. True when this caller got it: either nobody had claimed it, or a
 * previous claim never finished and is older than `staleBefore` (its process died).
 */
export async function claimJobRun(
  db: Db,
  claim: { job: string; period: string; owner: string; now: number; staleBefore: number },
): Promise<boolean> {
  const inserted = await db
    .insertInto('job_runs')
    .values({
      job: claim.job,
      period: claim.period,
      owner: claim.owner,
      claimed_at: claim.now,
      finished_at: null,
      error: null,
    })
    .onConflict((oc) => oc.columns(['job', 'period']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return true;
  const taken = await db
    .updateTable('job_runs')
    .set({ owner: claim.owner, claimed_at: claim.now })
    .where('job', '=', claim.job)
    .where('period', '=', claim.period)
    .where('finished_at', 'is', null)
    .where('claimed_at', '<', claim.staleBefore)
    .executeTakeFirst();
  return Number(taken.numUpdatedRows) === 1;
}

export async function finishJobRun(
  db: Db,
  run: { job: string; period: string; owner: string; now: number; error: string | null },
): Promise<void> {
  await db
    .updateTable('job_runs')
    .set({ finished_at: run.now, error: run.error })
    .where('job', '=', run.job)
    .where('period', '=', run.period)
    .where('owner', '=', run.owner)
    .execute();
}

export async function pruneJobRuns(db: Db, before: number): Promise<number> {
  const r = await db
    .deleteFrom('job_runs')
    .where('claimed_at', '<', before)
    .where('finished_at', 'is not', null)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
