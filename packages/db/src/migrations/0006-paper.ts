import type { Migration } from './types';
import { withId } from './types';

/**
 * The paper exchange's own books: one simulated futures account per exchange account id, its orders
 * (unique client order id per account), fills and net positions. Decimals are NUMERIC/TEXT, times
 * epoch ms. No foreign key to `exchange_accounts`: the paper venue is an exchange, it only knows the
 * account ids it is given.
 */
export const paper: Migration = {
  name: '0006-paper',
  async up(db, dialect, t) {
    await db.schema
      .createTable('paper_accounts')
      .addColumn('account_id', t.bigint, (c) => c.primaryKey())
      .addColumn('starting_capital', t.decimal, (c) => c.notNull())
      .addColumn('balance', t.decimal, (c) => c.notNull())
      .addColumn('realized_pnl', t.decimal, (c) => c.notNull())
      .addColumn('fees_paid', t.decimal, (c) => c.notNull())
      .addColumn('leverage', t.json, (c) => c.notNull().defaultTo('{}'))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();

    await withId(db.schema.createTable('paper_orders'), dialect)
      .addColumn('account_id', t.bigint, (c) => c.notNull().references('paper_accounts.account_id'))
      .addColumn('client_order_id', 'text', (c) => c.notNull())
      .addColumn('symbol', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('side', 'text', (c) => c.notNull())
      .addColumn('requested_qty', t.decimal, (c) => c.notNull())
      .addColumn('qty', t.decimal, (c) => c.notNull())
      .addColumn('price', t.decimal)
      .addColumn('stop_price', t.decimal)
      .addColumn('reduce_only', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('filled_qty', t.decimal, (c) => c.notNull())
      .addColumn('avg_price', t.decimal)
      .addColumn('reason', 'text')
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('paper_orders_client_uq')
      .on('paper_orders')
      .columns(['account_id', 'client_order_id'])
      .unique()
      .execute();
    await db.schema
      .createIndex('paper_orders_status_idx')
      .on('paper_orders')
      .columns(['status', 'account_id'])
      .execute();

    await withId(db.schema.createTable('paper_fills'), dialect)
      .addColumn('order_id', t.bigint, (c) => c.notNull().references('paper_orders.id'))
      .addColumn('account_id', t.bigint, (c) => c.notNull())
      .addColumn('symbol', 'text', (c) => c.notNull())
      .addColumn('side', 'text', (c) => c.notNull())
      .addColumn('qty', t.decimal, (c) => c.notNull())
      .addColumn('price', t.decimal, (c) => c.notNull())
      .addColumn('fee', t.decimal, (c) => c.notNull())
      .addColumn('fee_asset', 'text', (c) => c.notNull())
      .addColumn('liquidity', 'text', (c) => c.notNull())
      .addColumn('realized_pnl', t.decimal, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('paper_fills_order_idx')
      .on('paper_fills')
      .columns(['order_id', 'id'])
      .execute();
    await db.schema
      .createIndex('paper_fills_account_idx')
      .on('paper_fills')
      .columns(['account_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('paper_positions')
      .addColumn('account_id', t.bigint, (c) => c.notNull().references('paper_accounts.account_id'))
      .addColumn('symbol', 'text', (c) => c.notNull())
      .addColumn('qty', t.decimal, (c) => c.notNull())
      .addColumn('entry_price', t.decimal, (c) => c.notNull())
      .addColumn('realized_pnl', t.decimal, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('paper_positions_pk', ['account_id', 'symbol'])
      .execute();
  },
};
