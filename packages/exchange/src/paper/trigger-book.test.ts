import { dec } from '@verzek/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { levelKey } from './level-key';
import { SortedKeys } from './sorted-keys';
import { TriggerBook, triggerDirection, type TriggerDirection, type TriggerEntry } from './trigger-book';

/** The obvious implementation: a list in insertion order, scanned on every tick. */
class NaiveBook {
  private entries: TriggerEntry[] = [];

  add(e: TriggerEntry): void {
    if (this.entries.some((x) => x.id === e.id)) throw new Error('duplicate');
    this.entries.push(e);
  }

  remove(id: string): TriggerEntry | undefined {
    const i = this.entries.findIndex((x) => x.id === id);
    if (i < 0) return undefined;
    const [e] = this.entries.splice(i, 1);
    return e;
  }

  hit(symbol: string, price: string): TriggerEntry[] {
    const p = dec(price);
    const fires = (e: TriggerEntry): boolean =>
      e.symbol === symbol && (e.direction === 'rise' ? dec(e.level).lte(p) : dec(e.level).gte(p));
    const seq = new Map(this.entries.map((e, i) => [e.id, i] as const));
    const hits = this.entries.filter(fires);
    this.entries = this.entries.filter((e) => !fires(e));
    const bySeq = (a: TriggerEntry, b: TriggerEntry): number => (seq.get(a.id) ?? 0) - (seq.get(b.id) ?? 0);
    const rise = hits
      .filter((e) => e.direction === 'rise')
      .sort((a, b) => dec(a.level).cmp(dec(b.level)) || bySeq(a, b));
    const fall = hits
      .filter((e) => e.direction === 'fall')
      .sort((a, b) => dec(b.level).cmp(dec(a.level)) || bySeq(a, b));
    return [...rise, ...fall];
  }

  size(): number {
    return this.entries.length;
  }
}

type Op =
  | { op: 'add'; id: string; symbol: string; direction: TriggerDirection; level: string }
  | { op: 'remove'; id: string }
  | { op: 'hit'; symbol: string; price: string };

// Several spellings of equal prices, neighbours one tick apart, and very different magnitudes.
const prices = [
  '100',
  '100.0',
  '100.00',
  '99.9',
  '100.1',
  '99.95',
  '0.001',
  '0.0010',
  '1e2',
  '101',
  '5',
  '250.5',
];
const symbols = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'];

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('add' as const),
      id: fc.integer({ min: 0, max: 40 }).map(String),
      symbol: fc.constantFrom(...symbols),
      direction: fc.constantFrom<TriggerDirection>('rise', 'fall'),
      level: fc.oneof(
        fc.constantFrom(...prices),
        fc.integer({ min: 1, max: 20_000 }).map((n) => (n / 100).toFixed(2)),
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('remove' as const),
      id: fc.integer({ min: 0, max: 40 }).map(String),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('hit' as const),
      symbol: fc.constantFrom(...symbols),
      price: fc.oneof(
        fc.constantFrom(...prices),
        fc.integer({ min: 1, max: 20_000 }).map((n) => String(n / 100)),
      ),
    }),
  },
);

function replay(ops: readonly Op[]): void {
  const book = new TriggerBook();
  const naive = new NaiveBook();
  const ids = (xs: readonly TriggerEntry[]): string[] => xs.map((e) => e.id);
  for (const o of ops) {
    if (o.op === 'add') {
      const entry = { id: o.id, symbol: o.symbol, direction: o.direction, level: o.level };
      const a = (() => {
        try {
          book.add(entry);
          return 'ok';
        } catch {
          return 'dup';
        }
      })();
      const b = (() => {
        try {
          naive.add(entry);
          return 'ok';
        } catch {
          return 'dup';
        }
      })();
      expect(a).toBe(b);
    } else if (o.op === 'remove') {
      expect(book.remove(o.id)?.id).toBe(naive.remove(o.id)?.id);
    } else {
      expect(ids(book.hit(o.symbol, o.price))).toEqual(ids(naive.hit(o.symbol, o.price)));
    }
    expect(book.size()).toBe(naive.size());
  }
}

