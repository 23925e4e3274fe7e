import {
  isTerminal,
  transitionAll,
  type NotifyCommand,
  type PositionCommand,
  type PositionEvent,
  type PositionState,
} from '@verzek/core';
import {
  claimPositions,
  findExchangeAccount,
  insertOrderRefs,
  loadInbox,
  type InboxItem,
  loadPositions,
  markInboxProcessed,
  releasePosition,
  savePositionState,
  type Db,
  type ExchangeAccountRow,
  type PositionRow,
  type TransactionBatcher,
} from '@verzek/db';
import { clientOrderId, type ExchangeAccount } from '@verzek/exchange';
import { lazyChild, type Clock, type Logger } from '@verzek/platform';
import type { EventBus } from '../../events/bus';
import { noticeUser } from '../../services/notify/notify';
import type { VenueRegistry } from '../venues/venue-registry';
import { Waker } from '../waker';
import { noticeKind } from './notices';
import { positionSummary, stateColumns } from './state-columns';
import { actionsFromCommands, actionsFromState, runActions, type VenueAction } from './venue-actions';
import { localOwner } from '../../local-owner';

export interface EngineOptions {
  /** Positions processed at once by this process. */
  concurrency: number;
  leaseMs: number;
  /** Timeout of one venue call. */
  callTimeoutMs: number;
  /** Back-off before retrying a position after a transient venue failure. */
  retryMs: number;
  /** Wait between claims when there is nothing to do (a kick wakes it sooner). */
  idleMs: number;
  /** Rounds of (apply events → persist → act) per claim, so a chain of fills can't spin forever. */
  maxRounds: number;
}

export const defaultEngineOptions: EngineOptions = {
  concurrency: 256,
  leaseMs: 30_000,
  callTimeoutMs: 15_000,
  retryMs: 5_000,
  idleMs: 250,
  maxRounds: 12,
};

export interface EngineDeps {
  db: Db;
  dialect: 'sqlite' | 'postgres';
  clock: Clock;
  logger: Logger;
  venues: VenueRegistry;
  bus: EventBus;
  committer: TransactionBatcher;
  /** Starting capital of a paper account the first time it is used. */
  paperCapital(userId: number): Promise<string>;
}

class LeaseLost extends Error {
  override name = 'LeaseLost';
}

/**
 * Moves positions forward: applies their queued events through the state machine, persists the new
 * state, executes the resulting orders on the venue, and feeds the venue's answers back in — until the
 * position has nothing left to do. Each position is one independent task (a slow account delays only
 * itself); the writes of all tasks are grouped into few transactions.
 *
 * Crash safety: a state is persisted before any order it implies is sent; an order persisted but not
 * confirmed (PENDING_NEW) is looked up by its client id before it is ever sent again.
 */
export class PositionEngine {
  readonly owner = localOwner('engine');
  private readonly fresh = new Map<number, PositionCommand[]>();
  private readonly active = new Map<number, Promise<void>>();
  private readonly reconciled = new Set<number>();
  private readonly accounts = new Map<number, ExchangeAccount>();
  /**
   * What a task would read first, already at hand: an adopted position's row as its creator inserted
   * it (a fresh position has no inbox yet), or the rows and queued events of a claim, read together.
   */
  private readonly prefetched = new Map<number, { row: PositionRow; inbox: InboxItem[] }>();
  /** Adopted positions waiting for a free slot (still leased to this engine). */
  private readonly adopted: number[] = [];
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly waker = new Waker();
  private readonly options: EngineOptions;

  constructor(
    private readonly deps: EngineDeps,
    options: Partial<EngineOptions> = {},
  ) {
    this.options = { ...defaultEngineOptions, ...options };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.claimLoop();
  }

  async stop(): Promise<void> {
    this.running = false;
    // Adopted positions not started yet go back to the queue for whoever runs next.
    const waiting = this.adopted.splice(0);
    await Promise.allSettled(
      waiting.map((id) =>
        releasePosition(this.deps.db, id, this.owner, {
          hasWork: true,
          retryAt: null,
          now: this.deps.clock.now(),
        }),
      ),
    );
    this.kick();
    await this.loop;
    await Promise.allSettled([...this.active.values()]);
  }

  /** Wakes the claim loop (new work was queued in this process). */
  kick(): void {
    this.waker.kick();
  }

