import { Dec, dec, decStr, tryDec, type OrderKind, type OrderSide } from '@verzek/core';
import {
  bookPaperFill,
  ensurePaperAccount,
  fillPaperOrder,
  findPaperOrder,
  finishPaperOrder,
  getPaperAccount,
  getPaperOrder,
  getPaperPosition,
  getPlacementFacts,
  insertPaperFill,
  insertPaperOrder,
  isUniqueViolation,
  listOpenPaperOrders,
  listPaperFills,
  listPaperPositions,
  lockPaperAccount,
  ownTransaction,
  savePaperPosition,
  updatePaperAccount,
  type Db,
  type PaperAccountRow,
  type PaperOrderRow,
  type PaperPositionRow,
  type TransactionRunner,
} from '@verzek/db';
import type { Clock } from '@verzek/platform';
import { normalizeSymbol, type PriceFeed, type PriceTick } from '../market-data';
import {
  ExchangeError,
  type Balance,
  type ExchangeAccount,
  type MarketInfo,
  type OrderSnapshot,
  type OrderUpdate,
  type PlaceOrderRequest,
  type VenuePosition,
} from '../port';
import { applyFill, availableBalance, feeFor, reducibleQty, slippedPrice, type NetPosition } from './ledger';
import { fallbackMarketSpec, PAPER_MARKETS, toMarketInfo, type PaperMarketSpec } from './markets';
import {
  resolvePaperOptions,
  type PaperLogger,
  type PaperVenueOptions,
  type ResolvedPaperOptions,
} from './options';
import { toSnapshot } from './snapshot';
import { TriggerBook, triggerDirection, type TriggerEntry } from './trigger-book';

/** The venue name in {@link OrderUpdate}s and on every paper {@link ExchangeAccount}. */
export const PAPER_VENUE = 'paper';

/** Binance's `newClientOrderId` rule. */
const CLIENT_ORDER_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;

/**
 * The paper exchange: one instance per process serves every paper account. State lives in the
 * database (tables `paper_*`); the process only keeps a trigger book of the resting orders it
 * placed or loaded, and fills them from the price feed's ticks.
 */
export interface PaperVenue {
  readonly venue: typeof PAPER_VENUE;
  /**
   * The paper account with this id (our exchange account id). Created in the database on first use
   * with `startingCapitalUsdt` as its wallet balance; an existing account keeps its books.
   * @throws RangeError for an id that is not a positive integer or a capital that is not a positive decimal.
   */
  account(accountId: number, options: { startingCapitalUsdt: string }): ExchangeAccount;
  /**
   * Listens to changes of resting orders (fills, expiries, cancels) — what a live venue's user-data
   * stream delivers. Not called for orders that fill while being placed (`placeOrder` returns those).
   * Each change is emitted once, by the process that made it. Returns the unsubscribe function.
   */
  onOrderUpdate(listener: (update: OrderUpdate) => void): () => void;
  /** Loads every open paper order into the trigger book and starts filling on ticks. Idempotent. */
  start(): Promise<void>;
  /** Stops filling, waits for work in flight, releases the feed subscriptions. Idempotent. */
  stop(): Promise<void>;
  /**
   * Adds to the trigger book the open orders it does not have yet (placed by other processes since
   * `start()`); `start()` does this once. Orders cancelled or filled elsewhere are dropped lazily.
   */
  sync(): Promise<void>;
  /** Resolves when every placement and every fill triggered so far has finished. */
  idle(): Promise<void>;
  /** Resting orders in this process's trigger book. */
  restingCount(): number;
}

/** Creates the paper venue; call `start()` before placing orders. */
export function createPaperVenue(options: PaperVenueOptions): PaperVenue {
  return new PaperVenueImpl(options);
}

interface RestingOrder extends TriggerEntry {
  readonly orderId: number;
  readonly accountId: number;
}

interface ParsedRequest {
  clientOrderId: string;
  symbol: string;
  kind: OrderKind;
  side: OrderSide;
  qty: Dec;
  price: Dec | null;
  stopPrice: Dec | null;
  reduceOnly: boolean;
}

