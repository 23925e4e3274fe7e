import type { DailyStats } from '@verzek/core';
import { createLogger, ManualClock } from '@verzek/platform';
import { describeDb } from '@verzek/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { recomputeDailyStats, utcDayStartOf } from '../src/services/stats/daily-stats';
import { dailyStatsCloseJob, dailyStatsJob } from '../src/workers/jobs/daily-stats';
import { Scheduler } from '../src/workers/scheduler';
import { adminSession, registerUser, startTestServer, type Session, type TestServer } from './harness';
import { insertClosedPosition } from './stats-fixtures';

const DAY = '2026-11-22';
const D0 = Date.UTC(2026, 10, 22);
const H = 3_600_000;

describeDb('daily stats', (t) => {
  let s: TestServer;
  let a: Session;
  let b: Session;
  const deps = () => ({ db: s.ctx.db, dialect: t.dialect });
  const row = (userId: number, day = DAY) =>
    s.ctx.db
      .selectFrom('daily_stats')
      .selectAll()
      .where('user_id', '=', userId)
      .where('day', '=', day)
      .executeTakeFirstOrThrow();

  beforeAll(async () => {
    s = await startTestServer(t, { clock: new ManualClock(D0 + 23 * H) });
    const admin = await adminSession(s);
    a = await registerUser(s.api);
    b = await registerUser(s.api); // default capital: 100
    const r = await s.api.put(`/api/users/${a.id}/strategy`, { capital_usdt: '1000' }, admin.token);
    expect(r.status).toBe(200);
    const close = (
      userId: number,
      at: number,
      pnl: string,
      fees: string,
      margin: string | null,
      status?: 'CANCELED' | 'OPEN',
    ) => insertClosedPosition(s.ctx.db, { userId, closedAt: at, pnl, fees, margin, status });
    // a's day, in close order (inserted out of order on purpose).
    await close(a.id, D0 + 12 * H, '45', '2', '200'); // +22.5% of its margin
    await close(a.id, D0 + 1 * H, '30', '2', '200'); // +15%
    await close(a.id, D0 + 5 * H, '-50', '3', '250'); // −20%
    await close(a.id, D0 + 9 * H, '-20', '1', '100'); // −20%
    await close(a.id, D0 + 13 * H, '0', '1', '100'); // breakeven
    // Not a's day: the ms before, the ms after, a canceled position, an open one.
    await close(a.id, D0 - 1, '-500', '0', '100');
    await close(a.id, D0 + 24 * H, '-500', '0', '100');
    await close(a.id, D0 + 10 * H, '0', '0', null, 'CANCELED');
    await close(a.id, D0 + 11 * H, '0', '0', '100', 'OPEN');
    // b: one loss without a known margin.
    await close(b.id, D0 + 8 * H, '-5', '0.5', null);
  });
  afterAll(() => s.close());

  it('matches a hand-computed day', async () => {
    expect(await recomputeDailyStats(deps(), DAY, s.clock.now())).toEqual({ users: 2, written: 2 });
    const ra = await row(a.id);
    expect(ra).toMatchObject({
      trades: 5,
      wins: 2,
      losses: 2,
      last_loss_at: D0 + 9 * H,
      updated_at: s.clock.now(),
    });
    expect(String(ra.realized_usdt)).toMatch(/^5(\.0*)?$/);
    const stats = JSON.parse(ra.data) as DailyStats;
    expect(stats).toEqual({
      day: DAY,
      from: D0,
      to: D0 + 24 * H,
      trades: 5,
      wins: 2,
      losses: 2,
      breakeven: 1,
      win_rate_pct: '40',
      // 30 − 50 − 20 + 45 + 0, after fees of 2 + 3 + 1 + 2 + 1
      realized_usdt: '5',
      fees_usdt: '9',
      gross_usdt: '14',
      // of the capital, 1000
      gross_pct: '1.4',
      net_pct: '0.5',
      // (15 − 20 − 20 + 22.5 + 0) / 5
      avg_trade_pct: '-0.5',
      base_usdt: '1000',
      // equity 1000 → 1030 → 980 → 960 → 1005 → 1005: (1030 − 960) / 1030
      max_drawdown_pct: '6.7961',
    });
    const rb = await row(b.id);
    expect(rb).toMatchObject({ trades: 1, wins: 0, losses: 1, last_loss_at: D0 + 8 * H });
    expect(JSON.parse(rb.data)).toMatchObject({
      realized_usdt: '-5',
      gross_usdt: '-4.5',
      gross_pct: '-4.5',
      net_pct: '-5',
      avg_trade_pct: null,
      base_usdt: '100',
      max_drawdown_pct: '5',
    });
  });

  it('is idempotent: a second run writes nothing, a new close rewrites only its user', async () => {
    const before = await row(a.id);
    s.clock.advance(60_000);
    expect(await recomputeDailyStats(deps(), DAY, s.clock.now())).toEqual({ users: 2, written: 0 });
    expect(await row(a.id)).toEqual(before);
    await insertClosedPosition(s.ctx.db, { userId: a.id, closedAt: D0 + 14 * H, pnl: '10', margin: '100' });
    expect(await recomputeDailyStats(deps(), DAY, s.clock.now())).toEqual({ users: 2, written: 1 });
    expect(await row(a.id)).toMatchObject({ trades: 6, wins: 3, updated_at: s.clock.now() });
    const rows = await s.ctx.db.selectFrom('daily_stats').select('user_id').where('day', '=', DAY).execute();
    expect(rows).toHaveLength(2);
  });

  it('runs today every 5 minutes and the finished day once after midnight', async () => {
    const logger = createLogger({ level: 'silent' });
    const workers = ['w1', 'w2'].map((owner) =>
      new Scheduler({ db: s.ctx.db, clock: s.clock, logger, owner })
        .add(dailyStatsJob(s.ctx))
        .add(dailyStatsCloseJob(s.ctx)),
    );
    const tick = async () => {
      await Promise.all(workers.map((w) => w.tick()));
      await Promise.all(workers.map((w) => w.runningJobs()));
    };
    await insertClosedPosition(s.ctx.db, {
      userId: b.id,
      closedAt: s.clock.now() - 1000,
      pnl: '3',
      margin: '10',
    });
    await tick();
    expect(await row(b.id)).toMatchObject({ trades: 2, wins: 1 });
    // A close in the last minutes of the day, after the last 5-minute run of the day.
    s.clock.set(D0 + 24 * H - 60_000);
    await tick();
    await insertClosedPosition(s.ctx.db, {
      userId: b.id,
      closedAt: D0 + 24 * H - 1000,
      pnl: '4',
      margin: '10',
    });
    s.clock.set(D0 + 24 * H + 60_000); // 00:01: today's run is of the new day
    await tick();
    expect(await row(b.id)).toMatchObject({ trades: 2 });
    s.clock.set(D0 + 24 * H + 5 * 60_000); // 00:05: the finished day
    await tick();
    expect(await row(b.id)).toMatchObject({ trades: 3, wins: 2 });
    const runs = await s.ctx.db
      .selectFrom('job_runs')
      .select(['job', 'period', 'error'])
      .where('job', 'in', ['daily-stats', 'daily-stats-close'])
      .orderBy('job')
      .orderBy('period')
      .execute();
    // The close job's first period (d2026-11-22, due since 00:05 that day) did the 21st.
    expect(runs.filter((r) => r.job === 'daily-stats-close').map((r) => r.period)).toEqual([
      'd2026-11-22',
      'd2026-11-23',
    ]);
    expect(await row(a.id, '2026-11-21')).toMatchObject({ trades: 1, losses: 1 });
    expect(runs.every((r) => r.error === null)).toBe(true);
    expect(utcDayStartOf('2026-11-23')).toBe(D0 + 24 * H);
    await Promise.all(workers.map((w) => w.stop()));
  });
});