  /**
   * The adapter of an account this process just opened a position for: the position's task, whenever
   * this engine claims it, skips reading the account (and the user's paper capital) again.
   */
  knowAccount(accountId: number, account: ExchangeAccount): void {
    if (!this.accounts.has(accountId)) this.accounts.set(accountId, account);
  }

  /**
   * Takes a position this process just created (already leased to this engine) with the commands of
   * its opening, so they run without a lookup round trip.
   */
  adopt(
    positionId: number,
    commands: PositionCommand[],
    known?: { row: PositionRow; account?: ExchangeAccount },
  ): void {
    this.fresh.set(positionId, commands);
    // What the creator already holds saves this task its first reads (the row, the account).
    if (known) {
      this.prefetched.set(positionId, { row: known.row, inbox: [] });
      if (known.account) this.knowAccount(known.row.exchange_account_id, known.account);
    }
    this.reconciled.add(positionId);
    if (this.active.size < this.options.concurrency) this.spawn(positionId);
    else this.adopted.push(positionId);
  }

  /** Positions being worked on right now in this process. */
  get busy(): number {
    return this.active.size;
  }

  /** How many more positions this engine can start at once (what the intent worker may hand it). */
  get freeSlots(): number {
    return Math.max(0, this.options.concurrency - this.active.size - this.adopted.length);
  }

  /** The lease an adopted position must be inserted with. */
  leaseUntil(now: number): number {
    return now + this.options.leaseMs;
  }

  private spawn(id: number): void {
    if (this.active.has(id)) return;
    const task = this.process(id)
      .catch((err: unknown) => this.deps.logger.error({ err, positionId: id }, 'position task failed'))
      .finally(() => {
        this.active.delete(id);
        this.fresh.delete(id);
        this.prefetched.delete(id);
        const next = this.adopted.shift();
        if (next !== undefined) this.spawn(next);
        else this.kick();
      });
    this.active.set(id, task);
  }

  private async claimLoop(): Promise<void> {
    while (this.running) {
      let claimed = 0;
      const room = this.options.concurrency - this.active.size;
      if (room > 0) {
        try {
          const now = this.deps.clock.now();
          const ids = await claimPositions(this.deps.db, this.deps.dialect, {
            owner: this.owner,
            now,
            leaseMs: this.options.leaseMs,
            limit: room,
          });
          claimed = ids.length;
          if (ids.length > 0) {
            const [rows, inbox] = await Promise.all([
              loadPositions(this.deps.db, ids),
              loadInbox(this.deps.db, ids),
            ]);
            for (const row of rows) this.prefetched.set(row.id, { row, inbox: [] });
            for (const item of inbox) this.prefetched.get(item.position_id)?.inbox.push(item);
          }
          for (const id of ids) this.spawn(id);
        } catch (err) {
          this.deps.logger.error({ err }, 'claiming positions failed');
        }
      }
      if (claimed === 0 || this.active.size >= this.options.concurrency) {
        await this.waker.sleep(this.options.idleMs);
      }
    }
  }

  private async accountFor(row: PositionRow): Promise<ExchangeAccount> {
    const cached = this.accounts.get(row.exchange_account_id);
    if (cached) return cached;
    const accountRow: ExchangeAccountRow | undefined = await findExchangeAccount(
      this.deps.db,
      row.exchange_account_id,
    );
    if (!accountRow)
      throw new Error(`exchange account ${row.exchange_account_id} of position ${row.id} is gone`);
    const account = this.deps.venues.account(accountRow, {
      startingCapitalUsdt: await this.deps.paperCapital(row.user_id),
    });
    this.accounts.set(row.exchange_account_id, account);
    return account;
  }

