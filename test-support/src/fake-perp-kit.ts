import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/*
 * The venue-neutral half of the fake perpetual-futures exchanges (fake-phemex.ts, fake-kraken-futures.ts):
 * fixed-point decimals, accounts with one-way or hedged positions, an order book of resting orders
 * (limits, stop-markets) that fills against a scripted mark price, request recording and fault rules.
 * Each fake adds its own wire protocol (signatures, paths, JSON shapes, error codes) on top.
 */

// ---------------------------------------------------------------- fixed-point decimals (18 dp)

const SCALE = 10n ** 18n;
const DEC_RE = /^-?\d+(\.\d+)?$/;

export function fx(s: string | number): bigint {
  const raw = typeof s === 'number' ? s.toString() : s.trim();
  if (!DEC_RE.test(raw)) throw new Error(`not a decimal: ${raw}`);
  const neg = raw.startsWith('-');
  const [int, frac = ''] = (neg ? raw.slice(1) : raw).split('.');
  if (frac.length > 18) throw new Error(`too many decimals: ${raw}`);
  const v = BigInt(int!) * SCALE + BigInt((frac + '0'.repeat(18)).slice(0, 18));
  return neg ? -v : v;
}

export function fxStr(v: bigint): string {
  const neg = v < 0n;
  const a = neg ? -v : v;
  const int = (a / SCALE).toString();
  const frac = (a % SCALE).toString().padStart(18, '0').replace(/0+$/, '');
  const out = frac ? `${int}.${frac}` : int;
  return neg && a !== 0n ? `-${out}` : out;
}

export const isDecimal = (s: unknown): s is string => typeof s === 'string' && DEC_RE.test(s.trim());
const mul = (a: bigint, b: bigint) => (a * b) / SCALE;
const div = (a: bigint, b: bigint) => (a * SCALE) / b;
const abs = (a: bigint) => (a < 0n ? -a : a);
const minB = (a: bigint, b: bigint) => (a < b ? a : b);

// ---------------------------------------------------------------- model

export interface PerpSymbol {
  /** The venue's id (Phemex `BTCUSDT`, Kraken `PF_XBTUSD`). */
  id: string;
  base: string;
  tickSize: string;
  lotSize: string;
  minQty: string;
  /** Reduce-only orders are exempt. 0 = none. */
  minNotional: string;
  maxLeverage: number;
}

export type PerpOrderStatus = 'NEW' | 'UNTRIGGERED' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'REJECTED';

export interface PerpOrder {
  id: string;
  clientId: string;
  apiKey: string;
  symbol: string;
  side: 'BUY' | 'SELL';
  type: 'MARKET' | 'LIMIT' | 'STOP';
  /** One-way accounts: BOTH. */
  posSide: 'BOTH' | 'LONG' | 'SHORT';
  qty: bigint;
  price: bigint | null;
  stopPrice: bigint | null;
  reduceOnly: boolean;
  status: PerpOrderStatus;
  filled: bigint;
  /** Sum of qty × price of the fills. */
  cumQuote: bigint;
  createdAt: number;
  updatedAt: number;
  /** Set once a stop has triggered. */
  triggeredAt: number | null;
  rejectReason: string | null;
}

export interface PerpFill {
  id: string;
  orderId: string;
  clientId: string;
  apiKey: string;
  symbol: string;
  side: 'BUY' | 'SELL';
  qty: bigint;
  price: bigint;
  fee: bigint;
  maker: boolean;
  at: number;
}

export interface PerpAccount {
  apiKey: string;
  secret: string;
  balance: bigint;
  /** Per symbol (Phemex switches position mode per symbol). */
  hedged: Map<string, boolean>;
  leverage: Map<string, number>;
  /** null = cross. */
  isolated: Map<string, boolean>;
  /** key `${symbol}|${posSide}` → signed amount and entry price. */
  positions: Map<string, { amt: bigint; entry: bigint }>;
  /** Anything the fake wants to remember per account (permissions…). */
  extra: Record<string, unknown>;
}

