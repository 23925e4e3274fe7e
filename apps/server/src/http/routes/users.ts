import {
  DcaSettings,
  DcaSettingsPatch,
  ErrorBody,
  GeneralSettings,
  GeneralSettingsPatch,
  IdParam,
  iso,
  RiskSettingsPatch,
  RiskSettingsResponse,
  StrategySettings,
  StrategySettingsPatch,
  Subscription,
  SubscriptionUpdate,
  UserList,
  UserListQuery,
  type RiskSettings,
} from '@verzek/contract';
import { listUsers, updateUser, type SettingsSection, type UserRow } from '@verzek/db';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context';
import { forbidden } from '../../errors';
import { audit } from '../../services/audit';
import { noticeUser } from '../../services/notify/notify';
import { effectivePlan } from '../../services/users/plan';
import { loadSection, saveSection } from '../../services/users/settings';
import { toUserView } from '../../services/users/user-view';
import { authenticate, caller, requireAdmin, requireSelfOrAdmin, targetUser } from '../guards';
import type { App } from '../types';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };
const security = [{ bearer: [] }];

const riskView = (r: RiskSettings) => ({ ...r, max_open_trades: r.max_concurrent_trades });

export function registerUserRoutes(app: App, ctx: AppContext): void {
  const auth = authenticate(ctx);
  // Checked before the body is validated: another user’s id is a 403 whatever the body.
  const self = { onRequest: [auth, requireSelfOrAdmin] };

  app.get(
    '/api/users',
    {
      onRequest: [auth, requireAdmin],
      schema: {
        tags: ['admin'],
        summary: 'Users (admin)',
        security,
        querystring: UserListQuery,
        response: { 200: UserList, ...errors },
      },
    },
    async (request) => {
      const { limit, offset, search, plan } = request.query;
      const page = await listUsers(ctx.db, { limit, offset, search, plan });
      const now = ctx.clock.now();
      return { items: page.items.map((u) => toUserView(u, now)), total: page.total, limit, offset };
    },
  );

  /** Records admins changing someone else's settings. */
  const auditAdminEdit = async (request: FastifyRequest, target: UserRow, section: SettingsSection) => {
    const actor = caller(request);
    if (actor.id === target.id) return;
    await audit(ctx.db, {
      action: 'admin_settings_changed',
      at: ctx.clock.now(),
      userId: target.id,
      actorId: actor.id,
      ip: request.ip,
      detail: { section },
    });
  };

  app.get(
    '/api/users/:id/general',
    {
      ...self,
      schema: {
        tags: ['settings'],
        security,
        params: IdParam,
        response: { 200: GeneralSettings, ...errors },
      },
    },
    async (request) => loadSection(ctx.db, await targetUser(ctx, request), 'general'),
  );
  app.put(
    '/api/users/:id/general',
    {
      ...self,
      schema: {
        tags: ['settings'],
        security,
        params: IdParam,
        body: GeneralSettingsPatch,
        response: { 200: GeneralSettings, ...errors },
      },
    },
    async (request) => {
      const target = await targetUser(ctx, request);
      const saved = await saveSection(ctx.db, target, 'general', request.body, ctx.clock.now());
      await auditAdminEdit(request, target, 'general');
      return saved;
    },
  );

  app.get(
    '/api/users/:id/dca',
    {
      ...self,
      schema: { tags: ['settings'], security, params: IdParam, response: { 200: DcaSettings, ...errors } },
    },
    async (request) => loadSection(ctx.db, await targetUser(ctx, request), 'dca'),
  );
  app.put(
    '/api/users/:id/dca',
    {
      ...self,
      schema: {
        tags: ['settings'],
        security,
        params: IdParam,
        body: DcaSettingsPatch,
        response: { 200: DcaSettings, ...errors },
      },
    },
    async (request) => {
      const target = await targetUser(ctx, request);
      const saved = await saveSection(ctx.db, target, 'dca', request.body, ctx.clock.now());
      await auditAdminEdit(request, target, 'dca');
      return saved;
    },
  );

  app.get(
    '/api/users/:id/risk',
    {
      ...self,
      schema: {
        tags: ['settings'],
        security,
        params: IdParam,
        response: { 200: RiskSettingsResponse, ...errors },
      },
    },
    async (request) => riskView(await loadSection(ctx.db, await targetUser(ctx, request), 'risk')),
  );
  app.put(
    '/api/users/:id/risk',
    {
      ...self,
      schema: {
        tags: ['settings'],
        security,
        params: IdParam,
        body: RiskSettingsPatch,
        response: { 200: RiskSettingsResponse, ...errors },
      },
    },
    async (request) => {
      const target = await targetUser(ctx, request);
      const { max_open_trades, ...patch } = request.body;
      if (max_open_trades !== undefined && patch.max_concurrent_trades === undefined) {
        patch.max_concurrent_trades = max_open_trades;
      }
      const saved = await saveSection(ctx.db, target, 'risk', patch, ctx.clock.now());
      await auditAdminEdit(request, target, 'risk');
      return riskView(saved);
    },
  );

  app.get(
    '/api/users/:id/strategy',
    {
      ...self,
      schema: {
        tags: ['settings'],
        security,
        params: IdParam,
        response: { 200: StrategySettings, ...errors },
      },
    },
    async (request) => loadSection(ctx.db, await targetUser(ctx, request), 'strategy'),
  );
  app.put(
    '/api/users/:id/strategy',
    {
      ...self,
      schema: {
        tags: ['settings'],
        security,
        params: IdParam,
        body: StrategySettingsPatch,
        response: { 200: StrategySettings, ...errors },
      },
    },
    async (request) => {
      const target = await targetUser(ctx, request);
      if (request.body.auto_trade_enabled === true) {
        // Auto-trading is trading: PREMIUM and a verified email, whoever flips the switch.
        if (effectivePlan(target, ctx.clock.now()) !== 'PREMIUM') {
          throw forbidden('upgrade_required', 'Auto-trading needs the PREMIUM plan');
        }
        if (target.email_verified_at === null) {
          throw forbidden('email_unverified', 'Confirm the email address before turning auto-trading on');
        }
      }
      const saved = await saveSection(ctx.db, target, 'strategy', request.body, ctx.clock.now());
      await auditAdminEdit(request, target, 'strategy');
      return saved;
    },
  );

  const subscriptionView = (user: UserRow) => {
    const now = ctx.clock.now();
    const plan = effectivePlan(user, now);
    const expires = plan === 'TRIAL' ? null : user.plan_expires_at;
    return {
      plan,
      expires_at: iso(expires),
      active: plan !== 'TRIAL' || user.plan === 'TRIAL',
      days_left: expires === null ? null : Math.max(0, Math.ceil((expires - now) / 86_400_000)),
    };
  };
  app.get(
    '/api/users/:id/subscription',
    {
      ...self,
      schema: { tags: ['settings'], security, params: IdParam, response: { 200: Subscription, ...errors } },
    },
    async (request) => subscriptionView(await targetUser(ctx, request)),
  );
  app.put(
    '/api/users/:id/subscription',
    {
      onRequest: [auth, requireAdmin],
      schema: {
        tags: ['admin'],
        summary: 'Change a plan (admin). Paid plans default to 30 days from now.',
        security,
        params: IdParam,
        body: SubscriptionUpdate,
        response: { 200: Subscription, ...errors },
      },
    },
    async (request) => {
      const target = await targetUser(ctx, request);
      const now = ctx.clock.now();
      const { plan, expires_at } = request.body;
      const expiry =
        plan === 'TRIAL'
          ? null
          : expires_at === undefined
            ? now + 30 * 86_400_000
            : expires_at === null
              ? null
              : Date.parse(expires_at);
      // One transaction: the plan, its audit entry and the notice (which the Telegram planner turns
      // into a VIP invite or a removal) exist together or not at all.
      const updated = await ctx.db.transaction().execute(async (trx) => {
        const row = await updateUser(trx, target.id, {
          plan,
          plan_expires_at: expiry,
          // Leaving PREMIUM stops auto-trading.
          ...(plan !== 'PREMIUM' ? { auto_trade_enabled: 0 } : {}),
          updated_at: now,
        });
        await audit(trx, {
          action: 'admin_plan_changed',
          at: now,
          userId: target.id,
          actorId: caller(request).id,
          ip: request.ip,
          detail: { from: target.plan, to: plan, expires_at: iso(expiry) },
        });
        if (plan !== target.plan || expiry !== target.plan_expires_at) {
          await noticeUser(trx, {
            userId: target.id,
            kind: plan === 'TRIAL' ? 'plan_expired' : 'plan_activated',
            text:
              plan === 'TRIAL'
                ? 'Your plan was set back to TRIAL by an administrator; auto-trading is off.'
                : `Your plan is now ${plan}${expiry === null ? '' : ` until ${iso(expiry)}`} (set by an administrator).`,
            data: { plan, expires_at: iso(expiry), by: 'admin' },
            at: now,
          });
        }
        return row;
      });
      return subscriptionView(updated ?? target);
    },
  );
}
