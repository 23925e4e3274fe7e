import type { AppContext } from '../../context';
import type { ScheduledJob } from '../../workers/scheduler';
import { recheckAccount } from './accounts';

/**
 * Daily: re-checks every stored live key's permissions (a key edited on the exchange to allow
 * withdrawals is caught within a day). Accounts are checked one after another: a few requests per
 * user, well inside the exchanges' limits.
 */
export function exchangeKeysJob(ctx: AppContext): ScheduledJob {
  return {
    name: 'exchange-keys',
    schedule: { dailyAtUtc: '04:10' },
    async run({ signal }) {
      const rows = await ctx.db
        .selectFrom('exchange_accounts')
        .selectAll()
        .where('provider', '!=', 'paper')
        .where('mode', '!=', 'paper')
        .where('api_key', 'is not', null)
        .orderBy('id')
        .execute();
      let refused = 0;
      let failed = 0;
      for (const row of rows) {
        if (signal.aborted) break;
        try {
          const report = await recheckAccount(ctx, row);
          if (report?.refused) refused += 1;
        } catch (err) {
          failed += 1;
          ctx.logger.warn(
            {
              err: err instanceof Error ? err.message : String(err),
              accountId: row.id,
              provider: row.provider,
            },
            'exchange key re-check failed; will try again tomorrow',
          );
        }
      }
      ctx.logger.info({ checked: rows.length, refused, failed }, 'exchange keys re-checked');
    },
  };
}
