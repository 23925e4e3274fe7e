import { sql, type Insertable } from 'kysely';
import type { Db } from '../connection';
import { firstRow, preparedQuery } from '../prepared';
import type {
  PaperAccountRow,
  PaperFillRow,
  PaperFillsTable,
  PaperOrderRow,
  PaperOrderStatus,
  PaperOrdersTable,
  PaperPositionRow,
  PaperPositionsTable,
} from '../schema';

const createAccount = preparedQuery((db, a: { accountId: number; startingCapital: string; at: number }) =>
  db
    .insertInto('paper_accounts')
    .values({
      account_id: a.accountId,
      starting_capital: a.startingCapital,
      balance: a.startingCapital,
      realized_pnl: '0',
      fees_paid: '0',
      leverage: '{}',
      version: 0,
      created_at: a.at,
      updated_at: a.at,
    })
    .onConflict((oc) => oc.column('account_id').doNothing()),
);

const readAccount = preparedQuery((db, p: { accountId: number }) =>
  db.selectFrom('paper_accounts').selectAll().where('account_id', '=', p.accountId),
);

/** Creates the paper account if it does not exist (an existing one is kept as it is) and returns it. */
export async function ensurePaperAccount(
  db: Db,
  a: { accountId: number; startingCapital: string; at: number },
): Promise<PaperAccountRow> {
  await createAccount(db, a);
  const row = await getPaperAccount(db, a.accountId);
  if (!row) throw new Error(`paper account ${a.accountId} was not created`);
  return row;
}

export async function getPaperAccount(db: Db, accountId: number): Promise<PaperAccountRow | undefined> {
  return firstRow(readAccount(db, { accountId }));
}

const lockAccount = preparedQuery((db, p: { accountId: number }) =>
  db
    .updateTable('paper_accounts')
    .set((eb) => ({ version: eb('version', '+', 1) }))
    .where('account_id', '=', p.accountId)
    .returningAll(),
);

/**
 * Inside a transaction: takes the account's write lock (a row lock on PostgreSQL, the database write
 * lock on SQLite) by bumping its version, and returns the row as it is now. Every change to an
 * account's balance, positions or orders starts here, so they are serialized across processes.
 */
export async function lockPaperAccount(db: Db, accountId: number): Promise<PaperAccountRow | undefined> {
  return firstRow(lockAccount(db, { accountId }));
}

type AccountPatch = Partial<Pick<PaperAccountRow, 'balance' | 'realized_pnl' | 'fees_paid' | 'leverage'>> & {
  updated_at: number;
};

export async function updatePaperAccount(db: Db, accountId: number, patch: AccountPatch): Promise<void> {
  await db.updateTable('paper_accounts').set(patch).where('account_id', '=', accountId).execute();
}

const bookFill = preparedQuery(
  (
    db,
    p: { accountId: number; balance: string; realized_pnl: string; fees_paid: string; updated_at: number },
  ) =>
    db
      .updateTable('paper_accounts')
      .set({
        balance: p.balance,
        realized_pnl: p.realized_pnl,
        fees_paid: p.fees_paid,
        updated_at: p.updated_at,
      })
      .where('account_id', '=', p.accountId),
);

/** A fill's effect on the account: its new balance, realized PnL and fees (prepared: every fill runs it). */
export async function bookPaperFill(
  db: Db,
  accountId: number,
  totals: Pick<PaperAccountRow, 'balance' | 'realized_pnl' | 'fees_paid' | 'updated_at'>,
): Promise<void> {
  await bookFill(db, { accountId, ...totals });
}

const insertOrder = preparedQuery((db, o: Insertable<PaperOrdersTable>) =>
  db
    .insertInto('paper_orders')
    .values({
      account_id: o.account_id,
      client_order_id: o.client_order_id,
      symbol: o.symbol,
      kind: o.kind,
      side: o.side,
      requested_qty: o.requested_qty,
      qty: o.qty,
      price: o.price,
      stop_price: o.stop_price,
      reduce_only: o.reduce_only,
      status: o.status,
      filled_qty: o.filled_qty,
      avg_price: o.avg_price,
      reason: o.reason,
      created_at: o.created_at,
      updated_at: o.updated_at,
    })
    .returningAll(),
);

export async function insertPaperOrder(db: Db, o: Insertable<PaperOrdersTable>): Promise<PaperOrderRow> {
  const row = await firstRow(insertOrder(db, o));
  if (!row) throw new Error('paper order insert returned no row');
  return row;
}

const findOrder = preparedQuery((db, p: { accountId: number; clientOrderId: string }) =>
  db
    .selectFrom('paper_orders')
    .selectAll()
    .where('account_id', '=', p.accountId)
    .where('client_order_id', '=', p.clientOrderId),
);

export async function findPaperOrder(
  db: Db,
  accountId: number,
  clientOrderId: string,
): Promise<PaperOrderRow | undefined> {
  return firstRow(findOrder(db, { accountId, clientOrderId }));
}

