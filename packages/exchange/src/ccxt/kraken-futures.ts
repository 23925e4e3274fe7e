import { dec, decStr, type OrderKind } from '@verzek/core';
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
  averagePrice,
  CcxtVenueEnvironment,
  installResponseHook,
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
 * Kraken Futures' published limits (Derivatives rate limits): each account may spend 500 cost units
 * every 10 seconds on `/derivatives` endpoints — sendorder, cancelorder and PUT leveragepreferences
 * cost 10, accounts, openpositions, openorders and fills 2, orders/status 1; public endpoints cost
 * nothing and no IP budget is published. The gate's per-account order budget carries those cost units.
 */
export const KRAKEN_FUTURES_LIMITS: GateLimits = {
  weightPerMinute: 0,
  ordersPer10s: 500,
  ordersPerMinute: 0,
  headroom: 0.9,
  maxInFlight: 128,
  perAccountInFlight: 4,
  maxWaitMs: 5_000,
  optionalShare: 0.75,
  optionalWaitMs: 1_000,
};

const COST = {
  sendorder: { weight: 0, orders: 10 },
  cancelorder: { weight: 0, orders: 10 },
  leverage: { weight: 0, orders: 10, optional: true },
  read2: { weight: 0, orders: 2 },
  status: { weight: 0, orders: 1 },
} satisfies Record<string, RequestCost>;

/** Kraken Futures error strings (`{"result":"error","error":"…"}`) whose meaning matters more than ccxt's class. */
export const KRAKEN_FUTURES_CODES: Readonly<Record<string, CodeVerdict>> = {
  apiLimitExceeded: 'rate_limited',
  authenticationError: 'auth',
  nonceBelowThreshold: 'retryable',
  nonceDuplicate: 'retryable',
  requiredArgumentMissing: 'rejected',
  invalidArgument: 'rejected',
  insufficientFunds: 'rejected',
  marketUnavailable: 'rejected',
  contractNotFound: 'rejected',
  unavailable: 'unknown',
  Unavailable: 'unknown',
  unknownError: 'unknown',
};

/** sendorder statuses that mean the order was accepted. */
const ACCEPTED = new Set(['placed', 'partiallyFilled', 'filled']);

const DEFAULT_FEES = { maker_rate: '0.0002', taker_rate: '0.0005' };
const LEVERAGE_CACHE_MS = 10 * 60_000;

/**
 * Our symbol (a USDT pair, `BTCUSDT`) as Kraken's multi-collateral perpetual (`PF_XBTUSD`). Kraken
 * Futures has no USDT-quoted perpetuals: the USD one is traded, at USD prices (the signal's USDT
 * prices are used as they are; the USDT/USD basis is usually a few hundredths of a percent).
 */
export function krakenSymbol(symbol: string): string {
  if (!/^[A-Z0-9]+USDT$/.test(symbol))
    throw new ExchangeError('rejected', `kraken_futures: no perpetual for ${symbol}`);
  const base = symbol.slice(0, -4);
  return `PF_${base === 'BTC' ? 'XBT' : base}USD`;
}

/** The error string of a ccxt error carrying Kraken's JSON (`"error":"apiLimitExceeded"`). */
function krakenCodeOf(err: unknown): string | null {
  const m = /"error"\s*:\s*"([A-Za-z]+)/.exec(err instanceof Error ? err.message : String(err));
  return m ? m[1]! : null;
}

async function createKrakenClient(
  env: VenueEnvironment,
  credentials: ApiCredentials | null,
): Promise<HookedClient> {
  const ccxt = await loadCcxt();
  const c = installResponseHook(
    new ccxt.krakenfutures({
      ...(credentials ? { apiKey: credentials.apiKey, secret: credentials.secret } : {}),
      enableRateLimit: false,
      timeout: env.timeoutMs,
    }),
  );
  if (env.mode === 'testnet') c.setSandboxMode(true); // demo-futures.kraken.com
  if (env.restUrl) overrideRestUrls(c, env.restUrl, ['public', 'private']);
  if (env.httpsProxy) c.httpsProxy = env.httpsProxy;
  return c;
}

