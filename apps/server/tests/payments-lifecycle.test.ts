import { createLogger } from '@verzek/platform';
import { findUserById, lapsePlan } from '@verzek/db';
import { describeDb } from '@verzek/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { confirmPayment } from '../src/services/payments/activation';
import { initiatePayment } from '../src/services/payments/checkout';
import { runPlanLifecycle } from '../src/services/payments/plan-lifecycle';
import { planLifecycleJob } from '../src/workers/jobs/plan-lifecycle';
import { Scheduler } from '../src/workers/scheduler';
import { registerUser, type Session } from './harness';
import {
  DAY,
  HOUR,
  newTxid,
  notificationsOf,
  relogin,
  startPaymentWorld,
  userRow,
  type PaymentWorld,
} from './payments-fixtures';

describeDb('plan lifecycle', (t) => {
  let w: PaymentWorld;
  beforeAll(async () => {
    w = await startPaymentWorld(t);
  });
  afterAll(() => w.close());

  /** A user on `plan` until `expiresAt`, with auto-trading on for PREMIUM. */
  async function subscriber(plan: 'VIP' | 'PREMIUM', expiresAt: number): Promise<Session> {
    const u = await registerUser(w.s.api);
    await w.s.ctx.db
      .updateTable('users')
      .set({
        plan,
        plan_expires_at: expiresAt,
        auto_trade_enabled: plan === 'PREMIUM' ? 1 : 0,
        email_verified_at: w.s.clock.now(),
      })
      .where('id', '=', u.id)
      .execute();
    return u;
  }

  const reminders = (userId: number) =>
    notificationsOf(w, { audience: 'user', userId, kind: 'plan_expiring' }).then((rows) =>
      rows.map((r) => (JSON.parse(r.data) as { reminder: string }).reminder),
    );

  it('reminds 3 days and 1 day before expiry, once each, then expires to TRIAL with auto-trading off', async () => {
    const start = w.s.clock.now();
    const u = await subscriber('PREMIUM', start + 2 * DAY);
    const far = await subscriber('VIP', start + 10 * DAY);

    await runPlanLifecycle(w.s.ctx, w.s.clock.now());
    await runPlanLifecycle(w.s.ctx, w.s.clock.now());
    expect(await reminders(u.id)).toEqual(['expiring_3d']);
    expect(await reminders(far.id)).toEqual([]);
    const [notice] = await notificationsOf(w, { userId: u.id, kind: 'plan_expiring' });
    expect(notice!.text).toMatch(/^Your PREMIUM plan expires in 2 days/);

    w.s.clock.advance(DAY + 12 * HOUR); // 12 h left
    await runPlanLifecycle(w.s.ctx, w.s.clock.now());
    w.s.clock.advance(HOUR);
    await runPlanLifecycle(w.s.ctx, w.s.clock.now());
    expect(await reminders(u.id)).toEqual(['expiring_3d', 'expiring_1d']);
    expect(await userRow(w, u.id)).toMatchObject({ plan: 'PREMIUM', auto_trade_enabled: 1 });

    w.s.clock.set(start + 2 * DAY); // the expiry instant itself
    const summary = await runPlanLifecycle(w.s.ctx, w.s.clock.now());
    expect(summary.expired).toBeGreaterThanOrEqual(1);
    expect(await userRow(w, u.id)).toMatchObject({
      plan: 'TRIAL',
      plan_expires_at: null,
      auto_trade_enabled: 0,
    });
    const expired = await notificationsOf(w, { audience: 'user', userId: u.id, kind: 'plan_expired' });
    expect(expired).toHaveLength(1);
    expect(expired[0]!.text).toMatch(/PREMIUM plan expired .* back on TRIAL and auto-trading is off/);
    const audits = await w.s.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('user_id', '=', u.id)
      .where('action', '=', 'plan_expired')
      .execute();
    expect(audits).toHaveLength(1);

    // Reruns change nothing and send nothing.
    await runPlanLifecycle(w.s.ctx, w.s.clock.now());
    w.s.clock.advance(HOUR);
    await runPlanLifecycle(w.s.ctx, w.s.clock.now());
    expect(await notificationsOf(w, { userId: u.id, kind: 'plan_expired' })).toHaveLength(1);
    expect(await reminders(u.id)).toEqual(['expiring_3d', 'expiring_1d']);
    expect(await userRow(w, far.id)).toMatchObject({ plan: 'VIP' });
    // The API agrees.
    await relogin(w.s, u);
    expect((await w.s.api.get(`/api/auth/me`, u.token)).body).toMatchObject({
      plan: 'TRIAL',
      auto_trade_enabled: false,
    });
  });

  it('sends only the 1-day reminder when both are due at once', async () => {
    const u = await subscriber('VIP', w.s.clock.now() + 12 * HOUR);
    await runPlanLifecycle(w.s.ctx, w.s.clock.now());
    expect(await reminders(u.id)).toEqual(['expiring_1d']);
  });

  it('re-arms the reminders when a renewal moves the expiry', async () => {
    const start = w.s.clock.now();
    const u = await subscriber('VIP', start + 2 * DAY);
    await runPlanLifecycle(w.s.ctx, start);
    expect(await reminders(u.id)).toEqual(['expiring_3d']);

    const user = (await findUserById(w.s.ctx.db, u.id))!;
    const payment = await initiatePayment(w.s.ctx, user, { plan: 'VIP', tx_hash: newTxid() }, null);
    await confirmPayment(w.s.ctx, { paymentId: payment.id, via: 'admin' });
    expect((await userRow(w, u.id)).plan_expires_at).toBe(start + 32 * DAY);

    w.s.clock.set(start + 30 * DAY); // 2 days before the new expiry
    await runPlanLifecycle(w.s.ctx, w.s.clock.now());
    expect(await reminders(u.id)).toEqual(['expiring_3d', 'expiring_3d']);
    const last = await notificationsOf(w, { userId: u.id, kind: 'plan_expiring' });
    expect(JSON.parse(last[1]!.data)).toMatchObject({ expires_at: new Date(start + 32 * DAY).toISOString() });
  });

  it('does not expire a plan that a payment extended meanwhile', async () => {
    const now = w.s.clock.now();
    const u = await subscriber('VIP', now - HOUR);
    // The job saw the old expiry; a payment moved it before the job's write.
    await w.s.ctx.db
      .updateTable('users')
      .set({ plan_expires_at: now + 29 * DAY })
      .where('id', '=', u.id)
      .execute();
    expect(
      await lapsePlan(w.s.ctx.db, { id: u.id, seenPlan: 'VIP', seenExpiresAt: now - HOUR, at: now }),
    ).toBe(false);
    expect(await userRow(w, u.id)).toMatchObject({ plan: 'VIP', plan_expires_at: now + 29 * DAY });
  });

  it('runs as a scheduled job', async () => {
    const u = await subscriber('VIP', w.s.clock.now() - 1);
    const scheduler = new Scheduler({
      db: w.s.ctx.db,
      clock: w.s.clock,
      logger: createLogger({ level: 'silent' }),
    }).add(planLifecycleJob(w.s.ctx));
    await scheduler.tick();
    await scheduler.runningJobs();
    expect(await userRow(w, u.id)).toMatchObject({ plan: 'TRIAL' });
    await scheduler.stop();
  });
});
