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
import { BYBIT_CODES } from './bybit-codes';
import { CcxtCaller, type RetryPolicy } from './ccxt-caller';
import { deriveAccountClient, prepareTemplate } from './ccxt-environment';
import { loadCcxt, type Ccxt } from './ccxt-loader';
import { retCodeOf } from './errors';
import { RequestGate, type GateLimits, type RequestCost, type ResponseInfo } from './request-gate';
import type { ApiCredentials, KeyPermissions, LiveAccount, LiveMode, VenueEnvironment } from './types';

/**
 * Bybit's published limits for one IP and one UID (docs: v5 rate limit): 600 requests per 5 s per IP
 * (403 "access too frequent" and a ban beyond), and per UID and endpoint so many requests per second —
 * 10/s for placing, cancelling and setting leverage on USDT perpetuals, 50/s for the order, position
 * and wallet reads. Every request costs 1 of the IP budget and 1 of its endpoint's.
 */
export const BYBIT_LIMITS: GateLimits = {
  weightPerMinute: 600,
  ipWindowMs: 5_000,
  ordersPer10s: 0,
  ordersPerMinute: 0,
  headroom: 0.9,
  maxInFlight: 128,
  perAccountInFlight: 4,
  maxWaitMs: 5_000,
  optionalShare: 0.75,
  optionalWaitMs: 1_000,
  perSecond: {
    'order/create': 10,
    'order/cancel': 10,
    'order/realtime': 50,
    'order/history': 50,
    'position/list': 50,
    'position/set-leverage': 10,
    'position/switch-mode': 10,
    'account/wallet-balance': 50,
    'account/set-margin-mode': 5,
    'user/query-api': 5,
  },
};

/** How long traffic stops after Bybit's IP limit (403) when it does not say: its ban lasts ~10 min. */
const IP_BAN_MS = 600_000;

/** The per-UID budget an endpoint draws from: its path after `/v5/` (`order/create`). */
export function bybitBucket(url: string): string | null {
  try {
    const m = /^\/v5\/(.+)$/.exec(new URL(url).pathname);
    return m ? m[1]! : null;
  } catch {
    return null;
  }
}

/**
 * What one Bybit answer says about the rate limits, for the gate: the endpoint's remaining budget
 * (`X-Bapi-Limit-Status`, reset at `X-Bapi-Limit-Reset-Timestamp`), a refusal of the UID's endpoint
 * (retCode 10006, with HTTP 200) or of the IP (HTTP 403).
 */
export function bybitResponseInfo(
  status: number,
  headers: Readonly<Record<string, string>>,
  url: string,
  body: string,
  now: number = Date.now(),
): ResponseInfo {
  const info: ResponseInfo = { status, headers, ...(status >= 400 ? { body } : {}) };
  const bucket = bybitBucket(url);
  const remaining = Number(headers['x-bapi-limit-status']);
  const resetRaw = Number(headers['x-bapi-limit-reset-timestamp']);
  const resetAt = Number.isFinite(resetRaw) && resetRaw > 0 ? resetRaw : now + 1_000;
  if (bucket && headers['x-bapi-limit-status'] !== undefined && Number.isFinite(remaining))
    info.usage = { bucket, remaining, resetAt };
  if (bucket && /"retCode"\s*:\s*10006\b/.test(body))
    info.refusal = { scope: 'bucket', bucket, until: resetAt };
  if (status === 403) {
    const retryAfter = Number(headers['retry-after']);
    info.refusal = {
      scope: 'ip',
      until: now + (Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1_000 : IP_BAN_MS),
    };
  }
  return info;
}

/** The pinned ccxt's bybit, reporting every REST response (limit headers, 10006, 403) to a hook. */
function hookedClientClass(ccxt: Ccxt) {
  return class BybitClient extends ccxt.bybit {
    responseHook: ((info: ResponseInfo) => void) | null = null;

    override onRestResponse(
      statusCode: number,
      statusText: string,
      url: string,
      method: string,
      responseHeaders: Record<string, string> | undefined,
      responseBody: string,
      requestHeaders: unknown,
      requestBody: unknown,
    ): string {
      if (this.responseHook) {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(responseHeaders ?? {})) headers[k.toLowerCase()] = String(v);
        this.responseHook(bybitResponseInfo(statusCode, headers, url, String(responseBody ?? '')));
      }
      return super.onRestResponse(
        statusCode,
        statusText,
        url,
        method,
        responseHeaders,
        responseBody,
        requestHeaders,
        requestBody,
      ) as string;
    }
  };
}

