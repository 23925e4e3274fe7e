import type { Db } from '../connection';
import type { PlanReminderKind, UserRow } from '../schema';

/** Paid plans whose expiry has passed (the expiry job moves them back to TRIAL). */
export async function usersWithLapsedPlans(db: Db, now: number, limit: number): Promise<UserRow[]> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('plan', '!=', 'TRIAL')
    .where('plan_expires_at', 'is not', null)
    .where('plan_expires_at', '<=', now)
    .orderBy('plan_expires_at', 'asc')
    .orderBy('id', 'asc')
    .limit(limit)
    .execute();
}

/**
 * Moves one lapsed plan back to TRIAL with auto-trading off, if it is still the plan that was seen
 * (a payment confirmed in between extends it instead). True when this caller did it.
 */
export async function lapsePlan(
  db: Db,
  u: { id: number; seenPlan: string; seenExpiresAt: number; at: number },
): Promise<boolean> {
  const r = await db
    .updateTable('users')
    .set({ plan: 'TRIAL', plan_expires_at: null, auto_trade_enabled: 0, updated_at: u.at })
    .where('id', '=', u.id)
    .where('plan', '=', u.seenPlan as UserRow['plan'])
    .where('plan_expires_at', '=', u.seenExpiresAt)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Paid plans that expire in (now, until]. */
export async function usersWithPlansExpiringBy(
  db: Db,
  now: number,
  until: number,
  q: { afterId: number; limit: number },
): Promise<UserRow[]> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('plan', '!=', 'TRIAL')
    .where('plan_expires_at', '>', now)
    .where('plan_expires_at', '<=', until)
    .where('id', '>', q.afterId)
    .orderBy('id', 'asc')
    .limit(q.limit)
    .execute();
}

/** Records a reminder; false when it was already sent for this expiry. */
export async function recordPlanReminder(
  db: Db,
  r: { user_id: number; expires_at: number; kind: PlanReminderKind; sent_at: number },
): Promise<boolean> {
  const res = await db
    .insertInto('plan_reminders')
    .values(r)
    .onConflict((oc) => oc.columns(['user_id', 'expires_at', 'kind']).doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
}
