import type { Selectable } from 'kysely';

/**
 * One row per (scheduled job, period): inserting it is how one process in the cluster claims that
 * period's run, so each period runs once however many workers there are.
 */
export interface JobRunsTable {
  job: string;
  period: string;
  owner: string;
  claimed_at: number;
  finished_at: number | null;
  error: string | null;
}

export type JobRunRow = Selectable<JobRunsTable>;
