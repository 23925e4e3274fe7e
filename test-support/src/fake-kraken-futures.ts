import { createHash, createHmac, randomBytes } from 'node:crypto';
import {
  FakePerpVenue,
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
 * A Kraken Futures REST server (`/derivatives/api/v3/…`) on 127.0.0.1 for what our ccxt adapter calls:
 * `GET instruments` (tick size, trade precision, margin levels), `GET accounts` (the multi-collateral
 * "flex" account), `GET openpositions`, `GET openorders`, `GET orders/status` (open orders and those
 * finished in the last `statusWindowMs`, as Kraken keeps them), `GET fills` (the last 100 fills),
 * `POST sendorder` (mkt, lmt, stp; `cliOrdId`, `reduceOnly`, `triggerSignal`), `POST cancelorder`
 * and `PUT leveragepreferences`. Private calls must carry `APIKey` and `Authent` =
 * base64(HMAC-SHA512(base64-decoded secret, SHA256(postData + nonce + endpointPath))), where postData
 * is the url-encoded parameters, nonce the `Nonce` header (optional; ccxt sends none) and endpointPath
 * the path without `/derivatives` (`/api/v3/sendorder`). Refusals answer `result: success` with the
 * refusal in `sendStatus.status`, as Kraken does; request errors answer `{result: error, error}`.
 * Market orders fill at the scripted mark price, limits and stops when it crosses them. Faults on
 * demand (see FakePerpVenue): 5xx before or after a write, answers held past the timeout.
 */

export const FAKE_KRAKEN_SYMBOLS: readonly PerpSymbol[] = [
  {
    id: 'PF_XBTUSD',
    base: 'XBT',
    tickSize: '0.5',
    lotSize: '0.0001',
    minQty: '0.0001',
    minNotional: '0',
    maxLeverage: 50,
  },
  {
    id: 'PF_ETHUSD',
    base: 'ETH',
    tickSize: '0.1',
    lotSize: '0.001',
    minQty: '0.001',
    minNotional: '0',
    maxLeverage: 50,
  },
  {
    id: 'PF_SOLUSD',
    base: 'SOL',
    tickSize: '0.01',
    lotSize: '0.01',
    minQty: '0.01',
    minNotional: '0',
    maxLeverage: 20,
  },
];

const PREFIX = '/derivatives/api/v3/';
const WRITES = new Set(['POST sendorder', 'POST cancelorder', 'PUT leveragepreferences']);

const SEND_STATUS: Record<PerpReject['reason'], string> = {
  filters: 'invalidSize',
  reduce_only: 'wouldNotReducePosition',
  balance: 'insufficientAvailableFunds',
  not_found: 'notFound',
  duplicate: 'clientOrderIdAlreadyExist',
  invalid: 'invalidPrice',
  symbol: 'marketSuspended',
};

class KrakenError extends Error {
  constructor(
    readonly error: string,
    readonly status = 200,
  ) {
    super(error);
  }
}

export class FakeKrakenFutures extends FakePerpVenue {
  /** How long a finished order is still reported by `orders/status`. */
  statusWindowMs: number;

  constructor(options: { symbols?: readonly PerpSymbol[]; statusWindowMs?: number } = {}) {
    super(options.symbols ?? FAKE_KRAKEN_SYMBOLS, { maker: '0.0002', taker: '0.0005' });
    this.statusWindowMs = options.statusWindowMs ?? 5_000;
  }

  /** Creates an account (public key + base64 private key) with a USD balance in the flex account. */
  addAccount(init: { balance?: string } = {}): { apiKey: string; secret: string } {
    const apiKey = randomBytes(42).toString('base64');
    const secret = randomBytes(64).toString('base64');
    this.createAccount(apiKey, secret, init.balance ?? '100000', {});
    return { apiKey, secret };
  }

  protected isWrite(method: string, path: string): boolean {
    return path.startsWith(PREFIX) && WRITES.has(`${method} ${path.slice(PREFIX.length)}`);
  }

  protected apiKeyOf(req: ParsedRequest): string | null {
    const h = req.headers['apikey'];
    return typeof h === 'string' ? h : null;
  }

  protected clientIdOf(req: ParsedRequest): string | null {
    return req.url.searchParams.get('cliOrdId') ?? new URLSearchParams(req.rawBody).get('cliOrdId');
  }

  protected faultBody(status: number): unknown {
    return status === 502 ? '<html><body><h1>502 Bad Gateway</h1></body></html>' : 'Service Unavailable';
  }

  protected answer(req: ParsedRequest): HttpAnswer {
    const path = req.url.pathname;
    if (!path.startsWith(PREFIX)) return { status: 404, body: { result: 'error', error: 'Not Found' } };
    const route = `${req.method} ${path.slice(PREFIX.length)}`;
    const p = new URLSearchParams(req.url.search);
    for (const [k, v] of new URLSearchParams(req.rawBody)) p.set(k, v);
    const ok = (body: Record<string, unknown>): HttpAnswer => ({
      status: 200,
      body: { result: 'success', ...body, serverTime: new Date().toISOString() },
    });
    try {
      if (route === 'GET instruments') return ok({ instruments: this.instruments() });
      const a = this.authenticate(req);
      switch (route) {
        case 'GET accounts':
          return ok({ accounts: this.accountsJson(a) });
        case 'GET openpositions':
          return ok({ openPositions: this.openPositions(a) });
        case 'GET openorders':
          return ok({ openOrders: this.openOrdersOf(a.apiKey).map(openOrderJson) });
        case 'GET orders/status': {
          const ids = new Set(p.getAll('cliOrdIds').flatMap((x) => x.split(',')));
          const orderIds = new Set(p.getAll('orderIds').flatMap((x) => x.split(',')));
          const now = Date.now();
          const orders = this.orders.filter(
            (o) =>
              o.apiKey === a.apiKey &&
              (ids.has(o.clientId) || orderIds.has(o.id)) &&
              (isOpen(o) || now - o.updatedAt <= this.statusWindowMs),
          );
          return ok({ orders: orders.map(statusJson) });
        }
        case 'GET fills':
          return ok({
            fills: this.fills
              .filter((f) => f.apiKey === a.apiKey)
              .slice(-100)
              .reverse()
              .map((f) => ({
                fill_id: f.id,
                symbol: f.symbol,
                side: f.side === 'BUY' ? 'buy' : 'sell',
                order_id: f.orderId,
                cliOrdId: f.clientId,
                size: Number(fxStr(f.qty)),
                price: Number(fxStr(f.price)),
                fillTime: new Date(f.at).toISOString(),
                fillType: f.maker ? 'maker' : 'taker',
              })),
          });
        case 'POST sendorder':
          return ok({ sendStatus: this.sendOrder(a, p) });
        case 'POST cancelorder': {
          const o = this.findOrder(a.apiKey, { clientId: p.get('cliOrdId'), id: p.get('order_id') });
          const receivedTime = new Date().toISOString();
          if (!o || !isOpen(o))
            return ok({
              cancelStatus: {
                status: o?.status === 'FILLED' ? 'filled' : 'notFound',
                receivedTime,
                ...(o ? { order_id: o.id, cliOrdId: o.clientId } : {}),
              },
            });
          this.cancel(o);
          return ok({
            cancelStatus: {
              status: 'cancelled',
              order_id: o.id,
              cliOrdId: o.clientId,
              receivedTime,
              orderEvents: [{ type: 'CANCEL', uid: o.id, order: openOrderJson(o) }],
            },
          });
        }
        case 'PUT leveragepreferences': {
          const s = this.symbolOf(p.get('symbol'));
          const raw = p.get('maxLeverage');
          if (raw === null) {
            a.isolated.set(s.id, false); // no max leverage: cross margin
            a.leverage.delete(s.id);
          } else {
            const lev = Number(raw);
            if (!Number.isFinite(lev) || lev < 1 || lev > s.maxLeverage)
              throw new KrakenError('invalidArgument: maxLeverage');
            a.isolated.set(s.id, true);
            a.leverage.set(s.id, lev);
          }
          return ok({});
        }
        case 'GET leveragepreferences':
          return ok({
            leveragePreferences: [...a.leverage.entries()].map(([symbol, maxLeverage]) => ({
              symbol,
              maxLeverage,
            })),
          });
        default:
          return { status: 404, body: { result: 'error', error: 'Not Found' } };
      }
    } catch (e) {
      if (e instanceof KrakenError)
        return {
          status: e.status,
          body: { result: 'error', error: e.error, serverTime: new Date().toISOString() },
        };
      throw e;
    }
  }

  private authenticate(req: ParsedRequest): PerpAccount {
    const key = this.apiKeyOf(req);
    const a = key ? this.accounts.get(key) : undefined;
    const given = req.headers['authent'];
    if (!a || typeof given !== 'string') throw new KrakenError('authenticationError', 401);
    const query = req.url.search.startsWith('?') ? req.url.search.slice(1) : '';
    const postData = query !== '' ? query : req.rawBody;
    const nonce = typeof req.headers['nonce'] === 'string' ? req.headers['nonce'] : '';
    const endpointPath = req.url.pathname.replace(/^\/derivatives/, '');
    const digest = createHash('sha256')
      .update(postData + nonce + endpointPath)
      .digest();
    const expected = createHmac('sha512', Buffer.from(a.secret, 'base64')).update(digest).digest('base64');
    if (given !== expected) throw new KrakenError('authenticationError', 401);
    return a;
  }

  private sendOrder(a: PerpAccount, p: URLSearchParams): Record<string, unknown> {
    const receivedTime = new Date().toISOString();
    const cliOrdId = p.get('cliOrdId') ?? '';
    const orderType = p.get('orderType');
    const side = p.get('side') === 'buy' ? 'BUY' : p.get('side') === 'sell' ? 'SELL' : null;
    if (!side) throw new KrakenError('invalidArgument: side');
    const type =
      orderType === 'mkt'
        ? 'MARKET'
        : orderType === 'lmt'
          ? 'LIMIT'
          : orderType === 'stp' && !p.has('limitPrice')
            ? 'STOP'
            : null;
    if (!type) throw new KrakenError('invalidArgument: orderType');
    if (type === 'STOP' && !['mark', 'index', 'last'].includes(p.get('triggerSignal') ?? ''))
      throw new KrakenError('invalidArgument: triggerSignal');
    if (cliOrdId.length > 100) throw new KrakenError('invalidArgument: cliOrdId');
    try {
      const o = this.place(a, {
        clientId: cliOrdId,
        symbol: p.get('symbol') ?? '',
        side,
        type,
        qty: p.get('size') ?? '',
        ...(p.has('limitPrice') ? { price: p.get('limitPrice')! } : {}),
        ...(p.has('stopPrice') ? { stopPrice: p.get('stopPrice')! } : {}),
        reduceOnly: p.get('reduceOnly') === 'true',
        posSide: 'BOTH',
      });
      const events: unknown[] = [];
      if (o.type === 'STOP') events.push({ type: 'PLACE', order: triggerJson(o) });
      else {
        const fills = this.fills.filter((f) => f.orderId === o.id);
        if (o.type === 'LIMIT' && isOpen(o)) events.push({ type: 'PLACE', order: openOrderJson(o) });
        for (const f of fills)
          events.push({
            type: 'EXECUTION',
            executionId: f.id,
            price: Number(fxStr(f.price)),
            amount: Number(fxStr(f.qty)),
            orderPriorExecution: openOrderJson(o),
          });
      }
      return { order_id: o.id, cliOrdId: o.clientId, status: 'placed', receivedTime, orderEvents: events };
    } catch (e) {
      if (e instanceof PerpReject) return { status: SEND_STATUS[e.reason], receivedTime, cliOrdId };
      throw e;
    }
  }

  private instruments(): unknown[] {
    return [...this.symbols.values()].map((s) => ({
      symbol: s.id,
      type: 'flexible_futures',
      tradeable: true,
      underlying: `rr_${s.base.toLowerCase()}usd`,
      tickSize: Number(s.tickSize),
      contractSize: 1,
      contractValueTradePrecision: decimalsOf(s.lotSize),
      impactMidSize: 1,
      maxPositionSize: 1000000,
      openingDate: '2022-01-01T00:00:00.000Z',
      marginLevels: [
        { numNonContractUnits: 0, initialMargin: 1 / s.maxLeverage, maintenanceMargin: 0.5 / s.maxLeverage },
      ],
      fundingRateCoefficient: 8,
      maxRelativeFundingRate: 0.001,
      isin: 'GB00J62YGL67',
      postOnly: false,
      feeScheduleUid: 'eef90775-995b-4596-9257-0917f6134766',
      category: 'Layer 1',
      tags: [],
      base: s.base,
      quote: 'USD',
      pair: `${s.base}:USD`,
    }));
  }

  private accountsJson(a: PerpAccount): unknown {
    const bal = Number(fxStr(a.balance));
    return {
      flex: {
        type: 'multiCollateralMarginAccount',
        currencies: { USD: { quantity: bal, value: bal, collateral: bal, available: bal } },
        initialMargin: 0,
        maintenanceMargin: 0,
        balanceValue: bal,
        portfolioValue: bal,
        collateralValue: bal,
        pnl: 0,
        unrealizedFunding: 0,
        totalUnrealized: 0,
        availableMargin: bal,
        marginEquity: bal,
      },
    };
  }

  private openPositions(a: PerpAccount): unknown[] {
    const out = [];
    for (const [key, pos] of a.positions) {
      if (pos.amt === 0n) continue;
      out.push({
        side: pos.amt > 0n ? 'long' : 'short',
        symbol: key.split('|')[0],
        price: Number(fxStr(pos.entry)),
        fillTime: new Date().toISOString(),
        size: Number(fxStr(pos.amt < 0n ? -pos.amt : pos.amt)),
        unrealizedFunding: 0,
        pnlCurrency: 'USD',
      });
    }
    return out;
  }
}

function decimalsOf(s: string): number {
  return s.includes('.') ? s.split('.')[1]!.length : 0;
}

/** An open order as `openorders` lists it. */
function openOrderJson(o: PerpOrder): Record<string, unknown> {
  return {
    order_id: o.id,
    cliOrdId: o.clientId,
    symbol: o.symbol,
    side: o.side === 'BUY' ? 'buy' : 'sell',
    orderType: o.type === 'STOP' ? 'stop' : o.type === 'LIMIT' ? 'lmt' : 'mkt',
    ...(o.price !== null ? { limitPrice: Number(fxStr(o.price)) } : {}),
    ...(o.stopPrice !== null ? { stopPrice: Number(fxStr(o.stopPrice)), triggerSignal: 'mark' } : {}),
    unfilledSize: Number(fxStr(o.qty - o.filled)),
    filledSize: Number(fxStr(o.filled)),
    reduceOnly: o.reduceOnly,
    receivedTime: new Date(o.createdAt).toISOString(),
    lastUpdateTime: new Date(o.updatedAt).toISOString(),
    status: o.filled > 0n ? 'partiallyFilled' : 'untouched',
  };
}

function triggerJson(o: PerpOrder): Record<string, unknown> {
  return {
    uid: o.id,
    clientId: o.clientId,
    type: 'stop',
    symbol: o.symbol,
    side: o.side === 'BUY' ? 'buy' : 'sell',
    quantity: Number(fxStr(o.qty)),
    reduceOnly: o.reduceOnly,
    triggerPrice: Number(fxStr(o.stopPrice ?? 0n)),
    triggerSignal: 'mark_price',
    timestamp: new Date(o.createdAt).toISOString(),
  };
}

/** An order as `orders/status` reports it. */
function statusJson(o: PerpOrder): Record<string, unknown> {
  const status =
    o.status === 'UNTRIGGERED'
      ? 'TRIGGER_PLACED'
      : o.status === 'FILLED'
        ? 'FULLY_EXECUTED'
        : o.status === 'CANCELED'
          ? 'CANCELLED'
          : o.status === 'REJECTED'
            ? 'REJECTED'
            : 'ENTERED_BOOK';
  return {
    order: {
      type: o.type === 'STOP' && o.triggeredAt === null ? 'TRIGGER_ORDER' : 'ORDER',
      orderId: o.id,
      cliOrdId: o.clientId,
      symbol: o.symbol,
      side: o.side === 'BUY' ? 'buy' : 'sell',
      quantity: Number(fxStr(o.qty)),
      filled: Number(fxStr(o.filled)),
      limitPrice: o.price === null ? null : Number(fxStr(o.price)),
      reduceOnly: o.reduceOnly,
      timestamp: new Date(o.createdAt).toISOString(),
      lastUpdateTimestamp: new Date(o.updatedAt).toISOString(),
      ...(o.stopPrice !== null
        ? {
            priceTriggerOptions: {
              triggerPrice: Number(fxStr(o.stopPrice)),
              triggerSide: o.side === 'SELL' ? 'TRIGGER_BELOW' : 'TRIGGER_ABOVE',
              triggerSignal: 'MARK_PRICE',
            },
          }
        : {}),
    },
    status,
    updateReason: null,
    error: null,
  };
}
