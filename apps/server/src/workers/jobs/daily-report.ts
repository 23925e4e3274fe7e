import type { AppContext } from '../../context';
import { runDailyReport } from '../../services/reports/daily-report';
import type { ReportSink } from '../../services/reports/sink';
import type { ScheduledJob } from '../scheduler';

/**
 * The daily report (§7) at 23:59 UTC: built, stored in `daily_reports` and handed to the sinks once
 * per day across every worker. The day comes from the period, so a worker that was down at 23:59
 * reports the day it missed when it starts.
 */
export function dailyReportJob(ctx: AppContext, sinks: readonly ReportSink[]): ScheduledJob {
  const log = ctx.logger.child({ component: 'reports' });
  return {
    name: 'daily-report',
    schedule: { dailyAtUtc: '23:59' },
    async run({ now, period }) {
      const day = period.slice(1);
      const { stored } = await runDailyReport(
        {
          db: ctx.db,
          dialect: ctx.dbHandle.dialect,
          maxDrawdownPct: ctx.config.trading.globalMaxDrawdownPct,
        },
        sinks,
        day,
        now,
      );
      log.info(
        { day, stored, sinks: sinks.map((s) => s.name) },
        stored ? 'daily report stored' : 'daily report already stored',
      );
    },
  };
}
