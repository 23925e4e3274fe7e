import type { DailyReport } from '@verzek/contract';
import { createLogger, ManualClock } from '@verzek/platform';
import { describeDb } from '@verzek/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { publishDailyReport, runDailyReport } from '../src/services/reports/daily-report';
import { defaultReportSink, type DailyReportDelivery, type ReportSink } from '../src/services/reports/sink';
import { dailyReportJob } from '../src/workers/jobs/daily-report';
import { Scheduler } from '../src/workers/scheduler';
import { adminSession, registerUser, startTestServer, type Session, type TestServer } from './harness';
import { adminAlerts, insertClosedPosition, makeFollower } from './stats-fixtures';

const D0 = Date.UTC(2026, 10, 22);
const H = 3_600_000;
const MIN = 60_000;
const SIGNAL = {
  symbol: 'ETHUSDT',
  direction: 'LONG',
  entry: 3500,
  targets: [3520, 3540],
  stop_loss: 3480,
  trade_type: 'FUTURES',
};

const EXPECTED_TEXT = [
  '📊 Daily report — 2026-11-22 (UTC)',
  '',
  '📡 Signals: 2',
  '💼 Trades closed: 3',
  '✅ Wins: 2   ❌ Losses: 1',
  '🎯 Win rate: 66.67%',
  '📈 Average profit: +5% per trade',
  '💰 Realized: -10.00 USDT',
  '',
  '🛡 Safety',
  '🔴 Kill switch: ON — halted by an administrator',
  '📉 Drawdown today: 4.39% (limit 35%)',
  '🚫 Blocked trades: 4 — cooldown 2, daily loss limit 1, kill switch 1',
].join('\n');

class RecordingSink implements ReportSink {
  readonly got: DailyReportDelivery[] = [];
  constructor(readonly name: string) {}
  dailyReport(delivery: DailyReportDelivery): Promise<void> {
    this.got.push(delivery);
    return Promise.resolve();
  }
}

