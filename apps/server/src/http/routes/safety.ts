import {
  ErrorBody,
  iso,
  RiskEventList,
  RiskEventsQuery,
  RiskLimitsMe,
  RiskSettingsPatch,
  SafetyStatus,
  SafetyToggleBody,
  SafetyWidget,
} from '@verzek/contract';
import { dec, decStr, decSum, roundDp, PCT_DP, USDT_DP } from '@verzek/core';
import { activeWorkers, countRiskEvents, listRiskEvents, readSafety } from '@verzek/db';
import type { AppContext } from '../../context';
import { systemDrawdownPct } from '../../services/safety/drawdown';
import { setKillSwitch } from '../../services/safety/kill-switch';
import { loadTradingSettings, saveSection } from '../../services/users/settings';
import { RiskFacts, utcDayStart } from '../../trading/risk-context';
import { WORKER_STALE_MS } from '../../workers/heartbeat';
import { authenticate, caller, requireAdmin } from '../guards';
import type { App } from '../types';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };
const security = [{ bearer: [] }];
const DAY = 86_400_000;

export function registerSafetyRoutes(app: App, ctx: AppContext): void {
  const auth = authenticate(ctx);
  const adminOnly = [auth, requireAdmin];

  const status = async () => {
    const now = ctx.clock.now();
    const [safety, dd, workers] = await Promise.all([
      readSafety(ctx.db),
      systemDrawdownPct(ctx.db, now - DAY),
      activeWorkers(ctx.db, now - WORKER_STALE_MS),
    ]);
    return {
      global_kill_switch: safety.kill_switch === 1,
      reason: safety.reason,
      set_by: safety.set_by,
      global_max_dd_pct: ctx.config.trading.globalMaxDrawdownPct,
      last24h_drawdown_pct: dd.pct,
      active_workers: workers.length,
      timestamp: iso(now),
    };
  };

  app.get(
    '/api/safety/status',
    { onRequest: auth, schema: { tags: ['safety'], security, response: { 200: SafetyStatus, ...errors } } },
    status,
  );

  app.get(
    '/api/safety/widget',
    { onRequest: auth, schema: { tags: ['safety'], security, response: { 200: SafetyWidget, ...errors } } },
    async () => {
      const now = ctx.clock.now();
      const dayStart = utcDayStart(now);
      const [safety, dd, blocks, trades] = await Promise.all([
        readSafety(ctx.db),
        systemDrawdownPct(ctx.db, dayStart),
        countRiskEvents(ctx.db, dayStart),
        ctx.db
          .selectFrom('positions')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('created_at', '>=', dayStart)
          .executeTakeFirstOrThrow(),
      ]);
      return {
        kill_switch: safety.kill_switch === 1,
        today_dd_pct: dd.pct,
        today_trades: Number(trades.n),
        blocks,
        max_dd_limit: ctx.config.trading.globalMaxDrawdownPct,
        timestamp: iso(now),
      };
    },
  );

  app.post(
    '/api/safety/toggle',
    {
      onRequest: adminOnly,
      schema: {
        tags: ['safety'],
        summary: 'Global kill switch (admin)',
        security,
        body: SafetyToggleBody,
        response: { 200: SafetyStatus, ...errors },
      },
    },
    async (request) => {
      const user = caller(request);
      const on = request.body.kill_switch;
      await setKillSwitch(
        { db: ctx.db, bus: ctx.bus, now: ctx.clock.now() },
        {
          on,
          by: 'admin',
          userId: user.id,
          reason:
            request.body.reason ?? (on ? 'turned on by an administrator' : 'turned off by an administrator'),
          ip: request.ip,
        },
      );
      return status();
    },
  );

  app.get(
    '/api/risk/events',
    {
      onRequest: adminOnly,
      schema: {
        tags: ['safety'],
        summary: 'Risk blocks (admin)',
        security,
        querystring: RiskEventsQuery,
        response: { 200: RiskEventList, ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const rows = await listRiskEvents(ctx.db, {
        since: q.since === undefined ? undefined : Date.parse(q.since),
        userId: q.user_id,
        before: q.before,
        limit: q.limit,
      });
      return {
        items: rows.map((r) => ({
          ...r,
          data: JSON.parse(r.data) as Record<string, unknown>,
          created_at: iso(r.created_at),
        })),
        next_before: rows.length === q.limit ? (rows[rows.length - 1]?.id ?? null) : null,
      };
    },
  );

  const limitsView = async (userId: number) => {
    const user = await ctx.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    const settings = (await loadTradingSettings(ctx.db, [user])).get(user.id)!;
    const now = ctx.clock.now();
    const facts = await RiskFacts.load(ctx.db, [user.id], now);
    const risk = facts.context(user.id, settings, now);
    const exposure = decSum(risk.open_positions.map((p) => p.margin_usdt));
    const capital = dec(settings.strategy.capital_usdt);
    const closed = await ctx.db
      .selectFrom('positions')
      .select('realized_pnl_usdt')
      .where('user_id', '=', user.id)
      .where('status', '=', 'CLOSED')
      .where('closed_at', '>=', utcDayStart(now))
      .execute();
    const lastLoss = risk.today.last_loss_at;
    const cooldownUntil =
      lastLoss === null ? null : lastLoss + settings.risk.cooldown_minutes_after_loss * 60_000;
    return {
      ...settings.risk,
      max_open_trades: settings.risk.max_concurrent_trades,
      current: {
        open_trades: risk.open_positions.length,
        exposure_usdt: decStr(roundDp(exposure, USDT_DP)),
        exposure_pct: decStr(roundDp(exposure.div(capital).mul(100), PCT_DP)),
        today_trades: risk.today.trade_count,
        today_realized_pnl_usdt: decStr(
          roundDp(decSum(closed.map((c) => String(c.realized_pnl_usdt))), USDT_DP),
        ),
        today_realized_pnl_pct: String(risk.today.realized_pnl_pct),
        cooldown_until: cooldownUntil !== null && cooldownUntil > now ? iso(cooldownUntil) : null,
      },
    };
  };

  app.get(
    '/api/risk/limits/me',
    {
      onRequest: auth,
      schema: {
        tags: ['safety'],
        summary: 'My risk limits with live exposure and today’s numbers',
        security,
        response: { 200: RiskLimitsMe, ...errors },
      },
    },
    (request) => limitsView(caller(request).id),
  );

  app.put(
    '/api/risk/limits/me',
    {
      onRequest: auth,
      schema: {
        tags: ['safety'],
        security,
        body: RiskSettingsPatch,
        response: { 200: RiskLimitsMe, ...errors },
      },
    },
    async (request) => {
      const user = caller(request);
      const { max_open_trades, ...patch } = request.body;
      if (max_open_trades !== undefined && patch.max_concurrent_trades === undefined)
        patch.max_concurrent_trades = max_open_trades;
      await saveSection(ctx.db, user, 'risk', patch, ctx.clock.now());
      return limitsView(user.id);
    },
  );
}