type BybitClient = InstanceType<ReturnType<typeof hookedClientClass>>;
let clientClass: ReturnType<typeof hookedClientClass> | null = null;

type Json = Record<string, unknown>;

/** Where traffic goes: demo trading for `testnet`; `restUrl` replaces the v5 host (fakes). */
async function createClient(
  env: VenueEnvironment,
  credentials: ApiCredentials | null,
  recvWindowMs: number,
): Promise<BybitClient> {
  clientClass ??= hookedClientClass(await loadCcxt());
  const client = new clientClass({
    ...(credentials ? { apiKey: credentials.apiKey, secret: credentials.secret } : {}),
    enableRateLimit: false, // the RequestGate does it, across accounts
    timeout: env.timeoutMs,
    options: {
      fetchCurrencies: false,
      recvWindow: recvWindowMs,
      defaultType: 'swap',
      defaultSubType: 'linear',
      fetchMarkets: { types: ['linear'] },
    },
  });
  // Demo trading replaces the URL table: overrides must come after it.
  if (env.mode === 'testnet') client.enableDemoTrading(true);
  if (env.restUrl) {
    const base = env.restUrl.replace(/\/+$/, '');
    const api = client.urls.api as Record<string, string>;
    for (const key of Object.keys(api)) {
      // Only the v5 API (public + private) goes to the override; anything else to a dead port.
      api[key] = key === 'public' || key === 'private' ? base : 'http://127.0.0.1:9';
    }
  }
  if (env.httpsProxy) client.httpsProxy = env.httpsProxy;
  return client;
}

/** Reads a v5 envelope's `result`. */
function resultOf(res: unknown): Json {
  const r = (res as Json | null)?.result;
  return r && typeof r === 'object' ? (r as Json) : {};
}

function listOf(res: unknown): Json[] {
  const list = resultOf(res).list;
  return Array.isArray(list) ? (list as Json[]) : [];
}

/** What every account of one Bybit environment (mode + host + egress) shares. */
export class BybitEnvironment {
  readonly gate: RequestGate;
  readonly recvWindowMs: number;
  readonly logger: Logger | undefined;
  /** Local clock minus Bybit's, ms (shared by every client of this environment). */
  timeDifference = 0;
  private publicClientP: Promise<BybitClient> | null = null;
  private markets: { at: number; loading: Promise<Map<string, Json>> } | null = null;
  private readonly marketsTtlMs: number;
  private lastResync = 0;
  private resyncing: Promise<void> | null = null;

  constructor(
    readonly env: VenueEnvironment,
    options: {
      limits?: Partial<GateLimits>;
      marketsTtlMs?: number;
      recvWindowMs?: number;
      logger?: Logger;
    } = {},
  ) {
    this.gate = new RequestGate({ ...BYBIT_LIMITS, ...options.limits });
    this.recvWindowMs = options.recvWindowMs ?? 10_000;
    this.marketsTtlMs = options.marketsTtlMs ?? 3_600_000;
    this.logger = options.logger;
  }

  /** An account's signing client, derived from the environment's ({@link deriveAccountClient}). */
  async client(credentials: ApiCredentials, onResponse: (info: ResponseInfo) => void): Promise<BybitClient> {
    return deriveAccountClient(await this.publicClient(), credentials, onResponse);
  }

  private publicClient(): Promise<BybitClient> {
    this.publicClientP ??= createClient(this.env, null, this.recvWindowMs).then((c) =>
      prepareTemplate(c, this.gate),
    );
    return this.publicClientP;
  }

  async warmUp(): Promise<void> {
    await this.publicClient();
    await this.market('BTCUSDT').catch((err: unknown) => {
      if (!(err instanceof ExchangeError && err.kind === 'rejected')) throw err;
    });
  }

