import type { Db } from '../connection';
import type { NewPayment, PaidPlan, PaymentRow, PaymentStatus, PaymentsTable } from '../schema';
import type { Updateable } from 'kysely';

/** Inserts an invoice; a used `tx_hash` fails with a unique violation (see isUniqueViolation). */
export async function insertPayment(db: Db, row: NewPayment): Promise<PaymentRow> {
  return db.insertInto('payments').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findPaymentById(db: Db, id: number): Promise<PaymentRow | undefined> {
  return db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findPaymentByHash(db: Db, txHash: string): Promise<PaymentRow | undefined> {
  return db.selectFrom('payments').selectAll().where('tx_hash', '=', txHash).executeTakeFirst();
}

export interface PaymentListQuery {
  userId?: number;
  status?: PaymentStatus;
  plan?: PaidPlan;
  limit: number;
  offset: number;
}

export type PaymentWithUser = PaymentRow & { username: string | null };

/** Newest first, with the payer's username. */
export async function listPayments(
  db: Db,
  q: PaymentListQuery,
): Promise<{ items: PaymentWithUser[]; total: number }> {
  let base = db.selectFrom('payments');
  if (q.userId !== undefined) base = base.where('payments.user_id', '=', q.userId);
  if (q.status !== undefined) base = base.where('payments.status', '=', q.status);
  if (q.plan !== undefined) base = base.where('payments.plan', '=', q.plan);
  const [items, count] = await Promise.all([
    base
      .leftJoin('users', 'users.id', 'payments.user_id')
      .selectAll('payments')
      .select('users.username')
      .orderBy('payments.id', 'desc')
      .limit(q.limit)
      .offset(q.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(count.n) };
}

export async function countPendingPayments(db: Db, userId: number): Promise<number> {
  const row = await db
    .selectFrom('payments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('status', '=', 'PENDING')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** PENDING payments whose next chain look-up is due, the most overdue first. */
export async function duePayments(db: Db, now: number, limit: number): Promise<PaymentRow[]> {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('status', '=', 'PENDING')
    .where('next_check_at', '<=', now)
    .orderBy('next_check_at', 'asc')
    .orderBy('id', 'asc')
    .limit(limit)
    .execute();
}

/**
 * Takes a due payment for one look-up: moves its next check to `until` if nobody else did since it
 * was read. True for the one caller that got it (several workers may see the same due row).
 */
export async function leasePayment(
  db: Db,
  p: { id: number; seenNextCheckAt: number; until: number },
): Promise<boolean> {
  const r = await db
    .updateTable('payments')
    .set({ next_check_at: p.until })
    .where('id', '=', p.id)
    .where('status', '=', 'PENDING')
    .where('next_check_at', '=', p.seenNextCheckAt)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Records an inconclusive look-up of a PENDING payment and when to look again. */
export async function schedulePaymentCheck(
  db: Db,
  p: { id: number; checks: number; nextCheckAt: number; lastCheck: string; at: number },
): Promise<void> {
  await db
    .updateTable('payments')
    .set({ checks: p.checks, next_check_at: p.nextCheckAt, last_check: p.lastCheck, updated_at: p.at })
    .where('id', '=', p.id)
    .where('status', '=', 'PENDING')
    .execute();
}

/**
 * Moves a payment out of one of `from` into its decided state. Returns the updated row, or
 * undefined when it was not in `from` any more (someone decided it first): the caller does nothing.
 */
export async function decidePayment(
  db: Db,
  id: number,
  from: readonly PaymentStatus[],
  patch: Updateable<PaymentsTable> & { status: PaymentStatus },
): Promise<PaymentRow | undefined> {
  return db
    .updateTable('payments')
    .set({ ...patch, next_check_at: null })
    .where('id', '=', id)
    .where('status', 'in', from)
    .returningAll()
    .executeTakeFirst();
}

export async function setPaymentResult(
  db: Db,
  id: number,
  result: { resulting_plan: PaidPlan; plan_expires_at: number | null },
): Promise<PaymentRow> {
  return db.updateTable('payments').set(result).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** True when the user has a confirmed payment other than `exceptId`. */
export async function hasOtherConfirmedPayment(db: Db, userId: number, exceptId: number): Promise<boolean> {
  const row = await db
    .selectFrom('payments')
    .select('id')
    .where('user_id', '=', userId)
    .where('status', '=', 'CONFIRMED')
    .where('id', '!=', exceptId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Payment counts by status. */
export async function paymentCounts(db: Db): Promise<Record<PaymentStatus, number>> {
  const rows = await db
    .selectFrom('payments')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  const counts: Record<PaymentStatus, number> = { PENDING: 0, CONFIRMED: 0, REJECTED: 0 };
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}

/**
 * The amounts received by confirmed payments (what the chain showed, or the invoice amount for
 * manual confirmations), as decimal strings for the caller to add up exactly: SQLite stores them
 * as text and would sum them as floats.
 */
export async function confirmedPaymentAmounts(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('payments')
    .select(['paid_usdt', 'amount_usdt'])
    .where('status', '=', 'CONFIRMED')
    .execute();
  return rows.map((r) => String(r.paid_usdt ?? r.amount_usdt));
}
