import type { Db } from '../../connection';
import type { ExchangeAccountRow, ExchangeAccountsTable } from '../../schema';

export async function findActiveExchangeAccount(
  db: Db,
  userId: number,
): Promise<ExchangeAccountRow | undefined> {
  return db
    .selectFrom('exchange_accounts')
    .selectAll()
    .where('user_id', '=', userId)
    .where('active', '=', 1)
    .executeTakeFirst();
}

export async function findActiveExchangeAccounts(
  db: Db,
  userIds: readonly number[],
): Promise<ExchangeAccountRow[]> {
  if (userIds.length === 0) return [];
  return db
    .selectFrom('exchange_accounts')
    .selectAll()
    .where('user_id', 'in', userIds)
    .where('active', '=', 1)
    .execute();
}

export async function findExchangeAccount(db: Db, id: number): Promise<ExchangeAccountRow | undefined> {
  return db.selectFrom('exchange_accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Makes `provider` the user's active account, creating or updating it; every other account of the
 * user becomes inactive. Returns the row.
 */
export async function upsertActiveExchangeAccount(
  db: Db,
  row: Omit<ExchangeAccountsTable, 'id' | 'active' | 'created_at'> & { created_at: number },
): Promise<ExchangeAccountRow> {
  await db.updateTable('exchange_accounts').set({ active: 0 }).where('user_id', '=', row.user_id).execute();
  const { created_at, ...updates } = row;
  return db
    .insertInto('exchange_accounts')
    .values({ ...row, active: 1 })
    .onConflict((oc) => oc.columns(['user_id', 'provider']).doUpdateSet({ ...updates, active: 1 }))
    .returningAll()
    .executeTakeFirstOrThrow()
    .then((r) => ({ ...r, created_at: r.created_at ?? created_at }));
}

export async function updateExchangeAccount(
  db: Db,
  id: number,
  patch: Partial<Omit<ExchangeAccountsTable, 'id' | 'user_id'>>,
): Promise<ExchangeAccountRow | undefined> {
  return db
    .updateTable('exchange_accounts')
    .set(patch)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}
