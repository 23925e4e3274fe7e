import {
  ErrorBody,
  IdParam,
  OrderCancelResult,
  OrderIdParam,
  OrderList,
  PositionCloseBody,
  PositionCloseResult,
  PositionHistory,
  PositionHistoryQuery,
  PositionIdParam,
  PositionList,
  PositionListQuery,
  type Position,
  TradeCloseBody,
  TradeExecuteBody,
  TradeExecuted,
  TradeMarketBody,
  TradePreview,
  TradePreviewBody,
  UserIdParam,
} from '@verzek/contract';
import { findPosition, findUserById, listPositions, type UserRow } from '@verzek/db';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context';
import { forbidden, notFound } from '../../errors';
import { hasPlan, effectivePlan } from '../../services/users/plan';
import { cancelOrderById, ownPosition, requestClose, type CloseDeps } from '../../trading/manual/close';
import { positionHistory } from '../../trading/manual/history';
import { ManualMarkets } from '../../trading/manual/market';
import { openManualTrade } from '../../trading/manual/open';
import { previewManualTrade, type ExecuteEligibility } from '../../trading/manual/preview';
import { resolveTrade } from '../../trading/manual/request';
import { loadTrader } from '../../trading/manual/trader';
import { orderView, parseState, positionView } from '../../trading/manual/views';
import { authenticate, caller } from '../guards';
import type { App } from '../types';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const security = [{ bearer: [] }];
const LIVE = ['PENDING', 'OPEN', 'PARTIAL'] as const;

/** Why this user may not place trades (§5: PREMIUM, a verified email, auto-trading on), or null. */
function tradingProblem(user: UserRow, now: number): { error: string; reason: string } | null {
  if (!hasPlan(user, 'PREMIUM', now)) {
    return {
      error: 'upgrade_required',
      reason: `Trading needs the PREMIUM plan; you are on ${effectivePlan(user, now)}`,
    };
  }
  if (user.email_verified_at === null) {
    return { error: 'email_unverified', reason: 'Confirm your email address before trading' };
  }
  if (user.auto_trade_enabled !== 1) {
    return {
      error: 'auto_trade_disabled',
      reason: 'Turn auto-trading on in your strategy settings (auto_trade_enabled) to place trades',
    };
  }
  return null;
}

/**
 * §5 trading endpoints: preview, execute and market entries (opened as manual positions through the
 * signal machinery), closes, positions with history and daily aggregates, orders and order cancels.
 * Everyone reaches only their own positions (admins: all); see docs in each service.
 */
