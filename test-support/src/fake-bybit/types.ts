/** Public shapes of the fake Bybit v5 server (see fake-bybit.ts). */

export interface FakeBybitSymbol {
  symbol: string;
  baseCoin: string;
  tickSize: string;
  qtyStep: string;
  minOrderQty: string;
  /** lotSizeFilter.minNotionalValue (reduce-only orders are exempt). */
  minNotionalValue: string;
  maxLeverage: number;
}

/** Filters as Bybit publishes them for these USDT perpetuals (instruments-info, category linear). */
export const FAKE_BYBIT_SYMBOLS: readonly FakeBybitSymbol[] = [
  sym('BTCUSDT', 'BTC', '0.1', '0.001', '0.001', '5', 100),
  sym('ETHUSDT', 'ETH', '0.01', '0.01', '0.01', '5', 100),
  sym('SOLUSDT', 'SOL', '0.01', '0.1', '0.1', '5', 100),
  sym('BNBUSDT', 'BNB', '0.1', '0.01', '0.01', '5', 75),
  sym('XRPUSDT', 'XRP', '0.0001', '1', '1', '5', 75),
  sym('DOGEUSDT', 'DOGE', '0.00001', '1', '1', '5', 75),
];

function sym(
  symbol: string,
  baseCoin: string,
  tickSize: string,
  qtyStep: string,
  minOrderQty: string,
  minNotionalValue: string,
  maxLeverage: number,
): FakeBybitSymbol {
  return { symbol, baseCoin, tickSize, qtyStep, minOrderQty, minNotionalValue, maxLeverage };
}

/** What `/v5/user/query-api` reports about a key. */
export interface FakeBybitKeyInfo {
  readOnly: boolean;
  /** IP whitelist; `['*']` = none (any IP). */
  ips: string[];
  /** Bybit's permission groups, e.g. `{ ContractTrade: ['Order', 'Position'], Wallet: ['Withdraw'] }`. */
  permissions: Record<string, string[]>;
}

export interface FakeBybitAccountInit {
  apiKey?: string;
  secret?: string;
  /** USDT wallet balance (default 100000). */
  balance?: string;
  key?: Partial<FakeBybitKeyInfo>;
}

export type FakeBybitOrderStatus =
  | 'New'
  | 'PartiallyFilled'
  | 'Filled'
  | 'Cancelled'
  | 'PartiallyFilledCanceled'
  | 'Untriggered'
  | 'Triggered'
  | 'Deactivated'
  | 'Rejected';

export interface FakeBybitOrder {
  orderId: string;
  orderLinkId: string;
  apiKey: string;
  symbol: string;
  side: 'Buy' | 'Sell';
  orderType: 'Market' | 'Limit';
  /** 0 one-way; 1 / 2 the buy / sell side of a hedge-mode position. */
  positionIdx: 0 | 1 | 2;
  orderStatus: FakeBybitOrderStatus;
  cancelType: string;
  price: string;
  qty: string;
  cumExecQty: string;
  cumExecValue: string;
  cumExecFee: string;
  avgPrice: string;
  timeInForce: string;
  reduceOnly: boolean;
  closeOnTrigger: boolean;
  /** '' for a plain order; 'Stop' for a conditional one. */
  stopOrderType: string;
  triggerPrice: string;
  /** 1 = triggers when the price rises to triggerPrice, 2 = when it falls to it. */
  triggerDirection: 0 | 1 | 2;
  triggerBy: string;
  createdTime: number;
  updatedTime: number;
  /** Placed by a person on the website (not through the API). */
  manual: boolean;
}

export interface FakeBybitExecution {
  execId: string;
  orderId: string;
  orderLinkId: string;
  apiKey: string;
  symbol: string;
  side: 'Buy' | 'Sell';
  execPrice: string;
  execQty: string;
  execValue: string;
  execFee: string;
  isMaker: boolean;
  closedSize: string;
  execTime: number;
}

export interface FakeBybitRequest {
  at: number;
  method: string;
  path: string;
  apiKey: string | null;
  status: number;
  /** Bybit retCode of the answer (0 = success; null when none was sent). */
  retCode: number | null;
  /** The orderLinkId the request carried (place, query, cancel). */
  orderLinkId: string | null;
  /** The fault injected, if any. */
  fault: string | null;
}

/**
 * A fault for requests matching `match`. `before`: answered without doing anything; `after`: executed,
 * then the answer is replaced (the write happened). Kinds:
 * - `status`: HTTP `status` (502: an HTML page; others: retCode 10016 "internal error");
 * - `hold`: never answer; the socket is closed after `holdMs`;
 * - `late`: no answer, and the request takes effect only after `lateMs` (after the client gave up);
 * - `rate_limit`: retCode 10006 "Too many visits" (HTTP 200) with `X-Bapi-Limit-Status: 0` and the
 *   reset time `retryAfterSec` ahead; `ip_limit`: HTTP 403 "access too frequent" (the IP limit);
 * - `timestamp`: retCode 10002 (as if the client's clock were off).
 */
export interface FakeBybitFault {
  kind: 'status' | 'hold' | 'late' | 'rate_limit' | 'ip_limit' | 'timestamp';
  when?: 'before' | 'after';
  status?: number;
  holdMs?: number;
  lateMs?: number;
  retryAfterSec?: number;
  match?: { method?: string; path?: string | RegExp; apiKey?: string; writes?: boolean; signed?: boolean };
  /** How many requests it applies to (default 1). */
  times?: number;
}

export interface FakeBybitOptions {
  symbols?: readonly FakeBybitSymbol[];
  latencyMs?: number;
  /** Requests per 5 s per IP (Bybit: 600); 0 = not enforced. */
  ipRequestsPer5s?: number;
  /** Per-UID, per-endpoint requests per second (Bybit's defaults; 0 = not enforced). */
  endpointLimits?: Partial<Record<string, number>>;
  makerFee?: string;
  takerFee?: string;
  /** Server clock minus the local clock, ms. */
  clockSkewMs?: number;
}
