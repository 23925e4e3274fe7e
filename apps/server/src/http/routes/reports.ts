import { DailyReport, DailyReportList, DailyReportQuery, ErrorBody } from '@verzek/contract';
import type { AppContext } from '../../context';
import { notFound } from '../../errors';
import { authenticate } from '../guards';
import type { App } from '../types';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };
const security = [{ bearer: [] }];

/** A stored report (validated when it was built; the response schema checks it again). */
function view(data: string): DailyReport {
  return JSON.parse(data) as DailyReport;
}

/**
 * Daily reports (§7), for any logged-in user: the same report is posted to the VIP and TRIAL groups,
 * so it holds nothing a member of either may not see.
 */
export function registerReportRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/api/reports/daily',
    {
      onRequest: authenticate(ctx),
      schema: {
        tags: ['reports'],
        summary: 'Daily report: ?day=YYYY-MM-DD, the latest when omitted, or the latest ?days=N',
        security,
        querystring: DailyReportQuery,
        response: { 200: DailyReport.or(DailyReportList), ...errors },
      },
    },
    async (request) => {
      const { day, days } = request.query;
      let q = ctx.db.selectFrom('daily_reports').select(['day', 'data']);
      if (days !== undefined) {
        const rows = await q.orderBy('day', 'desc').limit(days).execute();
        return { items: rows.map((r) => view(r.data)) };
      }
      q = day === undefined ? q.orderBy('day', 'desc').limit(1) : q.where('day', '=', day);
      const row = await q.executeTakeFirst();
      if (!row) throw notFound(day === undefined ? 'A daily report' : `The daily report of ${day}`);
      return view(row.data);
    },
  );
}
