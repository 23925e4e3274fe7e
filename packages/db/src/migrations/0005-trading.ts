import { sql } from 'kysely';
import type { Migration } from './types';
import { withId } from './types';

export const trading: Migration = {
  name: '0005-trading',
  async up(db, dialect, t) {
    await withId(db.schema.createTable('signal_sources'), dialect)
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('secret', 'text')
      .addColumn('token_hash', 'text', (c) => c.unique())
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('settings', t.json, (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();

    await withId(db.schema.createTable('signals'), dialect)
      .addColumn('source_id', t.bigint, (c) => c.notNull().references('signal_sources.id'))
      .addColumn('source_message_id', 'text')
      .addColumn('symbol', 'text', (c) => c.notNull())
      .addColumn('direction', 'text', (c) => c.notNull())
      .addColumn('entry_type', 'text', (c) => c.notNull())
      .addColumn('entries', t.json, (c) => c.notNull())
      .addColumn('targets', t.json, (c) => c.notNull())
      .addColumn('stop_loss', t.decimal)
      .addColumn('leverage', 'integer')
      .addColumn('margin_mode', 'text')
      .addColumn('trade_type', 'text', (c) => c.notNull())
      .addColumn('confidence', 'real')
      .addColumn('duration', 'text')
      .addColumn('raw', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('highest_tp', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_by', t.bigint)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addColumn('closed_at', t.bigint)
      .execute();
    await db.schema
      .createIndex('signals_source_msg_uq')
      .on('signals')
      .columns(['source_id', 'source_message_id'])
      .unique()
      .execute();
    await db.schema.createIndex('signals_created_idx').on('signals').column('created_at').execute();
    await db.schema
      .createIndex('signals_symbol_idx')
      .on('signals')
      .columns(['symbol', 'created_at'])
      .execute();

    await withId(db.schema.createTable('signal_events'), dialect)
      .addColumn('signal_id', t.bigint, (c) => c.notNull().references('signals.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('target', 'integer')
      .addColumn('data', t.json, (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('signal_events_signal_idx')
      .on('signal_events')
      .columns(['signal_id', 'id'])
      .execute();

    await db.schema
      .createTable('ingest_keys')
      .addColumn('source_id', t.bigint, (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('ingest_keys_pk', ['source_id', 'key'])
      .execute();

    await withId(db.schema.createTable('exchange_accounts'), dialect)
      .addColumn('user_id', t.bigint, (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('api_key', 'text')
      .addColumn('api_secret', 'text')
      .addColumn('passphrase', 'text')
      .addColumn('leverage_default', 'integer', (c) => c.notNull().defaultTo(10))
      .addColumn('margin_mode', 'text', (c) => c.notNull().defaultTo('ISOLATED'))
      .addColumn('hedge_mode', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('permissions', t.json, (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('exchange_accounts_user_uq')
      .on('exchange_accounts')
      .columns(['user_id', 'provider'])
      .unique()
      .execute();

    await withId(db.schema.createTable('execution_intents'), dialect)
      .addColumn('signal_id', t.bigint, (c) => c.notNull().references('signals.id'))
      .addColumn('user_id', t.bigint, (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('position_id', t.bigint)
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('lease_owner', 'text')
      .addColumn('lease_until', t.bigint)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('intents_signal_user_uq')
      .on('execution_intents')
      .columns(['signal_id', 'user_id'])
      .unique()
      .execute();
    await db.schema
      .createIndex('intents_status_idx')
      .on('execution_intents')
      .columns(['status', 'id'])
      .execute();

    await withId(db.schema.createTable('positions'), dialect)
      .addColumn('user_id', t.bigint, (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('signal_id', t.bigint)
      .addColumn('exchange_account_id', t.bigint, (c) => c.notNull())
      .addColumn('venue', 'text', (c) => c.notNull())
      .addColumn('order_key', 'text', (c) => c.notNull().unique())
      .addColumn('symbol', 'text', (c) => c.notNull())
      .addColumn('direction', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('close_reason', 'text')
      .addColumn('leverage', 'integer', (c) => c.notNull())
      .addColumn('qty', t.decimal, (c) => c.notNull())
      .addColumn('remaining_qty', t.decimal, (c) => c.notNull())
      .addColumn('avg_entry_price', t.decimal)
      .addColumn('margin_usdt', t.decimal)
      .addColumn('realized_pnl_usdt', t.decimal, (c) => c.notNull())
      .addColumn('realized_pnl_pct', t.decimal)
      .addColumn('state', t.json, (c) => c.notNull())
      .addColumn('pending_work', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('lease_owner', 'text')
      .addColumn('lease_until', t.bigint)
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('opened_at', t.bigint)
      .addColumn('closed_at', t.bigint)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
    // One entry per (signal, user), ever. NULL signal ids (manual trades) don't collide.
    await db.schema
      .createIndex('positions_signal_user_uq')
      .on('positions')
      .columns(['signal_id', 'user_id'])
      .unique()
      .execute();
    await db.schema
      .createIndex('positions_user_status_idx')
      .on('positions')
      .columns(['user_id', 'status'])
      .execute();
    await db.schema
      .createIndex('positions_status_idx')
      .on('positions')
      .columns(['status', 'symbol'])
      .execute();
    await db.schema
      .createIndex('positions_work_idx')
      .on('positions')
      .columns(['pending_work', 'lease_until'])
      .execute();
    await db.schema
      .createIndex('positions_closed_idx')
      .on('positions')
      .columns(['user_id', 'closed_at'])
      .execute();

    await withId(db.schema.createTable('position_inbox'), dialect)
      .addColumn('position_id', t.bigint, (c) => c.notNull().references('positions.id').onDelete('cascade'))
      .addColumn('event', t.json, (c) => c.notNull())
      .addColumn('dedup_key', 'text')
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('processed_at', t.bigint)
      .execute();
    await db.schema
      .createIndex('inbox_position_idx')
      .on('position_inbox')
      .columns(['position_id', 'processed_at', 'id'])
      .execute();
    await db.schema
      .createIndex('inbox_dedup_uq')
      .on('position_inbox')
      .columns(['position_id', 'dedup_key'])
      .unique()
      .execute();

    await db.schema
      .createTable('order_refs')
      .addColumn('client_order_id', 'text', (c) => c.primaryKey())
      .addColumn('position_id', t.bigint, (c) => c.notNull().references('positions.id').onDelete('cascade'))
      .addColumn('leg', 'text', (c) => c.notNull())
      .addColumn('user_id', t.bigint, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();

    await withId(db.schema.createTable('risk_events'), dialect)
      .addColumn('user_id', t.bigint)
      .addColumn('signal_id', t.bigint)
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('data', t.json, (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('risk_events_at_idx').on('risk_events').column('created_at').execute();
    await db.schema
      .createIndex('risk_events_user_idx')
      .on('risk_events')
      .columns(['user_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('safety_state')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('kill_switch', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('reason', 'text')
      .addColumn('set_by', 'text')
      .addColumn('set_by_user', t.bigint)
      .addColumn('recovered_since', t.bigint)
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
    await sql`insert into safety_state (id, kill_switch, updated_at) values (1, 0, 0)`.execute(db);

    await db.schema
      .createTable('daily_stats')
      .addColumn('user_id', t.bigint, (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('trades', 'integer', (c) => c.notNull())
      .addColumn('wins', 'integer', (c) => c.notNull())
      .addColumn('losses', 'integer', (c) => c.notNull())
      .addColumn('realized_usdt', t.decimal, (c) => c.notNull())
      .addColumn('data', t.json, (c) => c.notNull())
      .addColumn('last_loss_at', t.bigint)
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('daily_stats_pk', ['user_id', 'day'])
      .execute();

    await db.schema
      .createTable('daily_reports')
      .addColumn('day', 'text', (c) => c.primaryKey())
      .addColumn('data', t.json, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();
  },
};
