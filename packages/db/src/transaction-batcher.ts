import { CompiledQuery } from 'kysely';
import type { Db } from './connection';

/** Runs a unit of work in a transaction of its own, or in one shared with others (see below). */
export type TransactionRunner = <T>(work: (trx: Db) => Promise<T>) => Promise<T>;

/** One transaction per unit of work: the plain way. */
export function ownTransaction(db: Db): TransactionRunner {
  return (work) => db.transaction().execute(work);
}

/**
 * How one unit's failure is kept from the others of its batch:
 * - `savepoint`: each unit runs inside a savepoint, rolled back alone if it throws; the batch goes
 *   on. Cheap on SQLite, where rejections inside the work (a refused order) are common.
 * - `retry`: the batch is one transaction; if anything in it fails, every unit is run again in a
 *   transaction of its own, so only the failing one fails. For work that rarely fails, and on
 *   PostgreSQL, where hundreds of savepoints in one transaction overflow each backend's
 *   subtransaction cache and slow every other session down.
 */
export type BatchIsolation = 'savepoint' | 'retry';

// Compiled once: a batch runs thousands of these.
const SAVEPOINT = CompiledQuery.raw('savepoint unit');
const RELEASE = CompiledQuery.raw('release savepoint unit');
const ROLLBACK_TO = CompiledQuery.raw('rollback to savepoint unit');

interface Pending {
  work: (trx: Db) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; err: unknown };

/**
 * Group commit: units of work queued in the same tick by many concurrent tasks share a few
 * transactions instead of one each. Each caller still awaits its own unit, and learns its result
 * only once the transaction holding it has committed — so nothing a caller is told can be lost.
 * If the commit itself fails, every unit of that batch fails with its error (none was written).
 */
export class TransactionBatcher {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private readonly maxBatch: number;
  private readonly isolation: BatchIsolation;

  constructor(
    private readonly db: Db,
    options: { isolation: BatchIsolation; maxBatch?: number },
  ) {
    this.isolation = options.isolation;
    this.maxBatch = options.maxBatch ?? 500;
  }

  /** Queues `work`; resolves with its result once its batch has committed. */
  run<T>(work: (trx: Db) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.flushing ??= this.flushLoop();
    });
  }

  /** This batcher as a {@link TransactionRunner}. */
  readonly runner: TransactionRunner = (work) => this.run(work);

  /** Resolves when everything queued so far is committed (or failed). */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flushLoop(): Promise<void> {
    // Let the other tasks of this tick queue their work first.
    await new Promise<void>((r) => setImmediate(r));
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        if (this.isolation === 'savepoint') await this.withSavepoints(batch);
        else await this.withRetry(batch);
      }
    } finally {
      this.flushing = null;
      if (this.queue.length > 0) this.flushing = this.flushLoop();
    }
  }

  private async withSavepoints(batch: Pending[]): Promise<void> {
    const outcomes: Outcome[] = [];
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const p of batch) {
          await trx.executeQuery(SAVEPOINT);
          try {
            const value = await p.work(trx);
            await trx.executeQuery(RELEASE);
            outcomes.push({ ok: true, value });
          } catch (err) {
            await trx.executeQuery(ROLLBACK_TO);
            await trx.executeQuery(RELEASE);
            outcomes.push({ ok: false, err });
          }
        }
      });
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    batch.forEach((p, i) => {
      const o = outcomes[i]!;
      if (o.ok) p.resolve(o.value);
      else p.reject(o.err);
    });
  }

  private async withRetry(batch: Pending[]): Promise<void> {
    let values: unknown[];
    try {
      values = await this.db.transaction().execute(async (trx) => {
        const out: unknown[] = [];
        for (const p of batch) out.push(await p.work(trx));
        return out;
      });
    } catch {
      for (const p of batch) {
        try {
          p.resolve(await this.db.transaction().execute((trx) => p.work(trx)));
        } catch (err) {
          p.reject(err);
        }
      }
      return;
    }
    batch.forEach((p, i) => p.resolve(values[i]));
  }
}
