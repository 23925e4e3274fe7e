import type { Direction, MarginMode } from '../../types';
import { directionOfWord, roleOf } from './keywords';
import type { Role } from './keywords';
import { HORIZON_WORDS, isIndex, isTermLabel, nextWord, prevWordRole } from './token-context';
import type { NumToken, Token } from './tokenize';

export type Field = 'none' | 'entry' | 'target' | 'stop' | 'lev';

/** A price read from the text; `range` when joined to the previous price by "-", "~", "to". */
export interface Priced {
  v: string;
  range: boolean;
  line: number;
}

/** Everything the field reader found, before any decision about what the message is. */
export interface Fields {
  entries: Priced[];
  targets: string[];
  stops: string[];
  levNums: string[];
  levTokens: string[];
  /** prices outside any labelled field ("BTCUSDT LONG 70000 TP …") */
  loose: Priced[];
  market: boolean;
  breakout: 'above' | 'below' | 'breakout' | null;
  zoneWord: boolean;
  margin: MarginMode | null;
  pctTargets: number;
  /** first long/short word, first buy/sell word, and whether long/short words disagree */
  strong: Direction | null;
  weak: Direction | null;
  conflict: boolean;
  directionLines: Set<number>;
}

/** A line starting with one of these continues the field above it; any other word starts afresh. */
const KEEPS_FIELD = new Set<Role>([
  'entry',
  'dca',
  'target',
  'targets',
  'take',
  'stop',
  'lev',
  'zone',
  'buy',
  'sell',
  'market',
  'now',
  'above',
  'below',
  'breakout',
  'cross',
  'isolated',
]);
const RANGE_SYMS = new Set(['-', '~', '〜', '∼']);
const LIST_SYMS = new Set([',', '/', '|', ';', '&', '+']);

function emptyFields(): Fields {
  return {
    entries: [],
    targets: [],
    stops: [],
    levNums: [],
    levTokens: [],
    loose: [],
    market: false,
    breakout: null,
    zoneWord: false,
    margin: null,
    pctTargets: 0,
    strong: null,
    weak: null,
    conflict: false,
    directionLines: new Set(),
  };
}

/**
 * A line that starts with a number continues the list above it ("2) 3420", "🎯 3480 (+5%)") only if its
 * words are all signal vocabulary; "2 hours left, be patient" is commentary.
 */
function isListLine(tokens: readonly Token[]): boolean {
  return tokens.every((t, i) => {
    if (t.t !== 'word') return true;
    const role = roleOf(t.w).role;
    return (role !== null && role !== 'reset') || directionOfWord(t.w, nextWord(tokens, i)) !== null;
  });
}

/** Reads labelled fields (entry, targets, stop, leverage) line by line with a small state machine. */
export class FieldReader {
  readonly f: Fields = emptyFields();
  private field: Field = 'none';
  private pendingRange = false;
  private newGroup = false;
  private entryFromBuy = false;
  private horizonLine = false;
  /** the current field already holds a price read on this line */
  private collected = false;

  read(lines: readonly Token[][]): Fields {
    lines.forEach((tokens, li) => this.readLine(tokens, li));
    return this.f;
  }

  private readLine(tokens: readonly Token[], li: number): void {
    const lineHasLev = tokens.some((t) => t.t === 'lev' || (t.t === 'word' && roleOf(t.w).role === 'lev'));
    const firstAt = tokens.findIndex((t) => t.t !== 'sym');
    const first = tokens[firstAt];
    this.horizonLine = first?.t === 'word' && HORIZON_WORDS.has(first.w);
    if (first?.t === 'word' && !isTermLabel(tokens, firstAt)) {
      const role = roleOf(first.w).role;
      if (role === null || !KEEPS_FIELD.has(role)) this.field = 'none';
    } else if (first?.t === 'num' && !isListLine(tokens)) this.field = 'none';
    const lineHasDir =
      !this.horizonLine &&
      tokens.some((t, i) => t.t === 'word' && directionOfWord(t.w, nextWord(tokens, i)) !== null);
    this.pendingRange = false;
    this.newGroup = true;
    this.collected = false;
    tokens.forEach((tok, i) => {
      if (tok.t === 'word') this.onWord(tokens, i, tok.w, li, lineHasLev, lineHasDir);
      else if (tok.t === 'lev') this.f.levTokens.push(tok.v);
      else if (tok.t === 'sym') this.onSym(tokens, i, tok.c);
      else this.onNum(tokens, i, tok, li);
    });
  }

  private direction(w: string, next: string | undefined, li: number): void {
    if (this.horizonLine) return;
    const d = directionOfWord(w, next);
    if (d === null) return;
    this.f.directionLines.add(li);
    if (d.strength === 2) {
      if (this.f.strong !== null && this.f.strong !== d.dir) this.f.conflict = true;
      this.f.strong ??= d.dir;
    } else this.f.weak ??= d.dir;
  }