  /** One position, from claim to release. */
  private async process(id: number): Promise<void> {
    const { db, clock, logger } = this.deps;
    const pre = this.prefetched.get(id);
    const row = pre ? pre.row : (await loadPositions(db, [id]))[0];
    if (!row || row.lease_owner !== this.owner) return;
    const log = lazyChild(logger, { positionId: id, userId: row.user_id, signalId: row.signal_id });
    let state = JSON.parse(row.state) as PositionState;
    // An event queued for a just-created position after this task started is not lost: its
    // enqueue set pending_work, and the release re-checks the inbox.
    const inbox = pre ? pre.inbox : await loadInbox(db, [id]);
    let events: PositionEvent[] = inbox.map((i) => JSON.parse(i.event) as PositionEvent);
    let inboxIds = inbox.map((i) => i.id);
    const freshCommands = this.fresh.get(id);
    // Orders a previous run persisted but never confirmed (or cancels it asked for), derived from the
    // state as loaded — before this run's events add orders of its own.
    // A position whose first claim this is (claims counts every claim, atomically with it) was never
    // worked by any engine: its orders cannot have reached the venue, so they need no lookup.
    let actions: VenueAction[] = freshCommands
      ? actionsFromCommands(freshCommands)
      : actionsFromState(state, !this.reconciled.has(id) && !isTerminal(state), row.claims === 1);
    this.reconciled.add(id);
    const knownLegs = new Set(state.orders.map((o) => o.leg));
    let retryAt: number | null = null;
    let account: ExchangeAccount | null = null;

    try {
      for (let round = 0; round < this.options.maxRounds; round++) {
        const { state: next, commands } = transitionAll(state, events);
        state = next;
        const notifications = commands.filter((c): c is NotifyCommand => c.type === 'notify');
        if (events.length > 0) await this.persist(row, state, inboxIds, knownLegs, notifications);
        events = [];
        inboxIds = [];
        actions = mergeActions(actions, actionsFromCommands(commands));
        if (actions.length === 0) break;
        account ??= await this.accountFor(row);
        const outcome = await runActions(account, state, row.order_key, actions, {
          now: () => clock.now(),
          logger: log,
          timeoutMs: this.options.callTimeoutMs,
        });
        actions = [];
        events = outcome.events;
        if (outcome.retry) {
          retryAt = clock.now() + Math.max(this.options.retryMs, outcome.retryAfterMs ?? 0);
          // Apply what did come back before backing off.
          if (events.length > 0) {
            state = transitionAll(state, events).state;
            await this.persist(row, state, [], knownLegs, []);
          }
          events = [];
          break;
        }
        if (events.length === 0) break;
      }
      if (events.length > 0) {
        // Out of rounds with answers still to apply: keep them for the next claim.
        state = transitionAll(state, events).state;
        await this.persist(row, state, [], knownLegs, []);
        retryAt = clock.now();
      }
    } catch (err) {
      if (err instanceof LeaseLost) {
        log.warn('lease lost: another worker owns this position now');
        return;
      }
      retryAt = clock.now() + this.options.retryMs;
      log.error({ err }, 'position processing failed; will retry');
    }
    await releasePosition(db, id, this.owner, {
      hasWork: retryAt !== null,
      retryAt: retryAt !== null ? retryAt : null,
      now: clock.now(),
    });
    // A state read back later must re-derive its actions; a finished position needs nothing more.
    if (retryAt !== null || isTerminal(state)) this.reconciled.delete(id);
  }

  private async persist(
    row: PositionRow,
    state: PositionState,
    inboxIds: number[],
    knownLegs: Set<string>,
    notifications: NotifyCommand[],
  ): Promise<void> {
    const now = this.deps.clock.now();
    const refs = state.orders
      .filter((o) => !knownLegs.has(o.leg))
      .map((o) => ({
        client_order_id: clientOrderId(row.order_key, o.leg),
        position_id: row.id,
        leg: o.leg,
        user_id: row.user_id,
        created_at: now,
      }));
    await this.deps.committer.run(async (trx) => {
      const saved = await savePositionState(trx, row.id, this.owner, {
        ...stateColumns(state),
        pending_work: 1,
        lease_until: now + this.options.leaseMs,
        updated_at: now,
      });
      if (!saved) throw new LeaseLost();
      await markInboxProcessed(trx, inboxIds, now);
      await insertOrderRefs(trx, refs);
      for (const n of notifications) {
        const kind = noticeKind(n);
        if (kind) {
          await noticeUser(trx, {
            userId: row.user_id,
            kind,
            text: n.message,
            data: { position_id: row.id, signal_id: row.signal_id, symbol: state.plan.symbol, ...n },
            at: now,
          });
        }
      }
    });
    for (const r of refs) knownLegs.add(r.leg);
    this.deps.bus.publish({
      type: 'position',
      audience: { userId: row.user_id },
      data: positionSummary(row.id, row.user_id, row.signal_id, state),
    });
  }
}

/** Actions derived from the state first, then fresh ones not already covered (by leg and type). */
function mergeActions(fromState: VenueAction[], fresh: VenueAction[]): VenueAction[] {
  const seen = new Set(fromState.map((a) => ('leg' in a ? `${a.type}:${a.leg}` : a.type)));
  return [...fromState, ...fresh.filter((a) => !seen.has('leg' in a ? `${a.type}:${a.leg}` : a.type))];
}
