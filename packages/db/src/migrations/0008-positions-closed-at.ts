import type { Migration } from './types';

/**
 * Positions by close time alone: the circuit breaker (every minute), the safety widget, the daily
 * stats and the daily report all read "positions closed since T" across every user, which the
 * (user_id, closed_at) index cannot serve without a scan of every closed position ever.
 */
export const positionsClosedAt: Migration = {
  name: '0008-positions-closed-at',
  async up(db) {
    await db.schema.createIndex('positions_closed_at_idx').on('positions').column('closed_at').execute();
  },
};
