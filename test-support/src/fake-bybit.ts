import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  BybitError,
  bybitError,
  FakeBybitBook,
  isOpen,
  orderJson,
  type BybitAccount,
} from './fake-bybit/book';
import { decimals, mul, str } from './fake-bybit/decimal';
import {
  FAKE_BYBIT_SYMBOLS,
  type FakeBybitAccountInit,
  type FakeBybitExecution,
  type FakeBybitFault,
  type FakeBybitKeyInfo,
  type FakeBybitOptions,
  type FakeBybitOrder,
  type FakeBybitRequest,
} from './fake-bybit/types';

export * from './fake-bybit/types';

/*
 * A Bybit v5 REST server on 127.0.0.1 for the USDT-perpetual (category `linear`) endpoints our ccxt
 * adapter calls, with Bybit's rules where they matter for money: HMAC-SHA256 signatures
 * (`X-BAPI-SIGN` over timestamp + api key + recv window + query string or JSON body), the timestamp
 * inside the recv window (retCode 10002), instrument filters (tickSize, qtyStep, minOrderQty,
 * minNotionalValue), orderLinkId unique per account (110072), reduce-only (110017), conditional
 * orders (`triggerPrice` + `triggerDirection`, 110092/110093 when they would trigger at once),
 * per-UID per-endpoint limits with the `X-Bapi-Limit*` headers (10006) and the IP limit (403).
 * Orders fill against a scripted mark price. Faults on demand as in the fake Binance (5xx after or
 * before the write, held answers, late execution, 10006 bursts, 403, one 10002). The trading state
 * lives in fake-bybit/book.ts.
 *
 * One unified (UTA) USDT account per key; one-way and hedge modes; no funding, no liquidations.
 */

/** Bybit's per-UID limits (requests per second) for the endpoints modelled, default VIP level. */
export const BYBIT_ENDPOINT_LIMITS: Readonly<Record<string, number>> = {
  '/v5/order/create': 10,
  '/v5/order/cancel': 10,
  '/v5/order/realtime': 50,
  '/v5/order/history': 50,
  '/v5/execution/list': 50,
  '/v5/position/list': 50,
  '/v5/position/set-leverage': 10,
  '/v5/position/switch-mode': 10,
  '/v5/account/wallet-balance': 50,
  '/v5/account/set-margin-mode': 5,
  '/v5/user/query-api': 5,
};

const PUBLIC = new Set(['/v5/market/time', '/v5/market/instruments-info']);
const WRITES = new Set([
  'POST /v5/order/create',
  'POST /v5/order/cancel',
  'POST /v5/position/set-leverage',
  'POST /v5/position/switch-mode',
  'POST /v5/account/set-margin-mode',
]);

type Params = Record<string, unknown>;

export class FakeBybit {
  readonly requests: FakeBybitRequest[] = [];
  /** Decides faults per request after the queued rules (randomised fault runs). */
  faultHook:
    | ((req: {
        method: string;
        path: string;
        apiKey: string | null;
        write: boolean;
      }) => FakeBybitFault | null)
    | null = null;
  url = '';

  private readonly book: FakeBybitBook;
  private readonly rules: FakeBybitFault[] = [];
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly options: Required<Omit<FakeBybitOptions, 'endpointLimits'>> & {
    endpointLimits: Record<string, number>;
  };
  /** `${apiKey}|${path}` → request times in the current second. */
  private readonly usage = new Map<string, { second: number; count: number }>();
  private ipWindow = 0;
  private ipCount = 0;

