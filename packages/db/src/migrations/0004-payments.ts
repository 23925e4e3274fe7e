import { sql } from 'kysely';
import type { Migration } from './types';
import { withId } from './types';

/** USDT payments, partners and their referral credits, and the plan-expiry reminders already sent. */
export const payments: Migration = {
  name: '0004-payments',
  async up(db, dialect, t) {
    await withId(db.schema.createTable('payments'), dialect)
      .addColumn('user_id', t.bigint, (c) => c.notNull().references('users.id'))
      .addColumn('plan', 'text', (c) => c.notNull())
      .addColumn('network', 'text', (c) => c.notNull())
      // One transfer pays once, ever, whatever became of its first submission.
      .addColumn('tx_hash', 'text', (c) => c.notNull().unique())
      .addColumn('amount_usdt', t.decimal, (c) => c.notNull())
      .addColumn('duration_days', 'integer', (c) => c.notNull())
      .addColumn('wallet_address', 'text', (c) => c.notNull())
      .addColumn('token_contract', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('paid_usdt', t.decimal)
      .addColumn('block_time', t.bigint)
      .addColumn('checks', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_check_at', t.bigint)
      .addColumn('last_check', 'text')
      .addColumn('decided_via', 'text')
      .addColumn('decided_by', t.bigint)
      .addColumn('decided_at', t.bigint)
      .addColumn('resulting_plan', 'text')
      .addColumn('plan_expires_at', t.bigint)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('payments_due_idx')
      .on('payments')
      .columns(['status', 'next_check_at'])
      .execute();
    await db.schema.createIndex('payments_user_idx').on('payments').columns(['user_id', 'id']).execute();

    await withId(db.schema.createTable('partners'), dialect)
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('contact', 'text')
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();

    await withId(db.schema.createTable('referral_credits'), dialect)
      .addColumn('partner_id', t.bigint, (c) => c.notNull().references('partners.id'))
      // Once per referred user, ever.
      .addColumn('user_id', t.bigint, (c) => c.notNull().unique().references('users.id'))
      .addColumn('payment_id', t.bigint, (c) => c.notNull().unique().references('payments.id'))
      .addColumn('amount_usdt', t.decimal, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('referral_credits_partner_idx')
      .on('referral_credits')
      .column('partner_id')
      .execute();

    // Referred users are found by their registration `ref`, case-insensitively.
    await db.schema
      .createIndex('users_referral_code_idx')
      .on('users')
      .expression(sql`upper(referral_code)`)
      .execute();

    await db.schema
      .createTable('plan_reminders')
      .addColumn('user_id', t.bigint, (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('expires_at', t.bigint, (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('sent_at', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('plan_reminders_pk', ['user_id', 'expires_at', 'kind'])
      .execute();
  },
};
