import type { AppContext } from '../../context';
import { runPlanLifecycle } from '../../services/payments/plan-lifecycle';
import type { ScheduledJob } from '../scheduler';

/**
 * Expires lapsed plans and sends the 3-day and 1-day reminders. Hourly rather than daily, so an
 * expiry takes effect within the hour; every step is idempotent, so the extra runs cost nothing.
 */
export function planLifecycleJob(ctx: AppContext): ScheduledJob {
  return {
    name: 'plan-lifecycle',
    schedule: { everyMs: 3_600_000 },
    async run({ now }) {
      const summary = await runPlanLifecycle(ctx, now);
      if (summary.expired + summary.reminded > 0) {
        ctx.logger.child({ component: 'plans' }).info(summary, 'plan lifecycle');
      }
    },
  };
}
