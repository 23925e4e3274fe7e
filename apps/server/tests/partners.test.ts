import { createLogger } from '@verzek/platform';
import { describeDb } from '@verzek/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { confirmPayment } from '../src/services/payments/activation';
import { verifyPaymentsJob } from '../src/workers/jobs/verify-payments';
import { Scheduler } from '../src/workers/scheduler';
import { adminSession, type Session } from './harness';
import {
  chainTransfer,
  DAY,
  newTxid,
  notificationsOf,
  paymentByHash,
  runVerifier,
  startPaymentWorld,
  submit,
  userRow,
  type PaymentWorld,
} from './payments-fixtures';

interface PartnerBody {
  id: number;
  name: string;
  code: string;
  active: boolean;
  referrals: number;
  credited_users: number;
  earned_usdt: string;
  credits?: { user_id: number; amount_usdt: string }[];
}

let seq = 0;

describeDb('partners and referrals', (t) => {
  let w: PaymentWorld;
  let admin: Session;
  beforeAll(async () => {
    w = await startPaymentWorld(t);
    admin = await adminSession(w.s);
  });
  afterAll(() => w.close());

  /** Registers through the API with a referral code, like the app does. */
  async function registerWithRef(ref: string | undefined): Promise<Session & { username: string }> {
    seq += 1;
    const username = `ref${process.pid}n${seq}`;
    const email = `${username}@example.com`;
    const password = `pw-${username}-secret`;
    const r = await w.s.api.post<{ access_token: string; refresh_token: string; user: { id: number } }>(
      '/api/auth/register',
      { username, email, password, ...(ref === undefined ? {} : { ref }) },
    );
    if (r.status !== 201) throw new Error(`register: ${r.status} ${JSON.stringify(r.body)}`);
    return {
      id: r.body.user.id,
      token: r.body.access_token,
      refresh: r.body.refresh_token,
      email,
      password,
      username,
    };
  }

  const createPartner = (body: unknown) =>
    w.s.api.post<PartnerBody>('/api/admin/partners', body, admin.token);
  const getPartner = (id: number) => w.s.api.get<PartnerBody>(`/api/admin/partners/${id}`, admin.token);

  /** Pays `plan` on the fake chain and lets the verifier confirm it. */
  async function pay(u: Session, plan: 'VIP' | 'PREMIUM' = 'VIP') {
    const tx = chainTransfer(w, plan === 'VIP' ? '50' : '100');
    expect((await submit(w, u, plan, tx.txid)).status).toBe(201);
    await runVerifier(w);
    expect((await paymentByHash(w, tx.txid)).status).toBe('CONFIRMED');
  }

  it('owner’s flow: a referred TRIAL user pays, the verifier job confirms, VIP 30 days, admin alerted, partner credited', async () => {
    const partner = await createPartner({ name: 'Crypto Club', code: 'CLUB2026' });
    expect(partner.status).toBe(201);
    const user = await registerWithRef('club2026');
    expect(await userRow(w, user.id)).toMatchObject({ plan: 'TRIAL', referral_code: 'club2026' });

    const tx = chainTransfer(w, '50');
    const submitted = await submit(w, user, 'VIP', tx.txid);
    expect(submitted.status).toBe(201);
    expect(submitted.body.status).toBe('PENDING');

    // The verify-payments job, run by the cluster scheduler as in production.
    const scheduler = new Scheduler({
      db: w.s.ctx.db,
      clock: w.s.clock,
      logger: createLogger({ level: 'silent' }),
    });
    scheduler.add(verifyPaymentsJob(w.s.ctx));
    await scheduler.tick();
    await scheduler.runningJobs();
    await scheduler.stop();

    const now = w.s.clock.now();
    const me = await w.s.api.get(`/api/users/${user.id}/subscription`, user.token);
    expect(me.body).toEqual({
      plan: 'VIP',
      expires_at: new Date(now + 30 * DAY).toISOString(),
      active: true,
      days_left: 30,
    });
    const payments = await w.s.api.get<{ items: { status: string }[] }>('/api/payments/me', user.token);
    expect(payments.body.items[0]!.status).toBe('CONFIRMED');

    const alerts = await notificationsOf(w, { audience: 'admin', userId: user.id });
    expect(alerts.map((a) => a.kind)).toEqual(['new_paid_plan', 'referral_credited']);
    expect(alerts[0]!.text).toMatch(new RegExp(`^New VIP activated: ${user.username}, VIP, valid till `));
    expect(alerts[1]!.text).toBe(
      `Partner Crypto Club (CLUB2026) earned 10 USDT: ${user.username} activated VIP`,
    );

    const p = await getPartner(partner.body.id);
    expect(p.body).toMatchObject({ code: 'CLUB2026', referrals: 1, credited_users: 1, earned_usdt: '10' });
    expect(p.body.credits).toEqual([
      expect.objectContaining({ user_id: user.id, amount_usdt: '10', username: user.username }),
    ]);
  });

  it('manages partners: create, list, read, update, refuse duplicates and bad input, delete', async () => {
    const created = await createPartner({ name: '  Signal Bros ', code: 'bros-1', contact: '@bros' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Signal Bros',
      code: 'BROS-1',
      active: true,
      referrals: 0,
      credited_users: 0,
      earned_usdt: '0',
    });
    const id = created.body.id;
    for (const dup of ['BROS-1', 'Bros-1']) {
      const r = await createPartner({ name: 'x', code: dup });
      expect(r.status).toBe(409);
      expect(r.body).toMatchObject({ error: 'partner_code_taken' });
    }
    for (const body of [
      { name: 'x', code: 'ab' },
      { name: 'x', code: 'has space' },
      { name: '', code: 'GOOD1' },
      { name: 'x', code: 'GOOD1', extra: 1 },
      { code: 'GOOD1' },
    ]) {
      const r = await createPartner(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body).toEqual({ error: expect.any(String), reason: expect.any(String) });
    }

    const list = await w.s.api.get<{ items: PartnerBody[] }>('/api/admin/partners', admin.token);
    expect(list.body.items.map((p) => p.code)).toContain('BROS-1');

    const renamed = await w.s.api.put<PartnerBody>(
      `/api/admin/partners/${id}`,
      { name: 'Signal Brothers', active: false },
      admin.token,
    );
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Signal Brothers', active: false, code: 'BROS-1' });
    expect((await w.s.api.put(`/api/admin/partners/${id}`, { code: 'OTHER' }, admin.token)).status).toBe(400);
    expect((await w.s.api.put(`/api/admin/partners/${id}`, {}, admin.token)).status).toBe(400);
    expect((await w.s.api.put(`/api/admin/partners/999999`, { name: 'x' }, admin.token)).status).toBe(404);

    const del = await w.s.api.request('DELETE', `/api/admin/partners/${id}`, { token: admin.token });
    expect(del.status).toBe(200);
    expect((await getPartner(id)).status).toBe(404);
    expect(
      (await w.s.api.request('DELETE', `/api/admin/partners/${id}`, { token: admin.token })).status,
    ).toBe(404);
    const audit = await w.s.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('actor_id', '=', admin.id)
      .where('action', 'like', 'admin_partner_%')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['admin_partner_created', 'admin_partner_updated', 'admin_partner_deleted']),
    );
  });

  it('credits a partner once per referred user, only for the first paid plan, and refuses to delete it then', async () => {
    const partner = (await createPartner({ name: 'Whales', code: 'WHALES' })).body;
    const [a, b] = [await registerWithRef('Whales'), await registerWithRef('wHaLeS')];
    await pay(a);
    await pay(a, 'PREMIUM'); // a renewal: no second credit
    await pay(b, 'PREMIUM');
    const p = (await getPartner(partner.id)).body;
    expect(p).toMatchObject({ referrals: 2, credited_users: 2, earned_usdt: '20' });
    expect(
      await notificationsOf(w, { audience: 'admin', userId: a.id, kind: 'referral_credited' }),
    ).toHaveLength(1);

    const del = await w.s.api.request('DELETE', `/api/admin/partners/${partner.id}`, { token: admin.token });
    expect(del.status).toBe(409);
    expect(del.body).toMatchObject({ error: 'partner_has_credits' });
  });

  it('credits once even when two first payments of a user are confirmed at the same moment', async () => {
    const partner = (await createPartner({ name: 'Racers', code: 'RACE' })).body;
    const u = await registerWithRef('race');
    const ids: number[] = [];
    for (let i = 0; i < 2; i++) {
      const txid = newTxid();
      await submit(w, u, 'VIP', txid);
      ids.push((await paymentByHash(w, txid)).id);
    }
    const confirmed = await Promise.all(
      ids.map((paymentId) => confirmPayment(w.s.ctx, { paymentId, via: 'admin' })),
    );
    expect(confirmed.filter(Boolean)).toHaveLength(2);
    expect((await getPartner(partner.id)).body).toMatchObject({ credited_users: 1, earned_usdt: '10' });
    expect((await userRow(w, u.id)).plan_expires_at).toBe(w.s.clock.now() + 60 * DAY);
  });

  it('keeps an unknown ref but credits nobody, even if a partner with that code appears later', async () => {
    const u = await registerWithRef('NOBODY42');
    expect((await userRow(w, u.id)).referral_code).toBe('NOBODY42');
    w.s.clock.advance(1_000);
    const late = (await createPartner({ name: 'Late', code: 'NOBODY42' })).body;
    await pay(u);
    expect((await getPartner(late.id)).body).toMatchObject({
      referrals: 0,
      credited_users: 0,
      earned_usdt: '0',
    });
    expect(await notificationsOf(w, { userId: u.id, kind: 'referral_credited' })).toHaveLength(0);
  });

  it('gives an inactive partner no credit (and the first paid plan stays the only one that counts)', async () => {
    const partner = (await createPartner({ name: 'Sleepy', code: 'SLEEPY', active: false })).body;
    const u = await registerWithRef('sleepy');
    await pay(u);
    expect((await getPartner(partner.id)).body).toMatchObject({ referrals: 1, credited_users: 0 });
    await w.s.api.put(`/api/admin/partners/${partner.id}`, { active: true }, admin.token);
    await pay(u);
    expect((await getPartner(partner.id)).body).toMatchObject({
      referrals: 1,
      credited_users: 0,
      earned_usdt: '0',
    });
  });
});
