import { Dec, decStr, tryDec } from '../money/decimal';

/** Longest digit run we treat as a price; anything longer is noise, not a quote. */
export const MAX_NUMBER_CHARS = 40;

const PLAIN_RE = /^(?:\d+(?:\.\d*)?|\.\d+)$/;
const THOUSANDS_RE = /^[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?$/;
const DECIMAL_COMMA_RE = /^\d+,\d+$/;
/** Decimal exponents beyond this are not prices (and would print as huge strings). */
const MAX_EXPONENT = 30;

function bounded(d: Dec | null): Dec | null {
  if (d === null || !d.isFinite()) return null;
  return Math.abs(d.e) > MAX_EXPONENT && !d.isZero() ? null : d;
}

const LENIENT_RE = /^\$?\s*([\d.,]+)\s*([kK])?\s*\$?$/;

/** The canonical form of a plain decimal ("007.50" → "7.5"), without building a Decimal. */
function canonicalPlain(plain: string): string {
  const dot = plain.indexOf('.');
  const intPart = (dot < 0 ? plain : plain.slice(0, dot)).replace(/^0+/, '') || '0';
  const fracPart = dot < 0 ? '' : plain.slice(dot + 1).replace(/0+$/, '');
  return fracPart === '' ? intPart : `${intPart}.${fracPart}`;
}

function canonical(plain: string, thousand: boolean): string | null {
  if (plain.length === 0 || plain.length > MAX_NUMBER_CHARS || !PLAIN_RE.test(plain)) return null;
  if (!thousand) return canonicalPlain(plain);
  const d = bounded(tryDec(plain));
  return d === null ? null : decStr(d.mul(1000));
}

/**
 * Reads a run of digits, dots and commas as channels write prices: "70,000" and "70,000.5" (thousands
 * separators), "0,512" and "3,5" (decimal comma), "1.2"; with `thousand` for a "K" suffix ("30K").
 * A run that is none of these but holds commas is a list ("100,105,11"): each part is read on its own.
 * Returns canonical decimal strings; unreadable parts are dropped.
 */
export function readNumberRun(raw: string, thousand = false): string[] {
  const run = raw.replace(/[.,]+$/, '');
  if (run.length === 0 || run.length > MAX_NUMBER_CHARS) return [];
  if (!run.includes(',')) {
    const one = canonical(run, thousand);
    return one === null ? [] : [one];
  }
  if (THOUSANDS_RE.test(run)) {
    const one = canonical(run.replace(/,/g, ''), thousand);
    return one === null ? [] : [one];
  }
  if (DECIMAL_COMMA_RE.test(run)) {
    const one = canonical(run.replace(',', '.'), thousand);
    return one === null ? [] : [one];
  }
  const out: string[] = [];
  for (const part of run.split(',')) {
    const one = canonical(part, thousand);
    if (one !== null) out.push(one);
  }
  return out;
}

/** Lenient price from text: "$70,000", "30K", "1.2k", "0.0015". Null unless it is exactly one number. */
export function parsePriceText(raw: string): string | null {
  if (raw.length > MAX_NUMBER_CHARS + 4) return null;
  const m = LENIENT_RE.exec(raw.trim());
  if (!m || m[1] === undefined) return null;
  const values = readNumberRun(m[1], m[2] !== undefined);
  return values.length === 1 && values[0] !== undefined ? values[0] : null;
}

/**
 * A price from structured input: a finite JSON number or a numeric string (lenient, as
 * `parsePriceText`, plus exponent forms such as "7e4"). Canonical string, or null.
 */
export function priceFromValue(value: unknown): string | null {
  if (typeof value === 'number') {
    const d = Number.isFinite(value) ? bounded(new Dec(value)) : null;
    return d === null ? null : decStr(d);
  }
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (text.length === 0 || text.length > MAX_NUMBER_CHARS + 4) return null;
  if (/e/i.test(text)) {
    const strict = bounded(tryDec(text));
    return strict === null ? null : decStr(strict);
  }
  return parsePriceText(text);
}
