import { Migrator, type MigrationResult } from 'kysely';
import type { DbHandle } from './connection';
import { columnTypes, migrations } from './migrations';

export interface MigrateOutcome {
  applied: string[];
  total: number;
}

/**
 * Applies every pending migration in order. Kysely's migrator takes a lock, so several processes
 * starting at once against one PostgreSQL are safe.
 */
export async function migrateToLatest(handle: DbHandle): Promise<MigrateOutcome> {
  const types = columnTypes(handle.dialect);
  const migrator = new Migrator({
    db: handle.db,
    provider: {
      getMigrations: () =>
        Promise.resolve(
          Object.fromEntries(
            migrations.map((m) => [m.name, { up: (db) => m.up(db, handle.dialect, types) }] as const),
          ),
        ),
    },
  });
  const { error, results } = await migrator.migrateToLatest();
  const unknown =
    error instanceof Error ? /previously executed migration (\S+) is missing/.exec(error.message) : null;
  if (unknown) {
    // Older code on a newer schema: never run it (migrations only add; roll back from a backup).
    throw new Error(
      `the database was migrated by a newer version of Verzek (migration ${unknown[1]} is unknown to this one): run that version, or restore a backup taken before the upgrade`,
      { cause: error },
    );
  }
  if (error) {
    const failed = results?.find((r: MigrationResult) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return {
    applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName),
    total: migrations.length,
  };
}
