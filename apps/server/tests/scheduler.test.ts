import { createLogger, ManualClock } from '@verzek/platform';
import { describeDb } from '@verzek/test-support';
import { expect, it } from 'vitest';
import { Scheduler } from '../src/workers/scheduler';

const logger = createLogger({ level: 'silent' });

describeDb('scheduler', (t) => {
  it('runs each period once across several workers', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 22, 12, 0, 0));
    const runs: string[] = [];
    const workers = [1, 2, 3].map((i) =>
      new Scheduler({ db: t.db, clock, logger, owner: `w${i}` }).add({
        name: 'count',
        schedule: { everyMs: 60_000 },
        run: ({ period }) => {
          runs.push(`${i}:${period}`);
          return Promise.resolve();
        },
      }),
    );
    for (let minute = 0; minute < 5; minute++) {
      // Every worker ticks several times within the minute.
      for (let k = 0; k < 3; k++) {
        await Promise.all(workers.map((w) => w.tick()));
        await Promise.all(workers.map((w) => w.runningJobs()));
        clock.advance(10_000);
      }
      clock.advance(30_000);
    }
    const periods = runs.map((r) => r.split(':').slice(1).join(':'));
    expect(periods).toHaveLength(5);
    expect(new Set(periods).size).toBe(5);
    await Promise.all(workers.map((w) => w.stop()));
  });

  it('records failures and lets another worker take over a run whose worker died', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 22, 23, 59, 30));
    let attempts = 0;
    const dies = new Scheduler({ db: t.db, clock, logger, owner: 'dies', staleClaimMs: 60_000 });
    // A worker that claims the daily report and never finishes (its process is gone).
    dies.add({ name: 'report', schedule: { dailyAtUtc: '23:59' }, run: () => new Promise(() => undefined) });
    await dies.tick();

    const survivor = new Scheduler({ db: t.db, clock, logger, owner: 'survivor', staleClaimMs: 60_000 }).add({
      name: 'report',
      schedule: { dailyAtUtc: '23:59' },
      run: () => {
        attempts += 1;
        return attempts === 1 ? Promise.reject(new Error('boom')) : Promise.resolve();
      },
    });
    await survivor.tick();
    expect(attempts).toBe(0); // the claim is fresh
    clock.advance(61_000);
    await survivor.tick();
    await survivor.runningJobs();
    expect(attempts).toBe(1);
    const row = await t.db
      .selectFrom('job_runs')
      .selectAll()
      .where('job', '=', 'report')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ owner: 'survivor', period: 'd2026-11-22', error: 'boom' });
    expect(row.finished_at).not.toBeNull();
    // Finished (even with an error): not run again for that day.
    await survivor.tick();
    expect(attempts).toBe(1);
    await survivor.stop();
  });
});