export function registerTradingRoutes(app: App, ctx: AppContext): void {
  const auth = authenticate(ctx);
  const markets = new ManualMarkets(ctx.feed, ctx.config.trading.paper);
  const canTrade = (request: FastifyRequest) => {
    const problem = tradingProblem(caller(request), ctx.clock.now());
    if (problem) throw forbidden(problem.error, problem.reason);
    return Promise.resolve();
  };
  const closeDeps = (): CloseDeps => ({
    db: ctx.db,
    now: ctx.clock.now(),
    kick: () => ctx.workQueued(),
  });
  const view = async (id: number) => {
    const row = await findPosition(ctx.db, id);
    if (!row) throw notFound('Position');
    return positionView(row);
  };

  app.post(
    '/api/trade/preview',
    {
      onRequest: auth,
      schema: {
        tags: ['trading'],
        summary: 'Size a trade and ask the risk engine, without placing anything',
        security,
        body: TradePreviewBody,
        response: { 200: TradePreview, ...errors },
      },
    },
    async (request) => {
      const user = caller(request);
      const now = ctx.clock.now();
      const problem = tradingProblem(user, now);
      const execute: ExecuteEligibility = {
        allowed: problem === null,
        error: problem?.error ?? null,
        reason: problem?.reason ?? null,
      };
      return previewManualTrade({ db: ctx.db, markets, now }, user, request.body, execute);
    },
  );

  const place = async (
    user: UserRow,
    trade: TradeExecuteBody | TradeMarketBody,
  ): Promise<{ status: 200 | 201; body: { message: string; replayed: boolean; position: Position } }> => {
    const now = ctx.clock.now();
    const trader = await loadTrader({ db: ctx.db, markets, now }, user, trade);
    const resolved = resolveTrade(trade, trader, false);
    const opened = await openManualTrade(
      {
        db: ctx.db,
        dialect: ctx.dbHandle.dialect,
        now,
        bus: ctx.bus,
        trading: ctx.trading,
        metrics: ctx.metrics,
      },
      trader,
      resolved,
      trade.request_id,
    );
    return {
      status: opened.replayed ? 200 : 201,
      body: {
        message: opened.replayed ? 'This request was already executed' : 'Trade placed',
        replayed: opened.replayed,
        position: await view(opened.positionId),
      },
    };
  };

  app.post(
    '/api/trade/execute',
    {
      onRequest: [auth, canTrade],
      schema: {
        tags: ['trading'],
        summary:
          'Place a trade (PREMIUM, auto-trading on, verified email); 409 when the risk engine blocks it',
        security,
        body: TradeExecuteBody,
        response: { 200: TradeExecuted, 201: TradeExecuted, ...errors },
      },
    },
    async (request, reply) => {
      const r = await place(caller(request), request.body);
      return reply.code(r.status).send(r.body);
    },
  );

  app.post(
    '/api/trade/market',
    {
      onRequest: [auth, canTrade],
      schema: {
        tags: ['trading'],
        summary: 'Enter at market now (size by qty, usdt or per_trade_usdt; stop required)',
        security,
        body: TradeMarketBody,
        response: { 200: TradeExecuted, 201: TradeExecuted, ...errors },
      },
    },
    async (request, reply) => {
      const r = await place(caller(request), request.body);
      return reply.code(r.status).send(r.body);
    },
  );

  const close = async (request: FastifyRequest, id: number, note: string | undefined) => {
    const deps = closeDeps();
    const row = await ownPosition(ctx.db, caller(request), id);
    await requestClose(deps, row, note ?? null);
    return {
      message: 'Close requested: open orders are cancelled and the remainder closed at market',
      position: positionView(row),
    };
  };

  app.post(
    '/api/trade/close',
    {
      onRequest: auth,
      schema: {
        tags: ['trading'],
        summary: 'Close a position (own; admins: any)',
        security,
        body: TradeCloseBody,
        response: { 202: PositionCloseResult, ...errors },
      },
    },
    async (request, reply) =>
      reply.code(202).send(await close(request, request.body.position_id, request.body.reason)),
  );

  app.post(
    '/api/positions/:id/close',
    {
      onRequest: auth,
      schema: {
        tags: ['trading'],
        summary: 'Close a position (own; admins: any)',
        security,
        params: IdParam,
        body: PositionCloseBody,
        response: { 202: PositionCloseResult, ...errors },
      },
    },
    async (request, reply) =>
      reply.code(202).send(await close(request, request.params.id, request.body?.reason)),
  );

  const list = async (q: {
    userId: number | undefined;
    statuses: readonly string[];
    limit: number;
    before?: number;
  }) => {
    const rows = await listPositions(ctx.db, {
      userId: q.userId,
      statuses: q.statuses as (typeof LIVE)[number][],
      before: q.before,
      limit: q.limit,
    });
    return {
      items: rows.map((row) => positionView(row)),
      next_before: rows.length === q.limit ? (rows[rows.length - 1]?.id ?? null) : null,
    };
  };

  app.get(
    '/api/positions',
    {
      onRequest: auth,
      schema: {
        tags: ['trading'],
        summary: 'Positions, newest first (own; admins: everyone’s, or ?user_id=)',
        security,
        querystring: PositionListQuery,
        response: { 200: PositionList, ...errors },
      },
    },
    async (request) => {
      const user = caller(request);
      const q = request.query;
      if (user.role !== 'ADMIN' && q.user_id !== undefined && q.user_id !== user.id) {
        throw forbidden('forbidden', 'You can only reach your own positions');
      }
      return list({
        userId: user.role === 'ADMIN' ? q.user_id : user.id,
        statuses: q.status ?? LIVE,
        limit: q.limit,
        before: q.before,
      });
    },
  );

  const selfOrAdmin = (request: FastifyRequest, id: number) => {
    const user = caller(request);
    if (user.role !== 'ADMIN' && id !== user.id) {
      throw forbidden('forbidden', 'You can only reach your own positions');
    }
  };
  /** The user whose data is asked for: the caller, or (admins) another existing user. */
  const subject = async (request: FastifyRequest, id: number | undefined): Promise<UserRow> => {
    const user = caller(request);
    if (id === undefined || id === user.id) return user;
    selfOrAdmin(request, id);
    const target = await findUserById(ctx.db, id);
    if (!target) throw notFound('User');
    return target;
  };

  app.get(
    '/api/positions/history',
    {
      onRequest: auth,
      schema: {
        tags: ['trading'],
        summary: 'Ended positions of the last N days with per-day aggregates (UTC days)',
        security,
        querystring: PositionHistoryQuery,
        response: { 200: PositionHistory, ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const user = await subject(request, q.user_id);
      return positionHistory({ db: ctx.db, dialect: ctx.dbHandle.dialect, now: ctx.clock.now() }, user, q);
    },
  );

  app.get(
    '/api/positions/:userId',
    {
      onRequest: [
        auth,
        (request) => {
          selfOrAdmin(request, Number((request.params as { userId?: unknown }).userId));
          return Promise.resolve();
        },
      ],
      schema: {
        tags: ['trading'],
        summary: 'One user’s positions (self or admin)',
        security,
        params: UserIdParam,
        querystring: PositionListQuery.omit({ user_id: true }),
        response: { 200: PositionList, ...errors },
      },
    },
    async (request) => {
      const user = await subject(request, request.params.userId);
      const q = request.query;
      return list({ userId: user.id, statuses: q.status ?? LIVE, limit: q.limit, before: q.before });
    },
  );

  app.get(
    '/api/orders/:positionId',
    {
      onRequest: auth,
      schema: {
        tags: ['trading'],
        summary: 'The orders of a position (own; admins: any)',
        security,
        params: PositionIdParam,
        response: { 200: OrderList, ...errors },
      },
    },
    async (request) => {
      const row = await ownPosition(ctx.db, caller(request), request.params.positionId);
      const state = parseState(row);
      return {
        position: positionView(row, state),
        orders: state.orders.map((o) => orderView(row, state, o)),
      };
    },
  );

  app.post(
    '/api/orders/:orderId/cancel',
    {
      onRequest: auth,
      schema: {
        tags: ['trading'],
        summary:
          'Cancel an order by its client order id: only an unfilled entry of a position with nothing filled (it cancels the position)',
        security,
        params: OrderIdParam,
        response: { 202: OrderCancelResult, ...errors },
      },
    },
    async (request, reply) => {
      const { row, leg } = await cancelOrderById(closeDeps(), caller(request), request.params.orderId);
      const state = parseState(row);
      const order = state.orders.find((o) => o.leg === leg)!;
      return reply.code(202).send({
        message: 'Cancel requested: the position is cancelled with its entry orders',
        order: orderView(row, state, order),
        position: positionView(row, state),
      });
    },
  );
}
