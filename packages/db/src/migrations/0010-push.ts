import type { Migration } from './types';
import { withId } from './types';

/**
 * Push notifications to the iOS/Android app through Expo: each device's push token, the outbox of
 * messages (one row per notification or signal and token, so nothing is queued twice) with its
 * delivery state (ticket, receipt), and the senders' cursors over `notifications` and `signals`.
 */
export const push: Migration = {
  name: '0010-push',
  async up(db, dialect, t) {
    await withId(db.schema.createTable('push_tokens'), dialect)
      .addColumn('user_id', t.bigint, (c) => c.notNull())
      .addColumn('token', 'text', (c) => c.notNull().unique())
      .addColumn('platform', 'text', (c) => c.notNull())
      .addColumn('device', 'text')
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('push_tokens_user_idx').on('push_tokens').column('user_id').execute();

    await withId(db.schema.createTable('push_outbox'), dialect)
      .addColumn('user_id', t.bigint, (c) => c.notNull())
      .addColumn('token', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('source_id', t.bigint, (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('data', t.json, (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('ticket_id', 'text')
      .addColumn('error', 'text')
      .addColumn('claimed_at', t.bigint)
      .addColumn('sent_at', t.bigint)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addUniqueConstraint('push_outbox_once', ['source', 'source_id', 'token'])
      .execute();
    await db.schema.createIndex('push_outbox_work_idx').on('push_outbox').columns(['status', 'id']).execute();

    await db.schema
      .createTable('push_cursors')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('last_id', t.bigint, (c) => c.notNull())
      .execute();
  },
};
