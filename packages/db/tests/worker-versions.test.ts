import { describeDb } from '@verzek/test-support';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { activeWorkers, beat, migrateToLatest, SCHEMA_VERSION, migrations } from '../src';
import { migrateBefore } from './migrate-before';

describeDb(
  'worker versions',
  (t) => {
    it('reads heartbeats of workers older than the column as version null, and writes its own', async () => {
      await migrateBefore(t, '0013-worker-versions');
      // A worker of the previous version beats as it always did.
      await sql`insert into worker_heartbeats (owner, role, started_at, last_seen) values ('old', 'worker', 1, 5)`.execute(
        t.db,
      );
      expect((await migrateToLatest(t.dbHandle)).applied).toEqual(['0013-worker-versions']);
      expect(await activeWorkers(t.db, 0)).toEqual([
        { owner: 'old', role: 'worker', last_seen: 5, schema_version: null },
      ]);
      expect(SCHEMA_VERSION).toBe(migrations.length);

      await beat(t.db, { owner: 'new', role: 'all', startedAt: 2, now: 6, schemaVersion: SCHEMA_VERSION });
      await beat(t.db, { owner: 'old', role: 'worker', startedAt: 1, now: 7, schemaVersion: 12 });
      await beat(t.db, { owner: 'new', role: 'all', startedAt: 2, now: 8, schemaVersion: SCHEMA_VERSION });
      const rows = await activeWorkers(t.db, 0);
      expect(rows.sort((a, b) => a.owner.localeCompare(b.owner))).toEqual([
        { owner: 'new', role: 'all', last_seen: 8, schema_version: SCHEMA_VERSION },
        { owner: 'old', role: 'worker', last_seen: 7, schema_version: 12 },
      ]);
      expect(await activeWorkers(t.db, 8)).toHaveLength(1);
    });

    it('refuses to run older code on a newer schema, saying so', async () => {
      await migrateToLatest(t.dbHandle);
      // What a later version leaves behind: a migration this code does not know.
      await sql`insert into kysely_migration (name, timestamp) values ('9999-from-the-future', '2030-01-01T00:00:00.000Z')`.execute(
        t.db,
      );
      await expect(migrateToLatest(t.dbHandle)).rejects.toThrow(
        /migrated by a newer version of Verzek \(migration 9999-from-the-future is unknown to this one\)/,
      );
    });
  },
  { migrate: false },
);
