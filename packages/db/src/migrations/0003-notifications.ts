import type { Migration } from './types';
import { withId } from './types';

export const notifications: Migration = {
  name: '0003-notifications',
  async up(db, dialect, t) {
    await withId(db.schema.createTable('notifications'), dialect)
      .addColumn('audience', 'text', (c) => c.notNull())
      .addColumn('user_id', t.bigint)
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('data', t.json, (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('read_at', t.bigint)
      .execute();
    await db.schema
      .createIndex('notifications_user_idx')
      .on('notifications')
      .columns(['user_id', 'id'])
      .execute();
    await db.schema
      .createIndex('notifications_audience_idx')
      .on('notifications')
      .columns(['audience', 'id'])
      .execute();
  },
};
