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
import { deriveAccountClient, prepareTemplate } from './ccxt-environment';
import { loadCcxt, type Ccxt } from './ccxt-loader';
import type { CodeVerdict } from './errors';
import { BINANCE_FUTURES_LIMITS, RequestGate, type GateLimits, type ResponseInfo } from './request-gate';
import type { ApiCredentials, KeyPermissions, LiveAccount, LiveMode, VenueEnvironment } from './types';
import { WriteWindow } from './write-window';

/** Clock error allowed on top of recvWindow before a lookup's "not found" is believed. */
const WRITE_WINDOW_MARGIN_MS = 1_000;

/**
 * Binance USDⓈ-M error codes whose meaning matters more than ccxt's class for them (ccxt maps codes
 * per URL, so a fake or proxy host would change its verdicts). Sources: Binance's futures error-code
 * list and the pinned ccxt's exception tables.
 */
export const BINANCE_CODES: Readonly<Record<string, CodeVerdict>> = {
  '-1000': 'unknown', // UNKNOWN error while processing the request
  '-1001': 'unknown', // DISCONNECTED: internal error
  '-1006': 'unknown', // UNEXPECTED_RESP: execution status unknown
  '-1007': 'unknown', // TIMEOUT: send status unknown, execution status unknown
  '-1021': 'resync', // timestamp outside recvWindow
  '-1003': 'rate_limited', // too many requests (IP weight) / banned
  '-1015': 'rate_limited', // too many new orders
  '-1022': 'auth', // invalid signature
  '-2014': 'auth', // API-key format invalid
  '-2011': 'not_found', // cancel: unknown order
  '-2013': 'not_found', // order does not exist
  '-1100': 'rejected',
  '-1102': 'rejected',
  '-1106': 'rejected',
  '-1111': 'rejected', // precision
  '-1116': 'rejected',
  '-1121': 'rejected', // invalid symbol
  '-2019': 'rejected', // margin is insufficient
  '-2021': 'rejected', // order would immediately trigger
  '-2022': 'rejected', // reduce-only rejected
  '-4003': 'rejected',
  '-4004': 'rejected',
  '-4005': 'rejected',
  '-4014': 'rejected', // price not increased by tick size
  '-4028': 'rejected', // leverage not valid
  '-4045': 'rejected', // max stop orders
  '-4061': 'rejected', // position side does not match the account's mode
  '-4116': 'rejected', // duplicated client order id (handled: it is ours)
  '-4120': 'rejected', // conditional order on the regular endpoint
  '-4164': 'rejected', // below min notional
};

