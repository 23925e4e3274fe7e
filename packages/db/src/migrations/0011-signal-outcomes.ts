import { sql } from 'kysely';
import type { Migration } from './types';

/**
 * Signal outcomes: what each signal's own entry, targets and stop did against the market (the
 * admin's signal statistics). Signals published before this migration were never watched: they get
 * an UNTRACKED row so the statistics count them apart instead of guessing.
 */
export const signalOutcomes: Migration = {
  name: '0011-signal-outcomes',
  async up(db, _dialect, t) {
    await db.schema
      .createTable('signal_outcomes')
      .addColumn('signal_id', t.bigint, (c) => c.primaryKey())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('entry_price', t.decimal)
      .addColumn('profit_pct', t.decimal)
      .addColumn('targets_hit', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('state', t.json, (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('entered_at', t.bigint)
      .addColumn('closed_at', t.bigint)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('signal_outcomes_status_idx')
      .on('signal_outcomes')
      .column('status')
      .execute();
    await sql`
      insert into signal_outcomes (signal_id, status, reason, targets_hit, state, version, created_at, updated_at)
      select id, 'UNTRACKED', 'before_tracking', 0, '{}', 0, created_at, created_at from signals
    `.execute(db);
  },
};
