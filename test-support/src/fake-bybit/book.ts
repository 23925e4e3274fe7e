import { randomBytes, randomUUID } from 'node:crypto';
import { abs, decimals, DEC_RE, div, fx, min, mul, str } from './decimal';
import type {
  FakeBybitAccountInit,
  FakeBybitExecution,
  FakeBybitKeyInfo,
  FakeBybitOrder,
  FakeBybitSymbol,
} from './types';

/** A refusal as Bybit answers it: a retCode and message (HTTP 200 unless said otherwise). */
export class BybitError extends Error {
  constructor(
    readonly retCode: number,
    msg: string,
    readonly status = 200,
  ) {
    super(msg);
  }
}

export const bybitError = (retCode: number, msg: string, status = 200) =>
  new BybitError(retCode, msg, status);

export interface BybitAccount {
  apiKey: string;
  secret: string;
  balance: bigint;
  key: FakeBybitKeyInfo;
  /** 0 = one-way (merged single), 3 = hedge (both sides), for USDT perpetuals. */
  positionMode: 0 | 3;
  marginMode: 'REGULAR_MARGIN' | 'ISOLATED_MARGIN';
  leverage: Map<string, number>;
  /** `${symbol}|${positionIdx}` → signed size and average entry. */
  positions: Map<string, { size: bigint; entry: bigint }>;
  /** Every orderLinkId this account ever used (Bybit keeps them unique). */
  linkIds: Set<string>;
}

const LINK_ID_RE = /^[A-Za-z0-9_-]{1,36}$/;
type Params = Record<string, unknown>;

/** Accounts, orders, positions and the matching of a USDT-perpetual (linear) unified account. */
export class FakeBybitBook {
  readonly orders: FakeBybitOrder[] = [];
  readonly executions: FakeBybitExecution[] = [];
  readonly accounts = new Map<string, BybitAccount>();
  readonly symbols = new Map<string, FakeBybitSymbol>();
  private readonly marks = new Map<string, bigint>();
  private nextExec = 1;

  constructor(
    symbols: readonly FakeBybitSymbol[],
    private readonly fees: { maker: string; taker: string },
    private readonly now: () => number,
  ) {
    for (const s of symbols) this.symbols.set(s.symbol, s);
  }

  addAccount(init: FakeBybitAccountInit = {}): { apiKey: string; secret: string } {
    const apiKey = init.apiKey ?? randomBytes(12).toString('base64url').slice(0, 18);
    const secret = init.secret ?? randomBytes(27).toString('base64url').slice(0, 36);
    this.accounts.set(apiKey, {
      apiKey,
      secret,
      balance: fx(init.balance ?? '100000'),
      key: {
        readOnly: false,
        ips: ['127.0.0.1'],
        permissions: { ContractTrade: ['Order', 'Position'], Wallet: [], Spot: [], Options: [] },
        ...init.key,
      },
      positionMode: 0,
      marginMode: 'REGULAR_MARGIN',
      leverage: new Map(),
      positions: new Map(),
      linkIds: new Set(),
    });
    return { apiKey, secret };
  }

  account(apiKey: string): BybitAccount {
    const a = this.accounts.get(apiKey);
    if (!a) throw new Error(`no fake Bybit account ${apiKey}`);
    return a;
  }

  symbolOf(symbol: unknown): FakeBybitSymbol {
    if (typeof symbol !== 'string' || symbol === '')
      throw bybitError(10001, 'params error: symbol is required');
    const s = this.symbols.get(symbol);
    if (!s) throw bybitError(10001, 'params error: symbol invalid');
    return s;
  }

  mark(symbol: string): bigint {
    const m = this.marks.get(symbol);
    if (m === undefined)
      throw bybitError(10016, `no mark price for ${symbol} (the test forgot setMarkPrice)`);
    return m;
  }

  markOrNull(symbol: string): bigint | null {
    return this.marks.get(symbol) ?? null;
  }

  setMark(symbol: string, price: string | number): void {
    this.symbolOf(symbol);
    this.marks.set(symbol, fx(price));
    this.match(symbol);
  }

  leverageOf(a: BybitAccount, symbol: string): number {
    return a.leverage.get(symbol) ?? 10;
  }

  // ------------------------------------------------------------------ settings

