import {
  lapsePlan,
  recordPlanReminder,
  usersWithLapsedPlans,
  usersWithPlansExpiringBy,
  type PlanReminderKind,
} from '@verzek/db';
import type { AppContext } from '../../context';
import { audit } from '../audit';
import { noticeUser } from '../notify/notify';
import { humanTime } from './view';

const DAY = 86_400_000;
const BATCH = 200;

export interface LifecycleSummary {
  expired: number;
  reminded: number;
}

/**
 * Plan housekeeping at `now`, idempotent:
 * - paid plans past their expiry go back to TRIAL with auto-trading off (open positions are left
 *   alone), and the user is told (`plan_expired`);
 * - plans expiring within 3 days, and within 1 day, get one reminder each (`plan_expiring`) per
 *   expiry, recorded in plan_reminders so reruns send nothing twice. When both are due at once only
 *   the 1-day one goes out.
 */
export async function runPlanLifecycle(ctx: AppContext, now: number): Promise<LifecycleSummary> {
  const summary: LifecycleSummary = { expired: 0, reminded: 0 };

  for (;;) {
    const lapsed = await usersWithLapsedPlans(ctx.db, now, BATCH);
    let progressed = false;
    for (const user of lapsed) {
      const done = await ctx.db.transaction().execute(async (trx) => {
        const expiresAt = user.plan_expires_at!;
        const ok = await lapsePlan(trx, {
          id: user.id,
          seenPlan: user.plan,
          seenExpiresAt: expiresAt,
          at: now,
        });
        if (!ok) return false;
        await noticeUser(trx, {
          userId: user.id,
          kind: 'plan_expired',
          text: `Your ${user.plan} plan expired on ${humanTime(expiresAt)}; you are back on TRIAL${user.auto_trade_enabled === 1 ? ' and auto-trading is off' : ''}. Renew any time.`,
          data: { plan: user.plan, expired_at: new Date(expiresAt).toISOString() },
          at: now,
        });
        await audit(trx, {
          action: 'plan_expired',
          at: now,
          userId: user.id,
          detail: { plan: user.plan, expired_at: new Date(expiresAt).toISOString() },
        });
        return true;
      });
      if (done) {
        summary.expired += 1;
        progressed = true;
      }
    }
    // Stop when the batch was the last one, or nothing moved (rows changed under us: next run).
    if (lapsed.length < BATCH || !progressed) break;
  }

  let afterId = 0;
  for (;;) {
    const expiring = await usersWithPlansExpiringBy(ctx.db, now, now + 3 * DAY, { afterId, limit: BATCH });
    for (const user of expiring) {
      const expiresAt = user.plan_expires_at!;
      const left = expiresAt - now;
      const kind: PlanReminderKind = left <= DAY ? 'expiring_1d' : 'expiring_3d';
      const sent = await ctx.db.transaction().execute(async (trx) => {
        if (
          !(await recordPlanReminder(trx, { user_id: user.id, expires_at: expiresAt, kind, sent_at: now }))
        ) {
          return false;
        }
        const when = left <= DAY ? 'within a day' : `in ${Math.ceil(left / DAY)} days`;
        await noticeUser(trx, {
          userId: user.id,
          kind: 'plan_expiring',
          text: `Your ${user.plan} plan expires ${when} (${humanTime(expiresAt)}). Renew now to keep it: renewals add to the time left.`,
          data: { plan: user.plan, expires_at: new Date(expiresAt).toISOString(), reminder: kind },
          at: now,
        });
        return true;
      });
      if (sent) summary.reminded += 1;
    }
    if (expiring.length < BATCH) break;
    afterId = expiring[expiring.length - 1]!.id;
  }
  return summary;
}
