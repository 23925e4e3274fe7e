import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/*
 * A Binance USDⓈ-M futures REST server on 127.0.0.1 for the endpoints our ccxt adapter calls, with
 * Binance's rules where they matter for money: HMAC-SHA256 signatures over the query string + body,
 * `timestamp` inside `recvWindow` (-1021), symbol filters (-1111, -4014, -4003/-4004, -4164),
 * reduce-only (-2022), client ids `^[\.A-Z\:/a-z0-9_-]{1,36}$` unique among OPEN orders (-4116),
 * conditional orders only through `/fapi/v1/algoOrder` (-4120 on `/fapi/v1/order`), IP weight per
 * minute (429/-1003, then 418 bans) and per-account order counts (429/-1015), with the
 * `X-MBX-USED-WEIGHT-1M` / `X-MBX-ORDER-COUNT-10S|1M` headers. Orders fill against a scripted mark
 * price: market at once, limits and stops when the price crosses. Faults on demand: 5xx after or
 * before the write, responses held past the client's timeout (placed or not, or placed late),
 * 429 bursts with Retry-After, 418 bans, one -1021.
 *
 * Only one-way and hedge position modes of a single-asset (USDT) account are modelled; no funding,
 * no liquidation engine (see `liquidate`), mark price = last price.
 */

// ---------------------------------------------------------------- fixed-point decimals (18 dp)

const SCALE = 10n ** 18n;
const DEC_RE = /^-?\d+(\.\d+)?$/;

function fx(s: string | number): bigint {
  const str = typeof s === 'number' ? s.toString() : s.trim();
  if (!DEC_RE.test(str)) throw new Error(`not a decimal: ${str}`);
  const neg = str.startsWith('-');
  const [int, frac = ''] = (neg ? str.slice(1) : str).split('.');
  if (frac.length > 18) throw new Error(`too many decimals: ${str}`);
  const v = BigInt(int!) * SCALE + BigInt((frac + '0'.repeat(18)).slice(0, 18));
  return neg ? -v : v;
}

function str(v: bigint, dp?: number): string {
  const neg = v < 0n;
  const a = neg ? -v : v;
  let int = (a / SCALE).toString();
  let frac = (a % SCALE).toString().padStart(18, '0');
  if (dp !== undefined) frac = frac.slice(0, dp).padEnd(dp, '0');
  else frac = frac.replace(/0+$/, '');
  if (int === '') int = '0';
  const out = frac ? `${int}.${frac}` : int;
  return neg && a !== 0n ? `-${out}` : out;
}

const mul = (a: bigint, b: bigint) => (a * b) / SCALE;
const div = (a: bigint, b: bigint) => (a * SCALE) / b;
const abs = (a: bigint) => (a < 0n ? -a : a);
const min = (a: bigint, b: bigint) => (a < b ? a : b);
const decimals = (s: string) => (s.includes('.') ? s.split('.')[1]!.replace(/0+$/, '').length : 0);

// ---------------------------------------------------------------- public types

export interface FakeFuturesSymbol {
  symbol: string;
  baseAsset: string;
  tickSize: string;
  stepSize: string;
  minQty: string;
  /** MIN_NOTIONAL.notional (reduce-only orders are exempt). */
  minNotional: string;
  maxLeverage: number;
}

/** Filters close to Binance's published ones (min notionals as on mainnet). */
export const FAKE_FUTURES_SYMBOLS: readonly FakeFuturesSymbol[] = [
  {
    symbol: 'BTCUSDT',
    baseAsset: 'BTC',
    tickSize: '0.1',
    stepSize: '0.001',
    minQty: '0.001',
    minNotional: '100',
    maxLeverage: 125,
  },
  {
    symbol: 'ETHUSDT',
    baseAsset: 'ETH',
    tickSize: '0.01',
    stepSize: '0.001',
    minQty: '0.001',
    minNotional: '20',
    maxLeverage: 100,
  },
  {
    symbol: 'BNBUSDT',
    baseAsset: 'BNB',
    tickSize: '0.01',
    stepSize: '0.01',
    minQty: '0.01',
    minNotional: '5',
    maxLeverage: 75,
  },
  {
    symbol: 'SOLUSDT',
    baseAsset: 'SOL',
    tickSize: '0.01',
    stepSize: '0.01',
    minQty: '0.01',
    minNotional: '5',
    maxLeverage: 100,
  },
  {
    symbol: 'XRPUSDT',
    baseAsset: 'XRP',
    tickSize: '0.0001',
    stepSize: '0.1',
    minQty: '0.1',
    minNotional: '5',
    maxLeverage: 75,
  },
  {
    symbol: 'DOGEUSDT',
    baseAsset: 'DOGE',
    tickSize: '0.00001',
    stepSize: '1',
    minQty: '1',
    minNotional: '5',
    maxLeverage: 75,
  },
];

export interface FakeApiPermissions {
  ipRestrict: boolean;
  enableReading: boolean;
  enableFutures: boolean;
  enableWithdrawals: boolean;
  enableInternalTransfer: boolean;
  permitsUniversalTransfer: boolean;
  enableMargin: boolean;
  enableSpotAndMarginTrading: boolean;
  enableVanillaOptions: boolean;
  enablePortfolioMarginTrading: boolean;
}

export interface FakeAccountInit {
  apiKey?: string;
  secret?: string;
  /** USDT wallet balance (default 100000). */
  balance?: string;
  permissions?: Partial<FakeApiPermissions>;
}

export type FakeOrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED';
export type FakeAlgoStatus =
  'NEW' | 'TRIGGERING' | 'TRIGGERED' | 'FINISHED' | 'CANCELED' | 'EXPIRED' | 'REJECTED';

export interface FakeOrder {
  orderId: number;
  clientOrderId: string;
  apiKey: string;
  symbol: string;
  side: 'BUY' | 'SELL';
  positionSide: 'BOTH' | 'LONG' | 'SHORT';
  type: 'LIMIT' | 'MARKET' | 'LIQUIDATION';
  origType: string;
  status: FakeOrderStatus;
  price: string;
  origQty: string;
  executedQty: string;
  cumQuote: string;
  avgPrice: string;
  reduceOnly: boolean;
  closePosition: boolean;
  timeInForce: string;
  time: number;
  updateTime: number;
  /** Set when the order came from a triggered algo order. */
  algoId: number | null;
  /** Placed through the fake's manual API (a person on the website). */
  manual: boolean;
}

export interface FakeAlgoOrder {
  algoId: number;
  clientAlgoId: string;
  apiKey: string;
  symbol: string;
  side: 'BUY' | 'SELL';
  positionSide: 'BOTH' | 'LONG' | 'SHORT';
  orderType: 'STOP_MARKET' | 'TAKE_PROFIT_MARKET';
  quantity: string;
  triggerPrice: string;
  workingType: string;
  algoStatus: FakeAlgoStatus;
  reduceOnly: boolean;
  closePosition: boolean;
  priceProtect: boolean;
  actualOrderId: string;
  actualPrice: string;
  createTime: number;
  updateTime: number;
  triggerTime: number;
  manual: boolean;
}

export interface FakeTrade {
  id: number;
  orderId: number;
  apiKey: string;
  symbol: string;
  side: 'BUY' | 'SELL';
  positionSide: string;
  price: string;
  qty: string;
  quoteQty: string;
  realizedPnl: string;
  commission: string;
  commissionAsset: string;
  maker: boolean;
  buyer: boolean;
  time: number;
}

export interface FakeRequest {
  at: number;
  method: string;
  path: string;
  apiKey: string | null;
  status: number;
  /** Binance error code of the answer, if any. */
  code: number | null;
  /** The client id the request carried (place, query or cancel). */
  clientId: string | null;
  /** What the fake did besides answering: a fault it injected. */
  fault: string | null;
}

