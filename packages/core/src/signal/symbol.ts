/** Quote assets we recognise, longest first so that "ETHFDUSD" is ETH/FDUSD and not ETHF/DUSD. */
export const KNOWN_QUOTES: readonly string[] = ['FDUSD', 'USDT', 'USDC', 'BUSD', 'USD', 'BTC', 'ETH'];

/** The quote assumed when only a base asset is given ("#BTC" → "BTCUSDT"). */
export const DEFAULT_QUOTE = 'USDT';

const MAX_RAW_LENGTH = 40;
const BASE_RE = /^[A-Z0-9]{1,15}$/;
const HAS_LETTER_RE = /[A-Z]/;
const SEPARATOR_RE = /\s*[/\-_ ]\s*/;

function join(base: string, quote: string): string | null {
  if (!BASE_RE.test(base) || !HAS_LETTER_RE.test(base)) return null;
  if (base === quote) return null;
  return base + quote;
}

/** Strips decoration that does not change the pair: "#", "$", ".P", "PERP", ":USDT" settlement. */
function strip(raw: string): string {
  let s = raw.trim().toUpperCase();
  s = s.replace(/^[#$]/, '');
  s = s.replace(/\.P$/, '');
  s = s.replace(/:[A-Z]{3,5}$/, '');
  s = s.replace(/[-_/ ]?PERP(?:ETUAL)?$/, '');
  return s.trim();
}

/** Splits a pair written without a separator ("BTCUSDT", "ETHBTC") into base and quote. */
function splitConcatenated(s: string): [string, string] | null {
  for (const quote of KNOWN_QUOTES) {
    if (!s.endsWith(quote)) continue;
    const base = s.slice(0, s.length - quote.length);
    // a one-letter base only with a long quote ("TUSDT"), so that "SETH" stays a base
    const minBase = quote.length >= 4 ? 1 : 2;
    if (base.length >= minBase) return [base, quote];
  }
  return null;
}

/**
 * Normalises a trading pair as channels and exchanges write it to the exchange form "BTCUSDT".
 * Accepts "BTC/USDT", "#BTCUSDT", "btcusdt", "BTC-USDT", "BTCUSDT.P", "BTC/USDT:USDT", "$BTC", "#BTC"
 * (a bare base gets the default quote USDT). Returns null for anything that is not a plausible pair.
 */
export function normalizeSymbol(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_RAW_LENGTH) return null;
  const s = strip(raw);
  if (s.length === 0) return null;
  const parts = s.split(SEPARATOR_RE);
  if (parts.length > 2) return null;
  if (parts.length === 2) {
    const [base = '', quote = ''] = parts;
    return KNOWN_QUOTES.includes(quote) ? join(base, quote) : null;
  }
  if (!/^[A-Z0-9]+$/.test(s)) return null;
  const split = splitConcatenated(s);
  if (split) return join(split[0], split[1]);
  return join(s, DEFAULT_QUOTE);
}

/** True when the raw text names its quote asset explicitly (a full pair rather than a bare base). */
export function hasExplicitQuote(raw: string): boolean {
  const s = strip(raw);
  if (SEPARATOR_RE.test(s)) return true;
  return splitConcatenated(s) !== null;
}
