import {
  AdminOverview,
  AdminUser,
  AdminUserList,
  AdminUsersQuery,
  DisableUserBody,
  ErrorBody,
  IdParam,
  iso,
  SignalStats,
  SignalStatsQuery,
} from '@verzek/contract';
import { dec, decStr } from '@verzek/core';
import {
  confirmedPaymentAmounts,
  listUsers,
  livePositionCount,
  paymentCounts,
  referralCredits,
  revokeUserTokens,
  signalCount,
  updateUser,
  userCounts,
  type Db,
  type UserRow,
} from '@verzek/db';
import type { AppContext } from '../../context';
import { badRequest } from '../../errors';
import { audit } from '../../services/audit';
import { computeSignalStats } from '../../services/stats/signal-stats';
import { toUserView } from '../../services/users/user-view';
import { authenticate, caller, requireAdmin, targetUser } from '../guards';
import type { App } from '../types';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const security = [{ bearer: [] }];

const sum = (amounts: string[]) => decStr(amounts.reduce((s, a) => s.add(dec(a)), dec(0)));

/**
 * The admin overview is the merge of these sections, computed in parallel. To add numbers (signals
 * sent, open positions…), add a field to `AdminOverview` in @verzek/contract and a section here.
 */
type OverviewSection = (db: Db, now: number) => Promise<Partial<AdminOverview>>;

export const overviewSections: OverviewSection[] = [
  async (db, now) => {
    const u = await userCounts(db, now);
    return {
      total_users: u.total,
      trial_users: u.trial,
      vip_users: u.vip,
      premium_users: u.premium,
      disabled_users: u.disabled,
      active_auto_traders: u.autoTraders,
    };
  },
  async (db) => {
    const [counts, amounts] = await Promise.all([paymentCounts(db), confirmedPaymentAmounts(db)]);
    return {
      total_payments: counts.PENDING + counts.CONFIRMED + counts.REJECTED,
      confirmed_payments: counts.CONFIRMED,
      pending_payments: counts.PENDING,
      rejected_payments: counts.REJECTED,
      revenue_usdt: sum(amounts),
    };
  },
  async (db) => {
    const [partners, credits] = await Promise.all([
      db
        .selectFrom('partners')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
      referralCredits(db),
    ]);
    return { partners: Number(partners.n), referral_credits_usdt: sum(credits.map((c) => c.amount_usdt)) };
  },
  async (db) => {
    const [signals, positions] = await Promise.all([signalCount(db), livePositionCount(db)]);
    return { signals_sent: signals, open_positions: positions };
  },
];

export async function buildOverview(db: Db, now: number): Promise<AdminOverview> {
  const parts = await Promise.all(overviewSections.map((section) => section(db, now)));
  return Object.assign({ generated_at: iso(now) }, ...parts) as AdminOverview;
}

function toAdminUser(row: UserRow, now: number): AdminUser {
  return {
    ...toUserView(row, now),
    disabled: row.disabled_at !== null,
    disabled_at: iso(row.disabled_at),
    referral_code: row.referral_code,
  };
}

export function registerAdminBackOfficeRoutes(app: App, ctx: AppContext): void {
  const admin = { onRequest: authenticate(ctx), preValidation: requireAdmin };

  app.get(
    '/api/admin/overview',
    {
      ...admin,
      schema: {
        tags: ['admin'],
        summary: 'Dashboard numbers (admin)',
        security,
        response: { 200: AdminOverview, ...errors },
      },
    },
    () => buildOverview(ctx.db, ctx.clock.now()),
  );

  app.get(
    '/api/admin/signal-stats',
    {
      ...admin,
      schema: {
        tags: ['admin'],
        summary: 'Signal outcomes overall and per source: wins, losses, win rate, average profit (admin)',
        description:
          'Computed from what each signal did against the market — its own entry, targets and stop at 1× ' +
          'leverage, equal shares per target, stop to breakeven after TP1 — not from what the source ' +
          'claims. `win_rate` = wins / (wins + losses) × 100; `average_profit` = mean % at 1× over closed ' +
          'signals; both 4 places. Filters: `from`, `to` (publication time; a day is 00:00 UTC, and `to` ' +
          'as a day includes it), `source_id`.',
        security,
        querystring: SignalStatsQuery,
        response: { 200: SignalStats, ...errors },
      },
    },
    (request) => computeSignalStats(ctx.db, request.query, ctx.clock.now()),
  );

  app.get(
    '/api/admin/users',
    {
      ...admin,
      schema: {
        tags: ['admin'],
        summary: 'Users, newest first, searchable by username/email, filtered by plan (admin)',
        description: 'Change a plan with PUT /api/users/:id/subscription.',
        security,
        querystring: AdminUsersQuery,
        response: { 200: AdminUserList, ...errors },
      },
    },
    async (request) => {
      const { limit, offset, search, plan } = request.query;
      const page = await listUsers(ctx.db, { limit, offset, search, plan });
      const now = ctx.clock.now();
      return { items: page.items.map((u) => toAdminUser(u, now)), total: page.total, limit, offset };
    },
  );

  app.post(
    '/api/admin/users/:id/disable',
    {
      ...admin,
      schema: {
        tags: ['admin'],
        summary: 'Disable an account (admin): no login, every session ended, auto-trading off',
        security,
        params: IdParam,
        body: DisableUserBody,
        response: { 200: AdminUser, ...errors },
      },
    },
    async (request) => {
      const target = await targetUser(ctx, request);
      const actor = caller(request);
      if (target.id === actor.id)
        throw badRequest('cannot_disable_self', 'You cannot disable your own account');
      const now = ctx.clock.now();
      const updated = await ctx.db.transaction().execute(async (trx) => {
        const row = await updateUser(trx, target.id, {
          disabled_at: target.disabled_at ?? now,
          tokens_valid_after: now,
          auto_trade_enabled: 0,
          updated_at: now,
        });
        await revokeUserTokens(trx, target.id, now);
        await audit(trx, {
          action: 'admin_user_disabled',
          at: now,
          userId: target.id,
          actorId: actor.id,
          ip: request.ip,
          detail: { reason: request.body.reason ?? null },
        });
        return row ?? target;
      });
      return toAdminUser(updated, now);
    },
  );

  app.post(
    '/api/admin/users/:id/enable',
    {
      ...admin,
      schema: {
        tags: ['admin'],
        summary: 'Enable a disabled account again (admin); the user logs in anew',
        security,
        params: IdParam,
        response: { 200: AdminUser, ...errors },
      },
    },
    async (request) => {
      const target = await targetUser(ctx, request);
      const now = ctx.clock.now();
      const updated = await updateUser(ctx.db, target.id, { disabled_at: null, updated_at: now });
      await audit(ctx.db, {
        action: 'admin_user_enabled',
        at: now,
        userId: target.id,
        actorId: caller(request).id,
        ip: request.ip,
      });
      return toAdminUser(updated ?? target, now);
    },
  );
}
