import { postgresAvailable, TestDatabase } from '@verzek/test-support';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertIntents, insertSignal, insertSource } from '../src';
import { testUser } from './users';

// Row locks and their order matter on PostgreSQL only (SQLite has one writer at a time); without a
// reachable PostgreSQL this is skipped with the harness's visible warning (a failure under
// REQUIRE_POSTGRES=1).
describe.skipIf(!postgresAvailable)('intents are inserted in user id order (PostgreSQL)', () => {
  const t = new TestDatabase('postgres');
  beforeAll(() => t.setup());
  afterAll(() => t.teardown());

  // Regression: a signal's intents were inserted in the order the followers query returned them
  // (heap order, which any update of a user row changes), and each row's foreign key check locks its
  // user (FOR KEY SHARE), while the intent worker locks its users FOR UPDATE in ascending id order:
  // the two deadlocked and POST /api/signals answered 500 (found by the multi-process test).
  it('does not deadlock with a worker locking the same users in ascending order', async () => {
    const user = (n: number) => testUser(t.db, `lock${n}`);
    const a = await user(1);
    const b = await user(2);
    expect(a).toBeLessThan(b);
    const source = await insertSource(t.db, {
      name: 'lock-test',
      kind: 'api',
      secret: null,
      token_hash: null,
      enabled: 1,
      settings: '{}',
      created_at: 1,
      updated_at: 1,
    });
    const signalId = await insertSignal(t.db, {
      source_id: source.id,
      source_message_id: null,
      symbol: 'BTCUSDT',
      direction: 'LONG',
      entry_type: 'market',
      entries: '[]',
      targets: '["1"]',
      stop_loss: null,
      leverage: null,
      margin_mode: null,
      trade_type: 'FUTURES',
      confidence: null,
      duration: null,
      raw: '{}',
      status: 'OPEN',
      highest_tp: 0,
      created_by: null,
      created_at: 1,
      updated_at: 1,
      closed_at: null,
    });

    const waiting = async () => {
      const r = await sql<{ n: string }>`select count(*) as n from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'`.execute(t.db);
      return Number(r.rows[0]?.n ?? 0);
    };
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    // The "worker": holds user a, will then lock user b (ascending, like the intent worker).
    const ingest: { done?: Promise<number> } = {};
    const worker = t.db.transaction().execute(async (trx) => {
      await sql`select id from users where id = ${a} for update`.execute(trx);
      // The "ingest" inserts intents for [b, a] — the order a followers query may return them in.
      ingest.done = t.db.transaction().execute((itx) => insertIntents(itx, signalId, [b, a], 2));
      await expect.poll(waiting, { timeout: 5000 }).toBeGreaterThan(0);
      await sql`select id from users where id = ${b} for update`.execute(trx);
      release();
    });
    await worker;
    await released;
    expect(await ingest.done).toBe(2);
    const rows = await t.db.selectFrom('execution_intents').select('user_id').orderBy('id').execute();
    expect(rows.map((r) => r.user_id)).toEqual([a, b]);
  });
});