/**
 * A fault for requests matching `match`. `before`: answered without doing anything; `after`: the
 * request is executed, then the answer is replaced (the write happened). Kinds:
 * - `status`: answer HTTP `status` (5xx: a `-1007`-style "execution status unknown" body);
 * - `hold`: never answer; the socket is closed after `holdMs` (past the client's timeout);
 * - `late`: hold the answer and execute the request only after `lateMs` (placed after the client gave up);
 * - `rate_limit`: 429 with Retry-After and -1003; `ban`: 418 and an IP ban for `retryAfterSec`;
 * - `timestamp`: -1021 (as if the client's clock were off).
 */
export interface FaultRule {
  kind: 'status' | 'hold' | 'late' | 'rate_limit' | 'ban' | 'timestamp';
  when?: 'before' | 'after';
  status?: number;
  holdMs?: number;
  lateMs?: number;
  retryAfterSec?: number;
  match?: { method?: string; path?: string | RegExp; apiKey?: string; writes?: boolean; signed?: boolean };
  /** How many requests it applies to (default 1). */
  times?: number;
}

export interface FaultDecision {
  rule: FaultRule;
}

export interface FakeBinanceFuturesOptions {
  symbols?: readonly FakeFuturesSymbol[];
  /** Added before every answer. */
  latencyMs?: number;
  /** IP weight per minute (Binance: 2400); 0 = not enforced. */
  weightPerMinute?: number;
  /** Per-account order counts (Binance: 300 per 10 s, 1200 per minute); 0 = not enforced. */
  ordersPer10s?: number;
  ordersPerMinute?: number;
  /** A client that keeps sending after this many 429s in one minute is banned (418). */
  banAfter429s?: number;
  banSeconds?: number;
  /** Maker and taker fee rates. */
  makerFee?: string;
  takerFee?: string;
  /** Server clock skew against the local clock, ms. */
  clockSkewMs?: number;
}

const WRITE = new Set([
  'POST /fapi/v1/order',
  'POST /fapi/v1/algoOrder',
  'DELETE /fapi/v1/order',
  'DELETE /fapi/v1/algoOrder',
]);
const PLACE = new Set(['POST /fapi/v1/order', 'POST /fapi/v1/algoOrder']);
const CLIENT_ID_RE = /^[.A-Z:/a-z0-9_-]{1,36}$/;
const CONDITIONAL_TYPES = new Set([
  'STOP',
  'STOP_MARKET',
  'TAKE_PROFIT',
  'TAKE_PROFIT_MARKET',
  'TRAILING_STOP_MARKET',
]);

class BinanceError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    msg: string,
  ) {
    super(msg);
  }
}

const err = (code: number, msg: string, status = 400) => new BinanceError(status, code, msg);

interface Account {
  apiKey: string;
  secret: string;
  balance: bigint;
  permissions: FakeApiPermissions;
  dual: boolean;
  leverage: Map<string, number>;
  marginType: Map<string, 'ISOLATED' | 'CROSSED'>;
  /** key `${symbol}|${positionSide}` → signed amount and entry price. */
  positions: Map<string, { amt: bigint; entry: bigint }>;
  orderTimes: number[];
  /** This account's orders (also in the exchange-wide lists), so lookups never scan every account's. */
  orders: FakeOrder[];
  algos: FakeAlgoOrder[];
}

interface Handled {
  status: number;
  body: unknown;
}

/** See the module comment. */
export class FakeBinanceFutures {
  readonly requests: FakeRequest[] = [];
  readonly orders: FakeOrder[] = [];
  readonly algoOrders: FakeAlgoOrder[] = [];
  readonly trades: FakeTrade[] = [];
  /** Decides faults per request, after the queued rules (for randomised fault runs). */
  faultHook:
    | ((req: { method: string; path: string; apiKey: string | null; write: boolean }) => FaultRule | null)
    | null = null;
  url = '';

  private readonly accounts = new Map<string, Account>();
  private readonly symbols = new Map<string, FakeFuturesSymbol>();
  private readonly marks = new Map<string, bigint>();
  private readonly rules: FaultRule[] = [];
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly options: Required<FakeBinanceFuturesOptions>;
  private nextOrderId = 8_000_000_000;
  private nextAlgoId = 4_000_000;
  private nextTradeId = 500_000_000;
  private weightWindow = 0;
  private weightUsed = 0;
  private violations = 0;
  private bannedUntil = 0;
  private readonly liquidations: FakeOrder[] = [];

