import { z } from 'zod';
import { User } from './auth';
import { DecimalString, IsoTime, PageQuery } from './common';
import { Plan } from './plans';

/**
 * The admin dashboard's numbers. Add a field here and a section in the server's overview list
 * (apps/server/src/http/routes/admin-back-office.ts) to extend it.
 */
export const AdminOverview = z.object({
  total_users: z.number().int().describe('customer accounts (role USER)'),
  trial_users: z.number().int(),
  vip_users: z.number().int().describe('on an unexpired VIP plan'),
  premium_users: z.number().int().describe('on an unexpired PREMIUM plan'),
  disabled_users: z.number().int(),
  active_auto_traders: z.number().int().describe('unexpired PREMIUM with auto-trading on, not disabled'),
  total_payments: z.number().int(),
  confirmed_payments: z.number().int(),
  pending_payments: z.number().int(),
  rejected_payments: z.number().int(),
  revenue_usdt: DecimalString.describe('sum of confirmed payments'),
  partners: z.number().int(),
  referral_credits_usdt: DecimalString.describe('sum of everything partners have earned'),
  signals_sent: z.number().int().describe('signals stored and broadcast, ever'),
  open_positions: z.number().int().describe('live positions of every user (PENDING, OPEN, PARTIAL)'),
  generated_at: IsoTime,
});
export type AdminOverview = z.infer<typeof AdminOverview>;

/** A day (`2026-11-22`, 00:00 UTC) or an ISO date-time with an offset. */
const DayOrTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

export const SignalStatsQuery = z
  .object({
    from: DayOrTime.optional().describe('signals published at or after this (a day starts at 00:00 UTC)'),
    to: DayOrTime.optional().describe(
      'signals published before this; a day (YYYY-MM-DD) includes that whole day',
    ),
    source_id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  })
  .describe('Signal statistics filters');
export type SignalStatsQuery = z.infer<typeof SignalStatsQuery>;

/**
 * Outcome counts and rates of a set of signals, from what each signal's entry, targets and stop
 * did against the market at 1× leverage (docs/payments.md, "Signal statistics").
 */
export const SignalStatsFigures = z.object({
  total_signals: z.number().int().describe('signals published in the window'),
  wins: z.number().int().describe('closed with a profit at 1×'),
  losses: z.number().int().describe('closed with a loss at 1×'),
  breakeven: z.number().int().describe('closed at exactly 0 %'),
  cancelled: z.number().int().describe('cancelled by the source before the entry was reached'),
  expired: z.number().int().describe('entry not reached in time, or a market entry already past TP1/stop'),
  open: z.number().int().describe('waiting for the entry or entered and still running'),
  untracked: z.number().int().describe('published before outcome tracking existed'),
  win_rate: DecimalString.nullable().describe('wins / (wins + losses) × 100, 4 places; null without any'),
  average_profit: DecimalString.nullable().describe(
    'mean % at 1× over closed signals (wins, losses, breakevens), 4 places; null without any',
  ),
  total_profit: DecimalString.nullable().describe('sum of those % at 1×, 4 places; null without any'),
});
export type SignalStatsFigures = z.infer<typeof SignalStatsFigures>;

export const SourceSignalStats = SignalStatsFigures.extend({
  source_id: z.number().int(),
  name: z.string().nullable(),
  kind: z.string().nullable(),
});
export type SourceSignalStats = z.infer<typeof SourceSignalStats>;

export const SignalStats = SignalStatsFigures.extend({
  sources: z.array(SourceSignalStats).describe('per source with signals in the window, by source id'),
  from: IsoTime.nullable(),
  to: IsoTime.nullable(),
  source_id: z.number().int().nullable(),
  generated_at: IsoTime,
});
export type SignalStats = z.infer<typeof SignalStats>;

export const AdminUser = User.extend({
  disabled: z.boolean(),
  disabled_at: IsoTime.nullable(),
  referral_code: z.string().nullable(),
});
export type AdminUser = z.infer<typeof AdminUser>;

export const AdminUserList = z.object({
  items: z.array(AdminUser),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});

export const AdminUsersQuery = PageQuery.extend({
  search: z.string().trim().max(100).optional(),
  plan: Plan.optional(),
});

export const DisableUserBody = z.strictObject({ reason: z.string().trim().max(500).optional() }).default({});

/** Referral codes: 3–32 letters, digits, _ or -; compared case-insensitively (stored upper-case). */
export const ReferralCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{3,32}$/, '3 to 32 letters, digits, _ or -')
  .transform((c) => c.toUpperCase());

export const CreatePartnerBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  code: ReferralCode,
  contact: z.string().trim().max(200).nullable().optional(),
  active: z.boolean().default(true),
});

/** The code is what referred users carry, so it can't change; create a new partner instead. */
export const UpdatePartnerBody = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    contact: z.string().trim().max(200).nullable().optional(),
    active: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'send at least one of name, contact, active');

export const Partner = z.object({
  id: z.number().int(),
  name: z.string(),
  code: z.string(),
  contact: z.string().nullable(),
  active: z.boolean(),
  referrals: z.number().int().describe('users who registered with the code'),
  credited_users: z.number().int().describe('referred users whose first paid plan earned a credit'),
  earned_usdt: DecimalString,
  created_at: IsoTime,
  updated_at: IsoTime,
});

export const PartnerList = z.object({ items: z.array(Partner) });

export const ReferralCredit = z.object({
  user_id: z.number().int(),
  username: z.string().nullable(),
  payment_id: z.number().int(),
  amount_usdt: DecimalString,
  created_at: IsoTime,
});

export const PartnerDetail = Partner.extend({ credits: z.array(ReferralCredit) });
