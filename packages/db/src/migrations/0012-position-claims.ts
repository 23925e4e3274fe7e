import type { Migration } from './types';

/**
 * How many times an engine has claimed each position. A position claimed for the first time has
 * never been worked by any engine, so none of its orders can have reached a venue: its entry is
 * placed without looking it up first (a lookup costs Binance IP weight, and a "not found" right after
 * a process start is not believed for seconds). Only the code that creates a position knows it is
 * new and says so (0, or 1 when it hands it straight to an engine); the default of 1 counts every
 * other row — those that exist already, and any written by an older version still running — as
 * claimed before, so their next claim looks everything up as before.
 */
export const positionClaims: Migration = {
  name: '0012-position-claims',
  async up(db) {
    await db.schema
      .alterTable('positions')
      .addColumn('claims', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
  },
};
