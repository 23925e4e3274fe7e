import type { AppContext } from '../../context';
import { DAY_MS, recomputeDailyStats, utcDay, utcDayStartOf } from '../../services/stats/daily-stats';
import type { ScheduledJob } from '../scheduler';

/** Today's per-user daily stats so far, every 5 minutes (a run writes only the rows that changed). */
export function dailyStatsJob(ctx: AppContext): ScheduledJob {
  return {
    name: 'daily-stats',
    schedule: { everyMs: 5 * 60_000 },
    async run({ now }) {
      const day = utcDay(now);
      const r = await recomputeDailyStats({ db: ctx.db, dialect: ctx.dbHandle.dialect }, day, now);
      if (r.written > 0) ctx.logger.child({ component: 'stats' }).debug({ day, ...r }, 'daily stats');
    },
  };
}

/**
 * The finished previous UTC day, once, shortly after midnight (its last minutes are after the last
 * 5-minute run). The day comes from the period, so a late or taken-over run still does the right day.
 */
export function dailyStatsCloseJob(ctx: AppContext): ScheduledJob {
  return {
    name: 'daily-stats-close',
    schedule: { dailyAtUtc: '00:05' },
    async run({ now, period }) {
      const day = utcDay(utcDayStartOf(period.slice(1)) - DAY_MS);
      const r = await recomputeDailyStats({ db: ctx.db, dialect: ctx.dbHandle.dialect }, day, now);
      ctx.logger.child({ component: 'stats' }).info({ day, ...r }, 'daily stats of the finished day');
    },
  };
}
