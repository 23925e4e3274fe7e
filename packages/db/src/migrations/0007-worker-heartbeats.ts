import type { Migration } from './types';

export const workerHeartbeats: Migration = {
  name: '0007-worker-heartbeats',
  async up(db, _dialect, t) {
    await db.schema
      .createTable('worker_heartbeats')
      .addColumn('owner', 'text', (c) => c.primaryKey())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('started_at', t.bigint, (c) => c.notNull())
      .addColumn('last_seen', t.bigint, (c) => c.notNull())
      .execute();
  },
};
