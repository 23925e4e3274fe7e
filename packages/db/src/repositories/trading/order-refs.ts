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
  for (let i = 0; i < refs.length; i += 1000) {
    await db
      .insertInto('order_refs')
      .values(refs.slice(i, i + 1000))
      .onConflict((oc) => oc.column('client_order_id').doNothing())
      .execute();
  }
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