  constructor(options: FakeBybitOptions = {}) {
    this.options = {
      symbols: options.symbols ?? FAKE_BYBIT_SYMBOLS,
      latencyMs: options.latencyMs ?? 0,
      ipRequestsPer5s: options.ipRequestsPer5s ?? 600,
      endpointLimits: { ...BYBIT_ENDPOINT_LIMITS, ...(options.endpointLimits as Record<string, number>) },
      makerFee: options.makerFee ?? '0.0002',
      takerFee: options.takerFee ?? '0.00055',
      clockSkewMs: options.clockSkewMs ?? 0,
    };
    this.book = new FakeBybitBook(
      this.options.symbols,
      { maker: this.options.makerFee, taker: this.options.takerFee },
      () => this.now(),
    );
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 5_000;
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  set clockSkewMs(ms: number) {
    this.options.clockSkewMs = ms;
  }

  set latencyMs(ms: number) {
    this.options.latencyMs = ms;
  }

  // ------------------------------------------------------------------ scripting and inspection

  get orders(): readonly FakeBybitOrder[] {
    return this.book.orders;
  }

  get executions(): readonly FakeBybitExecution[] {
    return this.book.executions;
  }

  addAccount(init: FakeBybitAccountInit = {}): { apiKey: string; secret: string } {
    return this.book.addAccount(init);
  }

  /** Sets the mark (= last) price and fills or triggers whatever it crosses. */
  setMarkPrice(symbol: string, price: string | number): void {
    this.book.setMark(symbol, price);
  }

  fault(rule: FakeBybitFault): void {
    this.rules.push({ times: 1, when: 'before', ...rule });
  }

  clearFaults(): void {
    this.rules.length = 0;
    this.faultHook = null;
  }

  setKeyInfo(apiKey: string, key: Partial<FakeBybitKeyInfo>): void {
    Object.assign(this.book.account(apiKey).key, key);
  }

  /** Signed position size (positive = long) of one-way mode, or of a hedge side (1 buy, 2 sell). */
  position(apiKey: string, symbol: string, positionIdx: 0 | 1 | 2 = 0): { size: string; entry: string } {
    const p = this.book.account(apiKey).positions.get(`${symbol}|${positionIdx}`);
    return { size: p ? str(p.size) : '0', entry: p ? str(p.entry) : '0' };
  }

  balance(apiKey: string): string {
    return str(this.book.account(apiKey).balance);
  }

  leverageOf(apiKey: string, symbol: string): number {
    const a = this.book.account(apiKey);
    return this.book.leverageOf(a, symbol);
  }

  marginModeOf(apiKey: string): 'REGULAR_MARGIN' | 'ISOLATED_MARGIN' {
    return this.book.account(apiKey).marginMode;
  }

  positionModeOf(apiKey: string): 0 | 3 {
    return this.book.account(apiKey).positionMode;
  }

  /** Open orders: plain ones resting, and conditional ones waiting for their trigger. */
  openOrdersOf(apiKey: string, symbol?: string): FakeBybitOrder[] {
    return this.book.open(apiKey, symbol).filter((o) => o.stopOrderType === '');
  }

  openStopsOf(apiKey: string, symbol?: string): FakeBybitOrder[] {
    return this.book.open(apiKey, symbol).filter((o) => o.stopOrderType !== '');
  }

  /** Orders per `${apiKey}|${orderLinkId}` (ours carry one), to prove nothing was placed twice. */
  linkIdCounts(apiKey?: string): Map<string, number> {
    const counts = new Map<string, number>();
    for (const o of this.book.orders) {
      if (o.orderLinkId === '' || (apiKey && o.apiKey !== apiKey)) continue;
      const k = `${o.apiKey}|${o.orderLinkId}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    return counts;
  }

  /** A person cancels an order on the website. */
  manualCancel(apiKey: string, orderLinkId: string): void {
    this.book.manualCancel(apiKey, orderLinkId);
  }

  countRequests(
    filter: Partial<Pick<FakeBybitRequest, 'method' | 'path' | 'apiKey' | 'status'>> = {},
  ): number {
    return this.requests.filter(
      (r) =>
        (filter.method === undefined || r.method === filter.method) &&
        (filter.path === undefined || r.path === filter.path) &&
        (filter.apiKey === undefined || r.apiKey === filter.apiKey) &&
        (filter.status === undefined || r.status === filter.status),
    ).length;
  }

  // ------------------------------------------------------------------ HTTP

  private now(): number {
    return Date.now() + this.options.clockSkewMs;
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const route = `${method} ${path}`;
    const header = (name: string) => {
      const v = req.headers[name];
      return typeof v === 'string' ? v : null;
    };
    const apiKey = header('x-bapi-api-key');
    let params: Params = Object.fromEntries(url.searchParams.entries());
    if (method === 'POST' && rawBody !== '') {
      try {
        params = { ...params, ...(JSON.parse(rawBody) as Params) };
      } catch {
        params = {};
      }
    }
    const record: FakeBybitRequest = {
      at: Date.now(),
      method,
      path,
      apiKey,
      status: 0,
      retCode: null,
      orderLinkId: typeof params.orderLinkId === 'string' ? params.orderLinkId : null,
      fault: null,
    };
    this.requests.push(record);
    if (this.options.latencyMs > 0) await new Promise((r) => setTimeout(r, this.options.latencyMs));

    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const send = (status: number, body: unknown) => {
      record.status = status;
      if (body && typeof body === 'object' && 'retCode' in body && typeof body.retCode === 'number')
        record.retCode = body.retCode;
      if (res.destroyed) return;
      res.writeHead(status, headers);
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const envelope = (retCode: number, retMsg: string, result: unknown = {}) => ({
      retCode,
      retMsg,
      result,
      retExtInfo: {},
      time: this.now(),
    });
    const fail = (e: BybitError) => send(e.status, envelope(e.retCode, e.message));
    const serverError = (status: number) =>
      send(
        status,
        status === 502
          ? '<html><body><h1>502 Bad Gateway</h1></body></html>'
          : envelope(10016, 'Internal system error, please try again later'),
      );

    const write = WRITES.has(route);
    const signed = !PUBLIC.has(path);
    const rule = this.takeFault({ method, path, apiKey, write, signed });
    if (rule) record.fault = `${rule.kind}:${rule.when ?? 'before'}`;
    const nowReal = Date.now();

    // The IP limit: 403 "access too frequent" (Bybit then bans the IP for a while).
    const window5 = Math.floor(nowReal / 5_000);
    if (window5 !== this.ipWindow) {
      this.ipWindow = window5;
      this.ipCount = 0;
    }
    this.ipCount += 1;
    if (
      (this.options.ipRequestsPer5s > 0 && this.ipCount > this.options.ipRequestsPer5s) ||
      rule?.kind === 'ip_limit'
    ) {
      headers['content-type'] = 'text/plain';
      if (rule?.retryAfterSec) headers['retry-after'] = String(rule.retryAfterSec);
      return send(403, 'access too frequent');
    }
    if (rule && (rule.when ?? 'before') === 'before') {
      switch (rule.kind) {
        case 'status':
          return serverError(rule.status ?? 503);
        case 'hold':
          record.status = -1;
          this.later(rule.holdMs ?? 5_000, () => res.destroy());
          return;
        case 'timestamp':
          return fail(bybitError(10002, this.timestampMessage(Number(header('x-bapi-timestamp')), 5000)));
        default:
          break;
      }
    }

    try {
      let account: BybitAccount | null = null;
      if (signed) account = this.authenticate(header, method === 'POST' ? rawBody : url.search.slice(1));
      if (account) {
        const limited = this.countEndpoint(account, path, headers, rule?.kind === 'rate_limit' ? rule : null);
        if (limited) return fail(limited);
      }
      const run = () => this.route(route, params, account);
      if (rule?.kind === 'late') {
        record.status = -1;
        this.later(rule.lateMs ?? 2_000, () => {
          try {
            run();
          } catch {
            /* refused late: nothing happened */
          }
          res.destroy();
        });
        return;
      }
      const result = run();
      if (rule && rule.when === 'after') {
        if (rule.kind === 'hold') {
          record.status = -1;
          this.later(rule.holdMs ?? 5_000, () => res.destroy());
          return;
        }
        if (rule.kind === 'status') return serverError(rule.status ?? 503);
      }
      send(200, envelope(0, 'OK', result));
    } catch (e) {
      if (e instanceof BybitError) return fail(e);
      send(500, envelope(10016, `Internal system error: ${String(e)}`));
    }
  }

  private takeFault(req: {
    method: string;
    path: string;
    apiKey: string | null;
    write: boolean;
    signed: boolean;
  }): FakeBybitFault | null {
    for (let i = 0; i < this.rules.length; i++) {
      const r = this.rules[i]!;
      const m = r.match ?? {};
      if (m.method && m.method !== req.method) continue;
      if (m.path && !(typeof m.path === 'string' ? m.path === req.path : m.path.test(req.path))) continue;
      if (m.apiKey && m.apiKey !== req.apiKey) continue;
      if (m.writes !== undefined && m.writes !== req.write) continue;
      if (m.signed !== undefined && m.signed !== req.signed) continue;
      r.times = (r.times ?? 1) - 1;
      if (r.times <= 0) this.rules.splice(i, 1);
      return r;
    }
    return (
      this.faultHook?.({ method: req.method, path: req.path, apiKey: req.apiKey, write: req.write }) ?? null
    );
  }

  private timestampMessage(ts: number, recvWindow: number): string {
    return `invalid request, please check your server timestamp or recv_window param. req_timestamp[${ts}],server_timestamp[${this.now()}],recv_window[${recvWindow}]`;
  }

  /** Bybit's v5 HMAC: hex HMAC-SHA256 of timestamp + api key + recv window + (query string | body). */
  private authenticate(header: (name: string) => string | null, payload: string): BybitAccount {
    const apiKey = header('x-bapi-api-key');
    const account = apiKey ? this.book.accounts.get(apiKey) : undefined;
    if (!account) throw bybitError(10003, 'API key is invalid.', 401);
    const ts = header('x-bapi-timestamp');
    const sign = header('x-bapi-sign');
    const recv = header('x-bapi-recv-window') ?? '5000';
    if (!ts || !sign) throw bybitError(10004, 'error sign! origin_string[]', 401);
    const expected = createHmac('sha256', account.secret)
      .update(ts + account.apiKey + recv + payload)
      .digest('hex');
    if (sign.toLowerCase() !== expected) throw bybitError(10004, 'error sign! origin_string[hidden]', 401);
    const t = Number(ts);
    const recvWindow = Number(recv);
    const server = this.now();
    if (!Number.isFinite(t) || !(recvWindow > 0) || t >= server + 1000 || t < server - recvWindow)
      throw bybitError(10002, this.timestampMessage(t, recvWindow));
    return account;
  }

  /** Per-UID per-endpoint limit of the current second; sets the X-Bapi-Limit* headers. */
  private countEndpoint(
    a: BybitAccount,
    path: string,
    headers: Record<string, string>,
    forced: { retryAfterSec?: number } | null,
  ): BybitError | null {
    const limit = this.options.endpointLimits[path] ?? 0;
    if (limit <= 0 && !forced) return null;
    const nowReal = Date.now();
    const second = Math.floor(nowReal / 1000);
    const key = `${a.apiKey}|${path}`;
    let u = this.usage.get(key);
    if (!u || u.second !== second) {
      u = { second, count: 0 };
      this.usage.set(key, u);
    }
    const reset = forced ? nowReal + (forced.retryAfterSec ?? 1) * 1000 : (second + 1) * 1000;
    headers['x-bapi-limit'] = String(limit || 10);
    headers['x-bapi-limit-reset-timestamp'] = String(reset);
    if (forced || u.count >= limit) {
      headers['x-bapi-limit-status'] = '0';
      return bybitError(10006, 'Too many visits. Exceeded the API Rate Limit.');
    }
    u.count += 1;
    headers['x-bapi-limit-status'] = String(limit - u.count);
    return null;
  }

  private route(route: string, p: Params, account: BybitAccount | null): unknown {
    const acc = () => {
      if (!account) throw bybitError(10003, 'API key is invalid.', 401);
      return account;
    };
    switch (route) {
      case 'GET /v5/market/time': {
        const now = this.now();
        return { timeSecond: String(Math.floor(now / 1000)), timeNano: `${now}000000` };
      }
      case 'GET /v5/market/instruments-info':
        return this.instruments(p);
      case 'GET /v5/user/query-api':
        return this.keyInfo(acc());
      case 'GET /v5/account/wallet-balance':
        return this.wallet(acc(), p);
      case 'POST /v5/account/set-margin-mode':
        this.book.setMarginMode(acc(), p);
        return { reasons: [] };
      case 'POST /v5/position/set-leverage':
        this.linear(p);
        this.book.setLeverage(acc(), p);
        return {};
      case 'POST /v5/position/switch-mode':
        this.linear(p);
        this.book.switchMode(acc(), p);
        return {};
      case 'GET /v5/position/list':
        return this.positions(acc(), p);
      case 'POST /v5/order/create': {
        const o = this.book.place(acc(), p, false);
        return { orderId: o.orderId, orderLinkId: o.orderLinkId };
      }
      case 'POST /v5/order/cancel': {
        this.linear(p);
        const o = this.book.cancel(acc(), p);
        return { orderId: o.orderId, orderLinkId: o.orderLinkId };
      }
      case 'GET /v5/order/realtime':
        return this.orderList(acc(), p, true);
      case 'GET /v5/order/history':
        return this.orderList(acc(), p, false);
      case 'GET /v5/execution/list':
        return this.executionList(acc(), p);
      default:
        throw bybitError(10017, `route not found: ${route}`, 404);
    }
  }

  private linear(p: Params): void {
    if (p.category !== 'linear') throw bybitError(10001, 'params error: category only supports linear here');
  }

  private instruments(p: Params): unknown {
    this.linear(p);
    // Pre-launch markets: none here.
    const list =
      p.status === 'PreLaunch'
        ? []
        : [...this.book.symbols.values()]
            .filter((s) => p.symbol === undefined || p.symbol === s.symbol)
            .map((s) => ({
              symbol: s.symbol,
              contractType: 'LinearPerpetual',
              status: 'Trading',
              baseCoin: s.baseCoin,
              quoteCoin: 'USDT',
              launchTime: '1585526400000',
              deliveryTime: '0',
              deliveryFeeRate: '',
              priceScale: String(decimals(s.tickSize)),
              leverageFilter: { minLeverage: '1', maxLeverage: `${s.maxLeverage}.00`, leverageStep: '0.01' },
              priceFilter: { minPrice: s.tickSize, maxPrice: '1999999.80', tickSize: s.tickSize },
              lotSizeFilter: {
                maxOrderQty: '1190.000',
                minOrderQty: s.minOrderQty,
                qtyStep: s.qtyStep,
                postOnlyMaxOrderQty: '1190.000',
                maxMktOrderQty: '500.000',
                minNotionalValue: s.minNotionalValue,
              },
              unifiedMarginTrade: true,
              fundingInterval: 480,
              settleCoin: 'USDT',
              copyTrading: 'both',
              upperFundingRate: '0.00375',
              lowerFundingRate: '-0.00375',
              isPreListing: false,
              preListingInfo: null,
            }));
    return { category: 'linear', list, nextPageCursor: '' };
  }

  private keyInfo(a: BybitAccount): unknown {
    return {
      id: '13770661',
      note: 'verzek',
      apiKey: a.apiKey,
      readOnly: a.key.readOnly ? 1 : 0,
      secret: '',
      permissions: {
        ContractTrade: [],
        Spot: [],
        Wallet: [],
        Options: [],
        Derivatives: [],
        CopyTrading: [],
        BlockTrade: [],
        Exchange: [],
        NFT: [],
        Affiliate: [],
        Earn: [],
        ...a.key.permissions,
      },
      ips: a.key.ips,
      type: 1,
      deadlineDay: 83,
      expiredAt: '2027-01-01T00:00:00Z',
      createdAt: '2026-01-01T00:00:00Z',
      unified: 0,
      uta: 1,
      userID: 24617703,
      inviterID: 0,
      vipLevel: 'No VIP',
      mktMakerLevel: '0',
      affiliateID: 0,
      rsaPublicKey: '',
      isMaster: true,
      parentUid: '0',
      kycLevel: 'LEVEL_DEFAULT',
      kycRegion: '',
    };
  }

  private wallet(a: BybitAccount, p: Params): unknown {
    if (p.accountType !== 'UNIFIED') throw bybitError(10001, 'accountType only support UNIFIED');
    const available = this.book.available(a);
    const total = str(a.balance, 8);
    return {
      list: [
        {
          accountType: 'UNIFIED',
          accountIMRate: '0',
          accountMMRate: '0',
          totalEquity: total,
          totalWalletBalance: total,
          totalMarginBalance: total,
          totalAvailableBalance: str(available, 8),
          totalPerpUPL: '0',
          totalInitialMargin: str(a.balance - available, 8),
          totalMaintenanceMargin: '0',
          coin: [
            {
              coin: 'USDT',
              equity: total,
              usdValue: total,
              walletBalance: total,
              availableToWithdraw: str(available, 8),
              locked: '0',
              borrowAmount: '0',
              accruedInterest: '0',
              totalOrderIM: '0',
              totalPositionIM: str(a.balance - available, 8),
              totalPositionMM: '0',
              unrealisedPnl: '0',
              cumRealisedPnl: '0',
              bonus: '0',
              marginCollateral: true,
              collateralSwitch: true,
            },
          ],
        },
      ],
    };
  }

  private positions(a: BybitAccount, p: Params): unknown {
    this.linear(p);
    if (p.symbol === undefined && p.settleCoin === undefined)
      throw bybitError(10001, 'params error: symbol or settleCoin is required');
    const out: unknown[] = [];
    for (const s of this.book.symbols.values()) {
      if (p.symbol !== undefined && p.symbol !== s.symbol) continue;
      const idxs = a.positionMode === 0 ? ([0] as const) : ([1, 2] as const);
      for (const idx of idxs) {
        const pos = a.positions.get(`${s.symbol}|${idx}`) ?? { size: 0n, entry: 0n };
        if (p.symbol === undefined && pos.size === 0n) continue;
        const mark = this.book.markOrNull(s.symbol) ?? 0n;
        const size = pos.size < 0n ? -pos.size : pos.size;
        out.push({
          positionIdx: idx,
          riskId: 1,
          riskLimitValue: '2000000',
          symbol: s.symbol,
          side: pos.size > 0n ? 'Buy' : pos.size < 0n ? 'Sell' : '',
          size: str(size),
          avgPrice: pos.size === 0n ? '0' : str(pos.entry),
          positionValue: str(mul(size, pos.entry)),
          tradeMode: a.marginMode === 'ISOLATED_MARGIN' ? 1 : 0,
          positionStatus: 'Normal',
          autoAddMargin: 0,
          adlRankIndicator: 0,
          leverage: String(this.book.leverageOf(a, s.symbol)),
          positionBalance: '0',
          markPrice: str(mark),
          liqPrice: '',
          bustPrice: '',
          positionMM: '0',
          positionIM: '0',
          tpslMode: 'Full',
          takeProfit: '0',
          stopLoss: '0',
          trailingStop: '0',
          unrealisedPnl: str(mul(mark - pos.entry, pos.size)),
          curRealisedPnl: '0',
          cumRealisedPnl: '0',
          seq: 1,
          isReduceOnly: false,
          createdTime: '1676538056258',
          updatedTime: String(this.now()),
        });
      }
    }
    return { category: 'linear', list: out, nextPageCursor: '' };
  }

  /**
   * `/v5/order/realtime` (open orders; with an id, also the recent closed one) and `/v5/order/history`
   * (closed orders). Pages of `limit` (≤ 50) with an opaque cursor.
   */
  private orderList(a: BybitAccount, p: Params, realtime: boolean): unknown {
    this.linear(p);
    if (realtime && p.symbol === undefined && p.settleCoin === undefined && p.baseCoin === undefined)
      throw bybitError(10001, 'params error: symbol, baseCoin or settleCoin is required');
    if (p.symbol !== undefined) this.book.symbolOf(p.symbol);
    const byId = p.orderId !== undefined || p.orderLinkId !== undefined;
    let list: FakeBybitOrder[];
    if (byId) {
      const o = this.book.find(a, p);
      list = o && (realtime || !isOpen(o)) ? [o] : [];
    } else {
      list = this.book.orders.filter(
        (o) =>
          o.apiKey === a.apiKey &&
          (p.symbol === undefined || o.symbol === p.symbol) &&
          (realtime ? isOpen(o) : !isOpen(o)),
      );
      list = list.slice().reverse();
    }
    const limit = Math.min(50, Math.max(1, Number(p.limit ?? (realtime ? 20 : 20))));
    const start = Number(p.cursor ?? 0) || 0;
    const page = list.slice(start, start + limit);
    const next = start + limit < list.length ? String(start + limit) : '';
    return { category: 'linear', list: page.map(orderJson), nextPageCursor: next };
  }

  private executionList(a: BybitAccount, p: Params): unknown {
    this.linear(p);
    const list = this.book.executions
      .filter(
        (e) =>
          e.apiKey === a.apiKey &&
          (p.symbol === undefined || e.symbol === p.symbol) &&
          (p.orderId === undefined || e.orderId === p.orderId) &&
          (p.orderLinkId === undefined || e.orderLinkId === p.orderLinkId),
      )
      .slice()
      .reverse()
      .slice(0, Math.min(100, Number(p.limit ?? 50)));
    return {
      category: 'linear',
      list: list.map((e) => ({
        symbol: e.symbol,
        orderId: e.orderId,
        orderLinkId: e.orderLinkId,
        side: e.side,
        orderPrice: '0',
        orderQty: '0',
        leavesQty: '0',
        createType: 'CreateByUser',
        orderType: 'Market',
        stopOrderType: '',
        execFee: e.execFee,
        execId: e.execId,
        execPrice: e.execPrice,
        execQty: e.execQty,
        execType: 'Trade',
        execValue: e.execValue,
        execTime: String(e.execTime),
        feeCurrency: 'USDT',
        isMaker: e.isMaker,
        feeRate: e.isMaker ? this.options.makerFee : this.options.takerFee,
        tradeIv: '',
        markIv: '',
        markPrice: e.execPrice,
        indexPrice: '',
        underlyingPrice: '',
        blockTradeId: '',
        closedSize: e.closedSize,
        seq: 1,
      })),
      nextPageCursor: '',
    };
  }
}
