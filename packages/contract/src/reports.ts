import { z } from 'zod';
import { IsoTime } from './common';

/** A UTC day, "YYYY-MM-DD", that exists on the calendar. */
export const ReportDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .refine((d) => {
    const t = Date.parse(`${d}T00:00:00Z`);
    return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === d;
  }, 'not a calendar day')
  .meta({ description: 'UTC day, YYYY-MM-DD' });

/** The daily report (§7): the day's auto-trading results and the platform's safety state. */
export const DailyReport = z.object({
  day: z.string(),
  generated_at: IsoTime,
  /** The report covers closes from 00:00 UTC of `day` up to this instant (23:59 when on time). */
  as_of: IsoTime,
  trading: z.object({
    /** Signals posted that day. */
    signals: z.number().int(),
    /** Users with at least one closed trade. */
    traders: z.number().int(),
    /** Followers' positions closed that day (each follower of a signal is one trade). */
    trades: z.number().int(),
    wins: z.number().int(),
    losses: z.number().int(),
    breakeven: z.number().int(),
    win_rate_pct: z.string().nullable(),
    /** Mean of each trade's net PnL over its margin, %. */
    avg_profit_pct: z.string().nullable(),
    /** Net realized PnL (fees deducted), USDT. */
    realized_usdt: z.string(),
    fees_usdt: z.string(),
  }),
  safety: z.object({
    kill_switch: z.boolean(),
    kill_switch_set_by: z.enum(['admin', 'breaker']).nullable(),
    kill_switch_reason: z.string().nullable(),
    /** The system drawdown over the day (same measure as the circuit breaker's), %. */
    drawdown_pct: z.string(),
    max_dd_limit_pct: z.number(),
    /** Trades not opened because a risk check blocked them. */
    blocked_trades: z.number().int(),
    /** The same, by risk code (kill_switch, cooldown, daily_loss_limit, …). */
    blocked_by_code: z.record(z.string(), z.number().int()),
  }),
});
export type DailyReport = z.infer<typeof DailyReport>;

export const DailyReportList = z.object({ items: z.array(DailyReport) });
export type DailyReportList = z.infer<typeof DailyReportList>;

/** `?day=` one day; `?days=N` the latest N reports; neither: the latest report. */
export const DailyReportQuery = z
  .object({
    day: ReportDay.optional(),
    days: z.coerce.number().int().min(1).max(366).optional(),
  })
  .refine((q) => q.day === undefined || q.days === undefined, {
    message: 'ask for one day or for the latest days, not both',
  });