  setLeverage(a: BybitAccount, p: Params): void {
    const s = this.symbolOf(p.symbol);
    const buy = Number(p.buyLeverage);
    const sell = Number(p.sellLeverage);
    if (!Number.isFinite(buy) || buy !== sell || buy < 1 || buy > s.maxLeverage)
      throw bybitError(10001, `leverage invalid: buyLeverage ${String(p.buyLeverage)}`);
    if (this.leverageOf(a, s.symbol) === buy) throw bybitError(110043, 'leverage not modified');
    a.leverage.set(s.symbol, buy);
  }

  switchMode(a: BybitAccount, p: Params): void {
    const mode = Number(p.mode);
    if (mode !== 0 && mode !== 3) throw bybitError(10001, 'params error: mode');
    if (p.coin !== 'USDT' && p.symbol === undefined) throw bybitError(10001, 'params error: coin or symbol');
    if (a.positionMode === mode) throw bybitError(110025, 'Position mode is not modified');
    if ([...a.positions.values()].some((x) => x.size !== 0n))
      throw bybitError(110024, 'You have an existing position, so position mode cannot be switched');
    if (this.open(a.apiKey).length > 0)
      throw bybitError(110028, 'Open orders exist, so you cannot change position mode');
    a.positionMode = mode;
  }

  setMarginMode(a: BybitAccount, p: Params): void {
    const m = p.setMarginMode;
    if (m !== 'REGULAR_MARGIN' && m !== 'ISOLATED_MARGIN' && m !== 'PORTFOLIO_MARGIN')
      throw bybitError(10001, 'params error: setMarginMode');
    if (m === 'PORTFOLIO_MARGIN') throw bybitError(3400045, 'Set margin mode failed');
    if (a.marginMode === m) return;
    if ([...a.positions.values()].some((x) => x.size !== 0n))
      throw bybitError(3400045, 'Set margin mode failed: positions exist');
    a.marginMode = m;
  }

  // ------------------------------------------------------------------ orders

  open(apiKey: string, symbol?: string): FakeBybitOrder[] {
    return this.orders.filter((o) => o.apiKey === apiKey && isOpen(o) && (!symbol || o.symbol === symbol));
  }

  find(a: BybitAccount, p: Params): FakeBybitOrder | undefined {
    const id = typeof p.orderId === 'string' && p.orderId !== '' ? p.orderId : null;
    const link = typeof p.orderLinkId === 'string' && p.orderLinkId !== '' ? p.orderLinkId : null;
    if (!id && !link) return undefined;
    for (let i = this.orders.length - 1; i >= 0; i--) {
      const o = this.orders[i]!;
      if (o.apiKey !== a.apiKey) continue;
      if (typeof p.symbol === 'string' && p.symbol !== '' && o.symbol !== p.symbol) continue;
      if (id ? o.orderId === id : o.orderLinkId === link) return o;
    }
    return undefined;
  }

