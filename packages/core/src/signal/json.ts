import type { ParseResult, SignalInput, UpdateKind } from './types';
import { isObject, lowerKeys, pick, show, smallInt } from './json-fields';
import { priceFromValue } from './numbers';
import { normalizeSymbol } from './symbol';
import { normalizeDirection, validateSignal, MAX_TARGETS } from './validate';

const MAX_JSON_CHARS = 100_000;

const SYMBOL_KEYS = ['symbol', 'ticker', 'pair', 'instrument', 'coin'];
const DIRECTION_KEYS = ['direction', 'side', 'action', 'order_action', 'position', 'signal'];
const ENTRY_KEYS = ['entry', 'entries', 'entry_price', 'entry_zone', 'price', 'open_price'];
const TARGET_KEYS = [
  'targets',
  'tp',
  'tps',
  'take_profit',
  'take_profits',
  'takeprofit',
  'take_profit_targets',
];
const STOP_KEYS = ['stop_loss', 'sl', 'stop', 'stoploss', 'stop_price'];
const EVENT_KEYS = ['event', 'kind', 'update'];
const MARKET_WORDS = new Set(['MARKET', 'CMP', 'NOW', 'MKT']);

const EVENT_ALIASES: Record<string, UpdateKind> = {
  TP_HIT: 'TP_HIT',
  TP: 'TP_HIT',
  TAKE_PROFIT: 'TP_HIT',
  TARGET_HIT: 'TP_HIT',
  ALL_TP: 'ALL_TP',
  ALL_TARGETS: 'ALL_TP',
  SL_HIT: 'SL_HIT',
  SL: 'SL_HIT',
  STOP_LOSS: 'SL_HIT',
  STOPPED: 'SL_HIT',
  CANCELLED: 'CANCELLED',
  CANCELED: 'CANCELLED',
  CANCEL: 'CANCELLED',
  CLOSED: 'CLOSED',
  CLOSE: 'CLOSED',
  ENTRY_FILLED: 'ENTRY_FILLED',
  FILLED: 'ENTRY_FILLED',
};
/** Event names that announce a new signal rather than a follow-up. */
const SIGNAL_EVENTS = new Set(['SIGNAL', 'NEW', 'NEW_SIGNAL', 'OPEN', 'ENTRY', 'ENTER']);

function none(reason: string): ParseResult {
  return { kind: 'none', confidence: 0, reason };
}

/** "3520 - 3560", "3520~3560", "3520 to 3560": a zone written as one string. */
const RANGE_TEXT_RE = /^\s*([\d.,]{1,40})\s*(?:-|~|to)\s*([\d.,]{1,40})\s*$/i;
/** Separators of several prices in one string; a comma counts only with a space after it ("70,000"). */
const LIST_SEPARATOR_RE = /\s*[/|;]\s*|,\s+|\s+/;

function list(value: unknown): unknown[] {
  if (value === undefined) return [];
  if (typeof value === 'string' && value.length <= 500 && priceFromValue(value) === null) {
    const range = RANGE_TEXT_RE.exec(value);
    if (range) return [range[1], range[2]];
    const parts = value.trim().split(LIST_SEPARATOR_RE);
    if (parts.length > 1 && parts.every((p) => priceFromValue(p) !== null)) return parts;
  }
  const items = Array.isArray(value) ? value : [value];
  return items.map((v) => (isObject(v) && 'price' in v ? v.price : v));
}

function readUpdate(map: ReadonlyMap<string, unknown>, kind: UpdateKind): ParseResult {
  const rawSymbol = pick(map, SYMBOL_KEYS);
  const symbol = rawSymbol === undefined ? null : normalizeSymbol(rawSymbol);
  if (rawSymbol !== undefined && symbol === null)
    return none(`symbol ${show(rawSymbol)} is not a valid trading pair`);
  const rawTarget = pick(map, ['target', 'tp', 'n', 'level', 'entry']);
  const target = rawTarget === undefined ? null : smallInt(rawTarget, MAX_TARGETS);
  if (rawTarget !== undefined && target === null)
    return none(`target ${show(rawTarget)} must be a number from 1 to ${MAX_TARGETS}`);
  if (kind === 'TP_HIT' && target === null) return none(`TP_HIT needs a target number (1..${MAX_TARGETS})`);
  const keep = kind === 'TP_HIT' || kind === 'ENTRY_FILLED';
  return { kind: 'update', confidence: 1, update: { symbol, kind, target: keep ? target : null } };
}

