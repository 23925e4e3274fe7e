import { dec, decStr, type OrderKind, type OrderSide } from '@verzek/core';
import type { Logger } from '@verzek/platform';
import {
  ExchangeError,
  type Balance,
  type MarketInfo,
  type OrderLookupHint,
  type OrderSnapshot,
  type PlaceOrderRequest,
  type VenueOrderStatus,
  type VenuePosition,
} from '../port';
import { CcxtCaller, type RetryPolicy } from './ccxt-caller';
import {
  CcxtVenueEnvironment,
  installResponseHook,
  messageOf,
  overrideRestUrls,
  venueDec,
  type HookedClient,
  type Json,
  type VenueSpec,
} from './ccxt-environment';
import { loadCcxt } from './ccxt-loader';
import type { CodeVerdict } from './errors';
import type { GateLimits, RequestCost } from './request-gate';
import type { ApiCredentials, KeyPermissions, LiveAccount, LiveMode, VenueEnvironment } from './types';

/**
 * Phemex's published limits (Generic API info): 5,000 requests per 5 minutes per IP (kept here as
 * 1,000 a minute; exceeding it blocks the IP for 5 minutes) and 500 requests a minute per user for the
 * Contract API group — every trading call, reads included. The gate's per-account order budget
 * carries that per-user budget: every private call costs 1 "order" unit in it.
 */
export const PHEMEX_LIMITS: GateLimits = {
  weightPerMinute: 1000,
  ordersPer10s: 0,
  ordersPerMinute: 500,
  headroom: 0.9,
  maxInFlight: 128,
  perAccountInFlight: 4,
  maxWaitMs: 5_000,
  optionalShare: 0.75,
  optionalWaitMs: 1_000,
};

/** Phemex error codes whose meaning matters more than ccxt's class (sources: Phemex's error list, ccxt). */
export const PHEMEX_CODES: Readonly<Record<string, CodeVerdict>> = {
  '401': 'auth', // failed to load API key, bad signature, expired request
  '10001': 'rejected', // duplicated order id (handled: it is ours)
  '11085': 'rejected', // duplicated clOrdID (handled: it is ours)
  '10002': 'not_found', // order not found
  '10003': 'unknown', // cancel pending: the order's fate is being decided
  '10004': 'unknown',
  '10005': 'unknown',
  '19999': 'rejected', // duplicated request id
  '11001': 'rejected', // insufficient available balance
  '11004': 'rejected', // invalid leverage
  '11011': 'rejected', // reduce-only abort
  '11027': 'rejected', // invalid symbol
  '11043': 'rejected', // conditional order would trigger immediately
  '11044': 'rejected',
  '11053': 'rejected', // price too large
  '11055': 'rejected', // price too small
  '11056': 'rejected', // quantity too large
  '11057': 'rejected', // reduce-only without a position
  '11058': 'rejected', // quantity too small
  '11082': 'rejected', // cannot cover the estimated loss
  '11114': 'rejected', // order value too large
  '11115': 'rejected', // order value too small
  '20004': 'rejected', // position mode inconsistent
};

const DUPLICATE = new Set(['10001', '11085']);
/** Every private call: 1 of the IP's requests and 1 of the user's Contract-group budget. */
const COST: RequestCost = { weight: 1, orders: 1 };

const STATUS: Readonly<Record<string, VenueOrderStatus>> = {
  Created: 'NEW',
  Untriggered: 'NEW',
  Triggered: 'NEW',
  New: 'NEW',
  PartiallyFilled: 'PARTIALLY_FILLED',
  Filled: 'FILLED',
  Canceled: 'CANCELED',
  Deactivated: 'CANCELED',
  Rejected: 'REJECTED',
};

const DEFAULT_FEES = { maker_rate: '0.0001', taker_rate: '0.0006' };
const LEVERAGE_CACHE_MS = 10 * 60_000;