  place(a: BybitAccount, p: Params, manual: boolean): FakeBybitOrder {
    if (p.category !== 'linear') throw bybitError(10001, 'params error: category only supports linear here');
    const s = this.symbolOf(p.symbol);
    const side = p.side;
    if (side !== 'Buy' && side !== 'Sell') throw bybitError(10001, 'params error: side invalid');
    const orderType = p.orderType;
    if (orderType !== 'Market' && orderType !== 'Limit')
      throw bybitError(10001, 'params error: orderType invalid');
    if (a.key.readOnly && !manual)
      throw bybitError(10005, 'Permission denied, please check your API key permissions.');
    const link = p.orderLinkId === undefined ? '' : String(p.orderLinkId);
    if (link !== '' && !LINK_ID_RE.test(link)) throw bybitError(10001, 'params error: orderLinkId invalid');
    if (link !== '' && a.linkIds.has(link)) throw bybitError(110072, 'OrderLinkedID is duplicate');
    const idx = this.positionIdxOf(a, p.positionIdx);
    const qty = this.checkQty(s, p.qty);
    let price = 0n;
    if (orderType === 'Limit') price = this.checkPrice(s, p.price, 'price');
    const reduceOnly = p.reduceOnly === true || p.reduceOnly === 'true';
    const closeOnTrigger = p.closeOnTrigger === true || p.closeOnTrigger === 'true';
    const conditional = p.triggerPrice !== undefined && p.triggerPrice !== '';
    const mark = this.mark(s.symbol);
    let trigger = 0n;
    let direction: 0 | 1 | 2 = 0;
    if (conditional) {
      trigger = this.checkPrice(s, p.triggerPrice, 'triggerPrice');
      direction = Number(p.triggerDirection) as 0 | 1 | 2;
      if (direction !== 1 && direction !== 2)
        throw bybitError(10001, 'params error: triggerDirection invalid');
      if (direction === 1 && trigger <= mark)
        throw bybitError(
          110092,
          `expect Rising, but trigger_price[${str(trigger)}] <= current[${str(mark)}]`,
        );
      if (direction === 2 && trigger >= mark)
        throw bybitError(
          110093,
          `expect Falling, but trigger_price[${str(trigger)}] >= current[${str(mark)}]`,
        );
    }
    if (reduceOnly || closeOnTrigger) {
      if (this.reducible(a, s.symbol, side, idx) === 0n)
        throw bybitError(110017, 'current position is zero, cannot fix reduce-only order qty');
    } else {
      const notional = mul(qty, orderType === 'Limit' ? price : conditional ? trigger : mark);
      if (notional < fx(s.minNotionalValue))
        throw bybitError(110094, `Order does not meet minimum order value ${s.minNotionalValue}USDT`);
      const lev = BigInt(this.leverageOf(a, s.symbol));
      if (notional / lev > this.available(a)) throw bybitError(110007, 'ab not enough for new order');
    }
    if (this.open(a.apiKey).length >= 500)
      throw bybitError(110020, 'not allowed to have more than 500 active orders');
    const now = this.now();
    const order: FakeBybitOrder = {
      orderId: randomUUID(),
      orderLinkId: link,
      apiKey: a.apiKey,
      symbol: s.symbol,
      side,
      orderType,
      positionIdx: idx,
      orderStatus: conditional ? 'Untriggered' : 'New',
      cancelType: 'UNKNOWN',
      price: orderType === 'Limit' ? str(price) : '0',
      qty: str(qty),
      cumExecQty: '0',
      cumExecValue: '0',
      cumExecFee: '0',
      avgPrice: '',
      timeInForce: orderType === 'Market' ? 'IOC' : String(p.timeInForce ?? 'GTC'),
      reduceOnly,
      closeOnTrigger,
      stopOrderType: conditional ? 'Stop' : '',
      triggerPrice: conditional ? str(trigger) : '0',
      triggerDirection: direction,
      triggerBy: conditional ? String(p.triggerBy ?? 'LastPrice') : '',
      createdTime: now,
      updatedTime: now,
      manual,
    };
    if (link !== '') a.linkIds.add(link);
    this.orders.push(order);
    if (!conditional) this.execute(a, order, mark);
    return order;
  }

  cancel(a: BybitAccount, p: Params): FakeBybitOrder {
    this.symbolOf(p.symbol);
    const o = this.find(a, p);
    if (!o || !isOpen(o)) throw bybitError(110001, 'order not exists or too late to cancel');
    o.orderStatus =
      o.orderStatus === 'Untriggered'
        ? 'Deactivated'
        : fx(o.cumExecQty) > 0n
          ? 'PartiallyFilledCanceled'
          : 'Cancelled';
    o.cancelType = 'CancelByUser';
    o.updatedTime = this.now();
    return o;
  }

  /** A person cancels an order on the website. */
  manualCancel(apiKey: string, orderLinkId: string): void {
    const a = this.account(apiKey);
    this.cancel(a, { symbol: this.find(a, { orderLinkId })?.symbol, orderLinkId });
  }

  // ------------------------------------------------------------------ positions, wallet

  available(a: BybitAccount): bigint {
    let used = 0n;
    for (const [key, p] of a.positions) {
      const lev = BigInt(this.leverageOf(a, key.split('|')[0]!));
      used += mul(abs(p.size), p.entry) / lev;
    }
    return a.balance - used;
  }

  /** How much an order on this side can reduce (0 = it would not). */
  reducible(a: BybitAccount, symbol: string, side: 'Buy' | 'Sell', idx: 0 | 1 | 2): bigint {
    const key = `${symbol}|${idx}`;
    const pos = a.positions.get(key)?.size ?? 0n;
    if (side === 'Sell' && pos > 0n) return pos;
    if (side === 'Buy' && pos < 0n) return -pos;
    return 0n;
  }

  // ------------------------------------------------------------------ rules and matching