export const KRAKEN_FUTURES_SPEC: VenueSpec = {
  name: 'kraken_futures',
  limits: KRAKEN_FUTURES_LIMITS,
  createClient: createKrakenClient,
  async listMarkets(c) {
    const res = (await c.request('instruments', 'public', 'GET', {})) as Json;
    const byId = new Map<string, Json>();
    for (const m of (res.instruments as Json[] | undefined) ?? [])
      if (typeof m.symbol === 'string' && m.symbol.startsWith('PF_')) byId.set(m.symbol, m);
    return byId;
  },
  marketsCost: { weight: 0, orders: 0 },
};

export function createKrakenFuturesEnvironment(
  env: VenueEnvironment,
  options: { limits?: Partial<GateLimits>; logger?: Logger } = {},
): CcxtVenueEnvironment {
  return new CcxtVenueEnvironment(env, KRAKEN_FUTURES_SPEC, options);
}

export interface KrakenFuturesAccountOptions {
  environment: CcxtVenueEnvironment;
  accountKey: string;
  credentials: ApiCredentials;
  hedgeMode: boolean;
  retry?: RetryPolicy;
  logger?: Logger;
}

interface Fill {
  orderId: string;
  cliOrdId: string;
  qty: string;
  price: string;
  at: number;
}

/**
 * A user's Kraken Futures account (multi-collateral `PF_` perpetuals) through ccxt (`krakenfutures`),
 * with Kraken's documented parameters through ccxt's `request` (its signing: `Authent` =
 * base64(HMAC-SHA512(secret, SHA256(postData + endpointPath)))). Entries `mkt` or `lmt`, TPs
 * reduce-only `lmt`, the stop a reduce-only `stp` without a limit price (stop-market) triggered by
 * the mark price. Every order carries our client id (`cliOrdId`). Kraken keeps finished orders in
 * `orders/status` only for a few seconds, so a lookup falls back to the account's fills (the last
 * 100) to learn how an order ended; an order that ended without any fill and is no longer reported is
 * indistinguishable from one never received (see docs/exchanges.md).
 *
 * Kraken Futures has one position per contract (no hedge mode): an account connected in hedge mode
 * gets no entries (refused with a reason); its exits still work.
 */
export class KrakenFuturesAccount implements LiveAccount {
  readonly venue = 'kraken_futures';
  readonly provider = 'kraken_futures' as const;
  readonly mode: LiveMode;
  private clientP: Promise<HookedClient> | null = null;
  private readonly caller: CcxtCaller;
  private readonly env: CcxtVenueEnvironment;
  private readonly leverageSet = new Map<string, { key: string; at: number }>();

  constructor(private readonly o: KrakenFuturesAccountOptions) {
    this.env = o.environment;
    this.mode = o.environment.env.mode;
    this.caller = new CcxtCaller({
      gate: this.env.gate,
      accountKey: o.accountKey,
      venue: 'kraken_futures',
      codes: KRAKEN_FUTURES_CODES,
      codeOf: krakenCodeOf,
      retry: o.retry,
      logger: o.logger,
    });
  }

  private async send(method: 'GET' | 'POST' | 'PUT', path: string, params: Json): Promise<Json> {
    this.clientP ??= this.env.client(this.o.credentials, (info) =>
      this.env.gate.observe(this.o.accountKey, info),
    );
    const c = await this.clientP;
    return (await c.request(path, 'private', method, params)) as Json;
  }

  // ------------------------------------------------------------------ markets

  async loadMarket(symbol: string): Promise<MarketInfo> {
    const id = krakenSymbol(symbol);
    const m = await this.env.market(id);
    if (!m) throw new ExchangeError('rejected', `kraken_futures: no perpetual ${id} for ${symbol}`);
    if (m.tradeable === false) throw new ExchangeError('rejected', `kraken_futures: ${id} is not tradeable`);
    const precision = Number(m.contractValueTradePrecision ?? 0);
    const lot = decStr(dec(10).pow(-(Number.isInteger(precision) ? precision : 0)));
    const im = Number((m.marginLevels as Json[] | undefined)?.[0]?.initialMargin);
    const maxLeverage =
      im > 0 ? Math.max(1, Math.floor(dec(1).div(venueDec(im, '1')).toNumber() + 1e-9)) : 20;
    return {
      symbol,
      rules: { tickSize: venueDec(m.tickSize, '0'), lotSize: lot, minQty: lot, minNotional: '0' },
      fees: DEFAULT_FEES,
      maxLeverage,
    };
  }

  // ------------------------------------------------------------------ settings