  private setField(field: Field): void {
    this.field = field;
    this.pendingRange = false;
    this.newGroup = true;
    this.collected = false;
  }

  private onWord(
    tokens: readonly Token[],
    i: number,
    w: string,
    li: number,
    lev: boolean,
    dir: boolean,
  ): void {
    const { role } = roleOf(w);
    const prev = prevWordRole(tokens, i);
    const next = nextWord(tokens, i);
    const entryContext = this.field === 'entry' || prev.dir || prev.role === 'buy' || prev.role === 'sell';
    if (role !== 'sell' || !this.entryFromBuy) this.direction(w, next, li);
    switch (role) {
      case 'entry':
      case 'dca':
        return this.setField('entry');
      case 'target':
        return this.setField('target');
      case 'targets':
        if (this.field === 'stop' && (prev.role === 'stop' || prev.role === 'loss')) return;
        if (this.field === 'entry' && (prev.role === 'entry' || prev.role === 'buy' || prev.role === 'zone'))
          return;
        return this.setField('target');
      case 'take':
        if (next === 'profit' || next === 'profits') this.setField('target');
        return;
      case 'profit':
        if (prev.role === 'take') {
          return this.setField('target');
        }
        return this.setField('none');
      case 'stop':
        return this.setField('stop');
      case 'loss':
        if (prev.role !== 'stop') this.setField('none');
        return;
      case 'lev':
        return this.setField('lev');
      case 'cross':
      case 'isolated':
        if (lev) this.f.margin ??= role === 'cross' ? 'CROSS' : 'ISOLATED';
        return;
      case 'market':
      case 'now':
        if (entryContext || prev.role === 'at' || (role === 'market' && dir)) {
          this.f.market = true;
          if (this.field !== 'entry') this.setField('entry');
        }
        return;
      case 'above':
      case 'below':
      case 'breakout':
        if (entryContext || prev.role === 'entry' || (dir && this.field === 'none')) {
          this.f.breakout ??= role;
          if (this.field !== 'entry') this.setField('entry');
        }
        return;
      case 'zone':
        if (this.field === 'entry' || prev.role === 'entry' || entryContext) {
          this.f.zoneWord = true;
          if (this.field !== 'entry') this.setField('entry');
        }
        return;
      case 'conn':
        if (w === 'to' || w === 'till' || w === 'until' || w === 'до' || this.field === 'entry') {
          this.pendingRange = true;
        }
        return;
      case 'at':
        if (this.field === 'none' && dir) this.setField('entry');
        return;
      case 'buy':
        this.entryFromBuy = true;
        return this.setField('entry');
      case 'sell':
        if (this.entryFromBuy && this.f.entries.length > 0) {
          return this.setField('target');
        }
        return this.setField('entry');
      case 'reset':
        return this.setField('none');
      case 'neutral':
        return;
      default: {
        const after = tokens[i + 1];
        const label = after?.t === 'sym' && after.c === ':';
        // a plain word after the prices of a field is commentary: "TP: 71000 then hold for 2 weeks"
        const commentary = this.collected && directionOfWord(w, next) === null;
        if (label || commentary) this.setField('none');
      }
    }
  }

  private onSym(tokens: readonly Token[], i: number, c: string): void {
    if (c === '🎯') {
      this.setField('target');
    } else if (c === '🛑' || c === '⛔') {
      if (tokens[i + 1]?.t === 'num') {
        this.setField('stop');
      }
    } else if (c === '@') {
      if (this.field === 'none') this.setField('entry');
    } else if (RANGE_SYMS.has(c)) {
      this.pendingRange = true;
    } else if (LIST_SYMS.has(c)) {
      this.pendingRange = false;
    }
  }

  private onNum(tokens: readonly Token[], i: number, tok: NumToken, li: number): void {
    if (tok.pct) {
      if (this.field === 'target') this.f.pctTargets++;
      this.pendingRange = false;
      return;
    }
    const after = tokens[i + 1];
    if (after?.t === 'sym' && RANGE_SYMS.has(after.c) && tokens[i + 2]?.t === 'lev') {
      // "3-5x": a leverage range, read as its lower end
      this.f.levTokens.push(tok.v);
      return;
    }
    if (isIndex(tokens, i, tok)) {
      this.pendingRange = false;
      return;
    }
    const range = this.pendingRange && !this.newGroup;
    this.pendingRange = false;
    this.newGroup = false;
    this.collected = this.field !== 'none';
    switch (this.field) {
      case 'entry':
        this.f.entries.push({ v: tok.v, range: range && this.f.entries.length > 0, line: li });
        return;
      case 'target':
        this.f.targets.push(tok.v);
        return;
      case 'stop':
        this.f.stops.push(tok.v);
        return;
      case 'lev':
        this.f.levNums.push(tok.v);
        return;
      default:
        this.f.loose.push({ v: tok.v, range: range && this.f.loose.length > 0, line: li });
    }
  }
}
