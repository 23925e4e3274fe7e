import type { ColumnDataType, CreateTableBuilder, Kysely } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

/** Column types that differ between the dialects, so one migration runs on both. */
export interface ColumnTypes {
  /** Epoch milliseconds (or any 64-bit integer). */
  bigint: ColumnDataType;
  /** Exact decimal: NUMERIC on PostgreSQL, TEXT on SQLite (a NUMERIC column there would coerce to float). */
  decimal: ColumnDataType;
  /** JSON document stored as text on both. */
  json: ColumnDataType;
}

export function columnTypes(dialect: Dialect): ColumnTypes {
  return dialect === 'postgres'
    ? { bigint: 'bigint', decimal: 'numeric', json: 'text' }
    : { bigint: 'integer', decimal: 'text', json: 'text' };
}

/** Adds an auto-incrementing integer primary key named `id`. */
export function withId<T extends string>(
  table: CreateTableBuilder<T, never>,
  dialect: Dialect,
): CreateTableBuilder<T, 'id'> {
  return dialect === 'postgres'
    ? table.addColumn('id', 'bigserial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

export interface Migration {
  name: string;
  // The schema is in flux inside a migration, so it works on an untyped Kysely.
  up(db: Kysely<unknown>, dialect: Dialect, t: ColumnTypes): Promise<void>;
}
