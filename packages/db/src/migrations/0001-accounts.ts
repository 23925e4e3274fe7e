import type { Migration } from './types';
import { withId } from './types';

export const accounts: Migration = {
  name: '0001-accounts',
  async up(db, dialect, t) {
    await withId(db.schema.createTable('users'), dialect)
      .addColumn('username', 'text', (c) => c.notNull().unique())
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull().defaultTo('USER'))
      .addColumn('plan', 'text', (c) => c.notNull().defaultTo('TRIAL'))
      .addColumn('plan_expires_at', t.bigint)
      .addColumn('auto_trade_enabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('email_verified_at', t.bigint)
      .addColumn('totp_secret', 'text')
      .addColumn('totp_pending_secret', 'text')
      .addColumn('totp_last_step', t.bigint)
      .addColumn('referral_code', 'text')
      .addColumn('disabled_at', t.bigint)
      .addColumn('tokens_valid_after', t.bigint, (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('users_plan_idx')
      .on('users')
      .columns(['plan', 'auto_trade_enabled'])
      .execute();

    await withId(db.schema.createTable('refresh_tokens'), dialect)
      .addColumn('user_id', t.bigint, (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('family_id', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('expires_at', t.bigint, (c) => c.notNull())
      .addColumn('used_at', t.bigint)
      .addColumn('revoked_at', t.bigint)
      .execute();
    await db.schema
      .createIndex('refresh_tokens_family_idx')
      .on('refresh_tokens')
      .column('family_id')
      .execute();
    await db.schema.createIndex('refresh_tokens_user_idx').on('refresh_tokens').column('user_id').execute();

    await withId(db.schema.createTable('email_tokens'), dialect)
      .addColumn('user_id', t.bigint, (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('expires_at', t.bigint, (c) => c.notNull())
      .addColumn('used_at', t.bigint)
      .execute();
    await db.schema
      .createIndex('email_tokens_user_idx')
      .on('email_tokens')
      .columns(['user_id', 'purpose'])
      .execute();

    await withId(db.schema.createTable('audit_log'), dialect)
      .addColumn('at', t.bigint, (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('user_id', t.bigint)
      .addColumn('actor_id', t.bigint)
      .addColumn('ip', 'text')
      .addColumn('detail', t.json, (c) => c.notNull().defaultTo('{}'))
      .execute();
    await db.schema
      .createIndex('audit_log_user_idx')
      .on('audit_log')
      .columns(['user_id', 'action', 'at'])
      .execute();
    await db.schema.createIndex('audit_log_at_idx').on('audit_log').column('at').execute();

    await db.schema
      .createTable('user_settings')
      .addColumn('user_id', t.bigint, (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('section', 'text', (c) => c.notNull())
      .addColumn('data', t.json, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('user_settings_pk', ['user_id', 'section'])
      .execute();
  },
};