/** The client of one environment: ccxt's phemex, on the testnet host in demo mode. */
async function createPhemexClient(
  env: VenueEnvironment,
  credentials: ApiCredentials | null,
): Promise<HookedClient> {
  const ccxt = await loadCcxt();
  const c = installResponseHook(
    new ccxt.phemex({
      ...(credentials ? { apiKey: credentials.apiKey, secret: credentials.secret } : {}),
      enableRateLimit: false, // the RequestGate does it, across accounts
      timeout: env.timeoutMs,
      options: { fetchCurrencies: false, defaultType: 'swap' },
    }),
  );
  if (env.mode === 'testnet') c.setSandboxMode(true); // testnet-api.phemex.com
  // Market info comes from `v2` (/public/products); trading from `private`.
  if (env.restUrl) overrideRestUrls(c, env.restUrl, ['v2', 'private']);
  if (env.httpsProxy) c.httpsProxy = env.httpsProxy;
  return c;
}

export const PHEMEX_SPEC: VenueSpec = {
  name: 'phemex',
  limits: PHEMEX_LIMITS,
  createClient: createPhemexClient,
  async listMarkets(c) {
    const res = (await c.request('public/products', 'v2', 'GET', {})) as Json;
    const data = (res.data ?? {}) as Json;
    const byId = new Map<string, Json>();
    for (const m of (data.perpProductsV2 as Json[] | undefined) ?? []) {
      if (m.settleCurrency === 'USDT' && typeof m.symbol === 'string') byId.set(m.symbol, m);
    }
    return byId;
  },
  marketsCost: { weight: 1, orders: 0 },
};

export function createPhemexEnvironment(
  env: VenueEnvironment,
  options: { limits?: Partial<GateLimits>; logger?: Logger } = {},
): CcxtVenueEnvironment {
  return new CcxtVenueEnvironment(env, PHEMEX_SPEC, options);
}

export interface PhemexAccountOptions {
  environment: CcxtVenueEnvironment;
  accountKey: string;
  credentials: ApiCredentials;
  hedgeMode: boolean;
  retry?: RetryPolicy;
  logger?: Logger;
}

/**
 * A user's Phemex USDT-M perpetual account through ccxt (`phemex`, the "hedged perpetual" `g-`
 * endpoints), called with Phemex's documented parameters through ccxt's `request` (its signing:
 * `x-phemex-request-signature` = HMAC-SHA256(path + query + expiry + body)). Entries are market or
 * limit orders; TPs reduce-only limits; the stop a reduce-only `Stop` (stop-market) triggered by the
 * mark price, with a quantity (`closeOnTrigger` is not used: a moved stop is placed before the old one
 * is cancelled). Every order carries our client id (`clOrdID`), so ccxt's broker prefix never applies.
 * Placement answers before execution (`Created`), so a market order is read back once to learn its
 * fill. Position mode is per symbol on Phemex: it is switched (best effort) when the leverage is set
 * before an entry; account-wide `setPositionMode` only records the choice.
 */
export class PhemexAccount implements LiveAccount {
  readonly venue = 'phemex';
  readonly provider = 'phemex' as const;
  readonly mode: LiveMode;
  private clientP: Promise<HookedClient> | null = null;
  private readonly caller: CcxtCaller;
  private readonly env: CcxtVenueEnvironment;
  private readonly leverageSet = new Map<string, { key: string; at: number }>();

  constructor(private readonly o: PhemexAccountOptions) {
    this.env = o.environment;
    this.mode = o.environment.env.mode;
    this.caller = new CcxtCaller({
      gate: this.env.gate,
      accountKey: o.accountKey,
      venue: 'phemex',
      codes: PHEMEX_CODES,
      retry: o.retry,
      logger: o.logger,
    });
  }

  private async send(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, params: Json): Promise<Json> {
    this.clientP ??= this.env.client(this.o.credentials, (info) =>
      this.env.gate.observe(this.o.accountKey, info),
    );
    const c = await this.clientP;
    return (await c.request(path, 'private', method, params)) as Json;
  }

  // ------------------------------------------------------------------ markets

  async loadMarket(symbol: string): Promise<MarketInfo> {
    const m = await this.env.market(symbol);
    if (!m) throw new ExchangeError('rejected', `phemex: no USDT perpetual ${symbol}`);
    if (m.status !== undefined && m.status !== 'Listed')
      throw new ExchangeError('rejected', `phemex: ${symbol} is not trading (${String(m.status)})`);
    const step = venueDec(m.qtyStepSize, '0');
    return {
      symbol,
      rules: {
        tickSize: venueDec(m.tickSize, '0'),
        lotSize: step,
        minQty: step,
        minNotional: venueDec(m.minOrderValueRv, '0'),
      },
      fees: DEFAULT_FEES,
      maxLeverage: Math.max(1, Math.floor(Number(m.maxLeverage ?? 20)) || 20),
    };
  }