describeDb('daily report', (t) => {
  let s: TestServer;
  let admin: Session;
  let a: Session;
  let b: Session;
  const logger = createLogger({ level: 'silent' });
  const sinks = [new RecordingSink('w1'), new RecordingSink('w2')];
  let workers: Scheduler[] = [];
  const tick = async () => {
    for (let k = 0; k < 2; k++) {
      await Promise.all(workers.map((w) => w.tick()));
      await Promise.all(workers.map((w) => w.runningJobs()));
    }
  };
  const delivered = () => sinks.flatMap((x) => x.got.map((d) => d.report.day));

  beforeAll(async () => {
    s = await startTestServer(t, { clock: new ManualClock(D0 + 23 * H + 58 * MIN) });
    admin = await adminSession(s);
    a = await registerUser(s.api);
    b = await registerUser(s.api);
    expect(
      (await s.api.put(`/api/users/${a.id}/strategy`, { capital_usdt: '1000' }, admin.token)).status,
    ).toBe(200);
    await makeFollower(s, admin, b); // capital 100
    workers = sinks.map((sink) =>
      new Scheduler({ db: s.ctx.db, clock: s.clock, logger, owner: sink.name }).add(
        dailyReportJob(s.ctx, [defaultReportSink(logger), sink]),
      ),
    );
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await s.close();
  });

  it('runs at 23:59 UTC once across two workers, stores the report and delivers it once', async () => {
    // 23:58: the due period is yesterday's (a worker catching up) — an empty day.
    await tick();
    expect(delivered()).toEqual(['2026-11-21']);

    const close = (userId: number, at: number, pnl: string, fees: string, margin: string) =>
      insertClosedPosition(s.ctx.db, { userId, closedAt: at, pnl, fees, margin });
    await close(a.id, D0 + 1 * H, '30', '2', '200'); // +15% of margin
    await close(b.id, D0 + 3 * H, '10', '1', '50'); // +20%
    await close(a.id, D0 + 5 * H, '-50', '3', '250'); // −20%
    await close(a.id, D0 + 24 * H - 30_000, '-999', '0', '100'); // 23:59:30: after the report
    await close(a.id, D0 - 1, '-999', '0', '100'); // yesterday
    const risk = (userId: number | null, code: string, at: number) =>
      s.ctx.db
        .insertInto('risk_events')
        .values({ user_id: userId, signal_id: null, code, reason: code, data: '{}', created_at: at })
        .execute();
    await risk(a.id, 'cooldown', D0 + 6 * H);
    await risk(a.id, 'cooldown', D0 + 7 * H);
    await risk(b.id, 'daily_loss_limit', D0 + 8 * H);
    await risk(b.id, 'cooldown', D0 - 1);
    expect((await s.api.post('/api/signals', SIGNAL, admin.token)).status).toBe(201);
    await s.api.post('/api/safety/toggle', { kill_switch: true, reason: 'maintenance' }, admin.token);
    const blocked = await s.api.post(
      '/api/signals',
      { ...SIGNAL, symbol: 'BTCUSDT', entry: 70000, targets: [70500], stop_loss: 69000 },
      admin.token,
    );
    expect(blocked.body).toMatchObject({ executions: { queued: 0, blocked: 1 } });

    await tick(); // still 23:58
    expect(delivered()).toEqual(['2026-11-21']);
    s.clock.set(D0 + 23 * H + 59 * MIN);
    await tick();
    s.clock.advance(30_000);
    await tick();
    s.clock.set(D0 + 24 * H + 10 * MIN); // after midnight: still the 22nd's period
    await tick();
    expect(delivered()).toEqual(['2026-11-21', '2026-11-22']);

    const got = sinks.flatMap((x) => x.got).find((d) => d.report.day === '2026-11-22')!;
    expect(got.report).toEqual({
      day: '2026-11-22',
      generated_at: '2026-11-22T23:59:00.000Z',
      as_of: '2026-11-22T23:59:00.000Z',
      trading: {
        signals: 2,
        traders: 2,
        trades: 3,
        wins: 2,
        losses: 1,
        breakeven: 0,
        win_rate_pct: '66.6667',
        avg_profit_pct: '5', // (15 + 20 − 20) / 3
        realized_usdt: '-10',
        fees_usdt: '6',
      },
      safety: {
        kill_switch: true,
        kill_switch_set_by: 'admin',
        kill_switch_reason: 'maintenance',
        // capital in play 1000 + 100: 1100 → 1130 → 1140 → 1090, 50 / 1140
        drawdown_pct: '4.386',
        max_dd_limit_pct: 35,
        blocked_trades: 4,
        blocked_by_code: { cooldown: 2, daily_loss_limit: 1, kill_switch: 1 },
      },
    } satisfies DailyReport);
    expect(got.text).toBe(EXPECTED_TEXT);

    const stored = await s.ctx.db.selectFrom('daily_reports').selectAll().orderBy('day').execute();
    expect(stored.map((r) => r.day)).toEqual(['2026-11-21', '2026-11-22']);
    expect(JSON.parse(stored[1]!.data)).toEqual(got.report);
    const notices = await adminAlerts(s.ctx.db, 'daily_report');
    expect(notices.map((n) => n.text)).toEqual([expect.stringContaining('2026-11-21'), EXPECTED_TEXT]);
    const runs = await s.ctx.db
      .selectFrom('job_runs')
      .selectAll()
      .where('job', '=', 'daily-report')
      .execute();
    expect(runs.map((r) => [r.period, r.error])).toEqual([
      ['d2026-11-21', null],
      ['d2026-11-22', null],
    ]);
  });

  it('never stores or delivers a day twice, even when a run is repeated', async () => {
    const extra = new RecordingSink('extra');
    const deps = { db: s.ctx.db, dialect: t.dialect, maxDrawdownPct: 35 };
    expect(await runDailyReport(deps, [extra], '2026-11-22', s.clock.now())).toEqual({
      stored: false,
      report: null,
    });
    const got = sinks.flatMap((x) => x.got).find((d) => d.report.day === '2026-11-22')!;
    // A run that built the report before the other one stored it (a stale-claim takeover).
    expect(await publishDailyReport(s.ctx.db, got.report, [extra], s.clock.now())).toBe(false);
    expect(extra.got).toEqual([]);
    expect(await adminAlerts(s.ctx.db, 'daily_report')).toHaveLength(2);
  });

  it('serves the reports to any logged-in user', async () => {
    const trial = await registerUser(s.api);
    const latest = await s.api.get<DailyReport>('/api/reports/daily', trial.token);
    expect(latest.status).toBe(200);
    expect(latest.body.day).toBe('2026-11-22');
    expect(latest.body.trading.trades).toBe(3);
    const one = await s.api.get<DailyReport>('/api/reports/daily?day=2026-11-21', trial.token);
    expect(one.body).toMatchObject({ day: '2026-11-21', trading: { trades: 0, win_rate_pct: null } });
    const list = await s.api.get<{ items: DailyReport[] }>('/api/reports/daily?days=7', trial.token);
    expect(list.body.items.map((r) => r.day)).toEqual(['2026-11-22', '2026-11-21']);
    const first = await s.api.get<{ items: DailyReport[] }>('/api/reports/daily?days=1', trial.token);
    expect(first.body.items.map((r) => r.day)).toEqual(['2026-11-22']);

    const missing = await s.api.get('/api/reports/daily?day=2026-11-20', trial.token);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: 'not_found' });
    for (const q of ['day=2026-02-30', 'day=22-11-2026', 'days=0', 'days=x', 'day=2026-11-22&days=2']) {
      const bad = await s.api.get(`/api/reports/daily?${q}`, trial.token);
      expect(bad.status, q).toBe(400);
    }
    expect((await s.api.get('/api/reports/daily')).status).toBe(401);
  });
});
