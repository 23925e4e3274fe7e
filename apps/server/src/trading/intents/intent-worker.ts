import { openPosition, type PositionCommand, type PositionState } from '@verzek/core';
import {
  claimIntents,
  finishIntent,
  findActiveExchangeAccounts,
  insertOrderRefs,
  insertPositions,
  insertRiskEvent,
  type Db,
  type ExchangeAccountRow,
  type ExecutionIntentRow,
  type NewPosition,
  type PositionRow,
  type SignalRow,
  type UserRow,
} from '@verzek/db';
import { clientOrderId, type ExchangeAccount } from '@verzek/exchange';
import type { Clock, Logger } from '@verzek/platform';
import { sql } from 'kysely';
import type { EventBus } from '../../events/bus';
import type { TradingMetrics } from '../../metrics/server-metrics';
import { noticeUser } from '../../services/notify/notify';
import { loadTradingSettings, type TradingSettings } from '../../services/users/settings';
import { ensurePaperAccounts } from '../accounts';
import type { PositionEngine } from '../engine/position-engine';
import { stateColumns } from '../engine/state-columns';
import type { Markets } from '../markets';
import { planTrade, type TradeRequest, type TraderContext } from '../plan-trade';
import { RiskFacts } from '../risk-context';
import type { VenueRegistry } from '../venues/venue-registry';
import { Waker } from '../waker';
import { followerProblem } from './eligibility';
import { localOwner } from '../../local-owner';

export interface IntentWorkerOptions {
  batchSize: number;
  leaseMs: number;
  idleMs: number;
}

export interface IntentWorkerDeps {
  db: Db;
  dialect: 'sqlite' | 'postgres';
  clock: Clock;
  logger: Logger;
  bus: EventBus;
  /** Counts risk blocks (verzek_risk_blocks_total). */
  metrics?: TradingMetrics;
  engine: PositionEngine;
  venues: VenueRegistry;
  markets: Markets;
}

type Prepared =
  | { intent: ExecutionIntentRow; blocked: { code: string; reason: string } }
  | {
      intent: ExecutionIntentRow;
      signal: SignalRow;
      user: UserRow;
      settings: TradingSettings;
      trader: TraderContext;
      adapter: ExchangeAccount;
    };

/**
 * Turns execution intents (one per signal and follower) into positions: checks the follower is still
 * eligible, sizes the trade from their settings, runs the risk engine, and creates the position — or
 * records why not. A batch of intents is decided in one transaction that also locks the users (on
 * PostgreSQL), so concurrent workers can't both let a user past a limit.
 */
export class IntentWorker {
  readonly owner = localOwner('intents');
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly waker = new Waker();
  private readonly options: IntentWorkerOptions;

  constructor(
    private readonly deps: IntentWorkerDeps,
    options: Partial<IntentWorkerOptions> = {},
  ) {
    this.options = { batchSize: 200, leaseMs: 60_000, idleMs: 250, ...options };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        let n = 0;
        try {
          n = await this.runOnce();
        } catch (err) {
          this.deps.logger.error({ err }, 'intent batch failed; its intents will be retried');
        }
        if (n === 0) await this.waker.sleep(this.options.idleMs);
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.waker.kick();
    await this.loop;
  }

  kick(): void {
    this.waker.kick();
  }

  /** Claims and decides one batch. Returns how many intents it handled. */
  async runOnce(): Promise<number> {
    const { db, dialect, clock } = this.deps;
    const intents = await claimIntents(db, dialect, {
      owner: this.owner,
      now: clock.now(),
      leaseMs: this.options.leaseMs,
      limit: this.options.batchSize,
    });
    if (intents.length === 0) return 0;
    const prepared = await this.prepare(intents);
    await this.decide(prepared);
    return intents.length;
  }

