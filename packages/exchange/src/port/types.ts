import type { FeeRates, MarketRules, OrderKind, OrderSide } from '@verzek/core';

/** A market as the adapter knows it: filters for sizing and rounding, fees, limits. */
export interface MarketInfo {
  symbol: string;
  rules: MarketRules;
  fees: FeeRates;
  maxLeverage: number;
}

export interface PlaceOrderRequest {
  /** Deterministic, ≤ 36 chars of [A-Za-z0-9_-]: the key for every later lookup. */
  clientOrderId: string;
  symbol: string;
  kind: OrderKind;
  side: OrderSide;
  qty: string;
  /** LIMIT only. */
  price?: string;
  /** STOP_MARKET only: triggers on the mark price. */
  stopPrice?: string;
  reduceOnly: boolean;
}

/** Exchange-side order states, normalised. */
export type VenueOrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'REJECTED' | 'EXPIRED';

export interface VenueFill {
  /** The exchange's trade id (unique per order). */
  id: string;
  qty: string;
  price: string;
  fee: string;
  feeAsset: string;
  at: number;
}

/** What the exchange says about one order. */
export interface OrderSnapshot {
  clientOrderId: string;
  exchangeOrderId: string;
  symbol: string;
  kind: OrderKind;
  side: OrderSide;
  status: VenueOrderStatus;
  qty: string;
  filledQty: string;
  avgPrice: string | null;
  /** Every execution so far, when the venue reports them (the paper venue always does). */
  fills: VenueFill[];
  rejectReason: string | null;
  updatedAt: number;
}

export interface Balance {
  asset: string;
  total: string;
  free: string;
}

export interface VenuePosition {
  symbol: string;
  side: 'LONG' | 'SHORT';
  qty: string;
  entryPrice: string;
}

/**
 * What the caller knows about an order it looks up or cancels. Venues that keep conditional orders
 * apart (Binance's algo orders) use `kind` to ask the right endpoint at once; without it they try both.
 */
export interface OrderLookupHint {
  kind?: OrderKind;
  side?: OrderSide;
  qty?: string;
}

/**
 * One user's account on one venue. Every method may throw an {@link ExchangeError}; writes whose
 * outcome is unknown throw `unknown_outcome` and must be looked up (fetchOrder) before any re-send.
 */
export interface ExchangeAccount {
  readonly venue: string;
  loadMarket(symbol: string): Promise<MarketInfo>;
  /** Best effort before an entry. */
  setLeverage(symbol: string, leverage: number, marginMode: 'CROSS' | 'ISOLATED' | null): Promise<void>;
  placeOrder(request: PlaceOrderRequest): Promise<OrderSnapshot>;
  /** Cancelling an order that is already final returns its final snapshot. */
  cancelOrder(symbol: string, clientOrderId: string, hint?: OrderLookupHint): Promise<OrderSnapshot>;
  /** null when the venue never received the order. */
  fetchOrder(symbol: string, clientOrderId: string, hint?: OrderLookupHint): Promise<OrderSnapshot | null>;
  fetchOpenOrders(symbol?: string): Promise<OrderSnapshot[]>;
  fetchBalance(): Promise<Balance>;
  fetchPosition(symbol: string): Promise<VenuePosition | null>;
}

/** Pushed by a venue when a resting order changes (fills of limits and stops, cancels, expiries). */
export interface OrderUpdate {
  venue: string;
  /** The account the order belongs to (our exchange account id). */
  accountId: number;
  snapshot: OrderSnapshot;
}