function targetsOf(map: ReadonlyMap<string, unknown>): unknown[] {
  const listed = list(pick(map, TARGET_KEYS));
  if (listed.length > 0) return listed;
  const numbered: unknown[] = [];
  for (let i = 1; i <= MAX_TARGETS + 2; i++) {
    const v = pick(map, [`tp${i}`, `tp_${i}`, `target${i}`, `target_${i}`, `take_profit_${i}`]);
    if (v !== undefined) numbered.push(v);
  }
  return numbered;
}

function readSignal(map: ReadonlyMap<string, unknown>): ParseResult {
  const symbol = pick(map, SYMBOL_KEYS);
  if (typeof symbol !== 'string')
    return none(symbol === undefined ? 'symbol is missing' : `symbol ${show(symbol)} is not text`);
  const direction = pick(map, DIRECTION_KEYS);
  if (direction === undefined) return none('direction (or side) is missing');
  const tradeType = pick(map, ['trade_type', 'market_type']);
  const tt = typeof tradeType === 'string' ? tradeType.trim().toUpperCase() : tradeType;
  if (tt !== undefined && tt !== 'FUTURES' && tt !== 'SPOT')
    return none(`trade_type ${show(tradeType)} must be FUTURES or SPOT`);
  if (tt === 'SPOT' && normalizeDirection(direction) === 'SHORT')
    return none('a SPOT signal cannot be SHORT');
  const rawEntry = pick(map, ENTRY_KEYS);
  const market =
    rawEntry === undefined ||
    (typeof rawEntry === 'string' && MARKET_WORDS.has(rawEntry.trim().toUpperCase()));
  const entries = market ? [] : list(rawEntry);
  const explicitType = pick(map, ['entry_type']);
  const zone =
    (Array.isArray(rawEntry) || (typeof rawEntry === 'string' && RANGE_TEXT_RE.test(rawEntry))) &&
    entries.length === 2 &&
    !map.has('entries');
  const input: SignalInput = {
    symbol,
    direction: typeof direction === 'string' ? direction : show(direction),
    entries: entries.map((e) => (typeof e === 'number' || typeof e === 'string' ? e : show(e))),
    entry_type:
      typeof explicitType === 'string' ? explicitType : market ? 'market' : zone ? 'zone' : undefined,
    targets: targetsOf(map).map((t) => (typeof t === 'number' || typeof t === 'string' ? t : show(t))),
    stop_loss: stopOf(pick(map, STOP_KEYS)),
    leverage: levOf(pick(map, ['leverage', 'lev'])),
    margin_mode: marginOf(pick(map, ['margin_mode', 'margin', 'margin_type'])),
  };
  const checked = validateSignal(input);
  return checked.ok ? { kind: 'signal', confidence: 1, signal: checked.signal } : none(checked.reason);
}

function stopOf(v: unknown): string | number | null {
  if (v === undefined) return null;
  if (isObject(v) && 'price' in v) return stopOf(v.price);
  return typeof v === 'number' || typeof v === 'string' ? v : show(v);
}

function levOf(v: unknown): number | string | null {
  if (v === undefined) return null;
  return typeof v === 'number' || typeof v === 'string' ? v : show(v);
}

function marginOf(v: unknown): string | null {
  if (v === undefined) return null;
  return typeof v === 'string' ? v : show(v);
}

function parseObject(payload: unknown): ParseResult {
  let value = payload;
  if (typeof value === 'string') {
    if (value.length > MAX_JSON_CHARS) return none('payload is too large');
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return none('payload is not valid JSON');
    }
  }
  if (!isObject(value)) return none('payload is not a JSON object');
  const map = lowerKeys(value);
  const event = pick(map, EVENT_KEYS);
  if (event !== undefined) {
    const name =
      typeof event === 'string'
        ? event
            .trim()
            .toUpperCase()
            .replace(/[\s-]+/g, '_')
        : '';
    const kind = EVENT_ALIASES[name];
    if (kind !== undefined) return readUpdate(map, kind);
    if (!SIGNAL_EVENTS.has(name)) return none(`unknown event ${show(event)}`);
  }
  return readSignal(map);
}

/**
 * Reads a webhook payload (an object, or its JSON text): a TradingView-style alert
 * `{symbol|ticker, side, entry|price, tp|tp1..tpN|targets, sl|stop|stop_loss, leverage?}`, the §3 shape
 * `{symbol, direction, entry (price or [lo, hi]), targets|tp, stop_loss|sl, leverage?, trade_type?}`, or a
 * follow-up `{symbol?, event|kind: "TP_HIT", target: 2}`. A signal without any entry is a market entry.
 * Validated by the same rules as text; never throws.
 */
export function parseSignalJson(payload: unknown): ParseResult {
  try {
    return parseObject(payload);
  } catch {
    return none('internal');
  }
}