  /** Everything that needs no lock: signals, users, settings, accounts, market filters and prices. */
  private async prepare(intents: ExecutionIntentRow[]): Promise<Prepared[]> {
    const { db, clock, markets, venues } = this.deps;
    const now = clock.now();
    const signalIds = [...new Set(intents.map((i) => i.signal_id))];
    const userIds = [...new Set(intents.map((i) => i.user_id))];
    const [signals, users] = await Promise.all([
      db.selectFrom('signals').selectAll().where('id', 'in', signalIds).execute(),
      db.selectFrom('users').selectAll().where('id', 'in', userIds).execute(),
    ]);
    const signalById = new Map(signals.map((s) => [s.id, s]));
    const userById = new Map(users.map((u) => [u.id, u]));
    const settings = await loadTradingSettings(db, users);
    await ensurePaperAccounts(db, userIds, now);
    const accounts = new Map<number, ExchangeAccountRow>(
      (await findActiveExchangeAccounts(db, userIds)).map((a) => [a.user_id, a]),
    );

    return Promise.all(
      intents.map(async (intent): Promise<Prepared> => {
        const signal = signalById.get(intent.signal_id);
        const user = userById.get(intent.user_id);
        const s = user && settings.get(user.id);
        const account = accounts.get(intent.user_id);
        if (!signal || !user || !s || !account) {
          return {
            intent,
            blocked: { code: 'missing', reason: 'The signal, user or exchange account no longer exists' },
          };
        }
        const problem = followerProblem(signal, user, s, now);
        if (problem) return { intent, blocked: problem };
        try {
          const adapter = venues.account(account, { startingCapitalUsdt: s.strategy.capital_usdt });
          const [market, marketPrice] = await Promise.all([
            markets.marketInfo(account.provider, adapter, signal.symbol),
            markets.price(signal.symbol),
          ]);
          return {
            intent,
            signal,
            user,
            settings: s,
            trader: { settings: s, account, market, marketPrice },
            adapter,
          };
        } catch (err) {
          return {
            intent,
            blocked: {
              code: 'market_unavailable',
              reason: `Market ${signal.symbol} unavailable: ${err instanceof Error ? err.message : String(err)}`,
            },
          };
        }
      }),
    );
  }

