import type { ParseResult, SignalInput } from '../types';
import { validateSignal } from '../validate';
import { signalConfidence, updateConfidence } from './confidence';
import { impliedDirection, readDirection } from './direction';
import type { DirectionReading } from './direction';
import { readEntries } from './entries';
import type { EntryReading } from './entries';
import { FieldReader } from './fields';
import type { Fields } from './fields';
import { prepareLines } from './prepare';
import { findSymbol } from './symbol-finder';
import type { SymbolFind } from './symbol-finder';
import { tokenizeLine } from './tokenize';
import { detectUpdate } from './updates';
import type { UpdateReading } from './updates';

interface Setup {
  complete: boolean;
  missing: string | null;
  entry: EntryReading;
  direction: DirectionReading;
  input: SignalInput | null;
}

function none(reason: string): ParseResult {
  return { kind: 'none', confidence: 0, reason };
}

function missingReason(
  f: Fields,
  sym: SymbolFind,
  entry: EntryReading,
  dir: DirectionReading,
): string | null {
  const anyPrice = f.entries.length + f.targets.length + f.stops.length + f.loose.length > 0 || f.market;
  if (sym.symbol === null) {
    return anyPrice ? 'no trading pair named' : 'not a signal: no trading pair, entry or take-profit target';
  }
  if (entry.entries.length === 0 && entry.type !== 'market') return 'no entry price';
  if (f.targets.length === 0) {
    return f.pctTargets > 0 ? 'take-profit targets are given only as percentages' : 'no take-profit target';
  }
  if (dir.direction === null) return 'direction unclear: no LONG/SHORT word and the prices do not imply one';
  return null;
}

function readSetup(f: Fields, sym: SymbolFind): Setup {
  const stop = f.stops[0] ?? null;
  const first = readEntries(f, f.strong ?? f.weak);
  const direction = readDirection(f, impliedDirection(first.entries, f.targets, stop));
  const entry = readEntries(f, direction.direction);
  const missing = missingReason(f, sym, entry, direction);
  if (missing !== null || sym.symbol === null || direction.direction === null) {
    return { complete: false, missing, entry, direction, input: null };
  }
  const input: SignalInput = {
    symbol: sym.symbol,
    direction: direction.direction,
    entries: entry.entries,
    entry_type: entry.type,
    targets: f.targets,
    stop_loss: stop,
    leverage: f.levNums[0] ?? f.levTokens[0] ?? null,
    margin_mode: f.margin,
  };
  return { complete: true, missing: null, entry, direction, input };
}

function updateResult(u: UpdateReading, sym: SymbolFind): ParseResult {
  return {
    kind: 'update',
    confidence: updateConfidence(u.kind, u.worded, sym.score, u.target),
    update: { symbol: sym.symbol, kind: u.kind, target: u.target },
  };
}

function signalResult(setup: Setup, sym: SymbolFind): ParseResult {
  if (setup.input === null) return none(setup.missing ?? 'incomplete setup');
  const checked = validateSignal(setup.input);
  if (!checked.ok) return none(checked.reason);
  const s = checked.signal;
  const confidence = signalConfidence({
    directionStrength: setup.direction.strength,
    hasStop: s.stop_loss !== null,
    entryLabeled: setup.entry.labeled,
    targetCount: s.targets.length,
    symbolScore: sym.score,
    manySymbols: sym.distinct > 1,
    hasLeverage: s.leverage !== null,
  });
  return { kind: 'signal', confidence, signal: s };
}

function parse(text: string): ParseResult {
  const lines = prepareLines(text);
  if (lines.length === 0) return none('empty message');
  const f = new FieldReader().read(lines.map(tokenizeLine));
  const sym = findSymbol(lines, f.directionLines);
  const setup = readSetup(f, sym);
  const update = detectUpdate(lines);
  // a worded follow-up in the headline ("Target 1 reached") wins even when the message repeats the setup
  if (update !== null && (!setup.complete || (update.worded && update.line <= 1)))
    return updateResult(update, sym);
  return signalResult(setup, sym);
}

/**
 * Reads a Telegram channel message: a new signal, a follow-up about one, or neither (with a reason).
 * Pure and total: it never throws and its time is bounded (only the first 8 KB and 200 lines are read,
 * and every scan is linear), whatever the input.
 */
export function parseSignalText(text: string): ParseResult {
  if (typeof text !== 'string') return none('not text');
  try {
    return parse(text);
  } catch {
    return { kind: 'none', confidence: 0, reason: 'internal' };
  }
}