  /** `/v5/market/instruments-info` (linear) through ccxt's loadMarkets, cached for every account. */
  async market(symbol: string): Promise<Json> {
    const now = Date.now();
    if (!this.markets || now - this.markets.at > this.marketsTtlMs) {
      const loading = this.publicClient()
        .then((c) =>
          // Two requests: the trading list and the pre-launch one.
          this.gate.run('public', { weight: 2, orders: 0 }, () => c.loadMarkets(true)),
        )
        .then((all) => {
          const byId = new Map<string, Json>();
          for (const m of Object.values(all))
            if (m?.id && m.linear && m.swap && m.settle === 'USDT') byId.set(m.id, m.info as Json);
          return byId;
        });
      this.markets = { at: now, loading };
      loading.catch(() => {
        if (this.markets?.loading === loading) this.markets = null;
      });
    }
    let byId: Map<string, Json>;
    try {
      byId = await this.markets.loading;
    } catch (err) {
      throw new ExchangeError('retryable', `bybit instruments-info failed: ${messageOf(err)}`, {
        cause: err,
      });
    }
    const info = byId.get(symbol);
    if (!info) throw new ExchangeError('rejected', `bybit: no USDT perpetual ${symbol}`);
    if (info.status !== undefined && info.status !== 'Trading')
      throw new ExchangeError('rejected', `bybit: ${symbol} is not trading (${String(info.status)})`);
    return info;
  }

  /** Re-reads Bybit's clock (`/v5/market/time`; one read at a time, not again within 500 ms). */
  resync(): Promise<void> {
    if (this.resyncing) return this.resyncing;
    if (Date.now() - this.lastResync < 500) return Promise.resolve();
    this.resyncing = (async () => {
      const c = await this.publicClient();
      const res = (await this.gate.run('public', { weight: 1, orders: 0 }, () =>
        c.request('v5/market/time', 'public', 'GET', {}),
      )) as Json;
      const after = Date.now();
      const nano = resultOf(res).timeNano;
      const server =
        typeof nano === 'string' && /^\d+$/.test(nano) ? Number(BigInt(nano) / 1_000_000n) : Number(res.time);
      if (!Number.isFinite(server) || server <= 0) throw new Error('no time in /v5/market/time');
      // As for Binance: never ahead of Bybit's clock, behind it by at most the round trip.
      this.timeDifference = after - server;
      this.logger?.info({ timeDifferenceMs: this.timeDifference }, 'bybit clock resynced');
    })().finally(() => {
      this.lastResync = Date.now();
      this.resyncing = null;
    });
    return this.resyncing;
  }

  close(): void {
    this.gate.close();
    const p = this.publicClientP;
    this.publicClientP = null;
    void p
      ?.then(async (c) => {
        const dispatcher = (c as unknown as { fetchDispatcher?: { close?: () => Promise<void> } })
          .fetchDispatcher;
        await dispatcher?.close?.();
      })
      .catch(() => undefined);
  }
}

export interface BybitAccountOptions {
  environment: BybitEnvironment;
  /** Our exchange account id (its fair share and per-endpoint budgets). */
  accountKey: string;
  credentials: ApiCredentials;
  hedgeMode: boolean;
  retry?: RetryPolicy;
  logger?: Logger;
}

/** Bybit order states → ours. Cancels Bybit made itself (reduce-only overshoot…) read as expiries. */
const STATUS: Readonly<Record<string, VenueOrderStatus>> = {
  New: 'NEW',
  Untriggered: 'NEW',
  Triggered: 'NEW',
  PartiallyFilled: 'PARTIALLY_FILLED',
  Filled: 'FILLED',
  Cancelled: 'CANCELED',
  PartiallyFilledCanceled: 'CANCELED',
  Deactivated: 'CANCELED',
  Rejected: 'REJECTED',
};

const DEFAULT_FEES = { maker_rate: '0.0002', taker_rate: '0.00055' };
const SETTINGS_CACHE_MS = 10 * 60_000;
const cost = (bucket: string, extra: Partial<RequestCost> = {}): RequestCost => ({
  weight: 1,
  orders: 0,
  bucket,
  ...extra,
});