  /**
   * Kraken's leverage preference is the margin mode: a max leverage makes the contract isolated, none
   * makes it cross. No margin mode asked (null) keeps isolated, the safer one.
   */
  async setLeverage(
    symbol: string,
    leverage: number,
    marginMode: 'CROSS' | 'ISOLATED' | null,
  ): Promise<void> {
    const key = `${leverage}|${marginMode ?? ''}`;
    const known = this.leverageSet.get(symbol);
    if (known && known.key === key && Date.now() - known.at < LEVERAGE_CACHE_MS) return;
    const id = krakenSymbol(symbol);
    await this.caller.call('write', 'PUT leveragepreferences', COST.leverage, () =>
      this.send(
        'PUT',
        'leveragepreferences',
        marginMode === 'CROSS' ? { symbol: id } : { symbol: id, maxLeverage: String(leverage) },
      ),
    );
    this.leverageSet.set(symbol, { key, at: Date.now() });
  }

  /** Kraken Futures has no hedge mode: one-way is the only mode; hedge is refused. */
  setPositionMode(hedge: boolean): Promise<void> {
    if (!hedge) return Promise.resolve();
    return Promise.reject(
      new ExchangeError(
        'rejected',
        'Kraken Futures has no hedge mode (one position per contract): connect with hedge_mode 0 — entries are refused on this account until then',
      ),
    );
  }

  // ------------------------------------------------------------------ orders

  async placeOrder(r: PlaceOrderRequest): Promise<OrderSnapshot> {
    if (this.o.hedgeMode && !r.reduceOnly)
      throw new ExchangeError(
        'rejected',
        'kraken_futures: this account is set to hedge mode, which Kraken Futures does not have; reconnect with hedge_mode 0',
      );
    if (r.kind === 'STOP_MARKET' && r.stopPrice === undefined)
      throw new ExchangeError('rejected', 'a STOP_MARKET order needs a stop price');
    if (r.kind === 'LIMIT' && r.price === undefined)
      throw new ExchangeError('rejected', 'a LIMIT order needs a price');
    const params: Json = {
      orderType: r.kind === 'MARKET' ? 'mkt' : r.kind === 'LIMIT' ? 'lmt' : 'stp',
      symbol: krakenSymbol(r.symbol),
      side: r.side === 'BUY' ? 'buy' : 'sell',
      size: r.qty,
      cliOrdId: r.clientOrderId,
      ...(r.kind === 'LIMIT' ? { limitPrice: r.price } : {}),
      ...(r.kind === 'STOP_MARKET' ? { stopPrice: r.stopPrice, triggerSignal: 'mark' } : {}),
      ...(r.reduceOnly ? { reduceOnly: 'true' } : {}),
    };
    const res = await this.caller.call('write', `POST sendorder ${r.kind}`, COST.sendorder, () =>
      this.send('POST', 'sendorder', params),
    );
    const st = (res.sendStatus ?? {}) as Json;
    const status = String(st.status ?? '');
    if (/duplicate|alreadyexist/i.test(status)) {
      // An order with this client id exists already: ours, from an earlier attempt.
      const existing = await this.fetchOrder(r.symbol, r.clientOrderId, { kind: r.kind, qty: r.qty });
      if (existing) return existing;
      throw new ExchangeError(
        'unknown_outcome',
        `kraken_futures: client id ${r.clientOrderId} reported duplicated but not found`,
      );
    }
    if (!ACCEPTED.has(status))
      throw new ExchangeError('rejected', `kraken_futures refused the order: ${status || 'no status'}`, {
        code: status,
      });
    const executions = ((st.orderEvents as Json[] | undefined) ?? []).filter((e) => e.type === 'EXECUTION');
    const fills = executions.map((e) => ({ qty: venueDec(e.amount, '0'), price: venueDec(e.price, '0') }));
    const filled = fills.reduce((acc, f) => acc.plus(f.qty), dec(0));
    const snap: OrderSnapshot = {
      clientOrderId: r.clientOrderId,
      exchangeOrderId: String(st.order_id ?? ''),
      symbol: r.symbol,
      kind: r.kind,
      side: r.side,
      status: filled.gte(r.qty) ? 'FILLED' : filled.gt(0) ? 'PARTIALLY_FILLED' : 'NEW',
      qty: r.qty,
      filledQty: decStr(filled),
      avgPrice: averagePrice(fills),
      fills: [],
      rejectReason: null,
      updatedAt: Date.now(),
    };
    if (r.kind !== 'MARKET' || snap.status === 'FILLED') return snap;
    // A market order's rest is cancelled at once: read how it ended (the watcher follows up otherwise).
    try {
      return (await this.fetchOrder(r.symbol, r.clientOrderId, { kind: r.kind, qty: r.qty })) ?? snap;
    } catch {
      return snap;
    }
  }

