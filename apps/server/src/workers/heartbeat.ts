import { activeWorkers, beat, removeHeartbeat, SCHEMA_VERSION, type WorkerBeat } from '@verzek/db';
import type { AppContext } from '../context';
import { isDeadLocalOwner, localOwner } from '../local-owner';

/** Workers refresh their heartbeat this often. */
export const HEARTBEAT_MS = 10_000;

/** A worker not seen for this long is gone (three missed heartbeats; a crashed one leaves its row). */
export const WORKER_STALE_MS = 3 * HEARTBEAT_MS;

/**
 * This worker process's row in `worker_heartbeats`: who it is, its role, and the schema version its
 * code was built for. /health, the metrics and the safety status count the live workers through it;
 * workers of two versions find each other through it ({@link waitForOlderWorkers}).
 */
export class Heartbeat {
  readonly owner = localOwner();
  private readonly startedAt: number;
  private timer: NodeJS.Timeout | null = null;
  private newerSeen = false;

  constructor(private readonly ctx: AppContext) {
    this.startedAt = ctx.clock.now();
  }

  /** Writes the first beat (so other workers see this one from now on), then beats every 10 s. */
  async start(): Promise<void> {
    await this.beat();
    this.timer ??= setInterval(() => void this.tick(), HEARTBEAT_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await removeHeartbeat(this.ctx.db, this.owner).catch(() => undefined);
  }

  private beat(): Promise<void> {
    return beat(this.ctx.db, {
      owner: this.owner,
      role: this.ctx.role,
      startedAt: this.startedAt,
      now: this.ctx.clock.now(),
      schemaVersion: SCHEMA_VERSION,
    });
  }

  private async tick(): Promise<void> {
    try {
      await this.beat();
      // A newer worker waits for this one to stop: say so once, where the operator looks.
      const newer = (await activeWorkers(this.ctx.db, this.ctx.clock.now() - WORKER_STALE_MS)).filter(
        (b) => b.owner !== this.owner && (b.schema_version ?? 0) > SCHEMA_VERSION,
      );
      if (newer.length > 0 && !this.newerSeen)
        this.ctx.logger.warn(
          { newer: newer.map((b) => b.owner), schemaVersion: SCHEMA_VERSION },
          'a newer version of the workers is waiting for this one to stop: stop this process to finish the upgrade',
        );
      this.newerSeen = newer.length > 0;
    } catch (err) {
      this.ctx.logger.warn({ err }, 'worker heartbeat failed');
    }
  }
}

/**
 * Live workers, other than `owner`, whose code is older than `schemaVersion` (or predates versions).
 * A worker of this machine whose process is gone (crashed: its row is left behind) is not live.
 */
export function olderWorkers(
  beats: readonly WorkerBeat[],
  owner: string,
  now: number,
  schemaVersion = SCHEMA_VERSION,
): WorkerBeat[] {
  return beats.filter(
    (b) =>
      b.owner !== owner &&
      b.last_seen >= now - WORKER_STALE_MS &&
      (b.schema_version === null || b.schema_version < schemaVersion) &&
      !isDeadLocalOwner(b.owner),
  );
}

/**
 * Holds a starting worker back while workers of an older version are live. Rules the engines share
 * change between versions (from `0012-position-claims` on, a position's first claim places its orders
 * without a look-up; an older engine claims without counting), so a mixed cluster could send an
 * order twice. An upgrade is therefore: stop the old workers, start the new ones — and a new worker
 * started early waits here instead of trading next to them, for as long as they run. A crashed old
 * worker stops counting once its heartbeat is stale (30 s), or at once on the same machine.
 */
export async function waitForOlderWorkers(ctx: AppContext, owner: string, pollMs = 2_000): Promise<void> {
  let reported = '';
  for (;;) {
    const now = ctx.clock.now();
    const older = olderWorkers(await activeWorkers(ctx.db, now - WORKER_STALE_MS), owner, now);
    if (older.length === 0) {
      if (reported) ctx.logger.info('the older workers stopped; starting');
      return;
    }
    const list = older.map((b) => `${b.owner} (${b.schema_version ?? 'before 13'})`).join(', ');
    if (list !== reported) {
      ctx.logger.warn(
        { older: list, schemaVersion: SCHEMA_VERSION },
        'workers of an older version are running: this worker trades once they stop (stop them to finish the upgrade)',
      );
      reported = list;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