/**
 * A user's Bybit USDT-perpetual account (category `linear`, unified account) through ccxt's `bybit`,
 * on Bybit's v5 REST API: entries and the TP ladder (reduce-only limits) and the stop (a conditional
 * reduce-only market order: `triggerPrice` + `triggerDirection` on the mark price) all through
 * `/v5/order/create`, each with our client id as `orderLinkId` (unique per account on Bybit: a repeat
 * is refused with 110072 and recognised as ours). Placing answers only ids, so the order is read back
 * (`/v5/order/realtime`, then `/v5/order/history` once it is closed). Fills are read as cumulative
 * quantity and average price; fees are estimated from the default rates.
 */
export class BybitAccount implements LiveAccount {
  readonly venue = 'bybit';
  readonly provider = 'bybit' as const;
  readonly mode: LiveMode;
  private clientP: Promise<BybitClient> | null = null;
  private readonly caller: CcxtCaller;
  private readonly env: BybitEnvironment;
  private readonly leverageSet = new Map<string, { leverage: number; at: number }>();
  private marginSet: { mode: string; at: number } | null = null;

  constructor(private readonly o: BybitAccountOptions) {
    this.env = o.environment;
    this.mode = o.environment.env.mode;
    this.caller = new CcxtCaller({
      gate: this.env.gate,
      accountKey: o.accountKey,
      venue: 'bybit',
      codes: BYBIT_CODES,
      codeOf: retCodeOf,
      retry: o.retry,
      logger: o.logger,
      resync: () => this.env.resync(),
    });
  }

  /** One signed v5 call through ccxt's `request` (its signing, transport, proxy and errors). */
  private async send(
    method: 'GET' | 'POST',
    path: string,
    params: Record<string, unknown>,
  ): Promise<unknown> {
    const c = await this.api();
    return c.request(path, 'private', method, params);
  }

  private async api(): Promise<BybitClient> {
    this.clientP ??= this.env.client(this.o.credentials, (info) =>
      this.env.gate.observe(this.o.accountKey, info),
    );
    const c = await this.clientP;
    c.options['timeDifference'] = this.env.timeDifference;
    return c;
  }

  // ------------------------------------------------------------------ markets

  async loadMarket(symbol: string): Promise<MarketInfo> {
    const info = await this.env.market(symbol);
    const price = (info.priceFilter as Json | undefined) ?? {};
    const lot = (info.lotSizeFilter as Json | undefined) ?? {};
    const lev = (info.leverageFilter as Json | undefined) ?? {};
    const max = Math.floor(Number(lev.maxLeverage));
    return {
      symbol,
      rules: {
        tickSize: norm(price.tickSize, '0'),
        lotSize: norm(lot.qtyStep, '0'),
        minQty: norm(lot.minOrderQty, '0'),
        minNotional: norm(lot.minNotionalValue, '0'),
      },
      fees: DEFAULT_FEES,
      maxLeverage: Number.isFinite(max) && max >= 1 ? max : 20,
    };
  }

  // ------------------------------------------------------------------ settings

  /**
   * Margin mode first (account-wide on a unified account: `/v5/account/set-margin-mode`; refused while
   * positions are open — then the account keeps its mode, logged), then the symbol's leverage.
   */
  async setLeverage(
    symbol: string,
    leverage: number,
    marginMode: 'CROSS' | 'ISOLATED' | null,
  ): Promise<void> {
    if (marginMode) {
      const mode = marginMode === 'ISOLATED' ? 'ISOLATED_MARGIN' : 'REGULAR_MARGIN';
      if (
        !this.marginSet ||
        this.marginSet.mode !== mode ||
        Date.now() - this.marginSet.at > SETTINGS_CACHE_MS
      ) {
        try {
          await this.caller.call(
            'write',
            'POST set-margin-mode',
            cost('account/set-margin-mode', { optional: true }),
            async () => this.send('POST', 'v5/account/set-margin-mode', { setMarginMode: mode }),
            (code) => (code === '110026' ? { value: {} } : undefined),
          );
          this.marginSet = { mode, at: Date.now() };
        } catch (err) {
          if (err instanceof ExchangeError && err.kind === 'auth') throw err;
          this.o.logger?.warn({ err: messageOf(err), mode }, 'bybit margin mode unchanged (best effort)');
        }
      }
    }
    const known = this.leverageSet.get(symbol);
    if (known && known.leverage === leverage && Date.now() - known.at < SETTINGS_CACHE_MS) return;
    await this.caller.call(
      'write',
      'POST set-leverage',
      cost('position/set-leverage', { optional: true }),
      async () =>
        this.send('POST', 'v5/position/set-leverage', {
          category: 'linear',
          symbol,
          buyLeverage: String(leverage),
          sellLeverage: String(leverage),
        }),
      (code) => (code === '110043' ? { value: {} } : undefined), // already at that leverage
    );
    this.leverageSet.set(symbol, { leverage, at: Date.now() });
  }

