import { createLogger } from '@verzek/platform';
import { readSafety } from '@verzek/db';
import { describeDb } from '@verzek/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCircuitBreaker } from '../src/services/safety/circuit-breaker';
import { systemDrawdownPct } from '../src/services/safety/drawdown';
import { circuitBreakerJob } from '../src/workers/jobs/circuit-breaker';
import { Scheduler } from '../src/workers/scheduler';
import { adminSession, registerUser, startTestServer, type Session, type TestServer } from './harness';
import { adminAlerts, insertClosedPosition, makeFollower } from './stats-fixtures';

const MIN = 60_000;
const HOUR = 60 * MIN;
const SIGNAL = {
  symbol: 'BTCUSDT',
  direction: 'LONG',
  entry: 70000,
  targets: [70500, 71000],
  stop_loss: 69500,
  trade_type: 'FUTURES',
};

describeDb('circuit breaker', (t) => {
  let s: TestServer;
  let admin: Session;
  let trader: Session;

  const breaker = (autoResume: boolean) =>
    runCircuitBreaker({ db: s.ctx.db, bus: s.ctx.bus, now: s.clock.now() }, { limitPct: 35, autoResume });
  const loss = (pnl: string, ago = MIN) =>
    insertClosedPosition(s.ctx.db, { userId: trader.id, closedAt: s.clock.now() - ago, pnl });
  /** The admin toggle route, with a fresh session (the clock moves by days here; tokens last 1 h). */
  const toggle = async (on: boolean) =>
    s.api.post(
      '/api/safety/toggle',
      { kill_switch: on, reason: on ? 'maintenance' : undefined },
      (await adminSession(s)).token,
    );

  beforeAll(async () => {
    s = await startTestServer(t);
    admin = await adminSession(s);
    trader = await registerUser(s.api);
    await makeFollower(s, admin, trader); // capital_usdt: the default 100
  });
  afterAll(() => s.close());

  it('trips exactly when the 24 h drawdown reaches the limit, alerts once, and blocks new trades', async () => {
    // Outside the 24 h window: does not count.
    await loss('-60', 25 * HOUR);
    await loss('-34.99', 2 * HOUR);
    expect(await breaker(false)).toMatchObject({ action: 'none', drawdown_pct: '34.99' });
    expect((await readSafety(s.ctx.db)).kill_switch).toBe(0);

    await loss('-0.01', HOUR); // 100 → 65.01 → 65: 35%
    const tripped = await breaker(false);
    expect(tripped).toMatchObject({ action: 'trip', drawdown_pct: '35', changed: true });
    const safety = await readSafety(s.ctx.db);
    expect(safety).toMatchObject({ kill_switch: 1, set_by: 'breaker' });
    expect(safety.reason).toMatch(/24h drawdown 35% reached the limit of 35%/);
    const alerts = await adminAlerts(s.ctx.db, 'circuit_breaker');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.text).toMatch(/^Kill switch ON \(breaker\): Circuit breaker tripped/);

    // The same instant again (a second run of the period): nothing more happens.
    expect(await breaker(false)).toMatchObject({ action: 'none', changed: false });
    expect(await adminAlerts(s.ctx.db, 'circuit_breaker')).toHaveLength(1);

    const posted = await s.api.post<{ executions: { queued: number; blocked: number; reason: string } }>(
      '/api/signals',
      SIGNAL,
      admin.token,
    );
    expect(posted.status).toBe(201);
    expect(posted.body.executions).toMatchObject({ queued: 0, blocked: 1 });
    expect(posted.body.executions.reason).toMatch(/kill switch is on \(Circuit breaker tripped/i);
    const status = await s.api.get('/api/safety/status', trader.token);
    expect(status.body).toMatchObject({
      global_kill_switch: true,
      set_by: 'breaker',
      last24h_drawdown_pct: '35',
    });
  });

  it('stays halted without AUTO_RESUME, however long the drawdown has recovered', async () => {
    s.clock.advance(25 * HOUR); // the losses leave the window
    for (let i = 0; i < 3; i++) {
      expect(await breaker(false)).toMatchObject({ action: 'none', drawdown_pct: '0' });
      s.clock.advance(31 * MIN);
    }
    expect(await readSafety(s.ctx.db)).toMatchObject({
      kill_switch: 1,
      set_by: 'breaker',
      recovered_since: null,
    });
  });

  it('with AUTO_RESUME, resumes its own trip after 30 minutes at 5 points under the limit', async () => {
    const start = s.clock.now();
    expect(await breaker(true)).toMatchObject({ action: 'none', recovered_since: start });
    expect((await readSafety(s.ctx.db)).recovered_since).toBe(start);
    s.clock.advance(29 * MIN);
    expect(await breaker(true)).toMatchObject({ action: 'none', recovered_since: start });
    expect((await readSafety(s.ctx.db)).kill_switch).toBe(1);
    s.clock.advance(MIN);
    expect(await breaker(true)).toMatchObject({ action: 'resume', changed: true });
    expect(await readSafety(s.ctx.db)).toMatchObject({ kill_switch: 0, set_by: null, recovered_since: null });
    const alerts = await adminAlerts(s.ctx.db, 'circuit_breaker');
    expect(alerts.map((a) => a.text)).toEqual([
      expect.stringMatching(/^Kill switch ON \(breaker\)/),
      expect.stringMatching(
        /^Kill switch OFF \(breaker\): Auto-resume: 24h drawdown 0% has stayed at or below 30%/,
      ),
    ]);
    expect(await breaker(true)).toMatchObject({ action: 'none', changed: false });
  });

  it('restarts the recovery clock when the drawdown climbs back over limit − 5', async () => {
    await loss('-36');
    expect(await breaker(true)).toMatchObject({ action: 'trip' });
    s.clock.advance(24 * HOUR);
    await loss('-4', 0); // 4% in the new window: recovered (≤ 30%)
    const since = s.clock.now();
    expect(await breaker(true)).toMatchObject({ action: 'none', recovered_since: since });
    s.clock.advance(20 * MIN);
    await loss('-27', 0); // 100 → 96 → 69: 31% > 30%
    expect(await breaker(true)).toMatchObject({ action: 'none', recovered_since: null });
    expect((await readSafety(s.ctx.db)).recovered_since).toBeNull();
    s.clock.advance(20 * MIN);
    expect(await breaker(true)).toMatchObject({ action: 'none' });
    expect((await readSafety(s.ctx.db)).kill_switch).toBe(1);
    s.clock.advance(25 * HOUR);
    await breaker(true);
    s.clock.advance(30 * MIN);
    expect(await breaker(true)).toMatchObject({ action: 'resume' });
  });

  it('never resumes a kill switch an administrator turned on', async () => {
    expect((await toggle(true)).status).toBe(200);
    for (let i = 0; i < 4; i++) {
      expect(await breaker(true)).toMatchObject({ action: 'none', drawdown_pct: '0' });
      s.clock.advance(31 * MIN);
    }
    expect(await readSafety(s.ctx.db)).toMatchObject({
      kill_switch: 1,
      set_by: 'admin',
      recovered_since: null,
    });
    expect((await toggle(false)).status).toBe(200);
  });

  it('after an administrator overrides a trip, measures from the override', async () => {
    await loss('-40');
    expect(await breaker(false)).toMatchObject({ action: 'trip' });
    s.clock.advance(MIN);
    expect((await toggle(false)).body).toMatchObject({ global_kill_switch: false });
    // The 40% loss is still inside 24 h, but the admin has seen it: no re-trip a minute later.
    s.clock.advance(MIN);
    expect(await breaker(false)).toMatchObject({ action: 'none', drawdown_pct: '0' });
    expect((await readSafety(s.ctx.db)).kill_switch).toBe(0);
    expect((await systemDrawdownPct(s.ctx.db, s.clock.now() - 24 * HOUR)).pct).toBe('40');
    // New losses after the override still trip it.
    await loss('-20', 0);
    expect(await breaker(false)).toMatchObject({ action: 'none', drawdown_pct: '20' });
    s.clock.advance(MIN);
    await loss('-15', 0); // 100 → 80 → 65
    expect(await breaker(false)).toMatchObject({ action: 'trip', drawdown_pct: '35' });
    expect((await toggle(false)).status).toBe(200);
  });
});

