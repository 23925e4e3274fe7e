import type { AppContext } from '../../context';
import type { ScheduledJob } from '../scheduler';

const DAY = 86_400_000;

/** Housekeeping: refresh and email tokens that expired more than a week ago are of no use. */
export function pruneTokensJob(ctx: AppContext): ScheduledJob {
  return {
    name: 'prune-tokens',
    schedule: { dailyAtUtc: '03:30' },
    async run({ now }) {
      const before = now - 7 * DAY;
      const refresh = await ctx.db
        .deleteFrom('refresh_tokens')
        .where('expires_at', '<', before)
        .executeTakeFirst();
      const email = await ctx.db
        .deleteFrom('email_tokens')
        .where('expires_at', '<', before)
        .executeTakeFirst();
      ctx.logger.info(
        { refresh: Number(refresh.numDeletedRows), email: Number(email.numDeletedRows) },
        'pruned expired tokens',
      );
    },
  };
}
