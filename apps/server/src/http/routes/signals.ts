import { parseSignalJson, type ParsedSignal } from '@verzek/core';
import {
  ErrorBody,
  IdParam,
  SignalCreateBody,
  SignalCreated,
  SignalDetail,
  SignalEventBody,
  SignalEventResult,
  SignalFeed,
  SignalFeedQuery,
  iso,
} from '@verzek/contract';
import {
  findPositionBySignalUser,
  findSignal,
  findSignalBySourceMessage,
  findSourceByName,
  listSignalEvents,
  listSignals,
  type SignalSourceRow,
} from '@verzek/db';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context';
import { ApiError, badRequest, forbidden, notFound } from '../../errors';
import { effectivePlan } from '../../services/users/plan';
import { applyFollowUp } from '../../trading/signals/follow-ups';
import { ingestSignal } from '../../trading/signals/ingest';
import { signalView } from '../../trading/signals/signal-view';
import { sourceByName } from '../../trading/signals/sources';
import { authenticate, authenticateAdminOrSource, caller } from '../guards';
import type { App } from '../types';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const security = [{ bearer: [] }];

/** What a TRIAL user may see: posted at least `delay` ago, within the history window. */
export function trialWindow(ctx: AppContext, now: number) {
  const { delayMinutes, historyDays } = ctx.config.trading.trial;
  return { createdUpTo: now - delayMinutes * 60_000, createdFrom: now - historyDays * 86_400_000 };
}

/** Validates a §3 body through the domain parser; a refusal is a 400 with the parser's reason. */
export function parseSignalBody(body: Record<string, unknown>): ParsedSignal {
  const parsed = parseSignalJson(body);
  if (parsed.kind !== 'signal' || !parsed.signal) {
    throw badRequest(
      'invalid_signal',
      parsed.reason ?? 'not a complete signal (symbol, direction, entry, targets)',
    );
  }
  return parsed.signal;
}