  // ------------------------------------------------------------------ settings

  /**
   * Phemex's leverage sign is the margin mode: positive = isolated, negative = cross. No margin mode
   * asked (null) keeps isolated, the safer one (a loss is bounded by the position's margin). The
   * symbol's position mode is switched to the account's first (it fails while a position or order is
   * open on the symbol, which is then left as it is: orders in the other mode are refused, not misplaced).
   */
  async setLeverage(
    symbol: string,
    leverage: number,
    marginMode: 'CROSS' | 'ISOLATED' | null,
  ): Promise<void> {
    const key = `${leverage}|${marginMode ?? ''}|${this.o.hedgeMode ? 'h' : 'o'}`;
    const known = this.leverageSet.get(symbol);
    if (known && known.key === key && Date.now() - known.at < LEVERAGE_CACHE_MS) return;
    await this.caller.call(
      'write',
      'PUT switch-pos-mode',
      { ...COST, optional: true },
      () =>
        this.send('PUT', 'g-positions/switch-pos-mode-sync', {
          symbol,
          targetPosMode: this.o.hedgeMode ? 'Hedged' : 'OneWay',
        }),
      (code) => (code === '20004' ? { value: {} } : undefined),
    );
    const signed = marginMode === 'CROSS' ? -leverage : leverage;
    await this.caller.call('write', 'PUT leverage', { ...COST, optional: true }, () =>
      this.send(
        'PUT',
        'g-positions/leverage',
        this.o.hedgeMode
          ? { symbol, longLeverageRr: String(signed), shortLeverageRr: String(signed) }
          : { symbol, leverageRr: String(signed) },
      ),
    );
    this.leverageSet.set(symbol, { key, at: Date.now() });
  }

  /** Phemex sets the position mode per symbol (see setLeverage): nothing to do account-wide. */
  setPositionMode(): Promise<void> {
    return Promise.resolve();
  }

  // ------------------------------------------------------------------ orders

  async placeOrder(r: PlaceOrderRequest): Promise<OrderSnapshot> {
    if (r.kind === 'STOP_MARKET' && r.stopPrice === undefined)
      throw new ExchangeError('rejected', 'a STOP_MARKET order needs a stop price');
    if (r.kind === 'LIMIT' && r.price === undefined)
      throw new ExchangeError('rejected', 'a LIMIT order needs a price');
    const body: Json = {
      symbol: r.symbol,
      clOrdID: r.clientOrderId,
      side: r.side === 'BUY' ? 'Buy' : 'Sell',
      ordType: r.kind === 'MARKET' ? 'Market' : r.kind === 'LIMIT' ? 'Limit' : 'Stop',
      orderQtyRq: r.qty,
      timeInForce: r.kind === 'LIMIT' ? 'GoodTillCancel' : 'ImmediateOrCancel',
      posSide: this.posSide(r.side, r.reduceOnly),
      ...(this.o.hedgeMode ? {} : { reduceOnly: r.reduceOnly }),
      ...(r.kind === 'LIMIT' ? { priceRp: r.price } : {}),
      ...(r.kind === 'STOP_MARKET' ? { stopPxRp: r.stopPrice, triggerType: 'ByMarkPrice' } : {}),
    };
    let duplicate = false;
    const res = await this.caller.call<Json>(
      'write',
      `POST g-orders ${r.kind}`,
      COST,
      () => this.send('POST', 'g-orders', body),
      (code) => (code !== null && DUPLICATE.has(code) ? ((duplicate = true), { value: {} }) : undefined),
    );
    if (duplicate) {
      // An order with this client id exists already: ours, from an earlier attempt.
      const existing = await this.fetchOrder(r.symbol, r.clientOrderId, { kind: r.kind });
      if (existing) return existing;
      throw new ExchangeError(
        'unknown_outcome',
        `phemex: client id ${r.clientOrderId} reported duplicated but not found`,
      );
    }
    const ack = snapshot((res.data ?? {}) as Json, r.clientOrderId, r.symbol, r.kind);
    if (r.kind !== 'MARKET' || !isOpen(ack.status)) return ack;
    // Acknowledged, not yet executed: read the outcome once (the watcher follows up otherwise).
    try {
      return (await this.fetchOrder(r.symbol, r.clientOrderId, { kind: r.kind })) ?? ack;
    } catch (err) {
      this.o.logger?.info(
        { err: messageOf(err), symbol: r.symbol },
        'phemex market order placed; fill read later',
      );
      return ack;
    }
  }

