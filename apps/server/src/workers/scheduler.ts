import { claimJobRun, finishJobRun, pruneJobRuns, type Db } from '@verzek/db';
import type { Clock, Logger } from '@verzek/platform';
import { duePeriod, type Schedule } from './schedule';
import { localOwner } from '../local-owner';

export interface ScheduledJob {
  name: string;
  schedule: Schedule;
  /** Must be idempotent for its period: a run whose process died may be re-run by another worker. */
  run(context: { now: number; period: string; signal: AbortSignal }): Promise<void>;
}

export interface SchedulerOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** How often due jobs are looked for. */
  tickMs?: number;
  /** A claim not finished after this long is considered dead and may be taken over. */
  staleClaimMs?: number;
  owner?: string;
}

/**
 * Runs periodic jobs so that each period of each job runs once across every worker sharing the
 * database (a row in job_runs is the claim). Within a process a job never overlaps itself.
 */
export class Scheduler {
  readonly owner: string;
  private readonly jobs = new Map<string, ScheduledJob>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private lastPrune = 0;

  constructor(private readonly options: SchedulerOptions) {
    this.owner = options.owner ?? localOwner();
  }

  add(job: ScheduledJob): this {
    if (this.jobs.has(job.name)) throw new Error(`job ${job.name} added twice`);
    duePeriod(job.schedule, 0); // validates the schedule now rather than at the first tick
    this.jobs.set(job.name, job);
    return this;
  }

  start(): void {
    if (this.timer) return;
    const every = this.options.tickMs ?? 1000;
    this.timer = setInterval(() => {
      this.ticking ??= this.tick().finally(() => (this.ticking = null));
    }, every);
  }

  /** One pass: claim and start every due job that isn't already running here. */
  async tick(): Promise<void> {
    const { db, clock, logger } = this.options;
    const now = clock.now();
    const staleBefore = now - (this.options.staleClaimMs ?? 10 * 60_000);
    for (const job of this.jobs.values()) {
      if (this.running.has(job.name) || this.abort.signal.aborted) continue;
      const period = duePeriod(job.schedule, now);
      let claimed = false;
      try {
        claimed = await claimJobRun(db, { job: job.name, period, owner: this.owner, now, staleBefore });
      } catch (err) {
        logger.error({ err, job: job.name }, 'scheduler: claim failed');
      }
      if (!claimed) continue;
      const run = this.execute(job, period, now).finally(() => this.running.delete(job.name));
      this.running.set(job.name, run);
    }
    if (now - this.lastPrune > 3_600_000) {
      this.lastPrune = now;
      await pruneJobRuns(db, now - 7 * 86_400_000).catch((err: unknown) =>
        logger.warn({ err }, 'scheduler: prune failed'),
      );
    }
  }

  private async execute(job: ScheduledJob, period: string, now: number): Promise<void> {
    const { db, clock, logger } = this.options;
    const started = clock.now();
    let error: string | null = null;
    try {
      await job.run({ now, period, signal: this.abort.signal });
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      logger.error({ err, job: job.name, period }, 'scheduled job failed');
    }
    await finishJobRun(db, { job: job.name, period, owner: this.owner, now: clock.now(), error }).catch(
      (err: unknown) => logger.error({ err, job: job.name }, 'scheduler: could not record the run'),
    );
    logger.debug(
      { job: job.name, period, owner: this.owner, ms: clock.now() - started, ok: error === null },
      'scheduled job ran',
    );
  }

  /** Running jobs now; resolves when the current tick and running jobs are done. */
  async runningJobs(): Promise<void> {
    await this.ticking;
    await Promise.all(this.running.values());
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.abort.abort();
    await this.runningJobs();
  }
}
