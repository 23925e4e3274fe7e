import { createHmac, randomBytes } from 'node:crypto';
import {
  avgPrice,
  FakePerpVenue,
  fx,
  fxStr,
  isOpen,
  PerpReject,
  type HttpAnswer,
  type ParsedRequest,
  type PerpAccount,
  type PerpOrder,
  type PerpSymbol,
} from './fake-perp-kit';

/*
 * A Phemex USDT-M perpetual ("hedged perpetual", `g-` endpoints) REST server on 127.0.0.1 for what
 * our ccxt adapter calls: `GET /public/products` (perpProductsV2 with tick, step, min value),
 * `GET /g-accounts/accountPositions`, `POST /g-orders` (JSON body), `DELETE /g-orders/cancel`,
 * `GET /g-orders/activeList`, `GET /api-data/g-futures/orders/by-order-id`, `PUT /g-positions/leverage`
 * and `PUT /g-positions/switch-pos-mode-sync`. Private calls must carry `x-phemex-access-token`,
 * `x-phemex-request-expiry` (epoch seconds, not passed) and `x-phemex-request-signature` =
 * hex HMAC-SHA256(secret, path + query + expiry + body). Errors answer `{code, msg, data:null}` with
 * Phemex's codes. Placement answers the order as acknowledged (`Created`, nothing executed yet), as
 * Phemex does; market orders fill at the scripted mark price, limits and stops when it crosses them.
 * Faults on demand (see FakePerpVenue): 5xx before or after a write, answers held past the timeout.
 */

export const FAKE_PHEMEX_SYMBOLS: readonly PerpSymbol[] = [
  {
    id: 'BTCUSDT',
    base: 'BTC',
    tickSize: '0.1',
    lotSize: '0.001',
    minQty: '0.001',
    minNotional: '1',
    maxLeverage: 100,
  },
  {
    id: 'ETHUSDT',
    base: 'ETH',
    tickSize: '0.01',
    lotSize: '0.01',
    minQty: '0.01',
    minNotional: '1',
    maxLeverage: 100,
  },
  {
    id: 'SOLUSDT',
    base: 'SOL',
    tickSize: '0.01',
    lotSize: '0.1',
    minQty: '0.1',
    minNotional: '1',
    maxLeverage: 50,
  },
];

const WRITES = new Set([
  'POST /g-orders',
  'DELETE /g-orders/cancel',
  'PUT /g-positions/leverage',
  'PUT /g-positions/switch-pos-mode-sync',
]);

const REASON_CODE: Record<PerpReject['reason'], [number, string]> = {
  filters: [11058, 'TE_QTY_TOO_SMALL'],
  reduce_only: [11057, 'TE_QTY_NOT_MATCH_REDUCE_ONLY'],
  balance: [11001, 'TE_NO_ENOUGH_AVAILABLE_BALANCE'],
  not_found: [10002, 'OM_ORDER_NOT_FOUND'],
  duplicate: [11085, 'TE_CL_ORD_ID_DUPLICATE'],
  invalid: [11043, 'TE_RISING_TRIGGER_DIRECTLY'],
  symbol: [11027, 'TE_SYMBOL_INVALID'],
};

class PhemexError extends Error {
  constructor(
    readonly code: number,
    msg: string,
    readonly status = 200,
  ) {
    super(msg);
  }
}

export class FakePhemex extends FakePerpVenue {
  constructor(options: { symbols?: readonly PerpSymbol[] } = {}) {
    super(options.symbols ?? FAKE_PHEMEX_SYMBOLS, { maker: '0.0001', taker: '0.0006' });
  }

  /** Creates an account (API key id + secret) with a USDT balance. */
  addAccount(init: { balance?: string } = {}): { apiKey: string; secret: string } {
    const apiKey = randomBytes(16)
      .toString('hex')
      .replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
    const secret = randomBytes(48).toString('base64url');
    this.createAccount(apiKey, secret, init.balance ?? '100000', {});
    return { apiKey, secret };
  }

  /** Whether a symbol of the account is in hedged position mode. */
  hedgedOf(apiKey: string, symbol: string): boolean {
    return this.account(apiKey).hedged.get(symbol) ?? false;
  }

  protected isWrite(method: string, path: string): boolean {
    return WRITES.has(`${method} ${path}`);
  }

  protected apiKeyOf(req: ParsedRequest): string | null {
    const h = req.headers['x-phemex-access-token'];
    return typeof h === 'string' ? h : null;
  }