/** A refusal of the venue: its protocol layer turns it into the venue's error shape. */
export class PerpReject extends Error {
  constructor(
    /** Venue-neutral reason: filters, reduce_only, balance, not_found, duplicate, invalid. */
    readonly reason: 'filters' | 'reduce_only' | 'balance' | 'not_found' | 'duplicate' | 'invalid' | 'symbol',
    message: string,
  ) {
    super(message);
  }
}

export interface PlaceInput {
  clientId: string;
  symbol: string;
  side: 'BUY' | 'SELL';
  type: 'MARKET' | 'LIMIT' | 'STOP';
  qty: string;
  price?: string;
  stopPrice?: string;
  reduceOnly: boolean;
  posSide: 'BOTH' | 'LONG' | 'SHORT';
}

export interface PerpRequest {
  at: number;
  method: string;
  path: string;
  apiKey: string | null;
  status: number;
  clientId: string | null;
  fault: string | null;
}

/**
 * A fault for the next matching request(s). `before`: answered without doing anything; `after`: the
 * request is executed, then the answer is replaced (the write happened). Kinds: `status` (answer a
 * 5xx), `hold` (never answer; the socket is closed after `holdMs`, past the client's timeout).
 */
export interface PerpFaultRule {
  kind: 'status' | 'hold';
  when?: 'before' | 'after';
  status?: number;
  holdMs?: number;
  match?: { method?: string; path?: string | RegExp; writes?: boolean };
  times?: number;
}

export interface HttpAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface ParsedRequest {
  method: string;
  url: URL;
  rawBody: string;
  headers: http.IncomingHttpHeaders;
}

/** The engine and the HTTP plumbing; subclasses speak the protocol. */
export abstract class FakePerpVenue {
  readonly requests: PerpRequest[] = [];
  readonly orders: PerpOrder[] = [];
  readonly fills: PerpFill[] = [];
  url = '';
  protected readonly accounts = new Map<string, PerpAccount>();
  protected readonly symbols = new Map<string, PerpSymbol>();
  protected readonly marks = new Map<string, bigint>();
  private readonly rules: PerpFaultRule[] = [];
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private nextOrder = 1;
  private nextFill = 1;

