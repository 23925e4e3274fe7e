import { dec, Dec, type PositionState } from '@verzek/core';
import {
  enqueuePositionEvent,
  LIVE_POSITION_STATUSES,
  type Db,
  type ExchangeAccountRow,
  type PositionRow,
} from '@verzek/db';
import { clientOrderId, type LiveAccount, type PriceFeed } from '@verzek/exchange';
import type { Clock, Logger } from '@verzek/platform';
import { needsPositionCheck, planUnitEvents, type OrderUpdate } from './unit-events';

export interface LiveWatcherOptions {
  /** Between two polls. */
  pollMs: number;
  /** IP weight per minute the watcher may spend (its share of the exchange's limit). */
  weightPerMinute: number;
  /** Weight of polling one account's symbol (open orders + open conditional orders). */
  unitWeight: number;
  /** Account-symbols polled at once. */
  concurrency: number;
}

export interface LiveWatcherDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  feed: PriceFeed;
  accounts: { account(row: ExchangeAccountRow): LiveAccount; refresh(row: ExchangeAccountRow): void };
  /** Wakes the position engine after events were queued. */
  kick(): void;
}

interface Live {
  row: PositionRow;
  state: PositionState;
}

interface Unit {
  key: string;
  account: ExchangeAccountRow;
  symbol: string;
  positions: Live[];
}

export interface PollResult {
  units: number;
  polled: number;
  queued: number;
  externalCloses: number;
}

const OPEN_ORDER = new Set(['NEW', 'PARTIALLY_FILLED']);
/** Account-symbols compared per pass at most (bounds one pass's work whatever the budget). */
const MAX_UNITS_PER_PASS = 200;

/**
 * Keeps live positions in step with the exchange (there is no push channel from the exchanges yet):
 * every `pollMs` it takes a fair share of the live account-symbols (round-robin, within its share of
 * the IP weight), reads their open orders, and for each of our resting orders that changed or
 * disappeared (a TP filled, the stop triggered, someone cancelled it on the website) it reads the
 * order and queues what happened as position events — the same events, with the same de-duplication
 * keys, as the paper venue's pushes. When orders disappeared it also reads the exchange position: if it
 * is flat while our records still hold quantity, the position was closed outside the platform (by hand)
 * and is closed here with reason `manual` at the market price. Orders placed by hand (not ours) are
 * left alone. The same pass, after a restart, picks up everything that happened while we were down.
 */
export class LiveOrderWatcher {
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private cursor = 0;