/** Another process (or a cancel) moved the order out of NEW first: roll back, emit nothing. */
class LostRace extends Error {}

function rejected(code: string, message: string): ExchangeError {
  return new ExchangeError('rejected', message, { code });
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function toNet(row: PaperPositionRow | undefined): NetPosition {
  return row
    ? { qty: dec(row.qty), entryPrice: dec(row.entry_price) }
    : { qty: new Dec(0), entryPrice: new Dec(0) };
}

function isMultiple(value: Dec, step: string): boolean {
  const s = dec(step);
  return s.lte(0) || value.mod(s).isZero();
}

function positive(value: unknown): Dec | null {
  const d = typeof value === 'string' ? tryDec(value) : null;
  return d !== null && d.gt(0) ? d : null;
}

function restingFrom(row: PaperOrderRow): RestingOrder {
  const level = row.kind === 'LIMIT' ? row.price : row.stop_price;
  return {
    id: String(row.id),
    orderId: row.id,
    accountId: row.account_id,
    symbol: row.symbol,
    direction: triggerDirection(row.kind, row.side),
    level: decStr(level ?? '0'),
  };
}

class PaperVenueImpl implements PaperVenue {
  readonly venue = PAPER_VENUE;
  private readonly db: Db;
  private readonly feed: PriceFeed;
  private readonly transactions: TransactionRunner;
  private readonly clock: Clock;
  private readonly logger: PaperLogger | undefined;
  private readonly cfg: ResolvedPaperOptions;
  private readonly markets: Readonly<Record<string, PaperMarketSpec>>;
  private readonly derivedMarkets = new Map<string, PaperMarketSpec>();
  private readonly book = new TriggerBook<RestingOrder>();
  private readonly listeners = new Set<(update: OrderUpdate) => void>();
  private readonly accounts = new Map<number, PaperAccount>();
  private readonly ensured = new Map<number, Promise<void>>();
  private readonly subscribed = new Set<string>();
  private readonly chains = new Map<number, Promise<void>>();
  private readonly inflight = new Set<Promise<unknown>>();
  private offTick: (() => void) | null = null;
  private syncTimer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(options: PaperVenueOptions) {
    this.db = options.db;
    this.transactions = options.transactions ?? ownTransaction(options.db);
    this.feed = options.feed;
    this.clock = options.clock;
    this.logger = options.logger;
    this.cfg = resolvePaperOptions(options);
    this.markets = { ...PAPER_MARKETS, ...(options.markets ?? {}) };
  }

  // ── lifecycle ────────────────────────────────────────────────────────────────────────────────

  account(accountId: number, options: { startingCapitalUsdt: string }): ExchangeAccount {
    if (!Number.isSafeInteger(accountId) || accountId < 1) {
      throw new RangeError(`paper account id must be a positive integer, got ${accountId}`);
    }
    const capital = positive(options.startingCapitalUsdt);
    if (capital === null) {
      throw new RangeError(
        `startingCapitalUsdt must be a positive decimal, got ${options.startingCapitalUsdt}`,
      );
    }
    let handle = this.accounts.get(accountId);
    if (!handle) {
      handle = new PaperAccount(this, accountId, decStr(capital));
      this.accounts.set(accountId, handle);
    }
    return handle;
  }

  onOrderUpdate(listener: (update: OrderUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.offTick = this.feed.onTick((tick) => this.onTick(tick));
    try {
      await this.sync();
    } catch (err) {
      this.running = false;
      this.offTick();
      this.offTick = null;
      throw err;
    }
    if (this.cfg.syncIntervalMs > 0) {
      this.syncTimer = setInterval(() => {
        this.sync().catch((err: unknown) => this.logger?.warn({ err }, 'paper venue sync failed'));
      }, this.cfg.syncIntervalMs);
      this.syncTimer.unref();
    }
    this.logger?.info({ resting: this.book.size() }, 'paper venue started');
  }

  async stop(): Promise<void> {
    this.running = false;
    this.offTick?.();
    this.offTick = null;
    if (this.syncTimer) clearInterval(this.syncTimer);
    this.syncTimer = null;
    await this.idle();
    if (this.subscribed.size > 0) this.feed.unsubscribe([...this.subscribed]);
    this.subscribed.clear();
    this.book.clear();
  }

  async sync(): Promise<void> {
    const rows = await listOpenPaperOrders(this.db);
    if (!this.running) return;
    for (const row of rows) {
      if (row.kind === 'MARKET' || this.book.has(String(row.id))) continue;
      this.book.add(restingFrom(row));
      this.subscribe(row.symbol);
    }
    for (const symbol of this.book.symbols()) this.checkNow(symbol);
  }

  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  restingCount(): number {
    return this.book.size();
  }

  // ── account operations (called by PaperAccount) ─────────────────────────────────────────────

  async loadMarket(symbol: string): Promise<MarketInfo> {
    const s = this.symbolOf(symbol);
    return toMarketInfo(s, await this.marketSpec(s), this.cfg.minNotional, this.cfg.fees);
  }

  async setLeverage(accountId: number, capital: string, symbol: string, leverage: number): Promise<void> {
    const s = this.symbolOf(symbol);
    const spec = await this.marketSpec(s);
    if (!Number.isInteger(leverage) || leverage < 1 || leverage > spec.maxLeverage) {
      throw rejected('-4028', `Leverage ${leverage} is not valid (1–${spec.maxLeverage} on ${s})`);
    }
    await this.ensureAccount(accountId, capital);
    await this.exclusive(accountId, () =>
      this.guard('retryable', 'setLeverage', () =>
        this.transactions(async (trx) => {
          const acct = await lockPaperAccount(trx, accountId);
          if (!acct) throw new Error(`paper account ${accountId} vanished`);
          const map = this.leverageMap(acct);
          map[s] = leverage;
          await updatePaperAccount(trx, accountId, {
            leverage: JSON.stringify(map),
            updated_at: this.clock.now(),
          });
        }),
      ),
    );
  }

  async placeOrder(accountId: number, capital: string, request: PlaceOrderRequest): Promise<OrderSnapshot> {
    if (!this.running) throw new ExchangeError('retryable', 'paper venue is not running');
    return this.track(this.place(accountId, capital, request));
  }

  async cancelOrder(
    accountId: number,
    capital: string,
    symbol: string,
    clientOrderId: string,
  ): Promise<OrderSnapshot> {
    const s = this.symbolOf(symbol);
    await this.ensureAccount(accountId, capital);
    return this.guard('unknown_outcome', 'cancelOrder', async () => {
      const row = await findPaperOrder(this.db, accountId, clientOrderId);
      if (!row || row.symbol !== s) throw rejected('-2011', `Unknown order sent: ${clientOrderId} on ${s}`);
      const won =
        row.status === 'NEW' &&
        (await finishPaperOrder(this.db, row.id, { status: 'CANCELED', updated_at: this.clock.now() }));
      this.book.remove(String(row.id));
      const snapshot = await this.snapshotOf(row.id);
      if (won) this.emit(accountId, snapshot);
      return snapshot;
    });
  }

  async fetchOrder(
    accountId: number,
    capital: string,
    symbol: string,
    clientOrderId: string,
  ): Promise<OrderSnapshot | null> {
    const s = this.symbolOf(symbol);
    await this.ensureAccount(accountId, capital);
    return this.guard('retryable', 'fetchOrder', async () => {
      const row = await findPaperOrder(this.db, accountId, clientOrderId);
      if (!row || row.symbol !== s) return null;
      return toSnapshot(row, await listPaperFills(this.db, [row.id]));
    });
  }

  async fetchOpenOrders(accountId: number, capital: string, symbol?: string): Promise<OrderSnapshot[]> {
    const s = symbol === undefined ? undefined : this.symbolOf(symbol);
    await this.ensureAccount(accountId, capital);
    return this.guard('retryable', 'fetchOpenOrders', async () => {
      const rows = await listOpenPaperOrders(this.db, {
        accountId,
        ...(s !== undefined ? { symbol: s } : {}),
      });
      return rows.map((row) => toSnapshot(row, []));
    });
  }

  async fetchBalance(accountId: number, capital: string): Promise<Balance> {
    await this.ensureAccount(accountId, capital);
    return this.guard('retryable', 'fetchBalance', async () => {
      const acct = await getPaperAccount(this.db, accountId);
      if (!acct) throw new Error(`paper account ${accountId} vanished`);
      const free = await this.available(this.db, acct);
      return {
        asset: 'USDT',
        total: decStr(acct.balance),
        free: decStr(Dec.max(0, free).toDecimalPlaces(8, Dec.ROUND_DOWN)),
      };
    });
  }

  async fetchPosition(accountId: number, capital: string, symbol: string): Promise<VenuePosition | null> {
    const s = this.symbolOf(symbol);
    await this.ensureAccount(accountId, capital);
    return this.guard('retryable', 'fetchPosition', async () => {
      const row = await getPaperPosition(this.db, accountId, s);
      const qty = row ? dec(row.qty) : new Dec(0);
      if (!row || qty.isZero()) return null;
      return {
        symbol: s,
        side: qty.isPos() ? 'LONG' : 'SHORT',
        qty: decStr(qty.abs()),
        entryPrice: decStr(row.entry_price),
      };
    });
  }

  // ── placing ──────────────────────────────────────────────────────────────────────────────────

  private async place(
    accountId: number,
    capital: string,
    request: PlaceOrderRequest,
  ): Promise<OrderSnapshot> {
    const r = this.parse(request);
    await this.ensureAccount(accountId, capital);
    const tick = await this.priceOf(r.symbol);
    const spec = this.specFor(r.symbol, tick.price);
    if (!isMultiple(r.qty, spec.lotSize)) {
      throw rejected('-1111', `Quantity ${decStr(r.qty)} is not a multiple of the lot size ${spec.lotSize}`);
    }
    if (r.qty.lt(spec.lotSize)) {
      throw rejected('-4003', `Quantity ${decStr(r.qty)} is below the minimum quantity ${spec.lotSize}`);
    }
    for (const p of [r.price, r.stopPrice]) {
      if (p !== null && !isMultiple(p, spec.tickSize)) {
        throw rejected('-4014', `Price ${decStr(p)} is not a multiple of the tick size ${spec.tickSize}`);
      }
    }

    const mark = dec(tick.price);
    const taker = slippedPrice(mark, r.side, this.cfg.slippageBps, spec.tickSize);
    let fillNow: Dec | null = null; // the execution price of an order that fills while being placed
    if (r.kind === 'MARKET') {
      fillNow = taker;
    } else if (r.kind === 'LIMIT') {
      const limit = r.price as Dec;
      const marketable = r.side === 'BUY' ? limit.gte(mark) : limit.lte(mark);
      // a marketable limit takes liquidity, but never at a price worse than its limit
      if (marketable) fillNow = r.side === 'BUY' ? Dec.min(limit, taker) : Dec.max(limit, taker);
    } else {
      const stop = r.stopPrice as Dec;
      if (r.side === 'BUY' ? stop.lte(mark) : stop.gte(mark)) {
        throw rejected(
          '-2021',
          `Order would immediately trigger: ${r.side} stop at ${decStr(stop)} with the mark price at ${tick.price}`,
        );
      }
    }
    const refPrice = fillNow ?? r.price ?? (r.stopPrice as Dec);
    if (!r.reduceOnly && r.qty.mul(refPrice).lt(this.cfg.minNotional)) {
      throw rejected(
        '-4164',
        `Order's notional ${decStr(r.qty.mul(refPrice))} USDT must be no smaller than ${this.cfg.minNotional} USDT (unless reduce only)`,
      );
    }

    const placed = await this.exclusive(accountId, () =>
      this.guard('unknown_outcome', 'placeOrder', () =>
        this.transactions(async (trx) => {
          const now = this.clock.now();
          const acct = await lockPaperAccount(trx, accountId);
          if (!acct) throw new Error(`paper account ${accountId} vanished`);
          const facts = await getPlacementFacts(trx, {
            accountId,
            symbol: r.symbol,
            clientOrderId: r.clientOrderId,
          });
          if (facts.duplicate) throw rejected('-4116', `ClientOrderId is duplicated: ${r.clientOrderId}`);
          const posRow = facts.position;
          const reducible = reducibleQty(toNet(posRow).qty, r.side);
          let qty = r.qty;
          if (r.reduceOnly) {
            if (reducible.isZero()) {
              throw rejected(
                '-2022',
                `ReduceOnly Order is rejected: no ${r.symbol} position for a ${r.side} to reduce`,
              );
            }
            qty = Dec.min(qty, reducible);
          } else {
            const opening = qty.minus(Dec.min(qty, reducible));
            const required = opening.mul(refPrice).div(this.leverageOf(acct, r.symbol));
            if (required.gt(0)) {
              const available = await this.available(trx, acct);
              if (required.gt(available)) {
                throw rejected(
                  '-2019',
                  `insufficient margin: the order needs ${decStr(required.toDecimalPlaces(8, Dec.ROUND_UP))} USDT, available ${decStr(Dec.max(0, available).toDecimalPlaces(8, Dec.ROUND_DOWN))} USDT`,
                );
              }
            }
          }
          const row = await insertPaperOrder(trx, {
            account_id: accountId,
            client_order_id: r.clientOrderId,
            symbol: r.symbol,
            kind: r.kind,
            side: r.side,
            requested_qty: decStr(r.qty),
            qty: decStr(qty),
            price: r.price === null ? null : decStr(r.price),
            stop_price: r.stopPrice === null ? null : decStr(r.stopPrice),
            reduce_only: r.reduceOnly ? 1 : 0,
            status: 'NEW',
            filled_qty: '0',
            avg_price: null,
            reason: null,
            created_at: now,
            updated_at: now,
          });
          if (fillNow !== null) {
            const snapshot = await this.execute(trx, acct, row, posRow, qty, fillNow, 'TAKER', now);
            return { snapshot, resting: null };
          }
          return { snapshot: toSnapshot(row, []), resting: row };
        }),
      ).catch((err: unknown) => {
        if (err instanceof ExchangeError && isUniqueViolation(err.cause)) {
          throw rejected('-4116', `ClientOrderId is duplicated: ${r.clientOrderId}`);
        }
        throw err;
      }),
    );
    if (placed.resting) {
      this.book.add(restingFrom(placed.resting));
      this.subscribe(r.symbol);
      // a tick may have crossed the level between reading the price and committing
      this.checkNow(r.symbol);
    }
    return placed.snapshot;
  }

  private parse(q: PlaceOrderRequest): ParsedRequest {
    if (typeof q.clientOrderId !== 'string' || !CLIENT_ORDER_ID.test(q.clientOrderId)) {
      throw rejected('-4015', `Client order id is not valid: ${JSON.stringify(q.clientOrderId)}`);
    }
    const symbol = this.symbolOf(q.symbol);
    if (q.kind !== 'MARKET' && q.kind !== 'LIMIT' && q.kind !== 'STOP_MARKET') {
      throw rejected('-1116', `Invalid orderType: ${String(q.kind)}`);
    }
    if (q.side !== 'BUY' && q.side !== 'SELL') throw rejected('-1117', `Invalid side: ${String(q.side)}`);
    const qty = positive(q.qty);
    if (qty === null)
      throw rejected('-4003', `Quantity must be a positive decimal, got ${JSON.stringify(q.qty)}`);
    const price = q.kind === 'LIMIT' ? positive(q.price) : null;
    if (q.kind === 'LIMIT' && price === null) {
      throw rejected('-1102', `A LIMIT order needs a positive price, got ${JSON.stringify(q.price)}`);
    }
    const stopPrice = q.kind === 'STOP_MARKET' ? positive(q.stopPrice) : null;
    if (q.kind === 'STOP_MARKET' && stopPrice === null) {
      throw rejected(
        '-1102',
        `A STOP_MARKET order needs a positive stopPrice, got ${JSON.stringify(q.stopPrice)}`,
      );
    }
    return {
      clientOrderId: q.clientOrderId,
      symbol,
      kind: q.kind,
      side: q.side,
      qty,
      price,
      stopPrice,
      reduceOnly: q.reduceOnly === true,
    };
  }

  // ── filling ──────────────────────────────────────────────────────────────────────────────────

  /**
   * Fills an order that is NEW in this transaction: the conditional update out of NEW decides who
   * fills (a loser throws {@link LostRace}); then the fill, the position and the wallet.
   */
  private async execute(
    trx: Db,
    acct: PaperAccountRow,
    order: PaperOrderRow,
    posRow: PaperPositionRow | undefined,
    qty: Dec,
    price: Dec,
    liquidity: 'MAKER' | 'TAKER',
    now: number,
  ): Promise<OrderSnapshot> {
    const done = {
      status: 'FILLED' as const,
      qty: decStr(qty),
      filled_qty: decStr(qty),
      avg_price: decStr(price),
      updated_at: now,
    };
    if (!(await fillPaperOrder(trx, order.id, done))) throw new LostRace();
    const fee = feeFor(
      qty,
      price,
      liquidity === 'MAKER' ? this.cfg.fees.maker_rate : this.cfg.fees.taker_rate,
    );
    const out = applyFill(toNet(posRow), order.side, qty, price);
    const fill = await insertPaperFill(trx, {
      order_id: order.id,
      account_id: order.account_id,
      symbol: order.symbol,
      side: order.side,
      qty: decStr(qty),
      price: decStr(price),
      fee: decStr(fee),
      fee_asset: 'USDT',
      liquidity,
      realized_pnl: decStr(out.realizedPnl),
      created_at: now,
    });
    await savePaperPosition(trx, {
      account_id: order.account_id,
      symbol: order.symbol,
      qty: decStr(out.qty),
      entry_price: decStr(out.entryPrice),
      realized_pnl: decStr(dec(posRow?.realized_pnl ?? '0').plus(out.realizedPnl)),
      updated_at: now,
    });
    await bookPaperFill(trx, acct.account_id, {
      balance: decStr(dec(acct.balance).plus(out.realizedPnl).minus(fee)),
      realized_pnl: decStr(dec(acct.realized_pnl).plus(out.realizedPnl)),
      fees_paid: decStr(dec(acct.fees_paid).plus(fee)),
      updated_at: now,
    });
    return toSnapshot({ ...order, ...done }, [fill]);
  }

  private onTick(tick: PriceTick): void {
    if (!this.running) return;
    for (const entry of this.book.hit(tick.symbol, tick.price)) {
      void this.track(this.exclusive(entry.accountId, () => this.fire(entry, tick.price)));
    }
  }

  /** Re-checks a symbol's book against its latest price. */
  private checkNow(symbol: string): void {
    const tick = this.feed.last(symbol);
    if (tick) this.onTick(tick);
  }

  /** A resting order was crossed: fill it (or expire a reduce-only with nothing to reduce), once. */
  private async fire(entry: RestingOrder, tickPrice: string): Promise<void> {
    let snapshot: OrderSnapshot | null;
    try {
      const spec = this.specFor(entry.symbol, tickPrice);
      snapshot = await this.transactions(async (trx) => {
        const now = this.clock.now();
        const acct = await lockPaperAccount(trx, entry.accountId);
        const order = await getPaperOrder(trx, entry.orderId);
        if (!acct || !order || order.status !== 'NEW') return null;
        const posRow = await getPaperPosition(trx, order.account_id, order.symbol);
        let qty = dec(order.qty);
        if (order.reduce_only === 1) {
          const reducible = reducibleQty(toNet(posRow).qty, order.side);
          if (reducible.isZero()) {
            const expired = {
              status: 'EXPIRED' as const,
              reason: 'reduce-only order triggered with no position to reduce',
              updated_at: now,
            };
            if (!(await finishPaperOrder(trx, order.id, expired))) return null;
            return toSnapshot({ ...order, ...expired }, []);
          }
          qty = Dec.min(qty, reducible);
        }
        if (order.kind === 'LIMIT') {
          return this.execute(trx, acct, order, posRow, qty, dec(order.price ?? '0'), 'MAKER', now);
        }
        const price = slippedPrice(
          dec(order.stop_price ?? '0'),
          order.side,
          this.cfg.slippageBps,
          spec.tickSize,
        );
        return this.execute(trx, acct, order, posRow, qty, price, 'TAKER', now);
      });
    } catch (err) {
      if (err instanceof LostRace) return;
      this.logger?.error(
        { err, orderId: entry.orderId, accountId: entry.accountId },
        'paper fill failed; order kept resting',
      );
      if (this.running && !this.book.has(entry.id)) this.book.add(entry);
      return;
    }
    if (snapshot) this.emit(entry.accountId, snapshot);
  }

  private emit(accountId: number, snapshot: OrderSnapshot): void {
    const update: OrderUpdate = { venue: PAPER_VENUE, accountId, snapshot };
    for (const listener of this.listeners) {
      try {
        listener(update);
      } catch (err) {
        this.logger?.error(
          { err, accountId, clientOrderId: snapshot.clientOrderId },
          'paper order update listener failed',
        );
      }
    }
  }

  // ── helpers ──────────────────────────────────────────────────────────────────────────────────

  private symbolOf(symbol: string): string {
    try {
      return normalizeSymbol(symbol);
    } catch {
      throw rejected('-1121', `Invalid symbol: ${JSON.stringify(symbol)}`);
    }
  }

  private subscribe(symbol: string): void {
    if (this.subscribed.has(symbol)) return;
    this.feed.subscribe([symbol]);
    this.subscribed.add(symbol);
  }

  /** The latest tick of a symbol, waiting up to `priceWaitMs` for the first one. */
  private priceOf(symbol: string): Promise<PriceTick> {
    this.subscribe(symbol);
    const known = this.feed.last(symbol);
    if (known) return Promise.resolve(known);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(rejected('no_price', `no market price for ${symbol}`));
      }, this.cfg.priceWaitMs);
      const off = this.feed.onTick((tick) => {
        if (tick.symbol !== symbol) return;
        clearTimeout(timer);
        off();
        resolve(tick);
      });
    });
  }

  /** A symbol's market: bundled, or derived from its price (waiting for one if needed). */
  private async marketSpec(symbol: string): Promise<PaperMarketSpec> {
    const known = this.markets[symbol] ?? this.derivedMarkets.get(symbol);
    if (known) return known;
    return this.specFor(symbol, (await this.priceOf(symbol)).price);
  }

  private specFor(symbol: string, price: string): PaperMarketSpec {
    let spec = this.markets[symbol] ?? this.derivedMarkets.get(symbol);
    if (!spec) {
      spec = fallbackMarketSpec(price);
      this.derivedMarkets.set(symbol, spec);
    }
    return spec;
  }

  private leverageMap(acct: PaperAccountRow): Record<string, number> {
    try {
      const parsed: unknown = JSON.parse(acct.leverage);
      return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, number>) : {};
    } catch {
      return {};
    }
  }

  private leverageOf(acct: PaperAccountRow, symbol: string): number {
    const lev = this.leverageMap(acct)[symbol];
    return typeof lev === 'number' && lev >= 1 ? lev : this.cfg.defaultLeverage;
  }

  private async available(db: Db, acct: PaperAccountRow): Promise<Dec> {
    const positions = await listPaperPositions(db, acct.account_id);
    const open = await listOpenPaperOrders(db, { accountId: acct.account_id });
    const map = this.leverageMap(acct);
    return availableBalance({
      balance: dec(acct.balance),
      positions: positions.map((p) => ({
        symbol: p.symbol,
        qty: dec(p.qty),
        entryPrice: dec(p.entry_price),
      })),
      openEntryOrders: open
        .filter((o) => o.reduce_only === 0)
        .map((o) => ({ symbol: o.symbol, qty: dec(o.qty), price: dec(o.price ?? o.stop_price ?? '0') })),
      leverageOf: (s) => {
        const lev = map[s];
        return typeof lev === 'number' && lev >= 1 ? lev : this.cfg.defaultLeverage;
      },
      markOf: (s) => {
        const tick = this.feed.last(s);
        return tick ? dec(tick.price) : undefined;
      },
    });
  }

  private ensureAccount(accountId: number, capital: string): Promise<void> {
    let done = this.ensured.get(accountId);
    if (!done) {
      done = ensurePaperAccount(this.db, { accountId, startingCapital: capital, at: this.clock.now() }).then(
        () => undefined,
        (err: unknown) => {
          this.ensured.delete(accountId);
          throw new ExchangeError(
            'retryable',
            `paper venue: account ${accountId} unavailable: ${errorText(err)}`,
            {
              cause: err,
            },
          );
        },
      );
      this.ensured.set(accountId, done);
    }
    return done;
  }

  private async snapshotOf(orderId: number): Promise<OrderSnapshot> {
    const row = await getPaperOrder(this.db, orderId);
    if (!row) throw new Error(`paper order ${orderId} vanished`);
    return toSnapshot(row, await listPaperFills(this.db, [orderId]));
  }

  /** Maps database failures to the port's error kinds; ExchangeErrors pass through. */
  private async guard<T>(
    kind: 'retryable' | 'unknown_outcome',
    what: string,
    fn: () => Promise<T>,
  ): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ExchangeError) throw err;
      throw new ExchangeError(kind, `paper venue: ${what} failed: ${errorText(err)}`, { cause: err });
    }
  }

  /** Runs `fn` after every earlier operation of this process on the same account. */
  private exclusive<T>(accountId: number, fn: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(accountId) ?? Promise.resolve();
    const run = previous.then(fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.chains.set(accountId, tail);
    void tail.then(() => {
      if (this.chains.get(accountId) === tail) this.chains.delete(accountId);
    });
    return run;
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inflight.add(work);
    const forget = (): void => {
      this.inflight.delete(work);
    };
    work.then(forget, forget);
    return work;
  }
}