  async cancelOrder(symbol: string, clientOrderId: string, hint?: OrderLookupHint): Promise<OrderSnapshot> {
    const res = await this.caller.call('write', 'POST cancelorder', COST.cancelorder, () =>
      this.send('POST', 'cancelorder', { cliOrdId: clientOrderId }),
    );
    const st = (res.cancelStatus ?? {}) as Json;
    if (st.status === 'cancelled') {
      const ev = ((st.orderEvents as Json[] | undefined) ?? [])[0]?.order as Json | undefined;
      const filled = venueDec(ev?.filledSize, '0');
      return {
        clientOrderId,
        exchangeOrderId: String(st.order_id ?? ''),
        symbol,
        kind: hint?.kind ?? kindOf(String(ev?.orderType ?? '')),
        side: ev?.side === 'buy' ? 'BUY' : ev?.side === 'sell' ? 'SELL' : (hint?.side ?? 'SELL'),
        status: 'CANCELED',
        qty: ev ? decStr(dec(filled).plus(venueDec(ev.unfilledSize, '0'))) : (hint?.qty ?? '0'),
        filledQty: filled,
        avgPrice: dec(filled).gt(0) ? averagePrice(await this.fillsOf(clientOrderId)) : null,
        fills: [],
        rejectReason: null,
        updatedAt: Date.now(),
      };
    }
    // Not open any more (filled, or cancelled earlier): say how it ended.
    const final = await this.fetchOrder(symbol, clientOrderId, hint);
    if (final) return final;
    throw new ExchangeError('rejected', `kraken_futures: order ${clientOrderId} is unknown to the exchange`);
  }

  async fetchOrder(
    symbol: string,
    clientOrderId: string,
    hint?: OrderLookupHint,
  ): Promise<OrderSnapshot | null> {
    const res = await this.caller.call('read', 'GET orders/status', COST.status, () =>
      this.send('GET', 'orders/status', { cliOrdIds: clientOrderId }),
    );
    const entry = ((res.orders as Json[] | undefined) ?? []).find(
      (x) => (x.order as Json | undefined)?.cliOrdId === clientOrderId,
    );
    if (entry) {
      const o = entry.order as Json;
      const filled = venueDec(o.filled, '0');
      const raw = String(entry.status ?? '');
      let status: VenueOrderStatus =
        raw === 'FULLY_EXECUTED'
          ? 'FILLED'
          : raw === 'CANCELLED'
            ? 'CANCELED'
            : raw === 'REJECTED'
              ? 'REJECTED'
              : 'NEW';
      if (status === 'NEW' && dec(filled).gt(0)) status = 'PARTIALLY_FILLED';
      const triggered = o.type === 'TRIGGER_ORDER' || o.priceTriggerOptions !== undefined;
      return {
        clientOrderId,
        exchangeOrderId: String(o.orderId ?? ''),
        symbol,
        kind: hint?.kind ?? (triggered ? 'STOP_MARKET' : o.limitPrice === null ? 'MARKET' : 'LIMIT'),
        side: o.side === 'buy' ? 'BUY' : 'SELL',
        status,
        qty: venueDec(o.quantity, hint?.qty ?? '0'),
        filledQty: filled,
        avgPrice: dec(filled).gt(0) ? averagePrice(await this.fillsOf(clientOrderId)) : null,
        fills: [],
        rejectReason:
          status === 'REJECTED'
            ? `rejected by kraken_futures (${String(entry.error ?? entry.updateReason ?? '')})`
            : null,
        updatedAt: Date.parse(String(o.lastUpdateTimestamp ?? '')) || Date.now(),
      };
    }
    // No longer reported: its fills say how it ended (none: never received, or cancelled unfilled).
    const fills = await this.fillsOf(clientOrderId);
    if (fills.length === 0) return null;
    const filled = fills.reduce((acc, f) => acc.plus(f.qty), dec(0));
    const qty = hint?.qty ?? decStr(filled);
    return {
      clientOrderId,
      exchangeOrderId: fills[0]!.orderId,
      symbol,
      kind: hint?.kind ?? 'MARKET',
      side: hint?.side ?? 'SELL',
      status: filled.gte(qty) ? 'FILLED' : 'CANCELED',
      qty,
      filledQty: decStr(filled),
      avgPrice: averagePrice(fills),
      fills: [],
      rejectReason: null,
      updatedAt: Math.max(...fills.map((f) => f.at)),
    };
  }