  constructor(
    private readonly deps: LiveWatcherDeps,
    private readonly options: LiveWatcherOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          await this.pollOnce();
        } catch (err) {
          this.deps.logger.error({ err }, 'live order watcher pass failed');
        }
        if (!this.running) break;
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, this.options.pollMs);
          this.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.wake = null;
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** One pass over (a fair share of) the live account-symbols. */
  async pollOnce(): Promise<PollResult> {
    const keys = await this.unitKeys();
    const budget = Math.max(
      1,
      Math.min(
        MAX_UNITS_PER_PASS,
        Math.floor((this.options.weightPerMinute * this.options.pollMs) / 60_000 / this.options.unitWeight),
      ),
    );
    const take = Math.min(keys.length, budget);
    const picked: { accountId: number; symbol: string }[] = [];
    for (let i = 0; i < take; i++) picked.push(keys[(this.cursor + i) % keys.length]!);
    this.cursor = keys.length === 0 ? 0 : (this.cursor + take) % keys.length;
    const batch = await this.loadUnits(picked);
    const result: PollResult = { units: keys.length, polled: 0, queued: 0, externalCloses: 0 };
    let next = 0;
    const worker = async () => {
      while (next < batch.length) {
        const unit = batch[next++]!;
        try {
          const r = await this.pollUnit(unit);
          result.polled += 1;
          result.queued += r.queued;
          result.externalCloses += r.externalCloses;
        } catch (err) {
          this.deps.logger.warn(
            {
              err: err instanceof Error ? err.message : String(err),
              account: unit.account.id,
              symbol: unit.symbol,
            },
            'could not compare a live account with the exchange; next pass',
          );
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, batch.length) }, worker));
    if (result.queued > 0) this.deps.kick();
    return result;
  }

  /** Every live account-symbol (cheap: no position states), in a stable order for the round-robin. */
  private async unitKeys(): Promise<{ accountId: number; symbol: string }[]> {
    const rows = await this.deps.db
      .selectFrom('positions')
      .innerJoin('exchange_accounts', 'exchange_accounts.id', 'positions.exchange_account_id')
      .select(['positions.exchange_account_id as accountId', 'positions.symbol as symbol'])
      .distinct()
      .where('positions.status', 'in', [...LIVE_POSITION_STATUSES])
      .where('exchange_accounts.provider', '!=', 'paper')
      .where('exchange_accounts.mode', '!=', 'paper')
      .where('exchange_accounts.api_key', 'is not', null)
      .execute();
    return rows.sort(
      (a, b) => a.accountId - b.accountId || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0),
    );
  }

  /** The positions (with their states) of the account-symbols polled in this pass. */
  private async loadUnits(picked: { accountId: number; symbol: string }[]): Promise<Unit[]> {
    if (picked.length === 0) return [];
    const { db } = this.deps;
    const accountIds = [...new Set(picked.map((p) => p.accountId))];
    const wanted = new Set(picked.map((p) => `${p.accountId}|${p.symbol}`));
    const rows = (
      await db
        .selectFrom('positions')
        .selectAll()
        .where('exchange_account_id', 'in', accountIds)
        .where('symbol', 'in', [...new Set(picked.map((p) => p.symbol))])
        .where('status', 'in', [...LIVE_POSITION_STATUSES])
        .orderBy('id')
        .execute()
    ).filter((r) => wanted.has(`${r.exchange_account_id}|${r.symbol}`));
    const accounts = new Map(
      (await db.selectFrom('exchange_accounts').selectAll().where('id', 'in', accountIds).execute()).map(
        (a) => [a.id, a],
      ),
    );
    const units = new Map<string, Unit>();
    for (const row of rows) {
      const account = accounts.get(row.exchange_account_id);
      if (!account || account.api_key === null) continue;
      const key = `${account.id}|${row.symbol}`;
      let u = units.get(key);
      if (!u) {
        u = { key, account, symbol: row.symbol, positions: [] };
        units.set(key, u);
      }
      u.positions.push({ row, state: JSON.parse(row.state) as PositionState });
    }
    for (const a of accounts.values()) if (a.api_key !== null) this.deps.accounts.refresh(a);
    return [...units.values()];
  }

  private async pollUnit(unit: Unit): Promise<{ queued: number; externalCloses: number }> {
    const adapter = this.deps.accounts.account(unit.account);
    const open = new Map((await adapter.fetchOpenOrders(unit.symbol)).map((o) => [o.clientOrderId, o]));
    const updates = new Map<number, OrderUpdate[]>();
    for (const p of unit.positions) {
      const list: OrderUpdate[] = [];
      for (const o of p.state.orders) {
        if (!OPEN_ORDER.has(o.status) || o.role === 'liquidation') continue;
        const cid = clientOrderId(p.row.order_key, o.leg);
        const snap = open.get(cid);
        if (snap) {
          if (dec(snap.filledQty).gt(dec(o.filled_qty))) list.push({ order: o, clientId: cid, snap });
          continue;
        }
        const found = await adapter.fetchOrder(unit.symbol, cid, { kind: o.kind, side: o.side, qty: o.qty });
        // Still open after all (it raced the list): nothing to say unless it filled more.
        if (found && OPEN_ORDER.has(found.status) && !dec(found.filledQty).gt(dec(o.filled_qty))) continue;
        list.push({ order: o, clientId: cid, snap: found });
      }
      if (list.length > 0) updates.set(p.row.id, list);
    }
    if (updates.size === 0) return { queued: 0, externalCloses: 0 };
    let exchangeSigned: Dec | null = null;
    if (needsPositionCheck(updates) && unit.account.hedge_mode !== 1) {
      const pos = await adapter.fetchPosition(unit.symbol);
      exchangeSigned = pos ? (pos.side === 'LONG' ? dec(pos.qty) : dec(pos.qty).neg()) : new Dec(0);
    }
    const now = this.deps.clock.now();
    const plan = planUnitEvents({
      positions: unit.positions.map((p) => ({ id: p.row.id, direction: p.row.direction, state: p.state })),
      updates,
      exchangeSigned,
      price: this.deps.feed.last(unit.symbol)?.price ?? null,
      venue: unit.account.provider,
      now,
    });
    let queued = 0;
    for (const [positionId, events] of plan.events) {
      for (const { event, key } of events) {
        if (await enqueuePositionEvent(this.deps.db, { positionId, event, dedupKey: key, now })) queued += 1;
      }
    }
    const log = { account: unit.account.id, symbol: unit.symbol };
    if (plan.external.size > 0)
      this.deps.logger.warn(
        { ...log, positions: [...plan.external] },
        'positions closed outside the platform',
      );
    if (plan.netted.size > 0)
      this.deps.logger.info(
        { ...log, positions: [...plan.netted] },
        'exits netted between positions of one account',
      );
    if (plan.mismatch)
      this.deps.logger.warn(
        { ...log, ...plan.mismatch },
        'the exchange position differs from our records (manual trading?)',
      );
    return { queued, externalCloses: plan.external.size };
  }
}