  private async decide(prepared: Prepared[]): Promise<void> {
    const { db, dialect, clock, engine, bus } = this.deps;
    const now = clock.now();
    const adopted: { id: number; commands: PositionCommand[]; row: PositionRow; account: ExchangeAccount }[] =
      [];
    const blocks: { userId: number; signalId: number; code: string; reason: string }[] = [];
    const userIds = [...new Set(prepared.map((p) => p.intent.user_id))].sort((a, b) => a - b);
    const room = engine.freeSlots;
    let queuedForAnyEngine = 0;
    let handedOver = 0;
    const opened: {
      intentId: number;
      userId: number;
      state: PositionState;
      commands: PositionCommand[];
      adopt: boolean;
      newPosition: NewPosition;
      account: ExchangeAccount;
    }[] = [];

    await db.transaction().execute(async (trx) => {
      if (dialect === 'postgres') {
        await sql`select id from users where id in (${sql.join(userIds)}) order by id for update`.execute(
          trx,
        );
      }
      const facts = await RiskFacts.load(trx, userIds, now);
      const stillOpen = await openSignals(
        trx,
        dialect,
        prepared.map((p) => p.intent.signal_id),
      );
      const existing = await trx
        .selectFrom('positions')
        .select(['id', 'signal_id', 'user_id'])
        .where('signal_id', 'in', [...new Set(prepared.map((p) => p.intent.signal_id))])
        .where('user_id', 'in', userIds)
        .execute();
      const existingKey = new Map(existing.map((e) => [`${e.signal_id}:${e.user_id}`, e.id]));

      for (const p of prepared) {
        const { intent } = p;
        const already = existingKey.get(`${intent.signal_id}:${intent.user_id}`);
        if (already !== undefined) {
          await finishIntent(trx, intent.id, {
            status: 'DONE',
            reason: 'position already exists',
            positionId: already,
            now,
          });
          continue;
        }
        let blocked = 'blocked' in p ? p.blocked : null;
        if (!blocked && !stillOpen.has(intent.signal_id)) {
          blocked = { code: 'signal_not_open', reason: 'The signal was closed before the trade was opened' };
        }
        let planned: ReturnType<typeof planTrade> | null = null;
        if (!blocked && 'signal' in p) {
          planned = planTrade(
            tradeRequest(p.signal),
            p.trader,
            facts.context(intent.user_id, p.settings, now),
          );
          if (!planned.ok) blocked = { code: planned.code, reason: planned.reason };
        }
        if (blocked || !planned?.ok || !('signal' in p)) {
          const b = blocked ?? { code: 'internal', reason: 'not planned' };
          await finishIntent(trx, intent.id, {
            status: 'BLOCKED',
            reason: `${b.code}: ${b.reason}`,
            positionId: null,
            now,
          });
          await insertRiskEvent(trx, {
            userId: intent.user_id,
            signalId: intent.signal_id,
            code: b.code,
            reason: b.reason,
            now,
          });
          await noticeUser(trx, {
            userId: intent.user_id,
            kind: 'trade_blocked',
            text: `Signal #${intent.signal_id} was not traded: ${b.reason}`,
            data: { signal_id: intent.signal_id, code: b.code },
            at: now,
          });
          blocks.push({ userId: intent.user_id, signalId: intent.signal_id, ...b });
          continue;
        }
        const { state, commands } = openPosition(planned.plan, now);
        // Hand it straight to this process's engine while it has room; otherwise leave it in the
        // queue (unleased), for whichever engine — this one or another worker's — is free first.
        const adopt = handedOver < room;
        if (adopt) handedOver += 1;
        const orderKey = `s${intent.signal_id}u${intent.user_id}`;
        const newPosition: NewPosition = {
          user_id: intent.user_id,
          signal_id: intent.signal_id,
          exchange_account_id: p.trader.account.id,
          venue: p.trader.account.provider,
          order_key: orderKey,
          symbol: p.signal.symbol,
          direction: p.signal.direction,
          leverage: planned.plan.leverage,
          ...stateColumns(state),
          pending_work: 1,
          lease_owner: adopt ? engine.owner : null,
          lease_until: adopt ? engine.leaseUntil(now) : null,
          claims: adopt ? 1 : 0,
          created_at: now,
          updated_at: now,
        };
        opened.push({
          intentId: intent.id,
          userId: intent.user_id,
          state,
          commands,
          adopt,
          newPosition,
          account: p.adapter,
        });
        facts.recordOpened(intent.user_id, p.signal.symbol, planned.sized.margin_usdt);
      }

      // The batch's new positions in a few statements rather than three per follower.
      const ids = await insertPositions(
        trx,
        opened.map((o) => o.newPosition),
      );
      await insertOrderRefs(
        trx,
        opened.flatMap((o, i) =>
          o.state.orders.map((order) => ({
            client_order_id: clientOrderId(o.newPosition.order_key, order.leg),
            position_id: ids[i]!,
            leg: order.leg,
            user_id: o.userId,
            created_at: now,
          })),
        ),
      );
      for (const [i, o] of opened.entries()) {
        const id = ids[i]!;
        await finishIntent(trx, o.intentId, { status: 'DONE', reason: null, positionId: id, now });
        if (o.adopt)
          adopted.push({
            id,
            commands: o.commands,
            row: { ...o.newPosition, claims: 1, id, version: 0 },
            account: o.account,
          });
        else queuedForAnyEngine += 1;
      }
    });

    for (const o of opened) engine.knowAccount(o.newPosition.exchange_account_id, o.account);
    for (const a of adopted) engine.adopt(a.id, a.commands, { row: a.row, account: a.account });
    if (queuedForAnyEngine > 0) engine.kick();
    for (const b of blocks) {
      this.deps.metrics?.riskBlock(b.code);
      bus.publish({
        type: 'risk_block',
        audience: { userId: b.userId },
        data: { signal_id: b.signalId, code: b.code, reason: b.reason },
      });
    }
  }
}

export function tradeRequest(signal: SignalRow): TradeRequest {
  return {
    symbol: signal.symbol,
    direction: signal.direction,
    entry_type: signal.entry_type,
    entries: JSON.parse(signal.entries) as string[],
    targets: JSON.parse(signal.targets) as string[],
    stop_loss: signal.stop_loss === null ? null : String(signal.stop_loss),
    leverage: signal.leverage,
    margin_mode: signal.margin_mode,
  };
}

/**
 * The signals (of `ids`) still open to new entries, read inside the transaction that opens the
 * positions. A follow-up (close, cancel, TP hit) that committed after the intent was prepared must
 * stop the entry: it was fanned out only to the positions that existed then. On PostgreSQL the rows
 * are share-locked, so a concurrent follow-up's update waits for this transaction and its fan-out
 * then sees the new positions.
 */
async function openSignals(trx: Db, dialect: 'sqlite' | 'postgres', ids: number[]): Promise<Set<number>> {
  const unique = [...new Set(ids)].sort((a, b) => a - b);
  if (unique.length === 0) return new Set();
  let q = trx
    .selectFrom('signals')
    .select(['id', 'status', 'highest_tp'])
    .where('id', 'in', unique)
    .orderBy('id');
  if (dialect === 'postgres') q = q.forShare();
  const rows = await q.execute();
  return new Set(rows.filter((r) => r.status === 'OPEN' && r.highest_tp === 0).map((r) => r.id));
}
