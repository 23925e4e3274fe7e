import type { Migration } from './types';

/**
 * The schema version each worker's code was built for (the number of migrations it knows), written
 * with every heartbeat. A worker starting next to live workers of an older version waits for them to
 * stop before it trades: rules that changed between versions (such as the claim count of
 * `0012-position-claims`) are only safe when every engine follows the same ones. Rows of workers that
 * predate this column stay NULL, which reads as "older".
 */
export const workerVersions: Migration = {
  name: '0013-worker-versions',
  async up(db) {
    await db.schema.alterTable('worker_heartbeats').addColumn('schema_version', 'integer').execute();
  },
};
