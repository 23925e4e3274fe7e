import type { Direction, MarginMode } from '../types';
import { dec, tryDec } from '../money/decimal';
import { priceFromValue } from './numbers';
import { normalizeSymbol } from './symbol';
import { ENTRY_TYPES } from './types';
import type { EntryType, ParsedSignal, SignalInput, ValidationResult } from './types';

export const MAX_TARGETS = 10;
export const MAX_ENTRIES = 10;
export const MIN_LEVERAGE = 1;
export const MAX_LEVERAGE = 125;

/** The limits validateSignal applies, for schemas and forms elsewhere. */
export const SIGNAL_LIMITS = {
  maxTargets: MAX_TARGETS,
  maxEntries: MAX_ENTRIES,
  minLeverage: MIN_LEVERAGE,
  maxLeverage: MAX_LEVERAGE,
} as const;

class Rejection {
  constructor(readonly reason: string) {}
}

function reject(reason: string): never {
  throw new Rejection(reason);
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 24 ? `${text.slice(0, 24)}…` : text;
}

/** "LONG" | "SHORT", also accepting BUY/SELL in any case. */
export function normalizeDirection(raw: unknown): Direction | null {
  if (typeof raw !== 'string') return null;
  const v = raw.trim().toUpperCase();
  if (v === 'LONG' || v === 'BUY') return 'LONG';
  if (v === 'SHORT' || v === 'SELL') return 'SHORT';
  return null;
}

export function normalizeMarginMode(raw: unknown): MarginMode | null | undefined {
  if (raw === null || raw === undefined || raw === '') return null;
  if (typeof raw !== 'string') return undefined;
  const v = raw.trim().toUpperCase();
  if (v === 'CROSS' || v === 'CROSSED') return 'CROSS';
  if (v === 'ISOLATED' || v === 'ISOLATE' || v === 'ISO') return 'ISOLATED';
  return undefined;
}

function price(value: unknown, what: string): string {
  const p = priceFromValue(value);
  if (p === null) {
    const loose = typeof value === 'string' ? tryDec(value) : null;
    if (loose !== null && loose.lte(0)) reject(`${what} ${show(value)} must be a positive price`);
    reject(`${what} ${show(value)} is not a number`);
  }
  if (dec(p).lte(0)) reject(`${what} ${p} must be a positive price`);
  return p;
}

function entryType(raw: string | undefined, count: number): EntryType {
  if (raw === undefined || raw === '') return count === 0 ? 'market' : count === 1 ? 'single' : 'multiple';
  const t = raw.trim().toLowerCase();
  const found = ENTRY_TYPES.find((e) => e === t);
  if (found === undefined) reject(`entry_type ${show(raw)} is not one of ${ENTRY_TYPES.join(', ')}`);
  return found;
}

function firstDuplicate(values: readonly string[]): string | null {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) return v;
    seen.add(v);
  }
  return null;
}

function shapeEntries(type: EntryType, entries: string[]): { type: EntryType; entries: string[] } {
  if (entries.length > MAX_ENTRIES)
    reject(`too many entry prices (${entries.length}; at most ${MAX_ENTRIES})`);
  if (entries.length === 0 && type !== 'market') {
    reject('no entry price (give a price, a zone or several prices, or mark it a market entry)');
  }
  const dup = firstDuplicate(entries);
  if (dup !== null && !(type === 'zone' && entries.length === 2))
    reject(`entry price ${dup} is listed twice`);
  if (type === 'zone') {
    if (entries.length !== 2) reject(`a zone entry needs exactly two prices (got ${entries.length})`);
    const [a = '', b = ''] = entries;
    if (a === b) return { type: 'single', entries: [a] };
    return { type, entries: dec(a).lt(b) ? [a, b] : [b, a] };
  }
  if ((type === 'single' || type === 'breakout') && entries.length !== 1) {
    reject(`a ${type} entry has exactly one price (got ${entries.length})`);
  }
  if (type === 'multiple' && entries.length === 1) return { type: 'single', entries };
  return { type, entries };
}

function checkTargetCount(targets: string[]): void {
  if (targets.length === 0) reject('no take-profit target');
  if (targets.length > MAX_TARGETS)
    reject(`too many take-profit targets (${targets.length}; at most ${MAX_TARGETS})`);
  const dup = firstDuplicate(targets);
  if (dup !== null) reject(`take-profit target ${dup} is listed twice`);
}

function checkTargetOrder(direction: Direction, targets: string[]): void {
  for (let i = 1; i < targets.length; i++) {
    const prev = dec(targets[i - 1] ?? '0');
    const cur = targets[i] ?? '0';
    const inOrder = direction === 'LONG' ? prev.lt(cur) : prev.gt(cur);
    if (!inOrder) {
      const way = direction === 'LONG' ? 'ascending' : 'descending';
      reject(
        `take-profit targets are out of order for a ${direction}: ${targets[i - 1]} then ${cur} (must be ${way})`,
      );
    }
  }
}

