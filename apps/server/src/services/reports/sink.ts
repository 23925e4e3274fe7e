import type { DailyReport } from '@verzek/contract';
import type { Db } from '@verzek/db';
import type { Logger } from '@verzek/platform';
import { alertAdmins } from '../notify/notify';

/** A stored daily report and its text (formatDailyReport), as handed to each sink. */
export interface DailyReportDelivery {
  report: DailyReport;
  text: string;
}

/**
 * Where a daily report goes once it is stored (the notifier port of §7). `dailyReport` is called
 * once per day, inside the transaction that stores the report: write what must be delivered (an
 * outbox row, a notification) with `tx.db`, so it exists if and only if the report does, and let a
 * sender deliver it after the commit. No network calls here: a throw rolls the report back, and the
 * scheduler does not retry a failed period.
 */
export interface ReportSink {
  readonly name: string;
  dailyReport(delivery: DailyReportDelivery, tx: { db: Db; now: number }): Promise<void>;
}

/** The default sink: logs the report and records an admin notification (kind `daily_report`). */
export function defaultReportSink(logger: Logger): ReportSink {
  return {
    name: 'log-and-admin-notice',
    async dailyReport({ report, text }, { db, now }) {
      logger.info({ day: report.day, report }, 'daily report');
      await alertAdmins(db, { kind: 'daily_report', text, data: { day: report.day }, at: now });
    },
  };
}
