import type { Db } from '@verzek/db';

type Write = (trx: Db) => Promise<void>;

interface Pending {
  write: Write;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Batches small writes from many concurrent tasks into few transactions (group commit): each task
 * awaits its own write, but a burst of a thousand positions costs a handful of commits instead of a
 * thousand. If a batch fails, its writes are retried one by one so that one bad write fails alone.
 */
export class GroupCommitter {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly maxBatch = 500,
  ) {}

  write(write: Write): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      this.flushing ??= this.flushLoop();
    });
  }

  private async flushLoop(): Promise<void> {
    // Let the other tasks of this tick enqueue their writes first.
    await new Promise<void>((r) => setImmediate(r));
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          await this.db.transaction().execute(async (trx) => {
            for (const p of batch) await p.write(trx);
          });
          for (const p of batch) p.resolve();
        } catch {
          for (const p of batch) {
            try {
              await this.db.transaction().execute((trx) => p.write(trx));
              p.resolve();
            } catch (err) {
              p.reject(err);
            }
          }
        }
      }
    } finally {
      this.flushing = null;
      if (this.queue.length > 0) this.flushing = this.flushLoop();
    }
  }

  /** Resolves when everything queued so far is written. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }
}