describe('TriggerBook', () => {
  it('fires sell limits and buy stops on the way up, buy limits and sell stops on the way down', () => {
    expect(triggerDirection('LIMIT', 'SELL')).toBe('rise');
    expect(triggerDirection('STOP_MARKET', 'BUY')).toBe('rise');
    expect(triggerDirection('LIMIT', 'BUY')).toBe('fall');
    expect(triggerDirection('STOP_MARKET', 'SELL')).toBe('fall');
    expect(() => triggerDirection('MARKET', 'BUY')).toThrow(RangeError);

    const book = new TriggerBook();
    book.add({ id: 'tp1', symbol: 'BTCUSDT', direction: 'rise', level: '51000' });
    book.add({ id: 'tp2', symbol: 'BTCUSDT', direction: 'rise', level: '52000' });
    book.add({ id: 'sl', symbol: 'BTCUSDT', direction: 'fall', level: '49000' });
    book.add({ id: 'eth', symbol: 'ETHUSDT', direction: 'rise', level: '10' });
    expect(book.hit('BTCUSDT', '50999.9')).toEqual([]);
    expect(book.hit('BTCUSDT', '51000.0').map((e) => e.id)).toEqual(['tp1']);
    expect(book.hit('BTCUSDT', '53000').map((e) => e.id)).toEqual(['tp2']);
    expect(book.sizeOf('BTCUSDT')).toBe(1);
    expect(book.hit('BTCUSDT', '49000').map((e) => e.id)).toEqual(['sl']);
    expect(book.symbols()).toEqual(['ETHUSDT']);
    expect(book.size()).toBe(1);
    expect(() => book.add({ id: 'eth', symbol: 'ETHUSDT', direction: 'rise', level: '11' })).toThrow();
    expect(() => book.add({ id: 'x', symbol: 'ETHUSDT', direction: 'rise', level: '0' })).toThrow(RangeError);
  });

  it('keys levels exactly and in decimal order', () => {
    expect(levelKey('95000.10')).toBe(levelKey('95000.1'));
    expect(levelKey('1e2')).toBe(levelKey('100'));
    const sorted = ['0.00000001', '0.5', '0.55', '1', '9.99', '10', '100', '100.5', '1000'];
    const keys = sorted.map(levelKey);
    expect([...keys].sort()).toEqual(keys);
    expect(() => levelKey('-1')).toThrow(RangeError);
    expect(() => levelKey('abc')).toThrow(RangeError);
  });

  it('fires the same orders as a naive scan for any sequence of adds, removes and ticks', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 200 }), (ops) => replay(ops)),
      { numRuns: 300 },
    );
  });

  it('stays exact across chunk splits with thousands of distinct levels', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 600, maxLength: 1500 }),
        fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 5, maxLength: 20 }),
        (levels, ticks) => {
          const ops: Op[] = levels.map((n, i) => ({
            op: 'add',
            id: String(i),
            symbol: 'BTCUSDT',
            direction: n % 2 === 0 ? 'rise' : 'fall',
            level: String(n / 1000),
          }));
          for (let i = 0; i < levels.length; i += 7) ops.push({ op: 'remove', id: String(i) });
          for (const t of ticks) ops.push({ op: 'hit', symbol: 'BTCUSDT', price: String(t / 1000) });
          replay(ops);
        },
      ),
      { numRuns: 8 },
    );
  });
});

describe('SortedKeys', () => {
  it('keeps its order through inserts, deletes and tail takes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 1200 }),
        fc.constantFrom<'asc' | 'desc'>('asc', 'desc'),
        fc.integer({ min: 0, max: 5000 }),
        (xs, order, cut) => {
          const keys = new SortedKeys(order);
          const pad = (n: number): string => String(n).padStart(5, '0');
          const model = new Set<string>();
          for (const x of xs) {
            const k = pad(x);
            expect(keys.insert(k)).toBe(!model.has(k));
            model.add(k);
            if (x % 3 === 0) {
              expect(keys.delete(k)).toBe(true);
              model.delete(k);
            }
          }
          const expected = [...model].sort();
          if (order === 'desc') expected.reverse();
          expect(keys.toArray()).toEqual(expected);
          expect(keys.size).toBe(model.size);
          const c = pad(cut);
          const take = order === 'asc' ? (k: string) => k >= c : (k: string) => k <= c;
          const taken = keys.takeTail(take);
          expect(taken).toEqual(expected.filter(take).reverse());
          expect(keys.toArray()).toEqual(expected.filter((k) => !take(k)));
        },
      ),
      { numRuns: 100 },
    );
  });
});
