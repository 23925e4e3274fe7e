import type { Migration } from './types';

export const jobRuns: Migration = {
  name: '0002-job-runs',
  async up(db, _dialect, t) {
    await db.schema
      .createTable('job_runs')
      .addColumn('job', 'text', (c) => c.notNull())
      .addColumn('period', 'text', (c) => c.notNull())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('claimed_at', t.bigint, (c) => c.notNull())
      .addColumn('finished_at', t.bigint)
      .addColumn('error', 'text')
      .addPrimaryKeyConstraint('job_runs_pk', ['job', 'period'])
      .execute();
    await db.schema.createIndex('job_runs_claimed_idx').on('job_runs').column('claimed_at').execute();
  },
};