/** The pinned ccxt's binanceusdm, reporting every REST response (usage headers, 429/418) to a hook. */
function hookedClientClass(ccxt: Ccxt) {
  return class BinanceUsdmClient extends ccxt.binanceusdm {
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
        this.responseHook({
          status: statusCode,
          headers,
          body: statusCode >= 400 ? responseBody : undefined,
        });
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

type BinanceUsdmClient = InstanceType<ReturnType<typeof hookedClientClass>>;
let clientClass: ReturnType<typeof hookedClientClass> | null = null;

type Json = Record<string, unknown>;

/** Where traffic goes for one environment; `restUrl` replaces hosts (fakes), other APIs go nowhere. */
async function createClient(
  env: VenueEnvironment,
  credentials: ApiCredentials | null,
  recvWindowMs: number,
): Promise<BinanceUsdmClient> {
  clientClass ??= hookedClientClass(await loadCcxt());
  const client = new clientClass({
    ...(credentials ? { apiKey: credentials.apiKey, secret: credentials.secret } : {}),
    enableRateLimit: false, // the RequestGate does it, across accounts
    timeout: env.timeoutMs,
    options: { fetchCurrencies: false, recvWindow: recvWindowMs, defaultType: 'swap' },
  });
  // Demo trading replaces the URL table: overrides must come after it.
  if (env.mode === 'testnet') client.enableDemoTrading(true);
  if (env.restUrl) {
    const base = env.restUrl.replace(/\/+$/, '');
    const api = client.urls.api as Record<string, string>;
    for (const key of Object.keys(api)) {
      const path = new URL(api[key]!).pathname;
      // Only the futures and account APIs we call go to the override; anything else to a dead port.
      api[key] = key.startsWith('fapi') || key.startsWith('sapi') ? base + path : `http://127.0.0.1:9${path}`;
    }
  }
  if (env.httpsProxy) client.httpsProxy = env.httpsProxy;
  return client;
}

/** What every account of one Binance environment (mode + host + egress) shares. */
export class BinanceFuturesEnvironment {
  readonly gate: RequestGate;
  private publicClientP: Promise<BinanceUsdmClient> | null = null;
  private markets: { at: number; loading: Promise<Map<string, Json>> } | null = null;
  private readonly brackets = new Map<string, { at: number; max: number }>();
  /** Local clock minus Binance's, ms (shared by every client of this environment). */
  timeDifference = 0;
  private lastResync = 0;
  private resyncing: Promise<void> | null = null;
  readonly recvWindowMs: number;
  /** When a "not found" for an order we sent is conclusive (see {@link WriteWindow}). */
  readonly writes: WriteWindow;

  constructor(
    readonly env: VenueEnvironment,
    options: {
      limits?: Partial<GateLimits>;
      marketsTtlMs?: number;
      recvWindowMs?: number;
      logger?: Logger;
    } = {},
  ) {
    this.gate = new RequestGate({ ...BINANCE_FUTURES_LIMITS, ...options.limits });
    this.recvWindowMs = options.recvWindowMs ?? 10_000;
    this.writes = new WriteWindow(this.recvWindowMs + WRITE_WINDOW_MARGIN_MS);
    this.marketsTtlMs = options.marketsTtlMs ?? 3_600_000;
    this.logger = options.logger;
  }

  private readonly marketsTtlMs: number;
  readonly logger: Logger | undefined;

  /** An account's signing client, derived from the environment's ({@link deriveAccountClient}). */
  async client(
    credentials: ApiCredentials,
    onResponse: (info: ResponseInfo) => void,
  ): Promise<BinanceUsdmClient> {
    return deriveAccountClient(await this.publicClient(), credentials, onResponse);
  }

  private publicClient(): Promise<BinanceUsdmClient> {
    this.publicClientP ??= createClient(this.env, null, this.recvWindowMs).then((c) =>
      prepareTemplate(c, this.gate),
    );
    return this.publicClientP;
  }

  /** Loads ccxt, the environment's client and the market list ahead of the first signal. */
  async warmUp(): Promise<void> {
    await this.publicClient();
    await this.market('BTCUSDT').catch((err: unknown) => {
      if (!(err instanceof ExchangeError && err.kind === 'rejected')) throw err;
    });
  }

  /** exchangeInfo through ccxt's loadMarkets, cached for every account (one weight-1 call an hour). */
  async market(symbol: string): Promise<Json> {
    const now = Date.now();
    if (!this.markets || now - this.markets.at > this.marketsTtlMs) {
      const loading = this.publicClient()
        .then((c) => this.gate.run('public', { weight: 1, orders: 0 }, () => c.loadMarkets(true)))
        .then((all) => {
          const byId = new Map<string, Json>();
          for (const m of Object.values(all)) if (m?.id && m.linear && m.swap) byId.set(m.id, m.info as Json);
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
      throw new ExchangeError(
        'retryable',
        `binance exchangeInfo failed: ${err instanceof Error ? err.message : String(err)}`,
        {
          cause: err,
        },
      );
    }
    const info = byId.get(symbol);
    if (!info) throw new ExchangeError('rejected', `binance: no USDⓈ-M perpetual ${symbol}`);
    if (info.status !== undefined && info.status !== 'TRADING')
      throw new ExchangeError('rejected', `binance: ${symbol} is not trading (${String(info.status)})`);
    return info;
  }

  cachedMaxLeverage(symbol: string): number | null {
    const b = this.brackets.get(symbol);
    return b && Date.now() - b.at < this.marketsTtlMs ? b.max : null;
  }

  rememberMaxLeverage(symbol: string, max: number): void {
    this.brackets.set(symbol, { at: Date.now(), max });
  }

  /** Re-reads Binance's clock (one read at a time, not again within 500 ms); every client picks it up. */
  resync(): Promise<void> {
    if (this.resyncing) return this.resyncing;
    if (Date.now() - this.lastResync < 500) return Promise.resolve();
    this.resyncing = (async () => {
      const c = await this.publicClient();
      const res = (await this.gate.run('public', { weight: 1, orders: 0 }, () =>
        c.fapiPublicGetTime(),
      )) as Json;
      const after = Date.now();
      const server = Number(res.serverTime);
      if (!Number.isFinite(server)) throw new Error('no serverTime in /fapi/v1/time');
      // As if the server's time were read when the answer arrived: timestamps then lag Binance's clock by
      // at most the round trip (recvWindow absorbs it) and are never ahead of it (-1021), however slow
      // the answer was.
      this.timeDifference = after - server;
      this.logger?.info({ timeDifferenceMs: this.timeDifference }, 'binance clock resynced');
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

export interface BinanceFuturesAccountOptions {
  environment: BinanceFuturesEnvironment;
  /** Our exchange account id (the key of its fair share and order budget). */
  accountKey: string;
  credentials: ApiCredentials;
  hedgeMode: boolean;
  retry?: RetryPolicy;
  logger?: Logger;
}

const STATUS: Readonly<Record<string, VenueOrderStatus>> = {
  NEW: 'NEW',
  PARTIALLY_FILLED: 'PARTIALLY_FILLED',
  FILLED: 'FILLED',
  CANCELED: 'CANCELED',
  EXPIRED: 'EXPIRED',
  EXPIRED_IN_MATCH: 'EXPIRED',
  REJECTED: 'REJECTED',
};

const DEFAULT_FEES = { maker_rate: '0.0002', taker_rate: '0.0005' };
const LEVERAGE_CACHE_MS = 10 * 60_000;

/**
 * A user's Binance USDⓈ-M futures account through ccxt (`binanceusdm`), on Binance's own REST API:
 * entries and the TP ladder as `/fapi/v1/order` (LIMIT TPs reduce-only), the stop as a conditional
 * STOP_MARKET on `/fapi/v1/algoOrder` (reduce-only with a quantity, on the mark price — not
 * close-position: Binance allows one close-position stop per side, and a moved stop is placed before
 * the old one is cancelled). Every order carries our client id (`newClientOrderId` / `clientAlgoId`),
 * so ccxt's broker prefix never applies and every lookup is by our id. Order states are read from
 * Binance's JSON (cumulative executed quantity and average price; no per-trade fetches — they cost
 * 5 weight each, which 1,000 followers on one IP cannot afford; fees are then estimated from the
 * market's rates).
 */
export class BinanceFuturesAccount implements LiveAccount {
  readonly venue = 'binance_futures';
  readonly provider = 'binance_futures' as const;
  readonly mode: LiveMode;
  private clientP: Promise<BinanceUsdmClient> | null = null;
  private readonly caller: CcxtCaller;
  private readonly env: BinanceFuturesEnvironment;
  private readonly leverageSet = new Map<string, { key: string; at: number }>();

  constructor(private readonly o: BinanceFuturesAccountOptions) {
    this.env = o.environment;
    this.mode = o.environment.env.mode;
    this.caller = new CcxtCaller({
      gate: this.env.gate,
      accountKey: o.accountKey,
      venue: 'binance',
      codes: BINANCE_CODES,
      retry: o.retry,
      logger: o.logger,
      resync: () => this.env.resync(),
    });
  }

  /**
   * One signed REST call through ccxt (`request`: its signing, transport, proxy and error handling)
   * with this account's client — Binance's endpoint and parameters as documented, as the implicit
   * API methods would send them.
   */
  private async send(
    api: string,
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    params: Record<string, unknown>,
  ): Promise<unknown> {
    const c = await this.api();
    return c.request(path, api, method, params);
  }

  /** A placement: noted in the environment's write window the moment it goes to the transport. */
  private async sendWrite(
    clientOrderId: string,
    method: 'POST',
    path: string,
    params: Record<string, unknown>,
  ): Promise<unknown> {
    const c = await this.api();
    this.env.writes.noteSent(clientOrderId);
    return c.request(path, 'fapiPrivate', method, params);
  }

  /** The signing client (created on first use; picks up the environment's clock offset). */
  private async api(): Promise<BinanceUsdmClient> {
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
    const filters = (info.filters as Json[] | undefined) ?? [];
    const f = (type: string) => filters.find((x) => x.filterType === type) ?? {};
    const price = f('PRICE_FILTER');
    const lot = f('LOT_SIZE');
    const notional = f('MIN_NOTIONAL');
    return {
      symbol,
      rules: {
        tickSize: norm(price.tickSize, '0'),
        lotSize: norm(lot.stepSize, '0'),
        minQty: norm(lot.minQty, '0'),
        minNotional: norm(notional.notional ?? notional.minNotional, '0'),
      },
      fees: DEFAULT_FEES,
      maxLeverage: await this.maxLeverage(symbol),
    };
  }

  /** The first leverage bracket's leverage (cached per environment; 20 if Binance won't say). */
  private async maxLeverage(symbol: string): Promise<number> {
    const cached = this.env.cachedMaxLeverage(symbol);
    if (cached !== null) return cached;
    try {
      const res = await this.caller.call('read', 'GET leverageBracket', { weight: 1, orders: 0 }, async () =>
        this.send('fapiPrivate', 'GET', 'leverageBracket', { symbol }),
      );
      const entry = (res as Json[]).find((x) => x.symbol === symbol) ?? (res as Json[])[0];
      const max = Math.max(
        1,
        ...((entry?.brackets as Json[] | undefined) ?? [])
          .map((b) => Number(b.initialLeverage))
          .filter(Number.isFinite),
      );
      this.env.rememberMaxLeverage(symbol, max);
      return max;
    } catch (err) {
      this.o.logger?.warn({ err: messageOf(err), symbol }, 'leverage brackets unavailable; assuming 20x');
      return 20;
    }
  }

  // ------------------------------------------------------------------ settings

  async setLeverage(
    symbol: string,
    leverage: number,
    marginMode: 'CROSS' | 'ISOLATED' | null,
  ): Promise<void> {
    const key = `${leverage}|${marginMode ?? ''}`;
    const known = this.leverageSet.get(symbol);
    if (known && known.key === key && Date.now() - known.at < LEVERAGE_CACHE_MS) return;
    await this.caller.call('write', 'POST leverage', { weight: 1, orders: 0, optional: true }, async () =>
      this.send('fapiPrivate', 'POST', 'leverage', { symbol, leverage: String(leverage) }),
    );
    if (marginMode) {
      await this.caller.call(
        'write',
        'POST marginType',
        { weight: 1, orders: 0, optional: true },
        async () =>
          this.send('fapiPrivate', 'POST', 'marginType', {
            symbol,
            marginType: marginMode === 'CROSS' ? 'CROSSED' : 'ISOLATED',
          }),
        // Already set (-4046); or a position is open, which keeps its margin type (-4048).
        (code) => (code === '-4046' || code === '-4048' ? { value: {} } : undefined),
      );
    }
    this.leverageSet.set(symbol, { key, at: Date.now() });
  }

  async setPositionMode(hedge: boolean): Promise<void> {
    await this.caller.call(
      'write',
      'POST positionSide/dual',
      { weight: 1, orders: 0 },
      async () =>
        this.send('fapiPrivate', 'POST', 'positionSide/dual', { dualSidePosition: hedge ? 'true' : 'false' }),
      (code) => (code === '-4059' ? { value: {} } : undefined),
    );
  }

  // ------------------------------------------------------------------ orders

  async placeOrder(r: PlaceOrderRequest): Promise<OrderSnapshot> {
    const side = { symbol: r.symbol, side: r.side, ...this.positionParams(r) };
    const duplicate = (code: string | null) => code === '-4116';
    let isDuplicate = false;
    if (r.kind === 'STOP_MARKET') {
      if (r.stopPrice === undefined)
        throw new ExchangeError('rejected', 'a STOP_MARKET order needs a stop price');
      const res = await this.caller.call(
        'write',
        'POST algoOrder',
        { weight: 0, orders: 1 },
        async () =>
          this.sendWrite(r.clientOrderId, 'POST', 'algoOrder', {
            algoType: 'CONDITIONAL',
            ...side,
            type: 'STOP_MARKET',
            quantity: r.qty,
            triggerPrice: r.stopPrice,
            workingType: 'MARK_PRICE',
            clientAlgoId: r.clientOrderId,
          }),
        (code) => (duplicate(code) ? ((isDuplicate = true), { value: null }) : undefined),
      );
      if (!isDuplicate) return this.algoSnapshot(res as Json, r.symbol);
    } else {
      const res = await this.caller.call(
        'write',
        `POST order ${r.kind}`,
        { weight: 0, orders: 1 },
        async () =>
          this.sendWrite(r.clientOrderId, 'POST', 'order', {
            ...side,
            type: r.kind,
            quantity: r.qty,
            ...(r.kind === 'LIMIT' ? { price: r.price, timeInForce: 'GTC' } : {}),
            newClientOrderId: r.clientOrderId,
            newOrderRespType: 'RESULT',
          }),
        (code) => (duplicate(code) ? ((isDuplicate = true), { value: null }) : undefined),
      );
      if (!isDuplicate) return regularSnapshot(res as Json, r.clientOrderId, r.kind);
    }
    // -4116: an open order already carries this client id — ours, from an earlier attempt.
    const existing = await this.fetchOrder(r.symbol, r.clientOrderId, { kind: r.kind });
    if (existing) return existing;
    throw new ExchangeError(
      'unknown_outcome',
      `binance: client id ${r.clientOrderId} reported duplicated but not found`,
    );
  }

  async cancelOrder(symbol: string, clientOrderId: string, hint?: OrderLookupHint): Promise<OrderSnapshot> {
    let gone = false;
    const notFound = (code: string | null) =>
      code === '-2011' || code === '-2013' ? ((gone = true), { value: null }) : undefined;
    if (hint?.kind === 'STOP_MARKET') {
      const res = await this.caller.call(
        'write',
        'DELETE algoOrder',
        { weight: 1, orders: 0 },
        async () => this.send('fapiPrivate', 'DELETE', 'algoOrder', { symbol, clientAlgoId: clientOrderId }),
        notFound,
      );
      if (!gone) {
        const j = res as Json;
        return {
          clientOrderId,
          exchangeOrderId: String(j.algoId ?? ''),
          symbol,
          kind: 'STOP_MARKET',
          side: hint.side ?? 'SELL',
          status: 'CANCELED',
          qty: hint.qty ?? '0',
          filledQty: '0',
          avgPrice: null,
          fills: [],
          rejectReason: null,
          updatedAt: Date.now(),
        };
      }
    } else {
      const res = await this.caller.call(
        'write',
        'DELETE order',
        { weight: 1, orders: 0 },
        async () => this.send('fapiPrivate', 'DELETE', 'order', { symbol, origClientOrderId: clientOrderId }),
        notFound,
      );
      if (!gone) return regularSnapshot(res as Json, clientOrderId, hint?.kind ?? null);
      if (!hint?.kind) {
        // Not a regular order: perhaps a conditional one.
        const found = await this.fetchOrder(symbol, clientOrderId, { kind: 'STOP_MARKET' });
        if (found && isOpenStatus(found.status))
          return this.cancelOrder(symbol, clientOrderId, { ...hint, kind: 'STOP_MARKET' });
        if (found) return found;
      }
    }
    // Already final (filled, cancelled, expired): say how it ended.
    const final = await this.fetchOrder(symbol, clientOrderId, hint);
    if (final) return final;
    throw new ExchangeError('rejected', `binance: order ${clientOrderId} is unknown to the exchange`);
  }

  async fetchOrder(
    symbol: string,
    clientOrderId: string,
    hint?: OrderLookupHint,
  ): Promise<OrderSnapshot | null> {
    const notFound = (code: string | null) =>
      code === '-2013' || code === '-2011' ? { value: null } : undefined;
    if (hint?.kind !== 'STOP_MARKET') {
      const res = await this.caller.call(
        'read',
        'GET order',
        { weight: 1, orders: 0 },
        async () => this.send('fapiPrivate', 'GET', 'order', { symbol, origClientOrderId: clientOrderId }),
        notFound,
      );
      if (res) return regularSnapshot(res as Json, clientOrderId, hint?.kind ?? null);
      if (hint?.kind) return this.notFound(clientOrderId);
    }
    const algo = await this.caller.call(
      'read',
      'GET algoOrder',
      { weight: 1, orders: 0 },
      async () => this.send('fapiPrivate', 'GET', 'algoOrder', { symbol, clientAlgoId: clientOrderId }),
      notFound,
    );
    return algo ? this.algoSnapshot(algo as Json, symbol) : this.notFound(clientOrderId);
  }

  /** "Not found" is an answer only once no request of ours for the id can still be executed. */
  private notFound(clientOrderId: string): null {
    const wait = this.env.writes.pendingMs(clientOrderId);
    if (wait > 0)
      throw new ExchangeError(
        'unknown_outcome',
        `binance: order ${clientOrderId} not found yet; a request for it may still arrive for ${wait} ms`,
        { retryAfterMs: wait },
      );
    return null;
  }

  async fetchOpenOrders(symbol?: string): Promise<OrderSnapshot[]> {
    const weight = symbol ? 1 : 40;
    const params = symbol ? { symbol } : {};
    const [regular, algos] = await Promise.all([
      this.caller.call('read', 'GET openOrders', { weight, orders: 0 }, async () =>
        this.send('fapiPrivate', 'GET', 'openOrders', params),
      ),
      this.caller.call('read', 'GET openAlgoOrders', { weight, orders: 0 }, async () =>
        this.send('fapiPrivate', 'GET', 'openAlgoOrders', params),
      ),
    ]);
    const out: OrderSnapshot[] = (regular as Json[]).map((j) =>
      regularSnapshot(j, String(j.clientOrderId), null),
    );
    for (const a of algos as Json[]) out.push(await this.algoSnapshot(a, String(a.symbol)));
    return out;
  }

  async fetchBalance(): Promise<Balance> {
    const res = await this.caller.call('read', 'GET balance', { weight: 5, orders: 0 }, async () =>
      this.send('fapiPrivateV3', 'GET', 'balance', {}),
    );
    const usdt = (res as Json[]).find((b) => b.asset === 'USDT');
    return {
      asset: 'USDT',
      total: norm(usdt?.balance, '0'),
      free: norm(usdt?.availableBalance, '0'),
    };
  }

  async fetchPosition(symbol: string): Promise<VenuePosition | null> {
    const res = await this.caller.call('read', 'GET positionRisk', { weight: 5, orders: 0 }, async () =>
      this.send('fapiPrivateV3', 'GET', 'positionRisk', { symbol }),
    );
    for (const p of res as Json[]) {
      if (p.symbol !== symbol) continue;
      const amt = dec(norm(p.positionAmt, '0'));
      if (amt.isZero()) continue;
      return {
        symbol,
        side: amt.gt(0) ? 'LONG' : 'SHORT',
        qty: decStr(amt.abs()),
        entryPrice: norm(p.entryPrice, '0'),
      };
    }
    return null;
  }

  async checkPermissions(): Promise<KeyPermissions> {
    if (this.mode === 'testnet') {
      return {
        reported: false,
        canRead: null,
        canTrade: null,
        canWithdraw: null,
        ipRestricted: null,
        note: 'Binance demo trading does not report key permissions (demo keys cannot move funds)',
      };
    }
    const res = (await this.caller.call('read', 'GET apiRestrictions', { weight: 0, orders: 0 }, async () =>
      this.send('sapi', 'GET', 'account/apiRestrictions', {}),
    )) as Json;
    return {
      reported: true,
      canRead: res.enableReading === true,
      canTrade: res.enableFutures === true,
      canWithdraw: res.enableWithdrawals === true || res.permitsUniversalTransfer === true,
      ipRestricted: res.ipRestrict === true,
      note: null,
    };
  }

  /** The client's connections belong to the environment (shared): nothing of its own to release. */
  close(): Promise<void> {
    this.clientP = null;
    return Promise.resolve();
  }

  // ------------------------------------------------------------------ helpers

  /** One-way: exits carry reduceOnly. Hedge: the position side instead (Binance refuses reduceOnly there). */
  private positionParams(r: PlaceOrderRequest): Record<string, string> {
    if (!this.o.hedgeMode) return r.reduceOnly ? { reduceOnly: 'true' } : {};
    const long = r.reduceOnly ? r.side === 'SELL' : r.side === 'BUY';
    return { positionSide: long ? 'LONG' : 'SHORT' };
  }

  /** A conditional order as a snapshot; once triggered, its market order says what was executed. */
  private async algoSnapshot(j: Json, symbol: string): Promise<OrderSnapshot> {
    const status = String(j.algoStatus ?? 'NEW');
    const base: OrderSnapshot = {
      clientOrderId: String(j.clientAlgoId),
      exchangeOrderId: String(j.algoId),
      symbol: String(j.symbol ?? symbol),
      kind: 'STOP_MARKET',
      side: String(j.side) as OrderSide,
      status: 'NEW',
      qty: norm(j.quantity, '0'),
      filledQty: '0',
      avgPrice: null,
      fills: [],
      rejectReason: null,
      updatedAt: Number(j.updateTime ?? j.createTime ?? Date.now()),
    };
    switch (status) {
      case 'NEW':
      case 'TRIGGERING':
        return base;
      case 'CANCELED':
        return { ...base, status: 'CANCELED' };
      case 'EXPIRED':
        return { ...base, status: 'EXPIRED' };
      case 'REJECTED':
        return { ...base, status: 'REJECTED', rejectReason: 'conditional order rejected by the exchange' };
      default: {
        const actual = String(j.actualOrderId ?? '');
        if (actual === '' || actual === '0') {
          if (status === 'TRIGGERED') return base;
          throw new ExchangeError(
            'retryable',
            `binance: algo order ${base.clientOrderId} is ${status} without its order id`,
          );
        }
        const res = (await this.caller.call(
          'read',
          'GET order (triggered)',
          { weight: 1, orders: 0 },
          async () => this.send('fapiPrivate', 'GET', 'order', { symbol: base.symbol, orderId: actual }),
        )) as Json;
        const o = regularSnapshot(res, base.clientOrderId, 'MARKET');
        const filled = dec(o.filledQty);
        let st: VenueOrderStatus = o.status;
        if (st === 'NEW' && filled.gt(0)) st = 'PARTIALLY_FILLED';
        return {
          ...base,
          status: st,
          qty: base.qty === '0' ? o.qty : base.qty,
          filledQty: o.filledQty,
          avgPrice: o.avgPrice,
          updatedAt: o.updatedAt,
        };
      }
    }
  }
}

function regularSnapshot(j: Json, clientOrderId: string, kind: OrderKind | null): OrderSnapshot {
  const type = String(j.origType ?? j.type ?? '');
  const avg = norm(j.avgPrice, '0');
  return {
    clientOrderId:
      typeof j.clientOrderId === 'string' && j.clientOrderId !== '' ? j.clientOrderId : clientOrderId,
    exchangeOrderId: String(j.orderId),
    symbol: String(j.symbol),
    kind: kind ?? (type === 'LIMIT' ? 'LIMIT' : type === 'MARKET' ? 'MARKET' : 'STOP_MARKET'),
    side: String(j.side) as OrderSide,
    status: STATUS[String(j.status)] ?? 'NEW',
    qty: norm(j.origQty, '0'),
    filledQty: norm(j.executedQty, '0'),
    avgPrice: dec(avg).gt(0) ? avg : null,
    fills: [],
    rejectReason: null,
    updatedAt: Number(j.updateTime ?? j.time ?? Date.now()),
  };
}

function isOpenStatus(s: VenueOrderStatus): boolean {
  return s === 'NEW' || s === 'PARTIALLY_FILLED';
}

/** Binance's decimal strings ("0.01400", "70000.00") in canonical form. */
function norm(v: unknown, fallback: string): string {
  if (v === undefined || v === null || v === '') return fallback;
  const s = String(v);
  return /^-?\d+(\.\d+)?$/.test(s) ? decStr(dec(s)) : fallback;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
