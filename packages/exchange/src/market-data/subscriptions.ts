import { normalizeSymbol } from './symbols';

/**
 * Reference counts of subscribed symbols, so that many watchers of one symbol share a single
 * upstream subscription.
 */
export class SubscriptionCounter {
  private readonly counts = new Map<string, number>();

  /** Adds one reference per symbol; returns the symbols that went from 0 to 1 (deduplicated). */
  add(symbols: readonly string[]): string[] {
    const normalized = symbols.map(normalizeSymbol); // validate all before changing anything
    const added: string[] = [];
    for (const s of normalized) {
      const n = this.counts.get(s) ?? 0;
      this.counts.set(s, n + 1);
      if (n === 0) added.push(s);
    }
    return added;
  }

  /** Drops one reference per symbol; returns the symbols that reached 0. Unknown symbols are ignored. */
  remove(symbols: readonly string[]): string[] {
    const removed: string[] = [];
    for (const raw of symbols) {
      let s: string;
      try {
        s = normalizeSymbol(raw);
      } catch {
        continue; // never subscribed, so nothing to drop
      }
      const n = this.counts.get(s);
      if (n === undefined) continue;
      if (n <= 1) {
        this.counts.delete(s);
        removed.push(s);
      } else {
        this.counts.set(s, n - 1);
      }
    }
    return removed;
  }

  /** Whether the symbol (already normalized) has at least one reference. */
  has(symbol: string): boolean {
    return this.counts.has(symbol);
  }

  /** References held on a symbol (already normalized). */
  count(symbol: string): number {
    return this.counts.get(symbol) ?? 0;
  }

  /** Number of distinct subscribed symbols. */
  get size(): number {
    return this.counts.size;
  }

  /** The subscribed symbols, in first-subscription order. */
  symbols(): string[] {
    return [...this.counts.keys()];
  }
}
