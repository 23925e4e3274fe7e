/** Keys per chunk before a chunk is split in two. */
const MAX_CHUNK = 256;

/**
 * A sorted set of distinct strings stored as a list of sorted chunks (the layout of Python's
 * `sortedcontainers`): insert and delete cost O(log n + chunk size + number of chunks / chunk size
 * moves), and taking k keys off the tail costs O(log n + k).
 *
 * `order` says which way the keys are sorted. The *tail* (the end of the list) is where
 * {@link takeTail} removes from, so a caller stores keys so that the ones to be taken first are at
 * the tail: `desc` keeps the smallest keys at the tail, `asc` the largest.
 */
export class SortedKeys {
  /** Non-empty sorted arrays; every key of chunk i sorts before every key of chunk i + 1. */
  private readonly chunks: string[][] = [];
  /** The first key of each chunk, for the binary search over chunks. */
  private readonly heads: string[] = [];
  private count = 0;

  constructor(readonly order: 'asc' | 'desc') {}

  get size(): number {
    return this.count;
  }

  /** Inserts a key; false when it was already there. */
  insert(key: string): boolean {
    if (this.chunks.length === 0) {
      this.chunks.push([key]);
      this.heads.push(key);
      this.count = 1;
      return true;
    }
    const c = this.chunkFor(key);
    const chunk = this.chunks[c] as string[];
    const i = this.lowerBound(chunk, key);
    if (i < chunk.length && chunk[i] === key) return false;
    chunk.splice(i, 0, key);
    this.heads[c] = chunk[0] as string;
    this.count += 1;
    if (chunk.length > MAX_CHUNK) {
      const upper = chunk.splice(chunk.length >> 1);
      this.chunks.splice(c + 1, 0, upper);
      this.heads.splice(c + 1, 0, upper[0] as string);
    }
    return true;
  }

  /** Deletes a key; false when it was not there. */
  delete(key: string): boolean {
    if (this.chunks.length === 0) return false;
    const c = this.chunkFor(key);
    const chunk = this.chunks[c] as string[];
    const i = this.lowerBound(chunk, key);
    if (i >= chunk.length || chunk[i] !== key) return false;
    chunk.splice(i, 1);
    this.count -= 1;
    if (chunk.length === 0) {
      this.chunks.splice(c, 1);
      this.heads.splice(c, 1);
    } else {
      this.heads[c] = chunk[0] as string;
    }
    return true;
  }

  /**
   * Removes keys from the tail while `take(key)` holds and returns them, tail first. `take` must be
   * monotone along the list (false …, true … true at the tail), which holds for any threshold test
   * in the list's own order.
   */
  takeTail(take: (key: string) => boolean): string[] {
    const out: string[] = [];
    while (this.chunks.length > 0) {
      const last = this.chunks[this.chunks.length - 1] as string[];
      if (take(last[0] as string)) {
        for (let i = last.length - 1; i >= 0; i -= 1) out.push(last[i] as string);
        this.chunks.pop();
        this.heads.pop();
        this.count -= last.length;
        continue;
      }
      // first index from which `take` holds (index 0 is known not to)
      let lo = 1;
      let hi = last.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (take(last[mid] as string)) hi = mid;
        else lo = mid + 1;
      }
      for (let i = last.length - 1; i >= lo; i -= 1) out.push(last[i] as string);
      this.count -= last.length - lo;
      last.length = lo;
      break;
    }
    return out;
  }

  /** The key at the tail (the next one {@link takeTail} would consider), or undefined when empty. */
  tail(): string | undefined {
    const last = this.chunks[this.chunks.length - 1];
    return last === undefined ? undefined : last[last.length - 1];
  }

  /** Every key in list order (head to tail); O(n), for tests and diagnostics. */
  toArray(): string[] {
    return this.chunks.flat();
  }

  private before(a: string, b: string): boolean {
    return this.order === 'asc' ? a < b : a > b;
  }

  /** The chunk a key belongs in: the last one whose head does not sort after the key (or the first). */
  private chunkFor(key: string): number {
    let lo = 0;
    let hi = this.heads.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.before(key, this.heads[mid] as string)) hi = mid;
      else lo = mid + 1;
    }
    return lo === 0 ? 0 : lo - 1;
  }

  /** First index in `chunk` whose key does not sort before `key`. */
  private lowerBound(chunk: readonly string[], key: string): number {
    let lo = 0;
    let hi = chunk.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.before(chunk[mid] as string, key)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