export function registerSignalRoutes(app: App, ctx: AppContext): void {
  const auth = authenticate(ctx);
  const writer = authenticateAdminOrSource(ctx);

  /** The source a write is attributed to: the token's, or the named one (admins), or "api". */
  const writeSource = async (request: FastifyRequest, name: string | undefined): Promise<SignalSourceRow> => {
    if (request.source) {
      if (name !== undefined && name !== request.source.name) {
        throw forbidden('forbidden', 'A source token can only post as its own source');
      }
      return request.source;
    }
    if (name === undefined) return sourceByName(ctx.db, 'api', 'api', ctx.clock.now());
    const found = await findSourceByName(ctx.db, name);
    if (!found) throw badRequest('unknown_source', `No signal source named ${name}`);
    return found;
  };

  app.post(
    '/api/signals',
    {
      onRequest: writer,
      schema: {
        tags: ['signals'],
        summary: 'Post a signal (admin or source token): stored, broadcast, executed for followers',
        security,
        body: SignalCreateBody,
        response: { 200: SignalCreated, 201: SignalCreated, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const signal = parseSignalBody(body);
      const source = await writeSource(request, body.source);
      if (source.enabled !== 1) throw forbidden('source_disabled', `Source ${source.name} is disabled`);
      const result = await ingestSignal(
        {
          db: ctx.db,
          now: ctx.clock.now(),
          bus: ctx.bus,
          onQueued: () => ctx.workQueued(),
          metrics: ctx.metrics,
        },
        {
          source,
          signal,
          tradeType: body.trade_type ?? 'FUTURES',
          confidence: body.confidence ?? null,
          duration: body.duration ?? null,
          sourceMessageId: body.source_message_id === undefined ? null : String(body.source_message_id),
          raw: JSON.stringify(body),
          createdBy: request.account?.id ?? null,
        },
      );
      const tg = ctx.config.telegram;
      const broadcast = {
        app: { live_clients: ctx.bus.size },
        // The Telegram planner turns every stored signal into outbox rows for the groups.
        telegram:
          tg.botToken === undefined || (tg.vipChatId === undefined && tg.trialChatId === undefined)
            ? 'not configured'
            : 'queued',
      };
      if (result.status === 'duplicate') {
        if (!result.signal) throw new ApiError(409, 'duplicate', 'This source message was already received');
        return reply.code(200).send({
          id: result.signal.id,
          message: 'Duplicate: this source message was already received',
          duplicate: true,
          broadcast,
          executions: { queued: 0, blocked: 0, reason: null },
        });
      }
      return reply.code(201).send({
        id: result.signal.id,
        message: 'Signal broadcasted successfully',
        duplicate: false,
        broadcast,
        executions: { queued: result.queued, blocked: result.blocked, reason: result.blockedReason },
      });
    },
  );

  app.get(
    '/api/signals',
    {
      onRequest: auth,
      schema: {
        tags: ['signals'],
        summary: 'The signal feed, newest first',
        security,
        querystring: SignalFeedQuery,
        response: { 200: SignalFeed, ...errors },
      },
    },
    async (request) => {
      const user = caller(request);
      const now = ctx.clock.now();
      const trial = user.role !== 'ADMIN' && effectivePlan(user, now) === 'TRIAL';
      const rows = await listSignals(ctx.db, {
        ...(trial ? trialWindow(ctx, now) : {}),
        before: request.query.before,
        symbol: request.query.symbol,
        limit: request.query.limit,
      });
      return {
        items: rows.map(signalView),
        next_cursor: rows.length === request.query.limit ? (rows[rows.length - 1]?.id ?? null) : null,
        trial: trial
          ? {
              delay_minutes: ctx.config.trading.trial.delayMinutes,
              history_days: ctx.config.trading.trial.historyDays,
            }
          : null,
      };
    },
  );

  app.get(
    '/api/signals/:id',
    {
      onRequest: auth,
      schema: { tags: ['signals'], security, params: IdParam, response: { 200: SignalDetail, ...errors } },
    },
    async (request) => {
      const user = caller(request);
      const now = ctx.clock.now();
      const signal = await findSignal(ctx.db, request.params.id);
      if (!signal) throw notFound('Signal');
      if (user.role !== 'ADMIN' && effectivePlan(user, now) === 'TRIAL') {
        const w = trialWindow(ctx, now);
        if (signal.created_at > w.createdUpTo || signal.created_at < w.createdFrom) {
          throw forbidden(
            'upgrade_required',
            `On TRIAL, signals show ${ctx.config.trading.trial.delayMinutes} minutes after posting, for ${ctx.config.trading.trial.historyDays} days; VIP sees them at once`,
          );
        }
      }
      const [events, position] = await Promise.all([
        listSignalEvents(ctx.db, signal.id),
        findPositionBySignalUser(ctx.db, signal.id, user.id),
      ]);
      return {
        ...signalView(signal),
        events: events.map((e) => ({
          id: e.id,
          kind: e.kind,
          target: e.target,
          created_at: iso(e.created_at),
        })),
        my_position: position
          ? {
              id: position.id,
              status: position.status,
              realized_pnl_usdt: String(position.realized_pnl_usdt),
              realized_pnl_pct: position.realized_pnl_pct === null ? null : String(position.realized_pnl_pct),
            }
          : null,
      };
    },
  );

  app.post(
    '/api/signal-events',
    {
      onRequest: writer,
      schema: {
        tags: ['signals'],
        summary:
          'A follow-up (TP n, all TP, SL, cancelled, closed, entry filled, edit) applied to every follower',
        security,
        body: SignalEventBody,
        response: { 200: SignalEventResult, ...errors },
      },
    },
    async (request) => {
      const body = request.body;
      const source = await writeSource(request, body.source);
      const signal =
        body.signal_id !== undefined
          ? await findSignal(ctx.db, body.signal_id)
          : await findSignalBySourceMessage(ctx.db, source.id, String(body.source_message_id));
      if (!signal) throw notFound('Signal');
      if (request.source && signal.source_id !== request.source.id) {
        throw forbidden('forbidden', 'A source token can only update its own signals');
      }
      const edit =
        body.kind === 'EDIT'
          ? {
              targets:
                body.targets === undefined || body.targets === null ? undefined : body.targets.map(String),
              stop_loss:
                body.stop_loss === undefined
                  ? undefined
                  : body.stop_loss === null
                    ? null
                    : String(body.stop_loss),
            }
          : undefined;
      if (body.kind === 'EDIT' && edit?.targets === undefined && edit?.stop_loss === undefined) {
        throw badRequest('validation_failed', 'EDIT needs targets and/or stop_loss');
      }
      const result = await applyFollowUp(
        { db: ctx.db, now: ctx.clock.now(), bus: ctx.bus, onQueued: () => ctx.workQueued() },
        {
          signal,
          kind: body.kind,
          target: body.target ?? null,
          edit,
          dedupKey: body.event_id === undefined ? null : String(body.event_id),
          sourceId: signal.source_id,
        },
      );
      if (result.status === 'rejected') throw badRequest('invalid_event', result.reason);
      if (result.status === 'duplicate')
        return { status: 'duplicate' as const, event_id: null, positions: 0 };
      return { status: 'applied' as const, event_id: result.eventId, positions: result.positions };
    },
  );
}
