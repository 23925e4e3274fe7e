import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  migrateToLatest,
  openDatabase,
  type DatabaseTarget,
  type Db,
  type DbHandle,
  type Dialect,
} from '@verzek/db';
import { afterAll, beforeAll, describe } from 'vitest';
import { createPostgresDatabase, postgresAvailable } from './postgres';

export const dialects: readonly Dialect[] = ['sqlite', 'postgres'];

/** A fresh, migrated database of one dialect that lives for one describe block. */
export class TestDatabase {
  private handle: DbHandle | undefined;
  private cleanup: (() => Promise<void>) | undefined;
  target!: DatabaseTarget;

  constructor(readonly dialect: Dialect) {}

  get db(): Db {
    if (!this.handle) throw new Error('TestDatabase used outside its describe block');
    return this.handle.db;
  }

  get dbHandle(): DbHandle {
    if (!this.handle) throw new Error('TestDatabase used outside its describe block');
    return this.handle;
  }

  /** Creates the database; `migrate: false` leaves it empty (for migration tests). */
  async setup(options: { migrate?: boolean } = {}): Promise<void> {
    if (this.dialect === 'sqlite') {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verzek-db-'));
      this.target = { dialect: 'sqlite', file: path.join(dir, 'test.db') };
      this.cleanup = () => Promise.resolve(fs.rmSync(dir, { recursive: true, force: true }));
    } else {
      const created = await createPostgresDatabase();
      this.target = { dialect: 'postgres', url: created.url };
      this.cleanup = created.drop;
    }
    this.handle = openDatabase(this.target, { poolSize: 5 });
    if (options.migrate !== false) await migrateToLatest(this.handle);
  }

  async teardown(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
    await this.cleanup?.();
  }
}

/**
 * Runs the same block once on SQLite and once on PostgreSQL, each with its own fresh database.
 * Without a reachable PostgreSQL the second half is skipped with a visible warning (see postgres.ts),
 * or fails when REQUIRE_POSTGRES=1.
 */
export function describeDb(
  name: string,
  body: (t: TestDatabase) => void,
  options: { migrate?: boolean } = {},
): void {
  for (const dialect of dialects) {
    describe.skipIf(dialect === 'postgres' && !postgresAvailable)(`${name} [${dialect}]`, () => {
      const t = new TestDatabase(dialect);
      beforeAll(() => t.setup(options));
      afterAll(() => t.teardown());
      body(t);
    });
  }
}
