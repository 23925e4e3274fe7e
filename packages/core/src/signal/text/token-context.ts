import { dec } from '../../money/decimal';
import { directionOfWord, roleOf } from './keywords';
import type { Role } from './keywords';
import type { NumToken, Token } from './tokenize';

/** What the tokens around a position say about it: list indexes, neighbouring words, sub-labels. */

const INDEX_SEPARATORS = new Set([')', ':', '=', '→', '➡', '➜', '>', '»', '⇒', '▶', '➤', '-']);

function roleAt(tokens: readonly Token[], i: number): Role | null {
  const t = tokens[i];
  return t?.t === 'word' ? roleOf(t.w).role : null;
}

function nextNum(tokens: readonly Token[], i: number): NumToken | null {
  for (let k = i + 1; k < tokens.length && k <= i + 3; k++) {
    const t = tokens[k];
    if (t?.t === 'num') return t;
    if (t?.t === 'word') return null;
  }
  return null;
}

/** "1)" "1." "1:" "Target 1 - 70500" "1️⃣": a list index, not a price. */
export function isIndex(tokens: readonly Token[], i: number, tok: NumToken): boolean {
  if (tok.int === null || tok.pct) return false;
  if (tok.keycap) return true;
  const prev = tokens[i - 1];
  const prevRole = roleAt(tokens, i - 1);
  const prevOk =
    prev === undefined ||
    (prev.t === 'sym' && prev.c !== '(' && prev.c !== '$' && (prev.c !== '-' || i === 1)) ||
    prevRole === 'target' ||
    prevRole === 'targets' ||
    prevRole === 'entry' ||
    prevRole === 'dca' ||
    prevRole === 'stop' ||
    prevRole === 'profit';
  const following = nextNum(tokens, i);
  if (following === null) return false;
  const next = tokens[i + 1];
  // "1) 3480 2) 3420": a number before ")" is an index unless it is itself in parentheses
  if (next?.t === 'sym' && next.c === ')') return prev?.t !== 'sym' || prev.c !== '(';
  if (!prevOk) return false;
  if (tok.dot) return true;
  const far = (): boolean => {
    const ratio = dec(following.v).div(tok.int ?? 1);
    return ratio.gt(2) || ratio.lt(0.5);
  };
  if (next?.t === 'sym' && INDEX_SEPARATORS.has(next.c)) return next.c === '-' ? far() : true;
  return next?.t === 'num' && prev?.t === 'word' && far();
}

/** The word after token i, looking past one "-" ("long-term"). */
export function nextWord(tokens: readonly Token[], i: number): string | undefined {
  const t = tokens[i + 1];
  if (t?.t === 'sym' && t.c === '-') {
    const u = tokens[i + 2];
    return u?.t === 'word' ? u.w : undefined;
  }
  return t?.t === 'word' ? t.w : undefined;
}

/** Lines that state a duration or horizon ("Duration: SHORT") do not give the trade direction. */
export const HORIZON_WORDS = new Set([
  'duration',
  'term',
  'horizon',
  'timeframe',
  'tf',
  'hold',
  'holding',
  'period',
]);

/** "Short Term: …", "Mid Term: …": a sub-label inside a list of targets, not a direction. */
export function isTermLabel(tokens: readonly Token[], i: number): boolean {
  const t = tokens[i];
  if (t?.t !== 'word') return false;
  return (
    (t.w === 'short' || t.w === 'long' || t.w === 'mid' || t.w === 'medium') && nextWord(tokens, i) === 'term'
  );
}

/** The word just before token i, looking back past symbols only (a number in between breaks the link). */
export function prevWordRole(
  tokens: readonly Token[],
  i: number,
): { role: Role | null; dir: boolean; w: string } {
  for (let k = i - 1; k >= 0 && k >= i - 3; k--) {
    const t = tokens[k];
    if (t?.t === 'word')
      return { role: roleOf(t.w).role, dir: directionOfWord(t.w, undefined) !== null, w: t.w };
    if (t?.t !== 'sym') break;
  }
  return { role: null, dir: false, w: '' };
}