/** Every target on the winning side of every entry. */
function checkTargetSides(direction: Direction, entries: string[], targets: string[]): void {
  if (entries.length === 0) return;
  if (direction === 'LONG') {
    const hi = maxOf(entries);
    const bad = targets.find((t) => dec(t).lte(hi));
    if (bad !== undefined)
      reject(`take-profit target ${bad} is not above the highest entry ${hi} for a LONG`);
  } else {
    const lo = minOf(entries);
    const bad = targets.find((t) => dec(t).gte(lo));
    if (bad !== undefined)
      reject(`take-profit target ${bad} is not below the lowest entry ${lo} for a SHORT`);
  }
}

function minOf(values: readonly string[]): string {
  return values.reduce((m, v) => (dec(v).lt(m) ? v : m));
}

function maxOf(values: readonly string[]): string {
  return values.reduce((m, v) => (dec(v).gt(m) ? v : m));
}

/** The stop on the losing side of every entry (or, for a market entry without a price, of the first target). */
function checkStop(direction: Direction, entries: string[], targets: string[], stop: string | null): void {
  if (stop === null) return;
  if (entries.length === 0) {
    const first = targets[0] ?? stop;
    if (direction === 'LONG' && dec(stop).gte(first)) {
      reject(`stop_loss ${stop} is not below the first target ${first} for a LONG`);
    }
    if (direction === 'SHORT' && dec(stop).lte(first)) {
      reject(`stop_loss ${stop} is not above the first target ${first} for a SHORT`);
    }
    return;
  }
  if (direction === 'LONG') {
    const lo = minOf(entries);
    const cmp = dec(stop).cmp(lo);
    if (cmp > 0)
      reject(`stop_loss ${stop} is above entry ${lo} for a LONG (it must be below the lowest entry)`);
    if (cmp === 0)
      reject(`stop_loss ${stop} equals entry ${lo} for a LONG (it must be below the lowest entry)`);
  } else {
    const hi = maxOf(entries);
    const cmp = dec(stop).cmp(hi);
    if (cmp < 0)
      reject(`stop_loss ${stop} is below entry ${hi} for a SHORT (it must be above the highest entry)`);
    if (cmp === 0)
      reject(`stop_loss ${stop} equals entry ${hi} for a SHORT (it must be above the highest entry)`);
  }
}

function leverageOf(raw: unknown): number | null {
  if (raw === null || raw === undefined || raw === '') return null;
  let n: number = Number.NaN;
  if (typeof raw === 'number') n = raw;
  else if (typeof raw === 'string' && /^\s*[xX]?\d{1,6}(?:\.\d{1,6})?[xX]?\s*$/.test(raw)) {
    n = Number(raw.trim().replace(/[xX]/g, ''));
  }
  if (!Number.isInteger(n) || n < MIN_LEVERAGE || n > MAX_LEVERAGE) {
    reject(`leverage must be a whole number from ${MIN_LEVERAGE} to ${MAX_LEVERAGE} (got ${show(raw)})`);
  }
  return n;
}

function validateOrThrow(input: SignalInput): ParsedSignal {
  if (typeof input.symbol !== 'string' || input.symbol.trim() === '') reject('symbol is missing');
  const symbol = normalizeSymbol(input.symbol);
  if (symbol === null) reject(`symbol ${show(input.symbol)} is not a valid trading pair`);
  const direction = normalizeDirection(input.direction);
  if (direction === null) reject(`direction ${show(input.direction)} must be LONG or SHORT (or BUY/SELL)`);
  // counts first: a list of a thousand prices is refused without reading them
  if (input.entries.length > MAX_ENTRIES) {
    reject(`too many entry prices (${input.entries.length}; at most ${MAX_ENTRIES})`);
  }
  if (input.targets.length > MAX_TARGETS) {
    reject(`too many take-profit targets (${input.targets.length}; at most ${MAX_TARGETS})`);
  }
  const rawEntries = input.entries.map((e) => price(e, 'entry'));
  const shaped = shapeEntries(entryType(input.entry_type, rawEntries.length), rawEntries);
  const targets = input.targets.map((t) => price(t, 'take-profit target'));
  checkTargetCount(targets);
  checkTargetSides(direction, shaped.entries, targets);
  checkTargetOrder(direction, targets);
  const stop =
    input.stop_loss === null || input.stop_loss === undefined || input.stop_loss === ''
      ? null
      : price(input.stop_loss, 'stop_loss');
  checkStop(direction, shaped.entries, targets, stop);
  const leverage = leverageOf(input.leverage);
  const margin = normalizeMarginMode(input.margin_mode);
  if (margin === undefined) reject(`margin_mode ${show(input.margin_mode)} must be CROSS or ISOLATED`);
  return {
    symbol,
    direction,
    entries: shaped.entries,
    entry_type: shaped.type,
    targets,
    stop_loss: stop,
    leverage,
    margin_mode: margin,
  };
}

/**
 * The §3 rules every source shares: a valid pair; LONG/SHORT; positive entries (one, a zone, several,
 * or none for a market entry); 1..10 distinct targets on the winning side and in the order they are
 * hit; the stop (if any) on the losing side of every entry; leverage a whole number 1..125.
 * Never throws: a rejection is data with a human reason.
 */
export function validateSignal(input: SignalInput): ValidationResult {
  try {
    return { ok: true, signal: validateOrThrow(input) };
  } catch (e) {
    if (e instanceof Rejection) return { ok: false, reason: e.reason };
    return { ok: false, reason: 'signal could not be validated' };
  }
}