  constructor(
    symbols: readonly PerpSymbol[],
    protected readonly fees: { maker: string; taker: string },
  ) {
    for (const s of symbols) this.symbols.set(s.id, s);
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 5_000;
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  /** Protocol: whether a request changes state (faults with `writes` match on it). */
  protected abstract isWrite(method: string, path: string): boolean;
  /** Protocol: the client id a request carries (for the request log). */
  protected abstract clientIdOf(req: ParsedRequest): string | null;
  /** Protocol: the API key a request carries. */
  protected abstract apiKeyOf(req: ParsedRequest): string | null;
  /** Protocol: answers one request (authenticates, routes, shapes errors). */
  protected abstract answer(req: ParsedRequest): HttpAnswer;
  /** Protocol: the body of an injected 5xx. */
  protected abstract faultBody(status: number): unknown;

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

  // ------------------------------------------------------------------ scripting

  protected createAccount(apiKey: string, secret: string, balance: string, extra: Record<string, unknown>) {
    this.accounts.set(apiKey, {
      apiKey,
      secret,
      balance: fx(balance),
      hedged: new Map(),
      leverage: new Map(),
      isolated: new Map(),
      positions: new Map(),
      extra,
    });
  }

  /** Sets the mark (and last) price of a venue symbol and fills whatever it crosses. */
  setMarkPrice(symbol: string, price: string | number): void {
    this.symbolOf(symbol);
    this.marks.set(symbol, fx(price));
    this.match(symbol);
  }

  /** Queues a fault for the next matching request(s). */
  fault(rule: PerpFaultRule): void {
    this.rules.push({ times: 1, when: 'before', ...rule });
  }

  clearFaults(): void {
    this.rules.length = 0;
  }

  /** The account's position (signed; positive = long). */
  position(apiKey: string, symbol: string, posSide: 'BOTH' | 'LONG' | 'SHORT' = 'BOTH') {
    const p = this.account(apiKey).positions.get(`${symbol}|${posSide}`);
    return { amt: p ? fxStr(p.amt) : '0', entry: p ? fxStr(p.entry) : '0' };
  }

  balance(apiKey: string): string {
    return fxStr(this.account(apiKey).balance);
  }

  leverageOf(apiKey: string, symbol: string): number | null {
    return this.account(apiKey).leverage.get(symbol) ?? null;
  }

  isolatedOf(apiKey: string, symbol: string): boolean | null {
    return this.account(apiKey).isolated.get(symbol) ?? null;
  }

  openOrdersOf(apiKey: string, symbol?: string): PerpOrder[] {
    return this.orders.filter(
      (o) => o.apiKey === apiKey && isOpen(o) && (symbol === undefined || o.symbol === symbol),
    );
  }

  /** How many orders were accepted per client id (a duplicate shows as > 1). */
  clientIdCounts(apiKey?: string): Map<string, number> {
    const out = new Map<string, number>();
    for (const o of this.orders) {
      if (apiKey !== undefined && o.apiKey !== apiKey) continue;
      out.set(o.clientId, (out.get(o.clientId) ?? 0) + 1);
    }
    return out;
  }

  /** Cancels an order as a person on the website would. */
  manualCancel(apiKey: string, clientId: string): void {
    const o = this.orders.find((x) => x.apiKey === apiKey && x.clientId === clientId && isOpen(x));
    if (!o) throw new Error(`no open order ${clientId}`);
    o.status = 'CANCELED';
    o.updatedAt = Date.now();
  }

  countRequests(filter: { method?: string; path?: string; status?: number } = {}): number {
    return this.requests.filter(
      (r) =>
        (filter.method === undefined || r.method === filter.method) &&
        (filter.path === undefined || r.path === filter.path) &&
        (filter.status === undefined || r.status === filter.status),
    ).length;
  }

  // ------------------------------------------------------------------ engine

  protected account(apiKey: string): PerpAccount {
    const a = this.accounts.get(apiKey);
    if (!a) throw new Error(`no account ${apiKey}`);
    return a;
  }

  protected symbolOf(id: string | null | undefined): PerpSymbol {
    const s = id ? this.symbols.get(id) : undefined;
    if (!s) throw new PerpReject('symbol', `unknown symbol ${String(id)}`);
    return s;
  }

  protected mark(symbol: string): bigint {
    const m = this.marks.get(symbol);
    if (m === undefined) throw new PerpReject('invalid', `no price for ${symbol} yet`);
    return m;
  }

  protected findOrder(
    apiKey: string,
    by: { clientId?: string | null; id?: string | null },
  ): PerpOrder | undefined {
    // The latest order with that client id (a client id may be reused once the earlier order is final).
    for (let i = this.orders.length - 1; i >= 0; i--) {
      const o = this.orders[i]!;
      if (o.apiKey !== apiKey) continue;
      if (by.id && o.id === by.id) return o;
      if (by.clientId && o.clientId === by.clientId) return o;
    }
    return undefined;
  }

  /** Validates and accepts an order; a market order fills at once, a crossing limit too. */
  protected place(a: PerpAccount, p: PlaceInput): PerpOrder {
    const s = this.symbolOf(p.symbol);
    if (!p.clientId) throw new PerpReject('invalid', 'client order id required');
    if (this.orders.some((o) => o.apiKey === a.apiKey && o.clientId === p.clientId && isOpen(o)))
      throw new PerpReject('duplicate', `duplicated client order id ${p.clientId}`);
    if (!isDecimal(p.qty)) throw new PerpReject('invalid', 'invalid quantity');
    const qty = fx(p.qty);
    const lot = fx(s.lotSize);
    if (qty <= 0n || qty % lot !== 0n)
      throw new PerpReject('filters', `quantity ${p.qty} is not a multiple of ${s.lotSize}`);
    if (qty < fx(s.minQty))
      throw new PerpReject('filters', `quantity ${p.qty} below the minimum ${s.minQty}`);
    const tick = fx(s.tickSize);
    const priceOf = (raw: string | undefined, what: string): bigint => {
      if (!isDecimal(raw)) throw new PerpReject('invalid', `${what} required`);
      const v = fx(raw);
      if (v <= 0n || v % tick !== 0n)
        throw new PerpReject('filters', `${what} ${raw} is not a multiple of ${s.tickSize}`);
      return v;
    };
    const price = p.type === 'LIMIT' ? priceOf(p.price, 'price') : null;
    const stopPrice = p.type === 'STOP' ? priceOf(p.stopPrice, 'stop price') : null;
    const mark = this.mark(s.id);
    if (!p.reduceOnly && fx(s.minNotional) > 0n && mul(qty, price ?? mark) < fx(s.minNotional))
      throw new PerpReject('filters', `order value below the minimum ${s.minNotional}`);
    if (p.reduceOnly && this.reducible(a, s.id, p.side, p.posSide) === 0n)
      throw new PerpReject('reduce_only', 'reduce-only order would not reduce a position');
    if (stopPrice !== null && (p.side === 'SELL' ? stopPrice >= mark : stopPrice <= mark))
      throw new PerpReject('invalid', 'stop price would trigger immediately');
    const now = Date.now();
    const o: PerpOrder = {
      id: this.newOrderId(),
      clientId: p.clientId,
      apiKey: a.apiKey,
      symbol: s.id,
      side: p.side,
      type: p.type,
      posSide: p.posSide,
      qty,
      price,
      stopPrice,
      reduceOnly: p.reduceOnly,
      status: p.type === 'STOP' ? 'UNTRIGGERED' : 'NEW',
      filled: 0n,
      cumQuote: 0n,
      createdAt: now,
      updatedAt: now,
      triggeredAt: null,
      rejectReason: null,
    };
    this.orders.push(o);
    if (p.type === 'MARKET') this.execute(a, o, mark, false);
    else if (p.type === 'LIMIT' && (p.side === 'BUY' ? mark <= price! : mark >= price!))
      this.execute(a, o, mark, false);
    return o;
  }

  protected cancel(o: PerpOrder): void {
    if (!isOpen(o)) return;
    o.status = 'CANCELED';
    o.updatedAt = Date.now();
  }

  protected newOrderId(): string {
    return String(this.nextOrder++);
  }

  private reducible(a: PerpAccount, symbol: string, side: 'BUY' | 'SELL', posSide: string): bigint {
    const ps = posSide === 'BOTH' ? 'BOTH' : posSide;
    const amt = a.positions.get(`${symbol}|${ps}`)?.amt ?? 0n;
    if (ps === 'BOTH') return side === 'SELL' ? (amt > 0n ? amt : 0n) : amt < 0n ? -amt : 0n;
    // Hedged: closing a long sells, closing a short buys.
    if (ps === 'LONG') return side === 'SELL' ? abs(amt) : 0n;
    return side === 'BUY' ? abs(amt) : 0n;
  }

  /** Fills the rest of an order at a price (reduce-only orders only as far as the position goes). */
  private execute(a: PerpAccount, o: PerpOrder, price: bigint, maker: boolean): void {
    let qty = o.qty - o.filled;
    if (o.reduceOnly) qty = minB(qty, this.reducible(a, o.symbol, o.side, o.posSide));
    if (qty <= 0n) {
      o.status = 'CANCELED';
      o.updatedAt = Date.now();
      return;
    }
    const notional = mul(qty, price);
    const fee = mul(notional, fx(maker ? this.fees.maker : this.fees.taker));
    const key = `${o.symbol}|${o.posSide}`;
    const pos = a.positions.get(key) ?? { amt: 0n, entry: 0n };
    const signed = o.side === 'BUY' ? qty : -qty;
    let realized = 0n;
    if (pos.amt === 0n || pos.amt > 0n === signed > 0n) {
      const total = pos.amt + signed;
      pos.entry = div(mul(abs(pos.amt), pos.entry) + mul(abs(signed), price), abs(total));
      pos.amt = total;
    } else {
      const closing = minB(abs(signed), abs(pos.amt));
      realized = pos.amt > 0n ? mul(closing, price - pos.entry) : mul(closing, pos.entry - price);
      const total = pos.amt + signed;
      if (total === 0n) pos.entry = 0n;
      else if (total > 0n !== pos.amt > 0n) pos.entry = price;
      pos.amt = total;
    }
    a.positions.set(key, pos);
    a.balance += realized - fee;
    const now = Date.now();
    o.filled += qty;
    o.cumQuote += notional;
    o.status = o.filled >= o.qty ? 'FILLED' : 'CANCELED';
    o.updatedAt = now;
    this.fills.push({
      id: `f${this.nextFill++}`,
      orderId: o.id,
      clientId: o.clientId,
      apiKey: a.apiKey,
      symbol: o.symbol,
      side: o.side,
      qty,
      price,
      fee,
      maker,
      at: now,
    });
    if (pos.amt === 0n) {
      // Flat: resting reduce-only orders of that position have nothing left to reduce.
      for (const r of this.orders)
        if (
          r.apiKey === a.apiKey &&
          r.symbol === o.symbol &&
          r.posSide === o.posSide &&
          r.reduceOnly &&
          isOpen(r) &&
          r !== o
        )
          this.cancel(r);
    }
  }

  private match(symbol: string): void {
    const mark = this.marks.get(symbol);
    if (mark === undefined) return;
    for (const o of [...this.orders]) {
      if (o.symbol !== symbol || !isOpen(o)) continue;
      const a = this.accounts.get(o.apiKey);
      if (!a) continue;
      if (o.type === 'LIMIT' && (o.side === 'BUY' ? mark <= o.price! : mark >= o.price!))
        this.execute(a, o, o.price!, true);
      else if (o.type === 'STOP' && (o.side === 'SELL' ? mark <= o.stopPrice! : mark >= o.stopPrice!)) {
        o.triggeredAt = Date.now();
        this.execute(a, o, mark, false);
      }
    }
  }

  // ------------------------------------------------------------------ HTTP

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private takeFault(method: string, path: string, write: boolean): PerpFaultRule | null {
    for (let i = 0; i < this.rules.length; i++) {
      const r = this.rules[i]!;
      const m = r.match ?? {};
      if (m.method && m.method !== method) continue;
      if (m.path && !(typeof m.path === 'string' ? m.path === path : m.path.test(path))) continue;
      if (m.writes !== undefined && m.writes !== write) continue;
      r.times = (r.times ?? 1) - 1;
      if (r.times <= 0) this.rules.splice(i, 1);
      return r;
    }
    return null;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const parsed: ParsedRequest = {
      method: req.method ?? 'GET',
      url: new URL(req.url ?? '/', 'http://fake'),
      rawBody: Buffer.concat(chunks).toString('utf8'),
      headers: req.headers,
    };
    const record: PerpRequest = {
      at: Date.now(),
      method: parsed.method,
      path: parsed.url.pathname,
      apiKey: this.apiKeyOf(parsed),
      status: 0,
      clientId: this.clientIdOf(parsed),
      fault: null,
    };
    this.requests.push(record);
    const send = (a: HttpAnswer) => {
      record.status = a.status;
      if (res.destroyed) return;
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end(typeof a.body === 'string' ? a.body : JSON.stringify(a.body));
    };
    const hold = (ms: number) => {
      record.status = -1;
      this.later(ms, () => res.destroy());
    };
    const rule = this.takeFault(
      parsed.method,
      parsed.url.pathname,
      this.isWrite(parsed.method, parsed.url.pathname),
    );
    if (rule) record.fault = `${rule.kind}:${rule.when ?? 'before'}`;
    if (rule && (rule.when ?? 'before') === 'before') {
      if (rule.kind === 'hold') return hold(rule.holdMs ?? 5_000);
      return send({ status: rule.status ?? 503, body: this.faultBody(rule.status ?? 503) });
    }
    let answer: HttpAnswer;
    try {
      answer = this.answer(parsed);
    } catch (e) {
      answer = { status: 500, body: this.faultBody(500) };
      record.fault = `bug:${e instanceof Error ? e.message : String(e)}`;
    }
    if (rule) {
      // `after`: the request took effect; the answer is lost.
      if (rule.kind === 'hold') return hold(rule.holdMs ?? 5_000);
      return send({ status: rule.status ?? 503, body: this.faultBody(rule.status ?? 503) });
    }
    send(answer);
  }
}

export function isOpen(o: PerpOrder): boolean {
  return o.status === 'NEW' || o.status === 'UNTRIGGERED' || o.status === 'PARTIALLY_FILLED';
}

export function avgPrice(o: PerpOrder): bigint {
  return o.filled > 0n ? div(o.cumQuote, o.filled) : 0n;
}