  async setPositionMode(hedge: boolean): Promise<void> {
    await this.caller.call(
      'write',
      'POST switch-mode',
      cost('position/switch-mode'),
      async () =>
        this.send('POST', 'v5/position/switch-mode', {
          category: 'linear',
          coin: 'USDT',
          mode: hedge ? 3 : 0,
        }),
      (code) => (code === '110025' ? { value: {} } : undefined), // already in that mode
    );
  }

  // ------------------------------------------------------------------ orders

  async placeOrder(r: PlaceOrderRequest): Promise<OrderSnapshot> {
    if (r.kind === 'STOP_MARKET' && r.stopPrice === undefined)
      throw new ExchangeError('rejected', 'a STOP_MARKET order needs a stop price');
    if (r.kind === 'LIMIT' && r.price === undefined)
      throw new ExchangeError('rejected', 'a LIMIT order needs a price');
    const params: Record<string, unknown> = {
      category: 'linear',
      symbol: r.symbol,
      side: r.side === 'BUY' ? 'Buy' : 'Sell',
      orderType: r.kind === 'LIMIT' ? 'Limit' : 'Market',
      qty: r.qty,
      ...(r.kind === 'LIMIT' ? { price: r.price, timeInForce: 'GTC' } : {}),
      ...(r.kind === 'STOP_MARKET'
        ? {
            triggerPrice: r.stopPrice,
            // A sell stop (of a long) triggers when the price falls to it, a buy stop when it rises.
            triggerDirection: r.side === 'SELL' ? 2 : 1,
            triggerBy: 'MarkPrice',
          }
        : {}),
      positionIdx: this.positionIdx(r),
      ...(r.reduceOnly ? { reduceOnly: true } : {}),
      orderLinkId: r.clientOrderId,
    };
    let duplicate = false;
    const res = await this.caller.call(
      'write',
      `POST order/create ${r.kind}`,
      cost('order/create', { orders: 1 }),
      async () => this.send('POST', 'v5/order/create', params),
      (code) => (code === '110072' ? ((duplicate = true), { value: null }) : undefined),
    );
    if (duplicate) {
      // 110072: this orderLinkId was used already — by us, for this very order.
      const existing = await this.fetchOrder(r.symbol, r.clientOrderId, { kind: r.kind });
      if (existing) return existing;
      throw new ExchangeError(
        'unknown_outcome',
        `bybit: orderLinkId ${r.clientOrderId} reported duplicate but not found`,
      );
    }
    const orderId = String(resultOf(res).orderId ?? '');
    // Bybit answered only the ids: read the order back for its state (a market entry is filled by now).
    try {
      const snap = await this.fetchOrder(r.symbol, r.clientOrderId, { kind: r.kind });
      if (snap) return snap;
    } catch (err) {
      this.o.logger?.info(
        { err: messageOf(err), symbol: r.symbol },
        'bybit order placed; reading it back failed',
      );
    }
    return {
      clientOrderId: r.clientOrderId,
      exchangeOrderId: orderId,
      symbol: r.symbol,
      kind: r.kind,
      side: r.side,
      status: 'NEW',
      qty: r.qty,
      filledQty: '0',
      avgPrice: null,
      fills: [],
      rejectReason: null,
      updatedAt: Date.now(),
    };
  }