  /** The order's fills among the account's last 100. */
  private async fillsOf(clientOrderId: string): Promise<Fill[]> {
    const res = await this.caller.call('read', 'GET fills', COST.read2, () => this.send('GET', 'fills', {}));
    return ((res.fills as Json[] | undefined) ?? [])
      .filter((f) => f.cliOrdId === clientOrderId)
      .map((f) => ({
        orderId: String(f.order_id ?? ''),
        cliOrdId: clientOrderId,
        qty: venueDec(f.size, '0'),
        price: venueDec(f.price, '0'),
        at: Date.parse(String(f.fillTime ?? '')) || Date.now(),
      }));
  }

  async fetchOpenOrders(symbol?: string): Promise<OrderSnapshot[]> {
    const res = await this.caller.call('read', 'GET openorders', COST.read2, () =>
      this.send('GET', 'openorders', {}),
    );
    const id = symbol === undefined ? null : krakenSymbol(symbol);
    const out: OrderSnapshot[] = [];
    for (const o of (res.openOrders as Json[] | undefined) ?? []) {
      if (id !== null && o.symbol !== id) continue;
      const cid = String(o.cliOrdId ?? '');
      const filled = venueDec(o.filledSize, '0');
      out.push({
        clientOrderId: cid,
        exchangeOrderId: String(o.order_id ?? ''),
        symbol: symbol ?? String(o.symbol),
        kind: kindOf(String(o.orderType ?? '')),
        side: o.side === 'buy' ? 'BUY' : 'SELL',
        status: dec(filled).gt(0) ? 'PARTIALLY_FILLED' : 'NEW',
        qty: decStr(dec(filled).plus(venueDec(o.unfilledSize, '0'))),
        filledQty: filled,
        avgPrice: dec(filled).gt(0) && cid !== '' ? averagePrice(await this.fillsOf(cid)) : null,
        fills: [],
        rejectReason: null,
        updatedAt: Date.parse(String(o.lastUpdateTime ?? '')) || Date.now(),
      });
    }
    return out;
  }

  /** The multi-collateral ("flex") account, valued in USD. */
  async fetchBalance(): Promise<Balance> {
    const res = await this.caller.call('read', 'GET accounts', COST.read2, () =>
      this.send('GET', 'accounts', {}),
    );
    const flex = ((res.accounts as Json | undefined)?.flex ?? {}) as Json;
    return {
      asset: 'USD',
      total: venueDec(flex.portfolioValue ?? flex.balanceValue, '0'),
      free: venueDec(flex.availableMargin, '0'),
    };
  }

  async fetchPosition(symbol: string): Promise<VenuePosition | null> {
    const id = krakenSymbol(symbol);
    const res = await this.caller.call('read', 'GET openpositions', COST.read2, () =>
      this.send('GET', 'openpositions', {}),
    );
    for (const p of (res.openPositions as Json[] | undefined) ?? []) {
      if (p.symbol !== id) continue;
      const size = dec(venueDec(p.size, '0'));
      if (size.isZero()) continue;
      return {
        symbol,
        side: p.side === 'short' ? 'SHORT' : 'LONG',
        qty: decStr(size.abs()),
        entryPrice: venueDec(p.price, '0'),
      };
    }
    return null;
  }

  /**
   * Kraken Futures has no endpoint that reports a key's access levels: the balance read proves the
   * key signs and can read; that withdrawals are off cannot be checked, so the user is told.
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
          ? 'Kraken Futures demo does not report key permissions (demo keys hold no real funds)'
          : 'Kraken Futures does not report API key permissions: make sure this key has "Withdrawal API: No access" (General API: full access is what trading needs)',
    });
  }

  close(): Promise<void> {
    this.clientP = null;
    return Promise.resolve();
  }
}

function kindOf(orderType: string): OrderKind {
  if (orderType === 'lmt' || orderType === 'post') return 'LIMIT';
  if (orderType === 'stop' || orderType === 'stp') return 'STOP_MARKET';
  return 'MARKET';
}
