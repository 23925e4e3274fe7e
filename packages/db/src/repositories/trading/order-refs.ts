import type { Db } from '../../connection';

export async function insertOrderRefs(
  db: Db,
  refs: readonly {
    client_order_id: string;
    position_id: number;
    leg: string;
    user_id: number;
    created_at: number;
  }[],
): Promise<void> {
  if (refs.length === 0) return;
  await db
    .insertInto('order_refs')
    .values([...refs])
    .onConflict((oc) => oc.column('client_order_id').doNothing())
    .execute();
}

export async function findOrderRef(
  db: Db,
  clientOrderId: string,
): Promise<{ position_id: number; leg: string; user_id: number } | undefined> {
  return db
    .selectFrom('order_refs')
    .select(['position_id', 'leg', 'user_id'])
    .where('client_order_id', '=', clientOrderId)
    .executeTakeFirst();
}
