import { decStr, tryDec } from '@verzek/core';

/** A mark price update from `<symbol>@markPrice` or `<symbol>@markPrice@1s`. */
export interface MarkPriceEvent {
  kind: 'mark';
  symbol: string;
  price: string;
  eventTime: number;
}

/** A best bid/ask update from `<symbol>@bookTicker`. */
export interface BookTickerEvent {
  kind: 'book';
  symbol: string;
  bid: string;
  ask: string;
  eventTime: number;
}

/** What one frame from a Binance combined stream means to the feed. */
export type BinanceFrame =
  | MarkPriceEvent
  | BookTickerEvent
  /** Reply to SUBSCRIBE/UNSUBSCRIBE/LIST_SUBSCRIPTIONS; `error` set when Binance refused. */
  | { kind: 'reply'; id: unknown; error?: string }
  /** A well-formed event of a type the feed does not use. */
  | { kind: 'other' }
  | { kind: 'malformed'; reason: string };

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function positive(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const d = tryDec(v);
  return d !== null && d.gt(0) ? decStr(d) : null;
}

function eventTime(v: unknown): number | null {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : null;
}

function symbolOf(v: unknown): string | null {
  return typeof v === 'string' && /^[A-Za-z0-9_]{2,32}$/.test(v) ? v.toUpperCase() : null;
}

/**
 * Interprets one text frame of a USDⓈ-M futures combined stream (`{"stream":…,"data":…}`) or a
 * reply to a subscription request (`{"result":null,"id":1}`). Never throws. Prices come out as
 * canonical decimal strings (`"11794.15000000"` → `"11794.15"`).
 */
export function parseBinanceFrame(text: string): BinanceFrame {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return { kind: 'malformed', reason: 'not JSON' };
  }
  if (!isObject(msg)) return { kind: 'malformed', reason: 'not an object' };
  if ('id' in msg && ('result' in msg || 'error' in msg)) {
    if (isObject(msg.error)) {
      return { kind: 'reply', id: msg.id, error: `${String(msg.error.code)}: ${String(msg.error.msg)}` };
    }
    return { kind: 'reply', id: msg.id };
  }
  if (typeof msg.stream !== 'string' || !isObject(msg.data)) {
    return { kind: 'malformed', reason: 'neither a combined-stream event nor a reply' };
  }
  const data = msg.data;
  switch (data.e) {
    case 'markPriceUpdate': {
      const symbol = symbolOf(data.s);
      const price = positive(data.p);
      const ts = eventTime(data.E);
      if (symbol === null || price === null || ts === null)
        return { kind: 'malformed', reason: 'bad markPriceUpdate' };
      return { kind: 'mark', symbol, price, eventTime: ts };
    }
    case 'bookTicker': {
      const symbol = symbolOf(data.s);
      const bid = positive(data.b);
      const ask = positive(data.a);
      const ts = eventTime(data.E) ?? eventTime(data.T);
      if (symbol === null || bid === null || ask === null || ts === null) {
        return { kind: 'malformed', reason: 'bad bookTicker' };
      }
      return { kind: 'book', symbol, bid, ask, eventTime: ts };
    }
    default:
      return typeof data.e === 'string'
        ? { kind: 'other' }
        : { kind: 'malformed', reason: 'event without type' };
  }
}

/** Stream names of a symbol: `btcusdt@markPrice@1s` and `btcusdt@bookTicker`. */
export function markPriceStream(symbol: string, speed: '1s' | '3s'): string {
  return speed === '1s' ? `${symbol.toLowerCase()}@markPrice@1s` : `${symbol.toLowerCase()}@markPrice`;
}

/** Stream name of a symbol's best bid/ask. */
export function bookTickerStream(symbol: string): string {
  return `${symbol.toLowerCase()}@bookTicker`;
}
