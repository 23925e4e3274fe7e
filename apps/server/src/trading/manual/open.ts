import { createHash, randomBytes } from 'node:crypto';
import { openPosition, validatePositionPlan, type PositionCommand } from '@verzek/core';
import { insertOrderRefs, insertPosition, insertRiskEvent, type Db } from '@verzek/db';
import { clientOrderId } from '@verzek/exchange';
import { sql } from 'kysely';
import type { TradingHandle } from '../../context';
import { ApiError } from '../../errors';
import type { EventBus } from '../../events/bus';
import type { TradingMetrics } from '../../metrics/server-metrics';
import { positionSummary, stateColumns } from '../engine/state-columns';
import { planTrade } from '../plan-trade';
import { RiskFacts } from '../risk-context';
import type { ManualTrader, ResolvedTrade } from './request';

export interface OpenDeps {
  db: Db;
  dialect: 'sqlite' | 'postgres';
  now: number;
  bus: EventBus;
  /** This process's trading runtime, when it runs one: the new position is handed to its engine. */
  trading: TradingHandle | null;
  /** Counts risk blocks (verzek_risk_blocks_total). */
  metrics?: TradingMetrics;
}

/** The stable key of a manual position (client order ids derive from it): `m` + 32 hex characters. */
export function manualOrderKey(userId: number, requestId: string | null): string {
  const hex =
    requestId === null
      ? randomBytes(16).toString('hex')
      : createHash('sha256').update(`${userId}|${requestId}`).digest('hex').slice(0, 32);
  return `m${hex}`;
}

/** Sizing refusals that are the request's fault (400); every other refusal is a 409. */
const BAD_INPUT = new Set(['invalid_input', 'stop_required']);

/**
 * Opens a manual position through the signal machinery: `planTrade` sizes and vets it against the
 * risk engine (in a transaction that locks the user on PostgreSQL, so two requests can't both pass a
 * limit), then the position is inserted with its order refs — leased to this process's engine and
 * adopted with its opening commands when it has room, else unleased with work pending for any
 * worker to claim (the engine then re-derives the leverage and entry orders from the state).
 *
 * A risk-engine block is recorded as a risk event and answered 409 `{error: <risk code>, reason}`.
 * With a `requestId`, a retry returns the position already opened (`replayed`).
 */
export async function openManualTrade(
  deps: OpenDeps,
  trader: ManualTrader,
  trade: ResolvedTrade,
  requestId: string | null,
): Promise<{ positionId: number; replayed: boolean }> {
  const { db, now } = deps;
  if (trade.sizeProblem) throw new ApiError(409, trade.sizeProblem.code, trade.sizeProblem.reason);
  const userId = trader.user.id;
  const orderKey = manualOrderKey(userId, requestId);
  // This process's engine takes it at once when it has room; otherwise it waits unleased in the
  // queue for whichever engine is free first.
  const handoff = deps.trading !== null && deps.trading.freeSlots() > 0 ? deps.trading : null;

  type Outcome =
    | { kind: 'opened'; id: number; commands: PositionCommand[]; summary: Record<string, unknown> }
    | { kind: 'replayed'; id: number }
    | { kind: 'refused'; status: number; error: string; reason: string };

  const outcome = await db.transaction().execute(async (trx): Promise<Outcome> => {
    if (deps.dialect === 'postgres') {
      await sql`select id from users where id = ${userId} for update`.execute(trx);
    }
    if (requestId !== null) {
      const existing = await trx
        .selectFrom('positions')
        .select('id')
        .where('order_key', '=', orderKey)
        .executeTakeFirst();
      if (existing) return { kind: 'replayed', id: existing.id };
    }
    const facts = await RiskFacts.load(trx, [userId], now);
    const planned = planTrade(trade.req, trade.trader, facts.context(userId, trade.trader.settings, now));
    if (!planned.ok) {
      if (planned.risk) {
        await insertRiskEvent(trx, {
          userId,
          signalId: null,
          code: planned.code,
          reason: planned.reason,
          data: { manual: true, symbol: trade.req.symbol, direction: trade.req.direction },
          now,
        });
        deps.metrics?.riskBlock(planned.code);
      }
      return {
        kind: 'refused',
        status: BAD_INPUT.has(planned.code) ? 400 : 409,
        error: planned.code,
        reason: planned.reason,
      };
    }
    // The machine checks the stop and targets against the entry price; a market entry has none in
    // the plan, so check against the price it was sized at.
    const errors = validatePositionPlan({
      ...planned.plan,
      entry_reference: planned.plan.entry_reference ?? planned.entryPrice,
    });
    if (errors.length > 0) {
      return { kind: 'refused', status: 400, error: 'invalid_trade', reason: errors.join('; ') };
    }
    const { state, commands } = openPosition(planned.plan, now);
    const id = await insertPosition(trx, {
      user_id: userId,
      signal_id: null,
      exchange_account_id: trader.account.id,
      venue: trader.account.provider,
      order_key: orderKey,
      symbol: planned.plan.symbol,
      direction: planned.plan.direction,
      leverage: planned.plan.leverage,
      ...stateColumns(state),
      pending_work: 1,
      lease_owner: handoff?.engineOwner ?? null,
      lease_until: handoff?.leaseUntil(now) ?? null,
      claims: handoff ? 1 : 0,
      created_at: now,
      updated_at: now,
    });
    await insertOrderRefs(
      trx,
      state.orders.map((o) => ({
        client_order_id: clientOrderId(orderKey, o.leg),
        position_id: id,
        leg: o.leg,
        user_id: userId,
        created_at: now,
      })),
    );
    return { kind: 'opened', id, commands, summary: positionSummary(id, userId, null, state) };
  });

  if (outcome.kind === 'refused') throw new ApiError(outcome.status, outcome.error, outcome.reason);
  if (outcome.kind === 'replayed') return { positionId: outcome.id, replayed: true };
  if (handoff) handoff.adopt(outcome.id, outcome.commands);
  else deps.trading?.kick();
  deps.bus.publish({ type: 'position', audience: { userId }, data: outcome.summary });
  return { positionId: outcome.id, replayed: false };
}
