import { describeDb } from '@verzek/test-support';
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { firstRow, preparedQuery } from '../src/prepared';
import { testUser } from './users';

interface Probe {
  id: number;
  name: string;
  note: string | null;
  hits: number;
}

const insertProbe = preparedQuery(
  (db, p: { id: number; name: string; note?: string | null }) =>
    sql<Probe>`insert into prepared_probe (id, name, note, hits) values (${p.id}, ${p.name}, ${p.note}, 0) returning *`,
);

const rename = preparedQuery((db, p: { id: number; name: string }) =>
  db
    .updateTable('users')
    .set({ username: p.name })
    .where('id', '=', p.id)
    .where('username', '=', p.name)
    .returningAll(),
);

// `'x'` is a constant the template keeps.
const countNamed = preparedQuery(
  (db, p: { name: string; minHits: number }) =>
    sql<{
      n: number;
    }>`select count(*) as n from prepared_probe where name = ${p.name} and hits >= ${p.minHits} and note <> ${'x'}`,
);

describeDb('prepared queries', (t) => {
  beforeAll(async () => {
    await sql`create table prepared_probe (id integer primary key, name text not null, note text, hits integer not null)`.execute(
      t.db,
    );
  });

  it('runs with each call’s values, keeps the builder’s constants, binds undefined as NULL', async () => {
    const a = await firstRow(insertProbe(t.db, { id: 1, name: 'alpha', note: 'first' }));
    const b = await firstRow(insertProbe(t.db, { id: 2, name: 'beta' }));
    expect(a).toMatchObject({ id: 1, name: 'alpha', note: 'first', hits: 0 });
    expect(b).toMatchObject({ id: 2, name: 'beta', note: null });
    await insertProbe(t.db, { id: 3, name: 'alpha', note: 'x' });
    // 'x' is a constant of the template: the third row is excluded however the call's values vary
    const n = await firstRow(countNamed(t.db, { name: 'alpha', minHits: 0 }));
    expect(Number(n?.n)).toBe(1);
    expect(Number((await firstRow(countNamed(t.db, { name: 'alpha', minHits: 1 })))?.n)).toBe(0);
  });

  it('runs inside transactions of the same database, and a rollback undoes it', async () => {
    await t.db
      .transaction()
      .execute(async (trx) => {
        await insertProbe(trx, { id: 10, name: 'in-trx' });
        expect(Number((await firstRow(countNamed(trx, { name: 'in-trx', minHits: 0 })))?.n)).toBe(1);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(Number((await firstRow(countNamed(t.db, { name: 'in-trx', minHits: 0 })))?.n)).toBe(0);
  });

  it('substitutes a parameter wherever the template uses it', async () => {
    const userId = await testUser(t.db, 'same');
    // `name` is both the new value and the filter
    expect((await rename(t.db, { id: userId, name: 'same' })).rows).toHaveLength(1);
    expect((await rename(t.db, { id: userId, name: 'other' })).rows).toHaveLength(0);
    expect((await rename(t.db, { id: userId + 1, name: 'same' })).rows).toHaveLength(0);
  });
});
