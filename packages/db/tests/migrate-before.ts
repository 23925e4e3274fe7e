import type { TestDatabase } from '@verzek/test-support';
import { Migrator } from 'kysely';
import { expect } from 'vitest';
import { columnTypes, migrations } from '../src';

/** Migrates an empty test database up to, not including, the named migration (to test that one). */
export async function migrateBefore(t: TestDatabase, name: string): Promise<void> {
  const before = migrations.slice(
    0,
    migrations.findIndex((m) => m.name === name),
  );
  const types = columnTypes(t.dbHandle.dialect);
  const migrator = new Migrator({
    db: t.db,
    provider: {
      getMigrations: () =>
        Promise.resolve(
          Object.fromEntries(
            before.map((m) => [m.name, { up: (db) => m.up(db, t.dbHandle.dialect, types) }] as const),
          ),
        ),
    },
  });
  expect((await migrator.migrateToLatest()).error).toBeUndefined();
}
