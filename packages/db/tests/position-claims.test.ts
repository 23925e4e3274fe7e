import { describeDb } from '@verzek/test-support';
import { expect, it } from 'vitest';
import {
  claimPositions,
  insertPosition,
  insertPositions,
  migrateToLatest,
  type Db,
  type NewPosition,
} from '../src';
import { migrateBefore } from './migrate-before';
import { testUser } from './users';

let seq = 0;

function user(db: Db): Promise<number> {
  seq += 1;
  return testUser(db, `claims${seq}`);
}

function position(userId: number, extra: Partial<NewPosition> = {}): NewPosition {
  seq += 1;
  return {
    user_id: userId,
    signal_id: null,
    exchange_account_id: 0,
    venue: 'paper',
    order_key: `m-claims-${seq}`,
    symbol: 'BTCUSDT',
    direction: 'LONG',
    status: 'PENDING',
    close_reason: null,
    leverage: 5,
    qty: '0',
    remaining_qty: '0',
    avg_entry_price: null,
    margin_usdt: null,
    realized_pnl_usdt: '0',
    realized_pnl_pct: null,
    state: '{}',
    pending_work: 1,
    lease_owner: null,
    lease_until: null,
    opened_at: null,
    closed_at: null,
    created_at: 1,
    updated_at: 1,
    ...extra,
  };
}

const claimsOf = async (db: Db, id: number) =>
  (await db.selectFrom('positions').select('claims').where('id', '=', id).executeTakeFirstOrThrow()).claims;

describeDb(
  'position claims: the migration',
  (t) => {
    it('counts positions that existed before it, or whose writer does not say, as claimed once', async () => {
      await migrateBefore(t, '0012-position-claims');
      const u = await user(t.db);
      // Written as the code before the migration wrote it: no claims column yet.
      const oldId = (
        await t.db
          .insertInto('positions')
          .values({ ...position(u), version: 0 })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      expect((await migrateToLatest(t.dbHandle)).applied).toContain('0012-position-claims');
      expect(await claimsOf(t.db, oldId)).toBe(1);
      expect(await claimsOf(t.db, await insertPosition(t.db, position(u)))).toBe(1);
      expect(await claimsOf(t.db, await insertPosition(t.db, position(u, { claims: 0 })))).toBe(0);
    });
  },
  { migrate: false },
);

describeDb('position claims: claiming', (t) => {
  it('counts every claim in the claiming statement', async () => {
    const u = await user(t.db);
    const id = await insertPosition(t.db, position(u, { claims: 0 }));
    const handedOver = await insertPosition(
      t.db,
      position(u, { claims: 1, lease_owner: 'e1', lease_until: 10 }),
    );
    const claim = (owner: string, now: number) =>
      claimPositions(t.db, t.dbHandle.dialect, { owner, now, leaseMs: 1000, limit: 10 });
    expect(await claim('e1', 100)).toEqual([id, handedOver]); // the handed-over lease expired at 10
    expect(await claimsOf(t.db, id)).toBe(1);
    expect(await claimsOf(t.db, handedOver)).toBe(2);
    expect(await claim('e2', 500)).toEqual([]); // leased to e1 until 1100
    expect(await claim('e2', 1200)).toEqual([id, handedOver]);
    expect(await claimsOf(t.db, id)).toBe(2);
  });
});

describeDb('position claims: inserting many', (t) => {
  it('returns the ids in the order given across chunks, and a missing claims is 1', async () => {
    const u = await user(t.db);
    const rows = Array.from({ length: 230 }, (_, i) => position(u, i % 2 === 0 ? { claims: 0 } : {}));
    const ids = await insertPositions(t.db, rows);
    expect(new Set(ids).size).toBe(230);
    const stored = await t.db
      .selectFrom('positions')
      .select(['id', 'order_key', 'claims'])
      .where('id', 'in', ids)
      .execute();
    const byId = new Map(stored.map((r) => [r.id, r]));
    rows.forEach((row, i) => {
      expect(byId.get(ids[i]!)?.order_key).toBe(row.order_key);
      expect(byId.get(ids[i]!)?.claims).toBe(i % 2 === 0 ? 0 : 1);
    });
    expect(await insertPositions(t.db, [])).toEqual([]);
  });
});