export async function getPaperOrder(db: Db, id: number): Promise<PaperOrderRow | undefined> {
  return db.selectFrom('paper_orders').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Open (NEW) orders, oldest first: of one account and/or symbol, or of every account. */
const openOrdersOf = preparedQuery((db, p: { accountId: number }) =>
  db
    .selectFrom('paper_orders')
    .selectAll()
    .where('status', '=', 'NEW')
    .where('account_id', '=', p.accountId)
    .orderBy('id', 'asc'),
);

export async function listOpenPaperOrders(
  db: Db,
  q: { accountId?: number; symbol?: string } = {},
): Promise<PaperOrderRow[]> {
  if (q.accountId !== undefined && q.symbol === undefined)
    return (await openOrdersOf(db, { accountId: q.accountId })).rows;
  let query = db.selectFrom('paper_orders').selectAll().where('status', '=', 'NEW');
  if (q.accountId !== undefined) query = query.where('account_id', '=', q.accountId);
  if (q.symbol !== undefined) query = query.where('symbol', '=', q.symbol);
  return query.orderBy('id', 'asc').execute();
}

/**
 * Moves an order out of NEW. Only one caller can win: the update is conditional on the order still
 * being NEW, so of several processes filling or cancelling the same order, exactly one gets `true`.
 */
export async function finishPaperOrder(
  db: Db,
  id: number,
  patch: {
    status: Exclude<PaperOrderStatus, 'NEW'>;
    qty?: string;
    filled_qty?: string;
    avg_price?: string | null;
    reason?: string | null;
    updated_at: number;
  },
): Promise<boolean> {
  const r = await db
    .updateTable('paper_orders')
    .set(patch)
    .where('id', '=', id)
    .where('status', '=', 'NEW')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

const fillOrder = preparedQuery(
  (db, p: { id: number; qty: string; filled_qty: string; avg_price: string; updated_at: number }) =>
    db
      .updateTable('paper_orders')
      .set({
        status: 'FILLED',
        qty: p.qty,
        filled_qty: p.filled_qty,
        avg_price: p.avg_price,
        updated_at: p.updated_at,
      })
      .where('id', '=', p.id)
      .where('status', '=', 'NEW'),
);

/** Fills a NEW order completely ({@link finishPaperOrder}'s rule: `false` if it was not NEW any more). */
export async function fillPaperOrder(
  db: Db,
  id: number,
  fill: { qty: string; filled_qty: string; avg_price: string; updated_at: number },
): Promise<boolean> {
  const r = await fillOrder(db, { id, ...fill });
  return Number(r.numAffectedRows) === 1;
}

const insertFill = preparedQuery((db, f: Insertable<PaperFillsTable>) =>
  db
    .insertInto('paper_fills')
    .values({
      order_id: f.order_id,
      account_id: f.account_id,
      symbol: f.symbol,
      side: f.side,
      qty: f.qty,
      price: f.price,
      fee: f.fee,
      fee_asset: f.fee_asset,
      liquidity: f.liquidity,
      realized_pnl: f.realized_pnl,
      created_at: f.created_at,
    })
    .returningAll(),
);

export async function insertPaperFill(db: Db, f: Insertable<PaperFillsTable>): Promise<PaperFillRow> {
  const row = await firstRow(insertFill(db, f));
  if (!row) throw new Error('paper fill insert returned no row');
  return row;
}

/** The fills of some orders, in execution order. */
export async function listPaperFills(db: Db, orderIds: readonly number[]): Promise<PaperFillRow[]> {
  if (orderIds.length === 0) return [];
  return db
    .selectFrom('paper_fills')
    .selectAll()
    .where('order_id', 'in', [...orderIds])
    .orderBy('id', 'asc')
    .execute();
}

const getPosition = preparedQuery((db, p: { accountId: number; symbol: string }) =>
  db
    .selectFrom('paper_positions')
    .selectAll()
    .where('account_id', '=', p.accountId)
    .where('symbol', '=', p.symbol),
);

export async function getPaperPosition(
  db: Db,
  accountId: number,
  symbol: string,
): Promise<PaperPositionRow | undefined> {
  return firstRow(getPosition(db, { accountId, symbol }));
}

const positionsOf = preparedQuery((db, p: { accountId: number }) =>
  db.selectFrom('paper_positions').selectAll().where('account_id', '=', p.accountId).orderBy('symbol', 'asc'),
);

const placementFacts = preparedQuery(
  (db, p: { accountId: number; symbol: string; clientOrderId: string }) =>
    sql<PaperPositionRow & { duplicate_order: number | null }>`
    select o.id as duplicate_order, p.account_id, p.symbol, p.qty, p.entry_price, p.realized_pnl, p.updated_at
    from (select 1 as one) x
    left join paper_positions p on p.account_id = ${p.accountId} and p.symbol = ${p.symbol}
    left join paper_orders o on o.account_id = ${p.accountId} and o.client_order_id = ${p.clientOrderId}`,
);

/**
 * What a new order is checked against, in one statement: whether the account already has an order
 * with this client id, and its position on the symbol (undefined if it never had one).
 */
export async function getPlacementFacts(
  db: Db,
  q: { accountId: number; symbol: string; clientOrderId: string },
): Promise<{ duplicate: boolean; position: PaperPositionRow | undefined }> {
  const row = await firstRow(placementFacts(db, q));
  if (!row) throw new Error('placement facts returned no row');
  const { duplicate_order: duplicateOrder, ...position } = row;
  return {
    duplicate: duplicateOrder !== null,
    position: position.account_id === null ? undefined : position,
  };
}

/** Every position row of an account (flat ones included: qty 0). */
export async function listPaperPositions(db: Db, accountId: number): Promise<PaperPositionRow[]> {
  return (await positionsOf(db, { accountId })).rows;
}

const savePosition = preparedQuery((db, p: Insertable<PaperPositionsTable>) =>
  db
    .insertInto('paper_positions')
    .values({
      account_id: p.account_id,
      symbol: p.symbol,
      qty: p.qty,
      entry_price: p.entry_price,
      realized_pnl: p.realized_pnl,
      updated_at: p.updated_at,
    })
    .onConflict((oc) =>
      oc.columns(['account_id', 'symbol']).doUpdateSet({
        qty: p.qty,
        entry_price: p.entry_price,
        realized_pnl: p.realized_pnl,
        updated_at: p.updated_at,
      }),
    ),
);

export async function savePaperPosition(db: Db, p: Insertable<PaperPositionsTable>): Promise<void> {
  await savePosition(db, p);
}
