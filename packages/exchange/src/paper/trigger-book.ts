import type { OrderKind, OrderSide } from '@verzek/core';
import { levelKey } from './level-key';
import { SortedKeys } from './sorted-keys';

/**
 * Which way the price must move for a resting order to fire:
 * `rise` — when the price rises to or above the level (sell limits, buy stops);
 * `fall` — when the price falls to or below the level (buy limits, sell stops).
 */
export type TriggerDirection = 'rise' | 'fall';

/** What the book needs of a resting order; callers extend it with their own fields. */
export interface TriggerEntry {
  /** Unique across the whole book (every symbol). */
  readonly id: string;
  readonly symbol: string;
  readonly direction: TriggerDirection;
  /** The price at which the order fires: a positive decimal string. */
  readonly level: string;
}

/** The direction a resting order of this kind and side fires in (MARKET orders never rest). */
export function triggerDirection(kind: OrderKind, side: OrderSide): TriggerDirection {
  if (kind === 'LIMIT') return side === 'BUY' ? 'fall' : 'rise';
  if (kind === 'STOP_MARKET') return side === 'BUY' ? 'rise' : 'fall';
  throw new RangeError(`${kind} orders do not rest in a trigger book`);
}

interface Side<E> {
  /** Distinct level keys, stored so that the levels that fire first sit at the tail. */
  readonly levels: SortedKeys;
  /** Level key → the entries at that level, in insertion order. */
  readonly buckets: Map<string, Map<string, E>>;
}

interface SymbolBook<E> {
  readonly rise: Side<E>;
  readonly fall: Side<E>;
  size: number;
}

function newSide<E>(order: 'asc' | 'desc'): Side<E> {
  return { levels: new SortedKeys(order), buckets: new Map() };
}

/**
 * Resting orders per symbol, indexed by the price level at which they fire. Pure and synchronous.
 *
 * Each symbol has two sides, each a sorted set of distinct levels (see {@link SortedKeys}) with a
 * bucket of orders per level. A tick takes the levels it crosses off the tail of each side, so it
 * costs O(log n + k) for k orders hit, whatever the number n of orders resting elsewhere. Levels are
 * compared exactly (decimal keys, see {@link levelKey}), never as floats.
 *
 * Order of {@link hit}'s result: `rise` orders lowest level first, then `fall` orders highest level
 * first; orders at the same level in the order they were added.
 */
export class TriggerBook<E extends TriggerEntry = TriggerEntry> {
  private readonly books = new Map<string, SymbolBook<E>>();
  private readonly index = new Map<string, { entry: E; key: string }>();

  /**
   * Adds a resting order.
   * @throws Error when an order with the same id is already in the book; RangeError for a bad level.
   */
  add(entry: E): void {
    if (this.index.has(entry.id)) throw new Error(`order ${entry.id} is already in the trigger book`);
    const key = levelKey(entry.level);
    let book = this.books.get(entry.symbol);
    if (!book) {
      book = { rise: newSide('desc'), fall: newSide('asc'), size: 0 };
      this.books.set(entry.symbol, book);
    }
    const side = entry.direction === 'rise' ? book.rise : book.fall;
    let bucket = side.buckets.get(key);
    if (!bucket) {
      bucket = new Map();
      side.buckets.set(key, bucket);
      side.levels.insert(key);
    }
    bucket.set(entry.id, entry);
    book.size += 1;
    this.index.set(entry.id, { entry, key });
  }

  /** Removes an order by id; returns it, or undefined when it was not in the book. */
  remove(id: string): E | undefined {
    const found = this.index.get(id);
    if (!found) return undefined;
    this.index.delete(id);
    const { entry, key } = found;
    const book = this.books.get(entry.symbol) as SymbolBook<E>;
    const side = entry.direction === 'rise' ? book.rise : book.fall;
    const bucket = side.buckets.get(key) as Map<string, E>;
    bucket.delete(id);
    if (bucket.size === 0) {
      side.buckets.delete(key);
      side.levels.delete(key);
    }
    book.size -= 1;
    if (book.size === 0) this.books.delete(entry.symbol);
    return entry;
  }

  get(id: string): E | undefined {
    return this.index.get(id)?.entry;
  }

  has(id: string): boolean {
    return this.index.has(id);
  }

  /**
   * The orders of `symbol` that a price of `price` fires — `rise` orders with level ≤ price and
   * `fall` orders with level ≥ price — removed from the book.
   */
  hit(symbol: string, price: string): E[] {
    const book = this.books.get(symbol);
    if (!book) return [];
    const p = levelKey(price);
    // most ticks cross nothing: peek at each side's nearest level before doing any work
    const rise = book.rise.levels.tail();
    const fall = book.fall.levels.tail();
    const riseHit = rise !== undefined && rise <= p;
    const fallHit = fall !== undefined && fall >= p;
    if (!riseHit && !fallHit) return [];
    const out: E[] = [];
    if (riseHit)
      this.drain(
        book.rise,
        book.rise.levels.takeTail((k) => k <= p),
        out,
      );
    if (fallHit)
      this.drain(
        book.fall,
        book.fall.levels.takeTail((k) => k >= p),
        out,
      );
    book.size -= out.length;
    if (book.size === 0) this.books.delete(symbol);
    return out;
  }

  /** Number of resting orders, over every symbol. */
  size(): number {
    return this.index.size;
  }

  /** Number of resting orders of one symbol. */
  sizeOf(symbol: string): number {
    return this.books.get(symbol)?.size ?? 0;
  }

  /** Symbols with at least one resting order. */
  symbols(): string[] {
    return [...this.books.keys()];
  }

  /** Empties the book. */
  clear(): void {
    this.books.clear();
    this.index.clear();
  }

  private drain(side: Side<E>, keys: readonly string[], out: E[]): void {
    for (const key of keys) {
      const bucket = side.buckets.get(key) as Map<string, E>;
      side.buckets.delete(key);
      for (const entry of bucket.values()) {
        this.index.delete(entry.id);
        out.push(entry);
      }
    }
  }
}