  async cancelOrder(symbol: string, clientOrderId: string, hint?: OrderLookupHint): Promise<OrderSnapshot> {
    let posSide = 'Merged';
    if (this.o.hedgeMode) {
      // Which side's position the order belongs to is in the order itself.
      const found = await this.fetchOrder(symbol, clientOrderId, hint);
      if (!found)
        throw new ExchangeError('rejected', `phemex: order ${clientOrderId} is unknown to the exchange`);
      if (!isOpen(found.status)) return found;
      posSide = this.lastPosSide.get(clientOrderId) ?? 'Merged';
    }
    let gone = false;
    const res = await this.caller.call<Json>(
      'write',
      'DELETE g-orders/cancel',
      COST,
      () => this.send('DELETE', 'g-orders/cancel', { symbol, clOrdID: clientOrderId, posSide }),
      (code) => (code === '10002' ? ((gone = true), { value: {} }) : undefined),
    );
    if (!gone) {
      const snap = snapshot((res.data ?? {}) as Json, clientOrderId, symbol, hint?.kind ?? null);
      if (!isOpen(snap.status)) return snap;
    }
    // Already final, or the answer predates the cancel: say how it ended.
    const final = await this.fetchOrder(symbol, clientOrderId, hint);
    if (final) return final;
    throw new ExchangeError('rejected', `phemex: order ${clientOrderId} is unknown to the exchange`);
  }

  private readonly lastPosSide = new Map<string, string>();

  /**
   * By client id in the order history (`api-data/g-futures/orders/by-order-id`, which holds open and
   * finished orders); when it has none, the open orders too, before saying the order does not exist.
   */
  async fetchOrder(
    symbol: string,
    clientOrderId: string,
    hint?: OrderLookupHint,
  ): Promise<OrderSnapshot | null> {
    const res = await this.caller.call('read', 'GET orders/by-order-id', COST, () =>
      this.send('GET', 'api-data/g-futures/orders/by-order-id', { symbol, clOrdID: clientOrderId }),
    );
    const rows = Array.isArray(res.data)
      ? (res.data as Json[])
      : (((res.data as Json | undefined)?.rows as Json[]) ?? []);
    let row = rows.find((x) => (x.clOrdID ?? x.clOrdId) === clientOrderId);
    if (!row) row = (await this.activeRows(symbol)).find((x) => (x.clOrdID ?? x.clOrdId) === clientOrderId);
    if (!row) return null;
    if (typeof row.posSide === 'string') this.lastPosSide.set(clientOrderId, row.posSide);
    return snapshot(row, clientOrderId, symbol, hint?.kind ?? null);
  }

  async fetchOpenOrders(symbol?: string): Promise<OrderSnapshot[]> {
    if (symbol === undefined) throw new ExchangeError('rejected', 'phemex lists open orders per symbol');
    return (await this.activeRows(symbol)).map((j) =>
      snapshot(j, String(j.clOrdID ?? j.clOrdId ?? ''), symbol, null),
    );
  }

  private async activeRows(symbol: string): Promise<Json[]> {
    const res = await this.caller.call(
      'read',
      'GET g-orders/activeList',
      COST,
      () => this.send('GET', 'g-orders/activeList', { symbol }),
      // Phemex answers "order not found" when there is no open order.
      (code) => (code === '10002' ? { value: { data: { rows: [] } } } : undefined),
    );
    const data = res.data as Json | Json[] | undefined;
    return Array.isArray(data) ? data : ((data?.rows as Json[] | undefined) ?? []);
  }

