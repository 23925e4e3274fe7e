import type { Db } from '../../connection';
import type { SignalSourceRow, SignalSourcesTable } from '../../schema';

export async function insertSource(db: Db, s: Omit<SignalSourcesTable, 'id'>): Promise<SignalSourceRow> {
  return db.insertInto('signal_sources').values(s).returningAll().executeTakeFirstOrThrow();
}

export async function findSource(db: Db, id: number): Promise<SignalSourceRow | undefined> {
  return db.selectFrom('signal_sources').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findSourceByName(db: Db, name: string): Promise<SignalSourceRow | undefined> {
  return db.selectFrom('signal_sources').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function findSourceByTokenHash(db: Db, tokenHash: string): Promise<SignalSourceRow | undefined> {
  return db.selectFrom('signal_sources').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function listSources(db: Db): Promise<SignalSourceRow[]> {
  return db.selectFrom('signal_sources').selectAll().orderBy('id').execute();
}

export async function updateSource(
  db: Db,
  id: number,
  patch: Partial<Omit<SignalSourcesTable, 'id'>>,
): Promise<SignalSourceRow | undefined> {
  return db.updateTable('signal_sources').set(patch).where('id', '=', id).returningAll().executeTakeFirst();
}