  protected clientIdOf(req: ParsedRequest): string | null {
    if (req.method === 'POST' && req.rawBody) {
      try {
        const b = JSON.parse(req.rawBody) as { clOrdID?: unknown };
        return typeof b.clOrdID === 'string' ? b.clOrdID : null;
      } catch {
        return null;
      }
    }
    return req.url.searchParams.get('clOrdID');
  }

  protected faultBody(status: number): unknown {
    return status === 502 ? '<html><body><h1>502 Bad Gateway</h1></body></html>' : 'Service Unavailable';
  }

  protected answer(req: ParsedRequest): HttpAnswer {
    const route = `${req.method} ${req.url.pathname}`;
    const q = req.url.searchParams;
    const ok = (data: unknown): HttpAnswer => ({ status: 200, body: { code: 0, msg: '', data } });
    try {
      if (route === 'GET /public/products') return ok(this.products());
      const a = this.authenticate(req);
      switch (route) {
        case 'GET /g-accounts/accountPositions':
          if (q.get('currency') !== 'USDT') throw new PhemexError(11028, 'TE_CURRENCY_INVALID');
          return ok(this.accountPositions(a));
        case 'POST /g-orders':
          return ok(orderJson(this.placeFromBody(a, req.rawBody), true));
        case 'DELETE /g-orders/cancel': {
          const o = this.findOrder(a.apiKey, { clientId: q.get('clOrdID'), id: q.get('orderID') });
          if (!o || o.symbol !== q.get('symbol') || !isOpen(o))
            throw new PhemexError(10002, 'OM_ORDER_NOT_FOUND');
          this.cancel(o);
          return ok(orderJson(o, false));
        }
        case 'GET /g-orders/activeList': {
          const rows = this.openOrdersOf(a.apiKey, q.get('symbol') ?? undefined);
          // Phemex answers "not found" rather than an empty list.
          if (rows.length === 0) throw new PhemexError(10002, 'OM_ORDER_NOT_FOUND');
          return ok({ rows: rows.map((o) => orderJson(o, false)) });
        }
        case 'GET /api-data/g-futures/orders/by-order-id': {
          const o = this.findOrder(a.apiKey, { clientId: q.get('clOrdID'), id: q.get('orderID') });
          return ok(o && o.symbol === q.get('symbol') ? [historyJson(o)] : []);
        }
        case 'PUT /g-positions/leverage': {
          const s = this.symbolOf(q.get('symbol'));
          const lev = Number(q.get('leverageRr') ?? q.get('longLeverageRr'));
          if (!Number.isFinite(lev) || Math.abs(lev) > s.maxLeverage || (lev !== 0 && Math.abs(lev) < 1))
            throw new PhemexError(11004, 'TE_INVALID_LEVERAGE');
          // Phemex: a positive leverage is isolated margin, zero or negative is cross.
          a.leverage.set(s.id, Math.abs(lev));
          a.isolated.set(s.id, lev > 0);
          return ok('OK');
        }
        case 'PUT /g-positions/switch-pos-mode-sync': {
          const s = this.symbolOf(q.get('symbol'));
          const target = q.get('targetPosMode');
          if (target !== 'OneWay' && target !== 'Hedged') throw new PhemexError(11029, 'TE_ACTION_INVALID');
          const hedged = target === 'Hedged';
          if ((a.hedged.get(s.id) ?? false) !== hedged) {
            const held = [...a.positions.entries()].some(
              ([k, p]) => k.startsWith(`${s.id}|`) && p.amt !== 0n,
            );
            if (held || this.openOrdersOf(a.apiKey, s.id).length > 0)
              throw new PhemexError(20004, 'TE_ERR_INCONSISTENT_POS_MODE');
          }
          a.hedged.set(s.id, hedged);
          return ok('OK');
        }
        default:
          return { status: 404, body: { code: 404, msg: `no route ${route}`, data: null } };
      }
    } catch (e) {
      if (e instanceof PhemexError)
        return { status: e.status, body: { code: e.code, msg: e.message, data: null } };
      if (e instanceof PerpReject) {
        const [code, name] = REASON_CODE[e.reason];
        return { status: 200, body: { code, msg: `${name}: ${e.message}`, data: null } };
      }
      throw e;
    }
  }

