export type {
  EntryType,
  ParseKind,
  ParseResult,
  ParsedSignal,
  ParsedUpdate,
  SignalInput,
  UpdateKind,
  ValidationResult,
} from './types';
export { ENTRY_TYPES, UPDATE_KINDS } from './types';
export { DEFAULT_QUOTE, KNOWN_QUOTES, normalizeSymbol } from './symbol';
export { parsePriceText, priceFromValue, readNumberRun } from './numbers';
export { SIGNAL_LIMITS, normalizeDirection, normalizeMarginMode, validateSignal } from './validate';
export { parseSignalText } from './text/parse-text';
export { parseSignalJson } from './json';