  private positionIdxOf(a: BybitAccount, raw: unknown): 0 | 1 | 2 {
    const idx = raw === undefined ? 0 : Number(raw);
    if (idx !== 0 && idx !== 1 && idx !== 2) throw bybitError(10001, 'params error: positionIdx invalid');
    if (a.positionMode === 0 ? idx !== 0 : idx === 0)
      throw bybitError(10001, 'position idx not match position mode');
    return idx;
  }

  private checkQty(s: FakeBybitSymbol, raw: unknown): bigint {
    if (typeof raw !== 'string' || !DEC_RE.test(raw)) throw bybitError(10001, 'params error: qty invalid');
    if (decimals(raw) > decimals(s.qtyStep)) throw bybitError(10001, 'Qty invalid: too many decimals');
    const q = fx(raw);
    if (q <= 0n || q % fx(s.qtyStep) !== 0n) throw bybitError(10001, 'Qty invalid');
    if (q < fx(s.minOrderQty))
      throw bybitError(10001, `The number of contracts is below the minimum ${s.minOrderQty}`);
    return q;
  }

  private checkPrice(s: FakeBybitSymbol, raw: unknown, what: string): bigint {
    if (typeof raw !== 'string' || !DEC_RE.test(raw))
      throw bybitError(10001, `params error: ${what} invalid`);
    const v = fx(raw);
    if (v <= 0n || v % fx(s.tickSize) !== 0n)
      throw bybitError(10001, `params error: ${what} does not match tick size`);
    return v;
  }

  /** A market order fills at the mark; a limit at once if the mark crossed it, else it rests. */
  private execute(a: BybitAccount, o: FakeBybitOrder, mark: bigint): void {
    const qty = fx(o.qty) - fx(o.cumExecQty);
    if (o.orderType === 'Market') {
      this.fill(a, o, qty, mark, false);
      if (isOpen(o)) {
        o.orderStatus = fx(o.cumExecQty) > 0n ? 'PartiallyFilledCanceled' : 'Cancelled';
        o.cancelType = 'CancelByReduceOnly';
      }
      return;
    }
    const limit = fx(o.price);
    if ((o.side === 'Buy' && mark <= limit) || (o.side === 'Sell' && mark >= limit))
      this.fill(a, o, qty, mark, false);
  }

  private fill(a: BybitAccount, o: FakeBybitOrder, qty: bigint, price: bigint, maker: boolean): void {
    const key = `${o.symbol}|${o.positionIdx}`;
    const pos = a.positions.get(key) ?? { size: 0n, entry: 0n };
    let q = qty;
    if (o.reduceOnly || o.closeOnTrigger) {
      q = min(qty, this.reducible(a, o.symbol, o.side, o.positionIdx));
      if (q === 0n) return;
    }
    const delta = o.side === 'Buy' ? q : -q;
    let realized = 0n;
    let closed = 0n;
    if (pos.size !== 0n && pos.size > 0n !== delta > 0n) {
      closed = min(abs(delta), abs(pos.size));
      realized = mul(price - pos.entry, closed) * (pos.size > 0n ? 1n : -1n);
      const next = pos.size + delta;
      if (next !== 0n && next > 0n !== pos.size > 0n) pos.entry = price;
      pos.size = next;
      if (pos.size === 0n) pos.entry = 0n;
    } else {
      const next = pos.size + delta;
      pos.entry = div(mul(abs(pos.size), pos.entry) + mul(abs(delta), price), abs(next));
      pos.size = next;
    }
    a.positions.set(key, pos);
    const value = mul(q, price);
    const fee = mul(value, fx(maker ? this.fees.maker : this.fees.taker));
    a.balance += realized - fee;
    const executed = fx(o.cumExecQty) + q;
    const cum = fx(o.cumExecValue) + value;
    o.cumExecQty = str(executed);
    o.cumExecValue = str(cum);
    o.cumExecFee = str(fx(o.cumExecFee) + fee);
    o.avgPrice = str(div(cum, executed));
    o.orderStatus = executed >= fx(o.qty) ? 'Filled' : 'PartiallyFilled';
    o.updatedTime = this.now();
    this.executions.push({
      execId: `${this.nextExec++}-${randomBytes(4).toString('hex')}`,
      orderId: o.orderId,
      orderLinkId: o.orderLinkId,
      apiKey: a.apiKey,
      symbol: o.symbol,
      side: o.side,
      execPrice: str(price),
      execQty: str(q),
      execValue: str(value),
      execFee: str(fee),
      isMaker: maker,
      closedSize: str(closed),
      execTime: o.updatedTime,
    });
    if (pos.size === 0n) this.positionClosed(a, o.symbol, o.positionIdx);
  }