/** One account's view of the venue: the {@link ExchangeAccount} port. */
class PaperAccount implements ExchangeAccount {
  readonly venue = PAPER_VENUE;

  constructor(
    private readonly v: PaperVenueImpl,
    readonly accountId: number,
    private readonly capital: string,
  ) {}

  loadMarket(symbol: string): Promise<MarketInfo> {
    return this.v.loadMarket(symbol);
  }

  setLeverage(symbol: string, leverage: number, _marginMode: 'CROSS' | 'ISOLATED' | null): Promise<void> {
    return this.v.setLeverage(this.accountId, this.capital, symbol, leverage);
  }

  placeOrder(request: PlaceOrderRequest): Promise<OrderSnapshot> {
    return this.v.placeOrder(this.accountId, this.capital, request);
  }

  cancelOrder(symbol: string, clientOrderId: string): Promise<OrderSnapshot> {
    return this.v.cancelOrder(this.accountId, this.capital, symbol, clientOrderId);
  }

  fetchOrder(symbol: string, clientOrderId: string): Promise<OrderSnapshot | null> {
    return this.v.fetchOrder(this.accountId, this.capital, symbol, clientOrderId);
  }

  fetchOpenOrders(symbol?: string): Promise<OrderSnapshot[]> {
    return this.v.fetchOpenOrders(this.accountId, this.capital, symbol);
  }

  fetchBalance(): Promise<Balance> {
    return this.v.fetchBalance(this.accountId, this.capital);
  }

  fetchPosition(symbol: string): Promise<VenuePosition | null> {
    return this.v.fetchPosition(this.accountId, this.capital, symbol);
  }
}
