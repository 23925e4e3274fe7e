import { readNumberRun } from '../numbers';

/** A price-like number. `int` is its value when it is a small whole number (a possible list index). */
export interface NumToken {
  t: 'num';
  v: string;
  int: number | null;
  /** followed by "%": a percentage, never a price */
  pct: boolean;
  /** written as a keycap emoji ("1️⃣"): always a list index */
  keycap: boolean;
  /** written with a trailing dot ("1."): a list index when small */
  dot: boolean;
}
/** A leverage like "10x", "x10", "10X". */
export interface LevToken {
  t: 'lev';
  v: string;
}
export interface WordToken {
  t: 'word';
  /** lower-cased */
  w: string;
}
/** Any other character: punctuation or an emoji (one code point, variation selectors dropped). */
export interface SymToken {
  t: 'sym';
  c: string;
}
export type Token = NumToken | LevToken | WordToken | SymToken;

const QUOTE_SUFFIXES = new Set(['usdt', 'usd', 'usdc', 'busd']);
const LEV_SUFFIXES = new Set(['x', 'х']);
const LEV_WORD_RE = /^[xх]\d{1,3}$/;
const MAX_INT_INDEX = 20;
/**
 * One lexeme per match: a number run with the word characters glued to it ("30K", "10x", "4h"), a word,
 * blanks, or any other single code point. Each alternative is a simple greedy run, so one pass over the
 * line is linear in its length.
 */
const LEX_RE = /(\.?\d[\d.,]*)([\p{L}\p{N}_]*)|([\p{L}\p{N}_]+)|[ \t]+|([\s\S])/gu;

function isInvisible(c: number): boolean {
  return c === 0xfe0f || c === 0xfe0e || c === 0x200d || c === 0x20e3 || (c >= 0x1f3fb && c <= 0x1f3ff);
}

function smallInt(v: string): number | null {
  if (!/^\d{1,2}$/.test(v)) return null;
  const n = Number(v);
  return n >= 1 && n <= MAX_INT_INDEX ? n : null;
}

/** Pushes the number(s) of a run; returns how many characters after `end` were consumed (keycap). */
function pushNumbers(out: Token[], run: string, thousand: boolean, line: string, end: number): number {
  const values = readNumberRun(run, thousand);
  let k = end;
  let keycap = false;
  if (line.charCodeAt(k) === 0xfe0f) k++;
  if (line.charCodeAt(k) === 0x20e3) {
    keycap = true;
    k++;
  }
  let p = k;
  while (line.charCodeAt(p) === 32) p++;
  const pct = line.charCodeAt(p) === 37;
  const dot = !thousand && run.endsWith('.');
  values.forEach((v, idx) => {
    if (idx > 0) out.push({ t: 'sym', c: ',' });
    const last = idx === values.length - 1;
    out.push({ t: 'num', v, int: thousand ? null : smallInt(v), pct: last && pct, keycap, dot: last && dot });
  });
  return keycap ? k - end : 0;
}

function wordToken(w: string): Token {
  return LEV_WORD_RE.test(w) ? { t: 'lev', v: w.slice(1) } : { t: 'word', w };
}

/** A number run and its glued suffix: a price, "30K", a leverage "10x", or a word such as "4h". */
function numberLexeme(out: Token[], run: string, rawSuffix: string, line: string, end: number): number {
  const suffix = rawSuffix.toLowerCase();
  if (suffix === '' || QUOTE_SUFFIXES.has(suffix)) return pushNumbers(out, run, false, line, end);
  if (suffix === 'k') return pushNumbers(out, run, true, line, end);
  if (LEV_SUFFIXES.has(suffix)) {
    const values = readNumberRun(run);
    if (values.length === 1 && values[0] !== undefined) out.push({ t: 'lev', v: values[0] });
    return 0;
  }
  if (/[.,]$/.test(run)) {
    // "70000.Stop": the number ends at the dot and a word follows
    pushNumbers(out, run, false, line, end - rawSuffix.length);
    out.push(wordToken(suffix));
    return 0;
  }
  out.push({ t: 'word', w: (run + suffix).toLowerCase() });
  return 0;
}

/** Splits one line into numbers, leverages, words and symbols in a single left-to-right pass. */
export function tokenizeLine(line: string): Token[] {
  const out: Token[] = [];
  const re = LEX_RE;
  re.lastIndex = 0;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) {
    const [, run, suffix, word, other] = m;
    if (run !== undefined) re.lastIndex += numberLexeme(out, run, suffix ?? '', line, re.lastIndex);
    else if (word !== undefined) out.push(wordToken(word.toLowerCase()));
    else if (other !== undefined) {
      const cp = other.codePointAt(0) ?? 0;
      if (!isInvisible(cp)) out.push({ t: 'sym', c: other });
    }
  }
  return out;
}