  constructor(options: FakeBinanceFuturesOptions = {}) {
    this.options = {
      symbols: options.symbols ?? FAKE_FUTURES_SYMBOLS,
      latencyMs: options.latencyMs ?? 0,
      weightPerMinute: options.weightPerMinute ?? 2400,
      ordersPer10s: options.ordersPer10s ?? 300,
      ordersPerMinute: options.ordersPerMinute ?? 1200,
      banAfter429s: options.banAfter429s ?? 5,
      banSeconds: options.banSeconds ?? 120,
      makerFee: options.makerFee ?? '0.0002',
      takerFee: options.takerFee ?? '0.0005',
      clockSkewMs: options.clockSkewMs ?? 0,
    };
    for (const s of this.options.symbols) this.symbols.set(s.symbol, s);
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

  set latencyMs(ms: number) {
    this.options.latencyMs = ms;
  }

  set clockSkewMs(ms: number) {
    this.options.clockSkewMs = ms;
  }

  // ------------------------------------------------------------------ scripting

  /** Creates an account (API key + secret) with a USDT balance. */
  addAccount(init: FakeAccountInit = {}): { apiKey: string; secret: string } {
    const apiKey = init.apiKey ?? randomBytes(32).toString('base64url').slice(0, 64);
    const secret = init.secret ?? randomBytes(32).toString('base64url').slice(0, 64);
    this.accounts.set(apiKey, {
      apiKey,
      secret,
      balance: fx(init.balance ?? '100000'),
      permissions: {
        ipRestrict: true,
        enableReading: true,
        enableFutures: true,
        enableWithdrawals: false,
        enableInternalTransfer: false,
        permitsUniversalTransfer: false,
        enableMargin: false,
        enableSpotAndMarginTrading: false,
        enableVanillaOptions: false,
        enablePortfolioMarginTrading: false,
        ...init.permissions,
      },
      dual: false,
      leverage: new Map(),
      marginType: new Map(),
      positions: new Map(),
      orderTimes: [],
      orders: [],
      algos: [],
    });
    return { apiKey, secret };
  }

  /** Sets the mark (and last) price and fills whatever it crosses. */
  setMarkPrice(symbol: string, price: string | number): void {
    this.symbolOf(symbol);
    this.marks.set(symbol, fx(price));
    this.match(symbol);
  }

  markPrice(symbol: string): string | null {
    const m = this.marks.get(symbol);
    return m === undefined ? null : str(m);
  }

  /** Queues a fault for the next matching request(s). */
  fault(rule: FaultRule): void {
    this.rules.push({ times: 1, when: 'before', ...rule });
  }

  clearFaults(): void {
    this.rules.length = 0;
    this.faultHook = null;
  }

  /** The account's position on a symbol (signed; positive = long). */
  position(
    apiKey: string,
    symbol: string,
    positionSide: 'BOTH' | 'LONG' | 'SHORT' = 'BOTH',
  ): { amt: string; entry: string } {
    const p = this.account(apiKey).positions.get(`${symbol}|${positionSide}`);
    return { amt: p ? str(p.amt) : '0', entry: p ? str(p.entry) : '0' };
  }

  balance(apiKey: string): string {
    return str(this.account(apiKey).balance);
  }

  leverageOf(apiKey: string, symbol: string): number {
    return this.account(apiKey).leverage.get(symbol) ?? 20;
  }

  marginTypeOf(apiKey: string, symbol: string): 'ISOLATED' | 'CROSSED' {
    return this.account(apiKey).marginType.get(symbol) ?? 'CROSSED';
  }

  dualSide(apiKey: string): boolean {
    return this.account(apiKey).dual;
  }

  setPermissions(apiKey: string, permissions: Partial<FakeApiPermissions>): void {
    Object.assign(this.account(apiKey).permissions, permissions);
  }

  openOrdersOf(apiKey: string, symbol?: string): FakeOrder[] {
    return this.account(apiKey).orders.filter((o) => isOpen(o) && (!symbol || o.symbol === symbol));
  }

  openAlgoOrdersOf(apiKey: string, symbol?: string): FakeAlgoOrder[] {
    return this.account(apiKey).algos.filter(
      (o) => o.algoStatus === 'NEW' && (!symbol || o.symbol === symbol),
    );
  }

  /**
   * Orders (regular and algo) per client id, for duplicate checks. Orders made by the exchange itself
   * (a triggered stop's market order, liquidations) are not counted: they carry no client id of ours.
   */
  clientIdCounts(apiKey?: string): Map<string, number> {
    const counts = new Map<string, number>();
    for (const o of this.orders) {
      if (o.algoId !== null || o.type === 'LIQUIDATION' || (apiKey && o.apiKey !== apiKey)) continue;
      counts.set(`${o.apiKey}|${o.clientOrderId}`, (counts.get(`${o.apiKey}|${o.clientOrderId}`) ?? 0) + 1);
    }
    for (const o of this.algoOrders) {
      if (apiKey && o.apiKey !== apiKey) continue;
      counts.set(`${o.apiKey}|${o.clientAlgoId}`, (counts.get(`${o.apiKey}|${o.clientAlgoId}`) ?? 0) + 1);
    }
    return counts;
  }

  /** A person places an order on the website (not through the API). */
  manualOrder(
    apiKey: string,
    o: {
      symbol: string;
      side: 'BUY' | 'SELL';
      type: 'MARKET' | 'LIMIT';
      quantity: string;
      price?: string;
      reduceOnly?: boolean;
    },
  ): FakeOrder {
    return this.placeRegular(
      this.account(apiKey),
      {
        symbol: o.symbol,
        side: o.side,
        type: o.type,
        quantity: o.quantity,
        price: o.price,
        timeInForce: o.type === 'LIMIT' ? 'GTC' : undefined,
        reduceOnly: o.reduceOnly ? 'true' : undefined,
        newClientOrderId: `web_${randomBytes(8).toString('hex')}`,
      },
      true,
    );
  }

  /** A person cancels an order (regular or algo) on the website. */
  manualCancel(apiKey: string, clientId: string): void {
    const acc = this.account(apiKey);
    const o = acc.orders.find((x) => x.clientOrderId === clientId && isOpen(x));
    if (o) {
      o.status = 'CANCELED';
      o.updateTime = this.now();
      return;
    }
    const a = acc.algos.find((x) => x.clientAlgoId === clientId && x.algoStatus === 'NEW');
    if (!a) throw new Error(`no open order ${clientId}`);
    a.algoStatus = 'CANCELED';
    a.updateTime = this.now();
  }

  /** A person closes the whole position at market on the website. */
  manualClosePosition(apiKey: string, symbol: string): FakeOrder | null {
    const acc = this.account(apiKey);
    const p = acc.positions.get(`${symbol}|BOTH`);
    if (!p || p.amt === 0n) return null;
    return this.placeRegular(
      acc,
      {
        symbol,
        side: p.amt > 0n ? 'SELL' : 'BUY',
        type: 'MARKET',
        quantity: str(abs(p.amt)),
        reduceOnly: 'true',
        newClientOrderId: `web_close_${randomBytes(6).toString('hex')}`,
      },
      true,
    );
  }

  /** The exchange liquidates the account's position at `price` (recorded in forceOrders). */
  liquidate(apiKey: string, symbol: string, price: string): FakeOrder | null {
    const acc = this.account(apiKey);
    const p = acc.positions.get(`${symbol}|BOTH`);
    if (!p || p.amt === 0n) return null;
    const now = this.now();
    const order: FakeOrder = {
      orderId: this.nextOrderId++,
      clientOrderId: `autoclose-${now}`,
      apiKey,
      symbol,
      side: p.amt > 0n ? 'SELL' : 'BUY',
      positionSide: 'BOTH',
      type: 'LIQUIDATION',
      origType: 'LIQUIDATION',
      status: 'NEW',
      price,
      origQty: str(abs(p.amt)),
      executedQty: '0',
      cumQuote: '0',
      avgPrice: '0',
      reduceOnly: true,
      closePosition: false,
      timeInForce: 'IOC',
      time: now,
      updateTime: now,
      algoId: null,
      manual: false,
    };
    this.addOrder(acc, order);
    this.liquidations.push(order);
    this.fill(acc, order, abs(p.amt), fx(price), false);
    return order;
  }

  /** Requests answered with a given status (for tests). */
  countRequests(filter: Partial<Pick<FakeRequest, 'method' | 'path' | 'apiKey' | 'status'>> = {}): number {
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
    const route = `${method} ${url.pathname}`;
    const apiKeyHeader = req.headers['x-mbx-apikey'];
    const apiKey = typeof apiKeyHeader === 'string' ? apiKeyHeader : null;
    const params = new URLSearchParams(url.search);
    for (const [k, v] of new URLSearchParams(rawBody)) params.set(k, v);
    const record: FakeRequest = {
      at: Date.now(),
      method,
      path: url.pathname,
      apiKey,
      status: 0,
      code: null,
      clientId:
        params.get('newClientOrderId') ?? params.get('clientAlgoId') ?? params.get('origClientOrderId'),
      fault: null,
    };
    this.requests.push(record);
    if (this.options.latencyMs > 0) await new Promise((r) => setTimeout(r, this.options.latencyMs));

    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const send = (status: number, body: unknown) => {
      record.status = status;
      if (
        body &&
        typeof body === 'object' &&
        'code' in body &&
        typeof body.code === 'number' &&
        body.code < 0
      )
        record.code = body.code;
      if (res.destroyed) return;
      res.writeHead(status, headers);
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const fail = (e: BinanceError, extra: Record<string, string> = {}) => {
      Object.assign(headers, extra);
      send(e.status, { code: e.code, msg: e.message });
    };

    const write = WRITE.has(route);
    const signed = !(
      url.pathname === '/fapi/v1/exchangeInfo' ||
      url.pathname === '/fapi/v1/time' ||
      url.pathname === '/fapi/v1/ping'
    );
    const rule = this.takeFault({ method, path: url.pathname, apiKey, write, signed });
    if (rule) record.fault = `${rule.kind}:${rule.when ?? 'before'}`;

    // An IP ban answers everything with 418 until it expires.
    const nowReal = Date.now();
    if (this.bannedUntil > nowReal) {
      const secs = Math.ceil((this.bannedUntil - nowReal) / 1000);
      return fail(
        err(
          -1003,
          `Way too many requests; IP(127.0.0.1) banned until ${this.bannedUntil}. Please use the websocket for live updates to avoid bans.`,
          418,
        ),
        {
          'retry-after': String(secs),
        },
      );
    }
    if (rule && (rule.when ?? 'before') === 'before') {
      switch (rule.kind) {
        case 'rate_limit':
          return fail(
            err(
              -1003,
              'Too many requests; current limit of IP(127.0.0.1) is 2400 requests per minute. Please use the websocket for live updates to avoid polling the API.',
              429,
            ),
            {
              'retry-after': String(rule.retryAfterSec ?? 1),
            },
          );
        case 'ban':
          this.bannedUntil = nowReal + (rule.retryAfterSec ?? this.options.banSeconds) * 1000;
          return fail(
            err(-1003, `Way too many requests; IP(127.0.0.1) banned until ${this.bannedUntil}.`, 418),
            {
              'retry-after': String(rule.retryAfterSec ?? this.options.banSeconds),
            },
          );
        case 'timestamp':
          return fail(err(-1021, 'Timestamp for this request is outside of the recvWindow.'));
        case 'status':
          return send(
            rule.status ?? 503,
            rule.status === 502
              ? '<html><body><h1>502 Bad Gateway</h1></body></html>'
              : {
                  code: -1007,
                  msg: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.',
                },
          );
        case 'hold':
          record.status = -1;
          this.later(rule.holdMs ?? 5_000, () => res.destroy());
          return;
        default:
          break;
      }
    }

    // IP weight.
    const weight = this.weightOf(method, url.pathname, params);
    const minute = Math.floor(nowReal / 60_000);
    if (minute !== this.weightWindow) {
      this.weightWindow = minute;
      this.weightUsed = 0;
      this.violations = 0;
    }
    if (this.options.weightPerMinute > 0 && this.weightUsed + weight > this.options.weightPerMinute) {
      this.violations += 1;
      const secs = Math.max(1, Math.ceil(((minute + 1) * 60_000 - nowReal) / 1000));
      if (this.violations > this.options.banAfter429s) {
        this.bannedUntil = nowReal + this.options.banSeconds * 1000;
        return fail(
          err(-1003, `Way too many requests; IP(127.0.0.1) banned until ${this.bannedUntil}.`, 418),
          {
            'retry-after': String(this.options.banSeconds),
          },
        );
      }
      headers['x-mbx-used-weight-1m'] = String(this.weightUsed);
      return fail(
        err(
          -1003,
          `Too many requests; current limit of IP(127.0.0.1) is ${this.options.weightPerMinute} requests per minute.`,
          429,
        ),
        {
          'retry-after': String(secs),
        },
      );
    }
    this.weightUsed += weight;
    headers['x-mbx-used-weight-1m'] = String(this.weightUsed);

    try {
      let account: Account | null = null;
      if (signed) account = this.authenticate(apiKey, url.search.slice(1), rawBody, params);
      if (account && PLACE.has(route)) this.countOrder(account, headers);
      const run = (): Handled => this.route(route, params, account);
      if (rule?.kind === 'late') {
        // The answer never comes; the request takes effect only after the client gave up.
        record.status = -1;
        this.later(rule.lateMs ?? 2_000, () => {
          try {
            run();
          } catch {
            /* rejected late: nothing happened */
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
        if (rule.kind === 'status') {
          return send(
            rule.status ?? 503,
            rule.status === 502
              ? '<html><body><h1>502 Bad Gateway</h1></body></html>'
              : {
                  code: -1007,
                  msg: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.',
                },
          );
        }
      }
      send(result.status, result.body);
    } catch (e) {
      if (e instanceof BinanceError) return fail(e, e.status === 429 ? { 'retry-after': '1' } : {});
      send(500, { code: -1000, msg: `An unknown error occurred while processing the request. ${String(e)}` });
    }
  }

  private takeFault(req: {
    method: string;
    path: string;
    apiKey: string | null;
    write: boolean;
    signed: boolean;
  }): FaultRule | null {
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

  private weightOf(method: string, path: string, params: URLSearchParams): number {
    const withSymbol = params.has('symbol');
    switch (path) {
      case '/fapi/v1/order':
      case '/fapi/v1/algoOrder':
        return method === 'POST' ? 0 : 1;
      case '/fapi/v1/openOrders':
      case '/fapi/v1/openAlgoOrders':
        return withSymbol ? 1 : 40;
      case '/fapi/v2/balance':
      case '/fapi/v3/balance':
      case '/fapi/v2/positionRisk':
      case '/fapi/v3/positionRisk':
      case '/fapi/v1/userTrades':
        return 5;
      case '/fapi/v1/forceOrders':
        return withSymbol ? 20 : 50;
      case '/fapi/v1/positionSide/dual':
        return method === 'GET' ? 30 : 1;
      case '/sapi/v1/account/apiRestrictions':
        return 0; // SAPI has its own limits
      default:
        return 1;
    }
  }

  private authenticate(apiKey: string | null, query: string, body: string, params: URLSearchParams): Account {
    const account = apiKey ? this.accounts.get(apiKey) : undefined;
    if (!account) throw err(-2015, 'Invalid API-key, IP, or permissions for action.', 401);
    const total = query + body;
    const at = total.lastIndexOf('signature=');
    if (at < 0)
      throw err(-1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.");
    let payload = total.slice(0, at);
    if (payload.endsWith('&')) payload = payload.slice(0, -1);
    const given = total.slice(at + 'signature='.length).split('&')[0]!;
    const expected = createHmac('sha256', account.secret).update(payload).digest('hex');
    if (given.toLowerCase() !== expected) throw err(-1022, 'Signature for this request is not valid.');
    const ts = Number(params.get('timestamp'));
    if (!Number.isFinite(ts) || ts <= 0)
      throw err(-1102, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.");
    const recvWindow = params.has('recvWindow') ? Number(params.get('recvWindow')) : 5000;
    if (!(recvWindow > 0 && recvWindow <= 60_000)) throw err(-1131, 'recvWindow must be less than 60000');
    const serverTime = this.now();
    if (ts >= serverTime + 1000 || serverTime - ts > recvWindow)
      throw err(-1021, 'Timestamp for this request is outside of the recvWindow.');
    return account;
  }

  private countOrder(account: Account, headers: Record<string, string>): void {
    const now = Date.now();
    account.orderTimes = account.orderTimes.filter((t) => t > now - 60_000);
    const in10 = account.orderTimes.filter((t) => t > now - 10_000).length;
    const in60 = account.orderTimes.length;
    if (this.options.ordersPer10s > 0 && in10 >= this.options.ordersPer10s) {
      headers['x-mbx-order-count-10s'] = String(in10);
      headers['x-mbx-order-count-1m'] = String(in60);
      throw err(
        -1015,
        `Too many new orders; current limit is ${this.options.ordersPer10s} orders per TEN_SECONDS.`,
        429,
      );
    }
    if (this.options.ordersPerMinute > 0 && in60 >= this.options.ordersPerMinute) {
      headers['x-mbx-order-count-10s'] = String(in10);
      headers['x-mbx-order-count-1m'] = String(in60);
      throw err(
        -1015,
        `Too many new orders; current limit is ${this.options.ordersPerMinute} orders per MINUTE.`,
        429,
      );
    }
    account.orderTimes.push(now);
    headers['x-mbx-order-count-10s'] = String(in10 + 1);
    headers['x-mbx-order-count-1m'] = String(in60 + 1);
  }

  private route(route: string, p: URLSearchParams, account: Account | null): Handled {
    const ok = (body: unknown): Handled => ({ status: 200, body });
    const acc = () => {
      if (!account) throw err(-2015, 'Invalid API-key, IP, or permissions for action.', 401);
      return account;
    };
    switch (route) {
      case 'GET /fapi/v1/ping':
        return ok({});
      case 'GET /fapi/v1/time':
        return ok({ serverTime: this.now() });
      case 'GET /fapi/v1/exchangeInfo':
        return ok(this.exchangeInfo());
      case 'GET /sapi/v1/account/apiRestrictions': {
        const a = acc();
        return ok({ ...a.permissions, createTime: 1_700_000_000_000, tradingAuthorityExpirationTime: 0 });
      }
      case 'GET /fapi/v2/balance':
      case 'GET /fapi/v3/balance':
        return ok(this.balances(acc()));
      case 'GET /fapi/v2/positionRisk':
      case 'GET /fapi/v3/positionRisk':
        return ok(this.positionRisk(acc(), p.get('symbol')));
      case 'POST /fapi/v1/leverage': {
        const a = acc();
        const s = this.symbolOf(p.get('symbol'));
        const lev = Number(p.get('leverage'));
        if (!Number.isInteger(lev) || lev < 1 || lev > s.maxLeverage)
          throw err(-4028, `Leverage ${p.get('leverage')} is not valid`);
        a.leverage.set(s.symbol, lev);
        return ok({ leverage: lev, maxNotionalValue: '1000000', symbol: s.symbol });
      }
      case 'POST /fapi/v1/marginType': {
        const a = acc();
        const s = this.symbolOf(p.get('symbol'));
        const t = p.get('marginType')?.toUpperCase();
        if (t !== 'ISOLATED' && t !== 'CROSSED')
          throw err(-1102, "Mandatory parameter 'marginType' was not sent, was empty/null, or malformed.");
        if ((a.marginType.get(s.symbol) ?? 'CROSSED') === t)
          throw err(-4046, 'No need to change margin type.');
        if ([...a.positions.entries()].some(([k, v]) => k.startsWith(`${s.symbol}|`) && v.amt !== 0n))
          throw err(-4048, 'Margin type cannot be changed if there exists position.');
        a.marginType.set(s.symbol, t);
        return ok({ code: 200, msg: 'success' });
      }
      case 'GET /fapi/v1/leverageBracket': {
        acc();
        const sym = p.get('symbol');
        const list = sym ? [this.symbolOf(sym)] : [...this.symbols.values()];
        return ok(
          list.map((s) => ({
            symbol: s.symbol,
            notionalCoef: 1,
            brackets: [
              {
                bracket: 1,
                initialLeverage: s.maxLeverage,
                notionalCap: 50000,
                notionalFloor: 0,
                maintMarginRatio: 0.004,
                cum: 0,
              },
              {
                bracket: 2,
                initialLeverage: Math.max(1, Math.floor(s.maxLeverage / 2)),
                notionalCap: 600000,
                notionalFloor: 50000,
                maintMarginRatio: 0.005,
                cum: 50,
              },
            ],
          })),
        );
      }
      case 'GET /fapi/v1/positionSide/dual':
        return ok({ dualSidePosition: acc().dual });
      case 'POST /fapi/v1/positionSide/dual': {
        const a = acc();
        const want = p.get('dualSidePosition') === 'true';
        if (want === a.dual) throw err(-4059, 'No need to change position side.');
        if ([...a.positions.values()].some((v) => v.amt !== 0n) || this.openOrdersOf(a.apiKey).length > 0)
          throw err(-4068, 'Position side cannot be changed if there exists position.');
        a.dual = want;
        return ok({ code: 200, msg: 'success' });
      }
      case 'POST /fapi/v1/order': {
        const type = (p.get('type') ?? '').toUpperCase();
        if (CONDITIONAL_TYPES.has(type))
          throw err(
            -4120,
            'Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.',
          );
        const order = this.placeRegular(acc(), Object.fromEntries(p.entries()), false);
        // ACK (the default) answers before matching: the order as accepted, nothing executed yet.
        return ok(
          p.get('newOrderRespType') === 'RESULT'
            ? orderJson(order)
            : {
                ...orderJson(order),
                status: 'NEW',
                executedQty: '0',
                cumQty: '0',
                cumQuote: '0',
                avgPrice: '0.00',
              },
        );
      }
      case 'GET /fapi/v1/order': {
        const o = this.findOrder(acc(), p);
        if (!o) throw err(-2013, 'Order does not exist.');
        return ok(orderJson(o));
      }
      case 'DELETE /fapi/v1/order': {
        const o = this.findOrder(acc(), p);
        if (!o || !isOpen(o)) throw err(-2011, 'Unknown order sent.');
        o.status = 'CANCELED';
        o.updateTime = this.now();
        return ok(orderJson(o));
      }
      case 'GET /fapi/v1/openOrders': {
        const sym = p.get('symbol');
        if (sym) this.symbolOf(sym);
        return ok(this.openOrdersOf(acc().apiKey, sym ?? undefined).map(orderJson));
      }
      case 'GET /fapi/v1/allOrders': {
        const sym = this.symbolOf(p.get('symbol')).symbol;
        return ok(
          acc()
            .orders.filter((o) => o.symbol === sym)
            .map(orderJson),
        );
      }
      case 'GET /fapi/v1/userTrades': {
        const sym = this.symbolOf(p.get('symbol')).symbol;
        const orderId = p.get('orderId');
        const from = Number(p.get('startTime') ?? 0);
        const a = acc();
        return ok(
          this.trades
            .filter(
              (t) =>
                t.apiKey === a.apiKey &&
                t.symbol === sym &&
                (!orderId || String(t.orderId) === orderId) &&
                t.time >= from,
            )
            .slice(-Number(p.get('limit') ?? 500))
            .map(tradeJson),
        );
      }
      case 'GET /fapi/v1/forceOrders': {
        const a = acc();
        const sym = p.get('symbol');
        const from = Number(p.get('startTime') ?? 0);
        return ok(
          this.liquidations
            .filter((o) => o.apiKey === a.apiKey && (!sym || o.symbol === sym) && o.time >= from)
            .map(orderJson),
        );
      }
      case 'POST /fapi/v1/algoOrder':
        return ok(algoJson(this.placeAlgo(acc(), p)));
      case 'GET /fapi/v1/algoOrder': {
        const a = this.findAlgo(acc(), p);
        if (!a) throw err(-2013, 'Order does not exist.');
        return ok(algoJson(a));
      }
      case 'DELETE /fapi/v1/algoOrder': {
        const a = this.findAlgo(acc(), p);
        if (!a || a.algoStatus !== 'NEW') throw err(-2011, 'Unknown order sent.');
        a.algoStatus = 'CANCELED';
        a.updateTime = this.now();
        return ok({ algoId: a.algoId, clientAlgoId: a.clientAlgoId, code: '200', msg: 'success' });
      }
      case 'GET /fapi/v1/openAlgoOrders': {
        const sym = p.get('symbol');
        return ok(this.openAlgoOrdersOf(acc().apiKey, sym ?? undefined).map(algoJson));
      }
      default:
        return { status: 404, body: { code: -5000, msg: `Path ${route} not found` } };
    }
  }

  // ------------------------------------------------------------------ trading rules

  private account(apiKey: string): Account {
    const a = this.accounts.get(apiKey);
    if (!a) throw new Error(`no fake account ${apiKey}`);
    return a;
  }

  private symbolOf(symbol: string | null | undefined): FakeFuturesSymbol {
    if (!symbol) throw err(-1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
    const s = this.symbols.get(symbol);
    if (!s) throw err(-1121, 'Invalid symbol.');
    return s;
  }

  private mark(symbol: string): bigint {
    const m = this.marks.get(symbol);
    if (m === undefined) throw err(-1000, `no mark price for ${symbol} (the test forgot setMarkPrice)`, 500);
    return m;
  }

  private checkClientId(id: string, param: string): void {
    if (!CLIENT_ID_RE.test(id))
      throw err(
        -1100,
        `Illegal characters found in parameter '${param}'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.`,
      );
  }

  private checkQty(s: FakeFuturesSymbol, raw: string | undefined): bigint {
    if (raw === undefined || !DEC_RE.test(raw))
      throw err(-1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.");
    if (decimals(raw) > decimals(s.stepSize))
      throw err(-1111, 'Precision is over the maximum defined for this asset.');
    const q = fx(raw);
    if (q <= 0n) throw err(-4003, 'Quantity less than or equal to zero.');
    if (q % fx(s.stepSize) !== 0n) throw err(-1111, 'Precision is over the maximum defined for this asset.');
    if (q < fx(s.minQty)) throw err(-4004, 'Quantity less than min quantity.');
    return q;
  }

  private checkPrice(s: FakeFuturesSymbol, raw: string | undefined, param: string): bigint {
    if (raw === undefined || !DEC_RE.test(raw))
      throw err(-1102, `Mandatory parameter '${param}' was not sent, was empty/null, or malformed.`);
    if (decimals(raw) > decimals(s.tickSize))
      throw err(-1111, 'Precision is over the maximum defined for this asset.');
    const v = fx(raw);
    if (v <= 0n) throw err(-4001, 'Price less than 0.');
    if (v % fx(s.tickSize) !== 0n) throw err(-4014, 'Price not increased by tick size.');
    return v;
  }

  private positionSideOf(a: Account, p: Record<string, string | undefined>): 'BOTH' | 'LONG' | 'SHORT' {
    const ps = (p.positionSide ?? 'BOTH').toUpperCase();
    if (ps !== 'BOTH' && ps !== 'LONG' && ps !== 'SHORT') throw err(-4006, 'Invalid position side.');
    if (a.dual ? ps === 'BOTH' : ps !== 'BOTH')
      throw err(-4061, "Order's position side does not match user's setting.");
    if (a.dual && p.reduceOnly !== undefined)
      throw err(-1106, "Parameter 'reduceonly' sent when not required.");
    return ps;
  }

  /** How much an order on this side can reduce the position (0 if it would not reduce). */
  private reducible(a: Account, symbol: string, side: 'BUY' | 'SELL', ps: 'BOTH' | 'LONG' | 'SHORT'): bigint {
    const pos = a.positions.get(`${symbol}|${ps}`)?.amt ?? 0n;
    if (side === 'SELL' && pos > 0n) return pos;
    if (side === 'BUY' && pos < 0n) return -pos;
    return 0n;
  }

  /** Exit orders in hedge mode: SELL of a LONG, BUY of a SHORT. */
  private isHedgeExit(ps: string, side: string): boolean {
    return (ps === 'LONG' && side === 'SELL') || (ps === 'SHORT' && side === 'BUY');
  }

  private placeRegular(a: Account, p: Record<string, string | undefined>, manual: boolean): FakeOrder {
    const s = this.symbolOf(p.symbol);
    const side = (p.side ?? '').toUpperCase();
    if (side !== 'BUY' && side !== 'SELL')
      throw err(-1102, "Mandatory parameter 'side' was not sent, was empty/null, or malformed.");
    const type = (p.type ?? '').toUpperCase();
    if (type !== 'LIMIT' && type !== 'MARKET') throw err(-1116, 'Invalid orderType.');
    const ps = this.positionSideOf(a, p);
    const clientId = p.newClientOrderId ?? `fake_${randomBytes(8).toString('hex')}`;
    this.checkClientId(clientId, 'newClientOrderId');
    if (a.orders.some((o) => o.clientOrderId === clientId && isOpen(o)))
      throw err(-4116, 'ClientOrderId is duplicated.');
    const qty = this.checkQty(s, p.quantity);
    let price = 0n;
    if (type === 'LIMIT') {
      price = this.checkPrice(s, p.price, 'price');
      if (!p.timeInForce)
        throw err(-1102, "Mandatory parameter 'timeinforce' was not sent, was empty/null, or malformed.");
    } else if (p.price !== undefined) {
      throw err(-1106, "Parameter 'price' sent when not required.");
    }
    const reduceOnly = p.reduceOnly === 'true' || (a.dual && this.isHedgeExit(ps, side));
    const mark = this.mark(s.symbol);
    if (reduceOnly) {
      if (this.reducible(a, s.symbol, side, ps) === 0n) throw err(-2022, 'ReduceOnly Order is rejected.');
    } else {
      const notional = mul(qty, type === 'LIMIT' ? price : mark);
      if (notional < fx(s.minNotional))
        throw err(
          -4164,
          `Order's notional must be no smaller than ${s.minNotional} (unless you choose reduce only).`,
        );
      const lev = BigInt(a.leverage.get(s.symbol) ?? 20);
      if (notional / lev > this.available(a)) throw err(-2019, 'Margin is insufficient.');
    }
    const now = this.now();
    const order: FakeOrder = {
      orderId: this.nextOrderId++,
      clientOrderId: clientId,
      apiKey: a.apiKey,
      symbol: s.symbol,
      side,
      positionSide: ps,
      type,
      origType: type,
      status: 'NEW',
      price: type === 'LIMIT' ? str(price) : '0',
      origQty: str(qty),
      executedQty: '0',
      cumQuote: '0',
      avgPrice: '0',
      reduceOnly,
      closePosition: false,
      timeInForce: type === 'LIMIT' ? (p.timeInForce ?? 'GTC') : 'GTC',
      time: now,
      updateTime: now,
      algoId: null,
      manual,
    };
    this.addOrder(a, order);
    if (type === 'MARKET') this.fill(a, order, qty, mark, false);
    else if ((side === 'BUY' && mark <= price) || (side === 'SELL' && mark >= price))
      this.fill(a, order, qty, mark, false);
    return order;
  }

  private placeAlgo(a: Account, params: URLSearchParams): FakeAlgoOrder {
    const p = Object.fromEntries(params.entries()) as Record<string, string | undefined>;
    if (p.algoType !== 'CONDITIONAL')
      throw err(-1102, "Mandatory parameter 'algoType' was not sent, was empty/null, or malformed.");
    const s = this.symbolOf(p.symbol);
    const side = (p.side ?? '').toUpperCase();
    if (side !== 'BUY' && side !== 'SELL')
      throw err(-1102, "Mandatory parameter 'side' was not sent, was empty/null, or malformed.");
    const type = (p.type ?? '').toUpperCase();
    if (type !== 'STOP_MARKET' && type !== 'TAKE_PROFIT_MARKET') throw err(-1116, 'Invalid orderType.');
    const ps = this.positionSideOf(a, p);
    const clientId = p.clientAlgoId ?? `fake_${randomBytes(8).toString('hex')}`;
    this.checkClientId(clientId, 'clientAlgoId');
    if (a.algos.some((o) => o.clientAlgoId === clientId && o.algoStatus === 'NEW'))
      throw err(-4116, 'ClientOrderId is duplicated.');
    const closePosition = p.closePosition === 'true';
    if (closePosition && p.reduceOnly !== undefined)
      throw err(-1106, "Parameter 'reduceonly' sent when not required.");
    if (closePosition && p.quantity !== undefined)
      throw err(-1106, "Parameter 'quantity' sent when not required.");
    const qty = closePosition ? 0n : this.checkQty(s, p.quantity);
    const trigger = this.checkPrice(s, p.triggerPrice, 'triggerPrice');
    const reduceOnly = p.reduceOnly === 'true' || (a.dual && this.isHedgeExit(ps, side));
    if ((reduceOnly || closePosition) && this.reducible(a, s.symbol, side, ps) === 0n)
      throw err(-2022, 'ReduceOnly Order is rejected.');
    if (this.openAlgoOrdersOf(a.apiKey).length >= 200) throw err(-4045, 'Reach max stop order limit.');
    const mark = this.mark(s.symbol);
    const stopLike = type === 'STOP_MARKET';
    const immediate = stopLike
      ? side === 'SELL'
        ? mark <= trigger
        : mark >= trigger
      : side === 'SELL'
        ? mark >= trigger
        : mark <= trigger;
    if (immediate) throw err(-2021, 'Order would immediately trigger.');
    const now = this.now();
    const algo: FakeAlgoOrder = {
      algoId: this.nextAlgoId++,
      clientAlgoId: clientId,
      apiKey: a.apiKey,
      symbol: s.symbol,
      side,
      positionSide: ps,
      orderType: type,
      quantity: str(qty),
      triggerPrice: str(trigger),
      workingType: p.workingType ?? 'CONTRACT_PRICE',
      algoStatus: 'NEW',
      reduceOnly,
      closePosition,
      priceProtect: p.priceProtect === 'true',
      actualOrderId: '',
      actualPrice: '0',
      createTime: now,
      updateTime: now,
      triggerTime: 0,
      manual: false,
    };
    this.algoOrders.push(algo);
    a.algos.push(algo);
    return algo;
  }

  private addOrder(a: Account, order: FakeOrder): void {
    this.orders.push(order);
    a.orders.push(order);
  }

  private findOrder(a: Account, p: URLSearchParams): FakeOrder | undefined {
    const sym = this.symbolOf(p.get('symbol')).symbol;
    const id = p.get('orderId');
    const cid = p.get('origClientOrderId');
    if (!id && !cid)
      throw err(-1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
    for (let i = a.orders.length - 1; i >= 0; i--) {
      const o = a.orders[i]!;
      if (o.symbol !== sym) continue;
      if (id ? String(o.orderId) === id : o.clientOrderId === cid) return o;
    }
    return undefined;
  }

  private findAlgo(a: Account, p: URLSearchParams): FakeAlgoOrder | undefined {
    const id = p.get('algoId');
    const cid = p.get('clientAlgoId');
    if (!id && !cid)
      throw err(-1102, "Param 'clientAlgoId' or 'algoId' must be sent, but both were empty/null!");
    for (let i = a.algos.length - 1; i >= 0; i--) {
      const o = a.algos[i]!;
      if (id ? String(o.algoId) === id : o.clientAlgoId === cid) return o;
    }
    return undefined;
  }

  private available(a: Account): bigint {
    let used = 0n;
    for (const [key, p] of a.positions) {
      const lev = BigInt(a.leverage.get(key.split('|')[0]!) ?? 20);
      used += mul(abs(p.amt), p.entry) / lev;
    }
    return a.balance - used;
  }

  /** Executes `qty` of an order at `price`: position, PnL, fees, trade record; reduce-only is capped. */
  private fill(a: Account, o: FakeOrder, qty: bigint, price: bigint, maker: boolean): void {
    const key = `${o.symbol}|${o.positionSide}`;
    const pos = a.positions.get(key) ?? { amt: 0n, entry: 0n };
    const signed = o.side === 'BUY' ? qty : -qty;
    let q = qty;
    if (o.reduceOnly) {
      q = min(qty, this.reducible(a, o.symbol, o.side, o.positionSide));
      if (q === 0n) {
        o.status = 'EXPIRED';
        o.updateTime = this.now();
        return;
      }
    }
    const delta = signed < 0n ? -q : q;
    let realized = 0n;
    if (pos.amt !== 0n && pos.amt > 0n !== delta > 0n) {
      const closing = min(abs(delta), abs(pos.amt));
      realized = mul(price - pos.entry, closing) * (pos.amt > 0n ? 1n : -1n);
      const next = pos.amt + delta;
      if (next !== 0n && next > 0n !== pos.amt > 0n) pos.entry = price; // flipped
      pos.amt = next;
      if (pos.amt === 0n) pos.entry = 0n;
    } else {
      const next = pos.amt + delta;
      pos.entry = div(mul(abs(pos.amt), pos.entry) + mul(abs(delta), price), abs(next));
      pos.amt = next;
    }
    a.positions.set(key, pos);
    const quote = mul(q, price);
    const fee = mul(quote, fx(maker ? this.options.makerFee : this.options.takerFee));
    a.balance += realized - fee;
    const executed = fx(o.executedQty) + q;
    const cum = fx(o.cumQuote) + quote;
    o.executedQty = str(executed);
    o.cumQuote = str(cum);
    o.avgPrice = str(div(cum, executed));
    o.status = executed >= fx(o.origQty) ? 'FILLED' : 'PARTIALLY_FILLED';
    if (
      o.reduceOnly &&
      o.status === 'PARTIALLY_FILLED' &&
      this.reducible(a, o.symbol, o.side, o.positionSide) === 0n
    )
      o.status = 'EXPIRED';
    o.updateTime = this.now();
    this.trades.push({
      id: this.nextTradeId++,
      orderId: o.orderId,
      apiKey: a.apiKey,
      symbol: o.symbol,
      side: o.side,
      positionSide: o.positionSide,
      price: str(price),
      qty: str(q),
      quoteQty: str(quote),
      realizedPnl: str(realized),
      commission: str(fee),
      commissionAsset: 'USDT',
      maker,
      buyer: o.side === 'BUY',
      time: o.updateTime,
    });
    if (pos.amt === 0n) this.positionClosed(a, o.symbol, o.positionSide);
  }

  /** A flat position takes its reduce-only and close-position orders with it (Binance expires them). */
  private positionClosed(a: Account, symbol: string, ps: string): void {
    const now = this.now();
    for (const o of a.orders) {
      if (o.symbol === symbol && o.positionSide === ps && o.reduceOnly && isOpen(o)) {
        o.status = 'EXPIRED';
        o.updateTime = now;
      }
    }
    for (const o of a.algos) {
      if (
        o.symbol === symbol &&
        o.positionSide === ps &&
        o.algoStatus === 'NEW' &&
        (o.reduceOnly || o.closePosition)
      ) {
        o.algoStatus = 'EXPIRED';
        o.updateTime = now;
      }
    }
  }

  /** Fills resting limits and triggers stops that the mark price crossed. */
  private match(symbol: string): void {
    const mark = this.mark(symbol);
    for (const algo of this.algoOrders) {
      if (algo.symbol !== symbol || algo.algoStatus !== 'NEW') continue;
      const stopLike = algo.orderType === 'STOP_MARKET';
      const hit = stopLike
        ? algo.side === 'SELL'
          ? mark <= fx(algo.triggerPrice)
          : mark >= fx(algo.triggerPrice)
        : algo.side === 'SELL'
          ? mark >= fx(algo.triggerPrice)
          : mark <= fx(algo.triggerPrice);
      if (!hit) continue;
      const a = this.account(algo.apiKey);
      const now = this.now();
      algo.triggerTime = now;
      const qty = algo.closePosition
        ? this.reducible(a, symbol, algo.side, algo.positionSide)
        : fx(algo.quantity);
      if (qty === 0n) {
        algo.algoStatus = 'EXPIRED';
        algo.updateTime = now;
        continue;
      }
      const order: FakeOrder = {
        orderId: this.nextOrderId++,
        clientOrderId: `algo_${algo.algoId}`,
        apiKey: a.apiKey,
        symbol,
        side: algo.side,
        positionSide: algo.positionSide,
        type: 'MARKET',
        origType: algo.orderType,
        status: 'NEW',
        price: '0',
        origQty: str(qty),
        executedQty: '0',
        cumQuote: '0',
        avgPrice: '0',
        reduceOnly: algo.reduceOnly || algo.closePosition,
        closePosition: algo.closePosition,
        timeInForce: 'GTC',
        time: now,
        updateTime: now,
        algoId: algo.algoId,
        manual: false,
      };
      this.addOrder(a, order);
      algo.actualOrderId = String(order.orderId);
      this.fill(a, order, qty, mark, false);
      algo.actualPrice = order.avgPrice;
      algo.algoStatus = 'FINISHED';
      algo.updateTime = this.now();
    }
    for (const o of this.orders) {
      if (o.symbol !== symbol || o.type !== 'LIMIT' || !isOpen(o)) continue;
      const limit = fx(o.price);
      if ((o.side === 'BUY' && mark <= limit) || (o.side === 'SELL' && mark >= limit)) {
        const a = this.account(o.apiKey);
        this.fill(a, o, fx(o.origQty) - fx(o.executedQty), limit, true);
      }
    }
  }

  // ------------------------------------------------------------------ views

  private exchangeInfo(): unknown {
    return {
      timezone: 'UTC',
      serverTime: this.now(),
      futuresType: 'U_MARGINED',
      rateLimits: [
        {
          rateLimitType: 'REQUEST_WEIGHT',
          interval: 'MINUTE',
          intervalNum: 1,
          limit: this.options.weightPerMinute || 2400,
        },
        {
          rateLimitType: 'ORDERS',
          interval: 'MINUTE',
          intervalNum: 1,
          limit: this.options.ordersPerMinute || 1200,
        },
        {
          rateLimitType: 'ORDERS',
          interval: 'SECOND',
          intervalNum: 10,
          limit: this.options.ordersPer10s || 300,
        },
      ],
      exchangeFilters: [],
      assets: [{ asset: 'USDT', marginAvailable: true, autoAssetExchange: '-10000' }],
      symbols: [...this.symbols.values()].map((s) => ({
        symbol: s.symbol,
        pair: s.symbol,
        contractType: 'PERPETUAL',
        deliveryDate: 4133404800000,
        onboardDate: 1569398400000,
        status: 'TRADING',
        maintMarginPercent: '2.5000',
        requiredMarginPercent: '5.0000',
        baseAsset: s.baseAsset,
        quoteAsset: 'USDT',
        marginAsset: 'USDT',
        pricePrecision: decimals(s.tickSize),
        quantityPrecision: decimals(s.stepSize),
        baseAssetPrecision: 8,
        quotePrecision: 8,
        underlyingType: 'COIN',
        underlyingSubType: [],
        settlePlan: 0,
        triggerProtect: '0.0500',
        liquidationFee: '0.012500',
        marketTakeBound: '0.05',
        maxMoveOrderLimit: 10000,
        filters: [
          { filterType: 'PRICE_FILTER', minPrice: s.tickSize, maxPrice: '10000000', tickSize: s.tickSize },
          { filterType: 'LOT_SIZE', stepSize: s.stepSize, maxQty: '100000000', minQty: s.minQty },
          { filterType: 'MARKET_LOT_SIZE', stepSize: s.stepSize, maxQty: '100000000', minQty: s.minQty },
          { filterType: 'MAX_NUM_ORDERS', limit: 200 },
          { filterType: 'MAX_NUM_ALGO_ORDERS', limit: 10 },
          { filterType: 'MIN_NOTIONAL', notional: s.minNotional },
          {
            filterType: 'PERCENT_PRICE',
            multiplierUp: '1.0500',
            multiplierDown: '0.9500',
            multiplierDecimal: '4',
          },
        ],
        orderTypes: [
          'LIMIT',
          'MARKET',
          'STOP',
          'STOP_MARKET',
          'TAKE_PROFIT',
          'TAKE_PROFIT_MARKET',
          'TRAILING_STOP_MARKET',
        ],
        timeInForce: ['GTC', 'IOC', 'FOK', 'GTX', 'GTD'],
      })),
    };
  }

  private balances(a: Account): unknown[] {
    const available = this.available(a);
    return [
      {
        accountAlias: 'SgsR',
        asset: 'USDT',
        balance: str(a.balance, 8),
        crossWalletBalance: str(a.balance, 8),
        crossUnPnl: '0.00000000',
        availableBalance: str(available, 8),
        maxWithdrawAmount: str(available, 8),
        marginAvailable: true,
        updateTime: this.now(),
      },
    ];
  }

  private positionRisk(a: Account, symbol: string | null): unknown[] {
    if (symbol) this.symbolOf(symbol);
    const out: unknown[] = [];
    const sides = a.dual ? (['LONG', 'SHORT'] as const) : (['BOTH'] as const);
    for (const s of this.symbols.values()) {
      if (symbol && s.symbol !== symbol) continue;
      for (const ps of sides) {
        const p = a.positions.get(`${s.symbol}|${ps}`) ?? { amt: 0n, entry: 0n };
        if (!symbol && p.amt === 0n) continue;
        const mark = this.marks.get(s.symbol) ?? 0n;
        out.push({
          symbol: s.symbol,
          positionAmt: str(p.amt, decimals(s.stepSize)),
          entryPrice: str(p.entry, 8),
          breakEvenPrice: str(p.entry, 8),
          markPrice: str(mark, 8),
          unRealizedProfit: str(mul(mark - p.entry, p.amt), 8),
          liquidationPrice: '0',
          leverage: String(a.leverage.get(s.symbol) ?? 20),
          maxNotionalValue: '1000000',
          marginType: (a.marginType.get(s.symbol) ?? 'CROSSED') === 'CROSSED' ? 'cross' : 'isolated',
          isolatedMargin: '0.00000000',
          isAutoAddMargin: 'false',
          positionSide: ps,
          notional: str(mul(mark, p.amt), 8),
          isolatedWallet: '0',
          updateTime: this.now(),
        });
      }
    }
    return out;
  }
}

function isOpen(o: FakeOrder): boolean {
  return o.status === 'NEW' || o.status === 'PARTIALLY_FILLED';
}

function orderJson(o: FakeOrder): Record<string, unknown> {
  return {
    orderId: o.orderId,
    symbol: o.symbol,
    status: o.status,
    clientOrderId: o.clientOrderId,
    price: o.price,
    avgPrice: o.avgPrice,
    origQty: o.origQty,
    executedQty: o.executedQty,
    cumQty: o.executedQty,
    cumQuote: o.cumQuote,
    timeInForce: o.timeInForce,
    type: o.type,
    reduceOnly: o.reduceOnly,
    closePosition: o.closePosition,
    side: o.side,
    positionSide: o.positionSide,
    stopPrice: '0',
    workingType: 'CONTRACT_PRICE',
    priceProtect: false,
    origType: o.origType,
    priceMatch: 'NONE',
    selfTradePreventionMode: 'EXPIRE_MAKER',
    goodTillDate: 0,
    time: o.time,
    updateTime: o.updateTime,
  };
}

function algoJson(a: FakeAlgoOrder): Record<string, unknown> {
  return {
    algoId: a.algoId,
    clientAlgoId: a.clientAlgoId,
    algoType: 'CONDITIONAL',
    orderType: a.orderType,
    symbol: a.symbol,
    side: a.side,
    positionSide: a.positionSide,
    timeInForce: 'GTC',
    quantity: a.quantity,
    algoStatus: a.algoStatus,
    actualOrderId: a.actualOrderId,
    actualPrice: a.actualPrice,
    triggerPrice: a.triggerPrice,
    price: '0',
    icebergQuantity: null,
    tpTriggerPrice: '0',
    tpPrice: '0',
    slTriggerPrice: '0',
    slPrice: '0',
    tpOrderType: '',
    selfTradePreventionMode: 'EXPIRE_MAKER',
    workingType: a.workingType,
    priceMatch: 'NONE',
    closePosition: a.closePosition,
    priceProtect: a.priceProtect,
    reduceOnly: a.reduceOnly,
    createTime: a.createTime,
    updateTime: a.updateTime,
    triggerTime: a.triggerTime,
    goodTillDate: 0,
  };
}

function tradeJson(t: FakeTrade): Record<string, unknown> {
  return {
    symbol: t.symbol,
    id: t.id,
    orderId: t.orderId,
    side: t.side,
    price: t.price,
    qty: t.qty,
    realizedPnl: t.realizedPnl,
    quoteQty: t.quoteQty,
    commission: t.commission,
    commissionAsset: t.commissionAsset,
    time: t.time,
    positionSide: t.positionSide,
    buyer: t.buyer,
    maker: t.maker,
  };
}
