import { insertOutbox } from '@verzek/db';
import { renderReport } from '@verzek/telegram';
import type { ReportSink } from '../services/reports/sink';
import { messageRow } from './plan';
import type { TelegramSettings } from './settings';

/**
 * The daily report to the VIP and TRIAL groups (§7): outbox rows written in the transaction that
 * stores the report, keyed by day and chat, so it is posted once. The TRIAL copy is not delayed.
 */
export function telegramReportSink(settings: TelegramSettings): ReportSink {
  return {
    name: 'telegram-groups',
    async dailyReport({ report, text }, { db, now }) {
      await insertOutbox(
        db,
        settings.groups.map((g) =>
          messageRow(
            `report:${report.day}:${g.chatId}`,
            g.chatId,
            'report',
            renderReport(text),
            now,
            settings.staleMs * 12,
          ),
        ),
      );
    },
  };
}