  private authenticate(req: ParsedRequest): PerpAccount {
    const key = this.apiKeyOf(req);
    const a = key ? this.accounts.get(key) : undefined;
    if (!a) throw new PhemexError(401, '401 Failed to load API KEY.', 401);
    const expiry = req.headers['x-phemex-request-expiry'];
    const given = req.headers['x-phemex-request-signature'];
    if (typeof expiry !== 'string' || typeof given !== 'string')
      throw new PhemexError(401, 'Missing signature headers', 401);
    if (!/^\d+$/.test(expiry) || Number(expiry) < Math.floor(Date.now() / 1000))
      throw new PhemexError(401, 'Request expired', 401);
    const query = req.url.search.startsWith('?') ? req.url.search.slice(1) : '';
    const expected = createHmac('sha256', a.secret)
      .update(req.url.pathname + query + expiry + req.rawBody)
      .digest('hex');
    if (given !== expected) throw new PhemexError(401, 'Signature verification failed', 401);
    return a;
  }

  private placeFromBody(a: PerpAccount, raw: string): PerpOrder {
    let b: Record<string, unknown>;
    try {
      b = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      throw new PhemexError(412, 'Invalid JSON body');
    }
    const s = this.symbolOf(typeof b.symbol === 'string' ? b.symbol : null);
    const clOrdID = typeof b.clOrdID === 'string' ? b.clOrdID : '';
    if (!/^[A-Za-z0-9_-]{1,40}$/.test(clOrdID)) throw new PhemexError(412, 'Invalid clOrdID');
    const side = b.side === 'Buy' ? 'BUY' : b.side === 'Sell' ? 'SELL' : null;
    if (!side) throw new PhemexError(11034, 'TE_SIDE_INVALID');
    const type =
      b.ordType === 'Market'
        ? 'MARKET'
        : b.ordType === 'Limit'
          ? 'LIMIT'
          : b.ordType === 'Stop'
            ? 'STOP'
            : null;
    if (!type) throw new PhemexError(11035, 'TE_ORD_TYPE_INVALID');
    if (type === 'STOP' && b.triggerType !== 'ByMarkPrice' && b.triggerType !== 'ByLastPrice')
      throw new PhemexError(11038, 'TE_TRIGGER_INVALID');
    const hedged = a.hedged.get(s.id) ?? false;
    const posSide =
      b.posSide === 'Merged'
        ? 'BOTH'
        : b.posSide === 'Long'
          ? 'LONG'
          : b.posSide === 'Short'
            ? 'SHORT'
            : null;
    if (!posSide || (posSide === 'BOTH') === hedged)
      throw new PhemexError(20004, 'TE_ERR_INCONSISTENT_POS_MODE');
    const reduceOnly = b.reduceOnly === true;
    if (posSide === 'BOTH' && !reduceOnly)
      this.checkMargin(a, s.id, String(b.orderQtyRq), b.priceRp as string | undefined);
    return this.place(a, {
      clientId: clOrdID,
      symbol: s.id,
      side,
      type,
      qty: String(b.orderQtyRq ?? ''),
      ...(typeof b.priceRp === 'string' ? { price: b.priceRp } : {}),
      ...(typeof b.stopPxRp === 'string' ? { stopPrice: b.stopPxRp } : {}),
      reduceOnly: hedged ? posSide !== (side === 'BUY' ? 'LONG' : 'SHORT') : reduceOnly,
      posSide,
    });
  }

  /** A crude initial-margin check: notional / leverage must fit in the balance. */
  private checkMargin(a: PerpAccount, symbol: string, qty: string, price: string | undefined): void {
    if (!/^\d+(\.\d+)?$/.test(qty)) return;
    const p = price ?? fxStr(this.mark(symbol));
    const lev = BigInt(a.leverage.get(symbol) ?? 10);
    if ((fx(qty) * fx(p)) / 10n ** 18n / lev > a.balance)
      throw new PerpReject('balance', 'insufficient available balance');
  }

  private products(): unknown {
    return {
      currencies: [{ currency: 'USDT', name: 'TetherUS', code: 3, valueScale: 8, status: 'Listed' }],
      products: [],
      perpProductsV2: [...this.symbols.values()].map((s) => ({
        symbol: s.id,
        code: 41541,
        type: 'PerpetualV2',
        displaySymbol: `${s.base} / USDT`,
        settleCurrency: 'USDT',
        quoteCurrency: 'USDT',
        baseCurrency: s.base,
        tickSize: s.tickSize,
        qtyStepSize: s.lotSize,
        minOrderValueRv: s.minNotional,
        maxOrderQtyRq: '1000000',
        status: 'Listed',
        maxLeverage: s.maxLeverage,
        defaultLeverage: '-10',
      })),
      riskLimitsV2: [],
      leveragesV2: [],
    };
  }