  async fetchBalance(): Promise<Balance> {
    const acc = ((await this.accountPositions()).account ?? {}) as Json;
    const total = dec(venueDec(acc.accountBalanceRv, '0'));
    const used = dec(venueDec(acc.totalUsedBalanceRv, '0'));
    return { asset: 'USDT', total: decStr(total), free: decStr(total.minus(used)) };
  }

  async fetchPosition(symbol: string): Promise<VenuePosition | null> {
    const positions = ((await this.accountPositions()).positions as Json[] | undefined) ?? [];
    for (const p of positions) {
      if (p.symbol !== symbol) continue;
      const size = dec(venueDec(p.sizeRq, '0'));
      if (size.isZero()) continue;
      return {
        symbol,
        side: p.side === 'Sell' || p.posSide === 'Short' ? 'SHORT' : 'LONG',
        qty: decStr(size.abs()),
        entryPrice: venueDec(p.avgEntryPriceRp, '0'),
      };
    }
    return null;
  }

  private async accountPositions(): Promise<Json> {
    const res = await this.caller.call('read', 'GET g-accounts/accountPositions', COST, () =>
      this.send('GET', 'g-accounts/accountPositions', { currency: 'USDT' }),
    );
    return (res.data ?? {}) as Json;
  }

  /**
   * Phemex has no endpoint that reports an API key's permissions: the balance read proves the key
   * signs and can read; withdrawals and the IP whitelist cannot be checked, so the user is told.
   */
  checkPermissions(): Promise<KeyPermissions> {
    return Promise.resolve({
      reported: false,
      canRead: null,
      canTrade: null,
      canWithdraw: null,
      ipRestricted: null,
      note:
        this.mode === 'testnet'
          ? 'Phemex testnet does not report key permissions (testnet keys hold no real funds)'
          : 'Phemex does not report API key permissions: make sure this key has withdrawals disabled (only contract trading enabled) and is bound to the server’s IP',
    });
  }

  close(): Promise<void> {
    this.clientP = null;
    return Promise.resolve();
  }

  /** One-way: Merged. Hedge: the side of the position the order opens or reduces. */
  private posSide(side: OrderSide, reduceOnly: boolean): string {
    if (!this.o.hedgeMode) return 'Merged';
    const long = reduceOnly ? side === 'SELL' : side === 'BUY';
    return long ? 'Long' : 'Short';
  }
}

/** A Phemex order (trading endpoints: `orderID`/`clOrdID`; history: `orderId`/`clOrdId`) as a snapshot. */
function snapshot(j: Json, clientOrderId: string, symbol: string, kind: OrderKind | null): OrderSnapshot {
  const type = String(j.ordType ?? j.orderType ?? '');
  const filled = venueDec(j.cumQtyRq, '0');
  const value = venueDec(j.cumValueRv, '0');
  const avg = dec(filled).gt(0)
    ? venueDec(j.avgPriceRp, '') || decStr(dec(value).div(filled).toDecimalPlaces(12))
    : null;
  let status = STATUS[String(j.ordStatus)] ?? 'NEW';
  if (status === 'NEW' && dec(filled).gt(0)) status = 'PARTIALLY_FILLED';
  const ns = Number(j.transactTimeNs ?? j.actionTimeNs);
  return {
    clientOrderId: String(j.clOrdID ?? j.clOrdId ?? clientOrderId) || clientOrderId,
    exchangeOrderId: String(j.orderID ?? j.orderId ?? ''),
    symbol: String(j.symbol ?? symbol),
    kind: kind ?? (type === 'Limit' ? 'LIMIT' : type === 'Market' ? 'MARKET' : 'STOP_MARKET'),
    side: j.side === 'Sell' ? 'SELL' : 'BUY',
    status,
    qty: venueDec(j.orderQtyRq, '0'),
    filledQty: filled,
    avgPrice: avg,
    fills: [],
    rejectReason: status === 'REJECTED' ? `rejected by phemex (${String(j.bizError ?? '')})` : null,
    updatedAt: Number.isFinite(ns) && ns > 0 ? Math.floor(ns / 1_000_000) : Date.now(),
  };
}

function isOpen(s: VenueOrderStatus): boolean {
  return s === 'NEW' || s === 'PARTIALLY_FILLED';
}
