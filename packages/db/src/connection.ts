import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import pg from 'pg';
import type { Dialect } from './migrations';
import type { Database } from './schema';
import { FairSqliteDialect } from './sqlite-dialect';

export type Db = Kysely<Database>;

export type DatabaseTarget = { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string };

export interface DbHandle {
  db: Db;
  dialect: Dialect;
  /** Where it points, without credentials (for logs and /health). */
  describe: string;
  close(): Promise<void>;
}

// int8 (COUNT, BIGINT columns, BIGSERIAL ids) as JS numbers: our values are ids and epoch ms, far
// below 2^53. NUMERIC stays a string, which is what Decimal wants.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export function openDatabase(target: DatabaseTarget, options: { poolSize?: number } = {}): DbHandle {
  if (target.dialect === 'sqlite') {
    if (target.file !== ':memory:') fs.mkdirSync(path.dirname(target.file), { recursive: true });
    const sqlite = new SQLite(target.file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('synchronous = NORMAL');
    const db = new Kysely<Database>({
      dialect: new FairSqliteDialect({ database: withStatementCache(sqlite) }),
    });
    return { db, dialect: 'sqlite', describe: `sqlite:${target.file}`, close: () => db.destroy() };
  }
  const pool = new pg.Pool({ connectionString: target.url, max: options.poolSize ?? 10 });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', describe: describePostgres(target.url), close: () => db.destroy() };
}

export function describePostgres(url: string): string {
  try {
    const u = new URL(url);
    return `postgres://${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'postgres://(unparseable url)';
  }
}

/**
 * better-sqlite3 compiles a statement on every `prepare`, which costs more than running most of our
 * queries; Kysely prepares every query afresh. Reusing compiled statements (the most recent `size`
 * SQL texts) makes small queries several times cheaper. First in, first out: keeping a hit at the
 * front of an LRU cost more than it saved, and an evicted hot statement is simply compiled again.
 * Safe because Kysely runs one query at a time on the single SQLite connection.
 */
export function withStatementCache(sqlite: SQLite.Database, size = 1000): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string): SqliteStatement {
      const hit = cache.get(sql);
      if (hit) return hit;
      const statement = sqlite.prepare(sql) as unknown as SqliteStatement;
      cache.set(sql, statement);
      if (cache.size > size) cache.delete(cache.keys().next().value as string);
      return statement;
    },
  };
}