  async cancelOrder(symbol: string, clientOrderId: string, hint?: OrderLookupHint): Promise<OrderSnapshot> {
    let gone = false;
    await this.caller.call(
      'write',
      'POST order/cancel',
      cost('order/cancel'),
      async () =>
        this.send('POST', 'v5/order/cancel', { category: 'linear', symbol, orderLinkId: clientOrderId }),
      (code) => (code === '110001' || code === '110008' ? ((gone = true), { value: null }) : undefined),
    );
    // Cancelled now, or already final (filled, cancelled): either way, how it ended.
    const final = await this.fetchOrder(symbol, clientOrderId, hint);
    if (final) return final;
    if (gone) throw new ExchangeError('rejected', `bybit: order ${clientOrderId} is unknown to the exchange`);
    return {
      clientOrderId,
      exchangeOrderId: '',
      symbol,
      kind: hint?.kind ?? 'LIMIT',
      side: hint?.side ?? 'SELL',
      status: 'CANCELED',
      qty: hint?.qty ?? '0',
      filledQty: '0',
      avgPrice: null,
      fills: [],
      rejectReason: null,
      updatedAt: Date.now(),
    };
  }

  /** By orderLinkId: `/v5/order/realtime` (open, and recent with an id), then `/v5/order/history`. */
  async fetchOrder(
    symbol: string,
    clientOrderId: string,
    hint?: OrderLookupHint,
  ): Promise<OrderSnapshot | null> {
    const query = { category: 'linear', symbol, orderLinkId: clientOrderId };
    const live = await this.caller.call('read', 'GET order/realtime', cost('order/realtime'), async () =>
      this.send('GET', 'v5/order/realtime', query),
    );
    const found = listOf(live).find((j) => j.orderLinkId === clientOrderId);
    if (found) return snapshot(found, hint?.kind ?? null);
    const past = await this.caller.call('read', 'GET order/history', cost('order/history'), async () =>
      this.send('GET', 'v5/order/history', query),
    );
    const closed = listOf(past).find((j) => j.orderLinkId === clientOrderId);
    return closed ? snapshot(closed, hint?.kind ?? null) : null;
  }

  async fetchOpenOrders(symbol?: string): Promise<OrderSnapshot[]> {
    const out: OrderSnapshot[] = [];
    let cursor: string | undefined;
    // Pages of 50; an account has at most 500 open orders.
    for (let page = 0; page < 10; page++) {
      const res = await this.caller.call(
        'read',
        'GET order/realtime (open)',
        cost('order/realtime'),
        async () =>
          this.send('GET', 'v5/order/realtime', {
            category: 'linear',
            ...(symbol ? { symbol } : { settleCoin: 'USDT' }),
            limit: 50,
            ...(cursor ? { cursor } : {}),
          }),
      );
      for (const j of listOf(res)) {
        const s = snapshot(j, null);
        if (s.status === 'NEW' || s.status === 'PARTIALLY_FILLED') out.push(s);
      }
      const next = resultOf(res).nextPageCursor;
      if (typeof next !== 'string' || next === '') break;
      cursor = next;
    }
    return out;
  }

  async fetchBalance(): Promise<Balance> {
    const res = await this.caller.call(
      'read',
      'GET wallet-balance',
      cost('account/wallet-balance'),
      async () => this.send('GET', 'v5/account/wallet-balance', { accountType: 'UNIFIED', coin: 'USDT' }),
    );
    const account = listOf(res)[0] ?? {};
    const usdt = ((account.coin as Json[] | undefined) ?? []).find((c) => c.coin === 'USDT');
    const total = norm(usdt?.walletBalance, '0');
    return {
      asset: 'USDT',
      total,
      // availableToWithdraw is being retired on unified accounts; the account's available balance then.
      free: norm(usdt?.availableToWithdraw, norm(account.totalAvailableBalance, total)),
    };
  }

  async fetchPosition(symbol: string): Promise<VenuePosition | null> {
    const res = await this.caller.call('read', 'GET position/list', cost('position/list'), async () =>
      this.send('GET', 'v5/position/list', { category: 'linear', symbol }),
    );
    for (const p of listOf(res)) {
      if (p.symbol !== symbol) continue;
      const size = dec(norm(p.size, '0'));
      if (size.isZero() || (p.side !== 'Buy' && p.side !== 'Sell')) continue;
      return {
        symbol,
        side: p.side === 'Buy' ? 'LONG' : 'SHORT',
        qty: decStr(size.abs()),
        entryPrice: norm(p.avgPrice, '0'),
      };
    }
    return null;
  }

