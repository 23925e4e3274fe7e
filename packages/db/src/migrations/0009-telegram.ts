import type { Migration } from './types';
import { withId } from './types';

/**
 * Telegram (SPEC §3, §7): the durable outbox every Bot API call goes through, what was posted where,
 * the planner's markers, linked accounts, source channels, the approval queue, and leases/state.
 */
export const telegram: Migration = {
  name: '0009-telegram',
  async up(db, dialect, t) {
    await withId(db.schema.createTable('telegram_outbox'), dialect)
      .addColumn('idem_key', 'text', (c) => c.notNull().unique())
      .addColumn('queue', 'text', (c) => c.notNull())
      .addColumn('chat_id', 'text', (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('payload', t.json, (c) => c.notNull())
      .addColumn('signal_id', t.bigint)
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('not_before', t.bigint, (c) => c.notNull())
      .addColumn('expires_at', t.bigint)
      .addColumn('wait_until', t.bigint, (c) => c.notNull().defaultTo(0))
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('message_id', t.bigint)
      .addColumn('result', t.json)
      .addColumn('last_error', 'text')
      .addColumn('sent_wall_at', t.bigint)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('telegram_outbox_work_idx')
      .on('telegram_outbox')
      .columns(['status', 'queue', 'not_before', 'id'])
      .execute();
    await db.schema
      .createIndex('telegram_outbox_signal_idx')
      .on('telegram_outbox')
      .columns(['signal_id', 'chat_id'])
      .execute();
    await db.schema
      .createIndex('telegram_outbox_sent_idx')
      .on('telegram_outbox')
      .columns(['sent_wall_at'])
      .execute();

    await db.schema
      .createTable('telegram_messages')
      .addColumn('signal_id', t.bigint, (c) => c.notNull())
      .addColumn('chat_id', 'text', (c) => c.notNull())
      .addColumn('message_id', t.bigint, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('telegram_messages_pk', ['signal_id', 'chat_id'])
      .execute();

    await db.schema
      .createTable('telegram_chats')
      .addColumn('chat_id', 'text', (c) => c.primaryKey())
      .addColumn('last_message_id', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('telegram_planned')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('ref_id', t.bigint, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('telegram_planned_pk', ['kind', 'ref_id'])
      .execute();
    await db.schema
      .createIndex('telegram_planned_at_idx')
      .on('telegram_planned')
      .columns(['kind', 'created_at'])
      .execute();

    await db.schema
      .createTable('telegram_links')
      .addColumn('user_id', t.bigint, (c) => c.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('tg_user_id', 'text', (c) => c.notNull().unique())
      .addColumn('tg_username', 'text')
      .addColumn('chat_id', 'text', (c) => c.notNull())
      .addColumn('linked_at', t.bigint, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('telegram_link_codes')
      .addColumn('code_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', t.bigint, (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('expires_at', t.bigint, (c) => c.notNull())
      .addColumn('used_at', t.bigint)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();

    await withId(db.schema.createTable('telegram_channels'), dialect)
      .addColumn('chat_id', 'text', (c) => c.notNull().unique())
      .addColumn('source_id', t.bigint, (c) => c.notNull().references('signal_sources.id'))
      .addColumn('via', 'text', (c) => c.notNull())
      .addColumn('title', 'text')
      .addColumn('keywords', t.json, (c) => c.notNull().defaultTo('[]'))
      .addColumn('block_words', t.json, (c) => c.notNull().defaultTo('[]'))
      .addColumn('min_confidence', 'real')
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();

    await withId(db.schema.createTable('telegram_approvals'), dialect)
      .addColumn('source_id', t.bigint, (c) => c.notNull())
      .addColumn('chat_id', 'text', (c) => c.notNull())
      .addColumn('message_id', t.bigint, (c) => c.notNull())
      .addColumn('reply_to_message_id', t.bigint)
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('parsed', t.json, (c) => c.notNull())
      .addColumn('confidence', 'real', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('signal_id', t.bigint)
      .addColumn('decided_by', t.bigint)
      .addColumn('decided_at', t.bigint)
      .addColumn('decision_note', 'text')
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('telegram_approvals_msg_uq')
      .on('telegram_approvals')
      .columns(['chat_id', 'message_id'])
      .unique()
      .execute();
    await db.schema
      .createIndex('telegram_approvals_status_idx')
      .on('telegram_approvals')
      .columns(['status', 'id'])
      .execute();

    await db.schema
      .createTable('telegram_state')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text')
      .addColumn('owner', 'text')
      .addColumn('lease_until', t.bigint)
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
  },
};