  /** A flat position takes its reduce-only orders with it (Bybit cancels / deactivates them). */
  private positionClosed(a: BybitAccount, symbol: string, idx: 0 | 1 | 2): void {
    const now = this.now();
    for (const o of this.orders) {
      if (o.apiKey !== a.apiKey || o.symbol !== symbol || o.positionIdx !== idx) continue;
      if (!(o.reduceOnly || o.closeOnTrigger) || !isOpen(o)) continue;
      o.orderStatus =
        o.orderStatus === 'Untriggered'
          ? 'Deactivated'
          : fx(o.cumExecQty) > 0n
            ? 'PartiallyFilledCanceled'
            : 'Cancelled';
      o.cancelType = 'CancelByReduceOnly';
      o.updatedTime = now;
    }
  }

  /** Triggers conditional orders and fills resting limits the mark crossed. */
  private match(symbol: string): void {
    const mark = this.mark(symbol);
    for (const o of this.orders) {
      if (o.symbol !== symbol || o.orderStatus !== 'Untriggered') continue;
      const t = fx(o.triggerPrice);
      if (!(o.triggerDirection === 1 ? mark >= t : mark <= t)) continue;
      o.orderStatus = 'Triggered';
      o.updatedTime = this.now();
      const a = this.account(o.apiKey);
      if (o.orderType === 'Market') this.execute(a, o, mark);
      else o.orderStatus = 'New';
    }
    for (const o of this.orders) {
      if (
        o.symbol !== symbol ||
        o.orderType !== 'Limit' ||
        (o.orderStatus !== 'New' && o.orderStatus !== 'PartiallyFilled')
      )
        continue;
      const limit = fx(o.price);
      if ((o.side === 'Buy' && mark <= limit) || (o.side === 'Sell' && mark >= limit))
        this.fill(this.account(o.apiKey), o, fx(o.qty) - fx(o.cumExecQty), limit, true);
    }
  }
}

export function isOpen(o: FakeBybitOrder): boolean {
  return (
    o.orderStatus === 'New' ||
    o.orderStatus === 'PartiallyFilled' ||
    o.orderStatus === 'Untriggered' ||
    o.orderStatus === 'Triggered'
  );
}

export function orderJson(o: FakeBybitOrder): Record<string, unknown> {
  const leaves =
    o.orderStatus === 'New' || o.orderStatus === 'PartiallyFilled' || o.orderStatus === 'Untriggered'
      ? str(fx(o.qty) - fx(o.cumExecQty))
      : '0';
  return {
    orderId: o.orderId,
    orderLinkId: o.orderLinkId,
    blockTradeId: '',
    symbol: o.symbol,
    price: o.price,
    qty: o.qty,
    side: o.side,
    isLeverage: '',
    positionIdx: o.positionIdx,
    orderStatus: o.orderStatus,
    createType: o.stopOrderType ? 'CreateByStopLoss' : 'CreateByUser',
    cancelType: o.cancelType,
    rejectReason: 'EC_NoError',
    avgPrice: o.avgPrice,
    leavesQty: leaves,
    leavesValue: o.price === '0' ? '0' : str(mul(fx(leaves), fx(o.price))),
    cumExecQty: o.cumExecQty,
    cumExecValue: o.cumExecValue,
    cumExecFee: o.cumExecFee,
    timeInForce: o.timeInForce,
    orderType: o.orderType,
    stopOrderType: o.stopOrderType,
    orderIv: '',
    marketUnit: '',
    triggerPrice: o.triggerPrice,
    takeProfit: '',
    stopLoss: '',
    tpslMode: '',
    ocoTriggerBy: '',
    tpLimitPrice: '',
    slLimitPrice: '',
    tpTriggerBy: '',
    slTriggerBy: '',
    triggerDirection: o.triggerDirection,
    triggerBy: o.triggerBy,
    lastPriceOnCreated: '',
    basePrice: '',
    reduceOnly: o.reduceOnly,
    closeOnTrigger: o.closeOnTrigger,
    placeType: '',
    smpType: 'None',
    smpGroup: 0,
    smpOrderId: '',
    createdTime: String(o.createdTime),
    updatedTime: String(o.updatedTime),
  };
}