  /**
   * `/v5/user/query-api` on mainnet: a key whose `Wallet` permissions include `Withdraw` can withdraw;
   * trading needs `ContractTrade: Order` (or the newer `Derivatives` group) on a key that is not
   * read-only; `ips` other than `*` is the IP whitelist. Demo trading has no such endpoint.
   */
  async checkPermissions(): Promise<KeyPermissions> {
    if (this.mode === 'testnet') {
      return {
        reported: false,
        canRead: null,
        canTrade: null,
        canWithdraw: null,
        ipRestricted: null,
        note: 'Bybit demo trading does not report key permissions (demo keys cannot move funds)',
      };
    }
    const res = await this.caller.call('read', 'GET user/query-api', cost('user/query-api'), async () =>
      this.send('GET', 'v5/user/query-api', {}),
    );
    const info = resultOf(res);
    const perms = (info.permissions as Record<string, unknown> | undefined) ?? {};
    const group = (name: string) =>
      Array.isArray(perms[name]) ? (perms[name] as unknown[]).map(String) : [];
    const ips = Array.isArray(info.ips) ? (info.ips as unknown[]).map(String) : [];
    const readOnly = Number(info.readOnly) === 1;
    return {
      reported: true,
      canRead: true,
      canTrade:
        !readOnly &&
        (group('ContractTrade').includes('Order') || group('Derivatives').includes('DerivativesTrade')),
      canWithdraw: group('Wallet').includes('Withdraw'),
      ipRestricted: ips.length > 0 && !ips.includes('*'),
      note: null,
    };
  }

  close(): Promise<void> {
    this.clientP = null;
    return Promise.resolve();
  }

  /** One-way: 0. Hedge: 1 for the long side (buy entries, sell exits), 2 for the short side. */
  private positionIdx(r: PlaceOrderRequest): 0 | 1 | 2 {
    if (!this.o.hedgeMode) return 0;
    const long = r.reduceOnly ? r.side === 'SELL' : r.side === 'BUY';
    return long ? 1 : 2;
  }
}

/** A v5 order as a snapshot (cumulative quantity and average price; no per-trade fills). */
export function bybitSnapshot(j: Json, kind: OrderKind | null): OrderSnapshot {
  return snapshot(j, kind);
}

function snapshot(j: Json, kind: OrderKind | null): OrderSnapshot {
  const raw = String(j.orderStatus ?? '');
  const filled = norm(j.cumExecQty, '0');
  let status: VenueOrderStatus = STATUS[raw] ?? 'NEW';
  if (status === 'NEW' && dec(filled).gt(0)) status = 'PARTIALLY_FILLED';
  // Bybit's own cancels (reduce-only overshoot after a position closed, …) are expiries to us.
  if (
    status === 'CANCELED' &&
    j.cancelType !== undefined &&
    j.cancelType !== 'CancelByUser' &&
    j.cancelType !== 'UNKNOWN'
  )
    status = 'EXPIRED';
  const avg = norm(j.avgPrice, '0');
  const conditional = typeof j.stopOrderType === 'string' && j.stopOrderType !== '';
  return {
    clientOrderId: String(j.orderLinkId ?? ''),
    exchangeOrderId: String(j.orderId ?? ''),
    symbol: String(j.symbol ?? ''),
    kind: kind ?? (conditional ? 'STOP_MARKET' : j.orderType === 'Limit' ? 'LIMIT' : 'MARKET'),
    side: j.side === 'Buy' ? 'BUY' : 'SELL',
    status,
    qty: norm(j.qty, '0'),
    filledQty: filled,
    avgPrice: dec(avg).gt(0) ? avg : null,
    fills: [],
    rejectReason: status === 'REJECTED' ? String(j.rejectReason ?? 'rejected by the exchange') : null,
    updatedAt: Number(j.updatedTime ?? j.createdTime ?? Date.now()),
  };
}

/** Bybit's decimal strings in canonical form. */
function norm(v: unknown, fallback: string): string {
  if (v === undefined || v === null || v === '') return fallback;
  const s = String(v);
  return /^-?\d+(\.\d+)?$/.test(s) ? decStr(dec(s)) : fallback;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
