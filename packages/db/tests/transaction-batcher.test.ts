import { describeDb } from '@verzek/test-support';
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { openDatabase, TransactionBatcher, type BatchIsolation, type Db, type DbHandle } from '../src';

const insert = (trx: Db, v: string) => sql`insert into batch_probe (v) values (${v})`.execute(trx);

async function values(db: Db): Promise<string[]> {
  const r = await sql<{ v: string }>`select v from batch_probe order by v`.execute(db);
  return r.rows.map((row) => row.v);
}

describeDb('transaction batcher', (t) => {
  beforeAll(async () => {
    await sql`create table batch_probe (v text not null unique)`.execute(t.db);
  });

  for (const isolation of ['savepoint', 'retry'] as BatchIsolation[]) {
    it(`${isolation}: a burst shares a few transactions; each caller gets its own result`, async () => {
      const batcher = new TransactionBatcher(t.db, { isolation, maxBatch: 40 });
      const transactions = new Set<Db>();
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          batcher.run(async (trx) => {
            transactions.add(trx);
            await insert(trx, `${isolation}-burst-${String(i).padStart(3, '0')}`);
            return i * 2;
          }),
        ),
      );
      expect(results).toEqual(Array.from({ length: 100 }, (_, i) => i * 2));
      expect(transactions.size).toBe(3); // 40 + 40 + 20
      expect((await values(t.db)).filter((v) => v.startsWith(`${isolation}-burst-`))).toHaveLength(100);
    });

    it(`${isolation}: a unit that fails, fails alone and leaves nothing behind`, async () => {
      const batcher = new TransactionBatcher(t.db, { isolation });
      const runs = [0, 1, 2, 3, 4].map((i) =>
        batcher.run(async (trx) => {
          await insert(trx, `${isolation}-alone-${i}`);
          if (i === 2) await insert(trx, `${isolation}-alone-0`); // unique violation after a write
          return i;
        }),
      );
      const settled = await Promise.allSettled(runs);
      expect(settled.map((s) => s.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'rejected',
        'fulfilled',
        'fulfilled',
      ]);
      expect((await values(t.db)).filter((v) => v.startsWith(`${isolation}-alone-`))).toEqual(
        [0, 1, 3, 4].map((i) => `${isolation}-alone-${i}`),
      );
    });

    it(`${isolation}: answers a caller only once its write is visible to another connection`, async () => {
      const other: DbHandle = openDatabase(t.target, { poolSize: 1 });
      try {
        const batcher = new TransactionBatcher(t.db, { isolation });
        const seen = await Promise.all(
          [0, 1, 2].map((i) =>
            batcher
              .run((trx) => insert(trx, `${isolation}-visible-${i}`))
              .then(async () => (await values(other.db)).includes(`${isolation}-visible-${i}`)),
          ),
        );
        expect(seen).toEqual([true, true, true]);
      } finally {
        await other.close();
      }
    });
  }

  it('fails every unit of a batch whose commit fails, and writes none of them', async () => {
    // A deferred check fails only at COMMIT: a foreign key on SQLite, a deferred unique on PostgreSQL.
    if (t.dialect === 'sqlite') {
      await sql`create table batch_parent (id integer primary key)`.execute(t.db);
      await sql`create table batch_child (parent integer not null references batch_parent (id) deferrable initially deferred)`.execute(
        t.db,
      );
    } else {
      await sql`create table batch_child (parent integer not null unique deferrable initially deferred)`.execute(
        t.db,
      );
    }
    const batcher = new TransactionBatcher(t.db, { isolation: 'savepoint' });
    const bad = t.dialect === 'sqlite' ? [42, 43] : [7, 7];
    const settled = await Promise.allSettled([
      batcher.run((trx) => insert(trx, 'commit-fails-a')),
      batcher.run((trx) => sql`insert into batch_child (parent) values (${bad[0]})`.execute(trx)),
      batcher.run((trx) => sql`insert into batch_child (parent) values (${bad[1]})`.execute(trx)),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(await values(t.db)).not.toContain('commit-fails-a');
    const children = await sql<{ n: number }>`select count(*) as n from batch_child`.execute(t.db);
    expect(Number(children.rows[0]!.n)).toBe(0);
  });
});