describeDb('circuit breaker job on two workers', (t) => {
  let s: TestServer;
  const logger = createLogger({ level: 'silent' });
  beforeAll(async () => {
    s = await startTestServer(t, { env: { GLOBAL_MAX_DD_PCT: '20' } });
  });
  afterAll(() => s.close());

  it('runs once per minute across workers and trips once', async () => {
    const admin = await adminSession(s);
    const a = await registerUser(s.api);
    const b = await registerUser(s.api);
    await makeFollower(s, admin, a, { capital_usdt: '300' });
    await makeFollower(s, admin, b); // 100
    const now = s.clock.now();
    // The capital in play is both users' (b has an open position): 400.
    await insertClosedPosition(s.ctx.db, { userId: b.id, closedAt: now, pnl: '0', status: 'OPEN' });
    await insertClosedPosition(s.ctx.db, { userId: a.id, closedAt: now - HOUR, pnl: '40' });
    await insertClosedPosition(s.ctx.db, { userId: a.id, closedAt: now - 30 * MIN, pnl: '-50' });
    // 400 → 440 → 390: 50 under the peak of 440 (a alone would be 340 → 290: 14.7%).
    expect(await systemDrawdownPct(s.ctx.db, now - 24 * HOUR)).toMatchObject({
      pct: '11.3636',
      closes: 2,
      pnlUsdt: '-10',
      baseUsdt: '400',
      traders: 2,
    });
    const workers = ['w1', 'w2'].map((owner) =>
      new Scheduler({ db: s.ctx.db, clock: s.clock, logger, owner }).add(circuitBreakerJob(s.ctx)),
    );
    const tickAll = async () => {
      for (let k = 0; k < 3; k++) {
        await Promise.all(workers.map((w) => w.tick()));
        await Promise.all(workers.map((w) => w.runningJobs()));
      }
    };
    await tickAll();
    expect((await readSafety(s.ctx.db)).kill_switch).toBe(0);

    await insertClosedPosition(s.ctx.db, { userId: a.id, closedAt: now, pnl: '-40' }); // 350: 20.4545%
    await tickAll(); // same minute: already ran
    expect((await readSafety(s.ctx.db)).kill_switch).toBe(0);
    s.clock.advance(MIN);
    await tickAll();
    expect(await readSafety(s.ctx.db)).toMatchObject({ kill_switch: 1, set_by: 'breaker' });
    s.clock.advance(MIN);
    await tickAll();
    expect(await adminAlerts(s.ctx.db, 'circuit_breaker')).toHaveLength(1);
    const runs = await s.ctx.db
      .selectFrom('job_runs')
      .select(['period', 'owner', 'error'])
      .where('job', '=', 'circuit-breaker')
      .execute();
    expect(runs).toHaveLength(3);
    expect(runs.every((r) => r.error === null)).toBe(true);
    await Promise.all(workers.map((w) => w.stop()));
  });
});