  private accountPositions(a: PerpAccount): unknown {
    const positions = [];
    for (const [key, p] of a.positions) {
      const [symbol, ps] = key.split('|') as [string, string];
      positions.push({
        symbol,
        currency: 'USDT',
        side: p.amt > 0n ? 'Buy' : p.amt < 0n ? 'Sell' : 'None',
        posSide: ps === 'BOTH' ? 'Merged' : ps === 'LONG' ? 'Long' : 'Short',
        sizeRq: fxStr(p.amt < 0n ? -p.amt : p.amt),
        avgEntryPriceRp: fxStr(p.entry),
        leverageRr: String(
          a.isolated.get(symbol) === false ? -(a.leverage.get(symbol) ?? 10) : (a.leverage.get(symbol) ?? 10),
        ),
      });
    }
    return {
      account: {
        userID: 1,
        accountId: 11,
        currency: 'USDT',
        accountBalanceRv: fxStr(a.balance),
        totalUsedBalanceRv: '0',
        bonusBalanceRv: '0',
      },
      positions,
    };
  }
}

const STATUS: Record<PerpOrder['status'], string> = {
  NEW: 'New',
  UNTRIGGERED: 'Untriggered',
  PARTIALLY_FILLED: 'PartiallyFilled',
  FILLED: 'Filled',
  CANCELED: 'Canceled',
  REJECTED: 'Rejected',
};

const TYPE: Record<PerpOrder['type'], string> = { MARKET: 'Market', LIMIT: 'Limit', STOP: 'Stop' };
const POS: Record<PerpOrder['posSide'], string> = { BOTH: 'Merged', LONG: 'Long', SHORT: 'Short' };

/** An order as the trading endpoints answer it; `ack` = the placement's acknowledgement. */
function orderJson(o: PerpOrder, ack: boolean): Record<string, unknown> {
  return {
    bizError: 0,
    orderID: o.id,
    clOrdID: o.clientId,
    symbol: o.symbol,
    side: o.side === 'BUY' ? 'Buy' : 'Sell',
    actionTimeNs: o.createdAt * 1_000_000,
    transactTimeNs: o.updatedAt * 1_000_000,
    orderType: TYPE[o.type],
    ordType: TYPE[o.type],
    priceRp: o.price === null ? '0' : fxStr(o.price),
    orderQtyRq: fxStr(o.qty),
    timeInForce: o.type === 'MARKET' ? 'ImmediateOrCancel' : 'GoodTillCancel',
    reduceOnly: o.reduceOnly,
    cumQtyRq: ack ? '0' : fxStr(o.filled),
    cumValueRv: ack ? '0' : fxStr(o.cumQuote),
    leavesQtyRq: ack ? fxStr(o.qty) : fxStr(isOpen(o) ? o.qty - o.filled : 0n),
    stopPxRp: o.stopPrice === null ? '0' : fxStr(o.stopPrice),
    triggerType: o.type === 'STOP' ? 'ByMarkPrice' : 'UNSPECIFIED',
    ordStatus: ack ? 'Created' : STATUS[o.status],
    posSide: POS[o.posSide],
  };
}

/** An order as the history endpoint answers it (other field names, as Phemex has them). */
function historyJson(o: PerpOrder): Record<string, unknown> {
  return {
    orderId: o.id,
    clOrdId: o.clientId,
    symbol: o.symbol,
    side: o.side === 'BUY' ? 'Buy' : 'Sell',
    ordType: TYPE[o.type],
    actionTimeNs: o.createdAt * 1_000_000,
    transactTimeNs: o.updatedAt * 1_000_000,
    priceRp: o.price === null ? '0' : fxStr(o.price),
    orderQtyRq: fxStr(o.qty),
    cumQtyRq: fxStr(o.filled),
    cumValueRv: fxStr(o.cumQuote),
    avgPriceRp: fxStr(avgPrice(o)),
    leavesQtyRq: fxStr(isOpen(o) ? o.qty - o.filled : 0n),
    stopPxRp: o.stopPrice === null ? '0' : fxStr(o.stopPrice),
    reduceOnly: o.reduceOnly,
    ordStatus: STATUS[o.status],
    posSide: POS[o.posSide],
  };
}
