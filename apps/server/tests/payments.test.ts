import { decStr } from '@verzek/core';
import { ConfigError, loadConfig } from '@verzek/platform';
import { findUserById, insertPayment, isUniqueViolation } from '@verzek/db';
import { describeDb } from '@verzek/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../src/errors';
import { confirmPayment } from '../src/services/payments/activation';
import { initiatePayment } from '../src/services/payments/checkout';
import { paymentSettings } from '../src/services/payments/settings';
import { adminSession, registerUser, startTestServer, type Session } from './harness';
import {
  chainTransfer,
  DAY,
  HOUR,
  newTxid,
  notificationsOf,
  OPERATOR_WALLET,
  paymentByHash,
  relogin,
  runVerifier,
  startPaymentWorld,
  submit,
  TRONGRID_KEY,
  tronAddress,
  userRow,
  type PaymentBody,
  type PaymentWorld,
} from './payments-fixtures';

const usernameOf = (u: Session) => u.email.split('@')[0]!;
const iso = (ms: number) => new Date(ms).toISOString();

describe('payment settings', () => {
  it('refuses a wallet address with a bad checksum at start, naming the variable', () => {
    const good = OPERATOR_WALLET;
    const bad = good.slice(0, -1) + (good.endsWith('A') ? 'B' : 'A');
    expect(() => paymentSettings(loadConfig({}, { TRON_WALLET_ADDRESS: bad }))).toThrow(ConfigError);
    expect(() => paymentSettings(loadConfig({}, { TRON_WALLET_ADDRESS: bad }))).toThrow(
      /TRON_WALLET_ADDRESS/,
    );
    expect(() => loadConfig({}, { PLAN_PRICE_VIP_USDT: '0.1234567' })).toThrow(/PLAN_PRICE_VIP_USDT/);
    expect(() => loadConfig({}, { PLAN_PRICE_VIP_USDT: '0' })).toThrow(/PLAN_PRICE_VIP_USDT/);
    expect(paymentSettings(loadConfig({}, { TRON_WALLET_ADDRESS: good })).enabled).toBe(true);
  });
});

describeDb('USDT payments', (t) => {
  let w: PaymentWorld;
  let admin: Session;
  beforeAll(async () => {
    w = await startPaymentWorld(t);
    admin = await adminSession(w.s);
  });
  afterAll(() => w.close());

  it('publishes plans, prices (decimal strings), duration, wallet and token on /api/plans, to anyone', async () => {
    const r = await w.s.api.get('/api/plans');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      currency: 'USDT',
      network: 'TRC20',
      token_contract: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t',
      wallet_address: OPERATOR_WALLET,
      payments_enabled: true,
      payments_disabled_reason: null,
      duration_days: 30,
      plans: [
        { plan: 'TRIAL', price_usdt: '0', duration_days: null },
        { plan: 'VIP', price_usdt: '50', duration_days: 30 },
        { plan: 'PREMIUM', price_usdt: '100', duration_days: 30 },
      ],
    });
  });

  it('records a submission as a PENDING invoice, normalising the hash, and lists it in /api/payments/me', async () => {
    const u = await registerUser(w.s.api);
    const txid = newTxid();
    const r = await w.s.api.post<PaymentBody>(
      '/api/payments/usdt/initiate',
      { plan: 'VIP', tx_hash: `0x${txid.toUpperCase()}`, network: 'trc20' },
      u.token,
    );
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      status: 'PENDING',
      plan: 'VIP',
      tx_hash: txid,
      amount_usdt: '50',
      paid_usdt: null,
      reason: null,
      wallet_address: OPERATOR_WALLET,
      network: 'TRC20',
      created_at: iso(w.s.clock.now()),
      next_check_at: iso(w.s.clock.now()),
    });
    const mine = await w.s.api.get<{ items: PaymentBody[]; total: number }>('/api/payments/me', u.token);
    expect(mine.status).toBe(200);
    expect(mine.body.total).toBe(1);
    expect(mine.body.items[0]).toMatchObject({ tx_hash: txid, status: 'PENDING' });
    // Nobody else sees it there.
    const other = await registerUser(w.s.api);
    expect((await w.s.api.get<{ total: number }>('/api/payments/me', other.token)).body.total).toBe(0);
    expect((await w.s.api.get('/api/payments/me')).status).toBe(401);
  });

  it('answers invalid bodies with 4xx {error, reason} and stores nothing', async () => {
    const u = await registerUser(w.s.api);
    const count = async () =>
      Number(
        (
          await w.s.ctx.db
            .selectFrom('payments')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const good = { plan: 'VIP', tx_hash: newTxid(), network: 'TRC20' };
    const bad: unknown[] = [
      { ...good, tx_hash: 'ab'.repeat(31) },
      { ...good, tx_hash: 'zz'.repeat(32) },
      { ...good, tx_hash: 12345 },
      { ...good, plan: 'TRIAL' },
      { ...good, plan: 'GOLD' },
      { ...good, network: 'ERC20' },
      { ...good, amount: 50 },
      { plan: 'VIP' },
      [good],
      null,
    ];
    for (const body of bad) {
      const r = await w.s.api.post('/api/payments/usdt/initiate', body, u.token);
      expect(r.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(r.body).toEqual({ error: expect.any(String), reason: expect.any(String) });
    }
    const raw = await w.s.api.request('POST', '/api/payments/usdt/initiate', {
      rawBody: '{"plan":',
      token: u.token,
    });
    expect(raw.status).toBe(400);
    expect((await w.s.api.post('/api/payments/usdt/initiate', good)).status).toBe(401);
    expect(await count()).toBe(before);
  });

  it('refuses a hash that was already submitted, by anyone, whatever became of it (409)', async () => {
    const [a, b] = [await registerUser(w.s.api), await registerUser(w.s.api)];
    const txid = newTxid();
    expect((await submit(w, a, 'VIP', txid)).status).toBe(201);
    const again = await submit(w, b, 'PREMIUM', txid);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: 'tx_hash_used' });
    expect((await submit(w, a, 'VIP', txid.toUpperCase())).status).toBe(409);
    // Still refused once the first submission has been rejected.
    await w.s.api.post('/api/payments/usdt/reject', { tx_hash: txid, reason: 'test' }, admin.token);
    expect((await submit(w, b, 'VIP', txid)).status).toBe(409);
  });

  it('lets exactly one of two submissions racing for one hash win — through the API', async () => {
    const users = [await registerUser(w.s.api), await registerUser(w.s.api)];
    const txid = newTxid();
    const replies = await Promise.all(users.map((u) => submit(w, u, 'VIP', txid)));
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409]);
    const rows = await w.s.ctx.db.selectFrom('payments').selectAll().where('tx_hash', '=', txid).execute();
    expect(rows).toHaveLength(1);
  });

  it('lets exactly one of two submissions racing for one hash win — service and table directly', async () => {
    const sessions = [await registerUser(w.s.api), await registerUser(w.s.api)];
    const users = await Promise.all(sessions.map(async (s) => (await findUserById(w.s.ctx.db, s.id))!));
    const txid = newTxid();
    const results = await Promise.allSettled(
      users.map((u) => initiatePayment(w.s.ctx, u, { plan: 'VIP', tx_hash: txid }, null)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected');
    expect(lost?.reason).toBeInstanceOf(ApiError);
    expect((lost?.reason as ApiError).statusCode).toBe(409);

    // The UNIQUE constraint itself, without the service's look-up first.
    const row = await paymentByHash(w, txid);
    const other = newTxid();
    const inserts = await Promise.allSettled(
      users.map((u) => insertPayment(w.s.ctx.db, { ...row, id: undefined, user_id: u.id, tx_hash: other })),
    );
    expect(inserts.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(isUniqueViolation(inserts.find((r) => r.status === 'rejected')?.reason)).toBe(true);
  });

  it('confirms a final USDT transfer: CONFIRMED, VIP for 30 days, user notified, admins alerted, audited', async () => {
    const u = await registerUser(w.s.api);
    const tx = chainTransfer(w, '50');
    expect((await submit(w, u, 'VIP', tx.txid)).status).toBe(201);
    const before = w.fake.requests.length;
    await runVerifier(w);
    const now = w.s.clock.now();

    const p = await paymentByHash(w, tx.txid);
    expect(p).toMatchObject({
      status: 'CONFIRMED',
      decided_via: 'chain',
      resulting_plan: 'VIP',
      next_check_at: null,
    });
    expect(decStr(String(p.paid_usdt))).toBe('50');
    expect(p.block_time).toBe(tx.blockTimeStamp);
    expect(await userRow(w, u.id)).toMatchObject({ plan: 'VIP', plan_expires_at: now + 30 * DAY });
    const me = await w.s.api.get(`/api/auth/me`, u.token);
    expect(me.body).toMatchObject({ plan: 'VIP', plan_expires_at: iso(now + 30 * DAY) });

    const notices = await notificationsOf(w, { audience: 'user', userId: u.id, kind: 'plan_activated' });
    expect(notices).toHaveLength(1);
    const alerts = await notificationsOf(w, { audience: 'admin', userId: u.id, kind: 'new_paid_plan' });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.text).toBe(
      `New VIP activated: ${usernameOf(u)}, VIP, valid till ${iso(now + 30 * DAY)
        .slice(0, 16)
        .replace('T', ' ')} UTC`,
    );
    const audits = await w.s.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('user_id', '=', u.id)
      .where('action', '=', 'payment_confirmed')
      .execute();
    expect(audits).toHaveLength(1);

    // It asked the final (solidified) data, with the API key.
    const asked = w.fake.requests
      .slice(before)
      .filter((r) => (r.body as { value?: string }).value === tx.txid);
    expect(asked.map((r) => r.path)).toEqual(['/walletsolidity/gettransactioninfobyid']);
    expect(asked[0]!.headers['tron-pro-api-key']).toBe(TRONGRID_KEY);
    // The key never reaches the logs.
    expect(w.s.logs.join('')).not.toContain(TRONGRID_KEY);

    const view = await w.s.api.get<{ items: PaymentBody[] }>('/api/payments/me', u.token);
    expect(view.body.items[0]).toMatchObject({ status: 'CONFIRMED', paid_usdt: '50', next_check_at: null });
  });

  const rejections: {
    name: string;
    amount: string;
    plan: 'VIP' | 'PREMIUM';
    over: () => object;
    reason: RegExp;
  }[] = [
    {
      name: 'underpaid',
      amount: '49.999999',
      plan: 'VIP',
      over: () => ({}),
      reason: /^underpaid: received 49\.999999 USDT/,
    },
    { name: 'underpaid for PREMIUM', amount: '50', plan: 'PREMIUM', over: () => ({}), reason: /^underpaid/ },
    {
      name: 'wrong token',
      amount: '50',
      plan: 'VIP',
      over: () => ({ token: `41${'42'.repeat(20)}` }),
      reason: /^wrong token/,
    },
    {
      name: 'wrong recipient',
      amount: '50',
      plan: 'VIP',
      over: () => ({ to: `41${'43'.repeat(20)}` }),
      reason: /^wrong recipient/,
    },
    {
      name: 'failed',
      amount: '50',
      plan: 'VIP',
      over: () => ({ result: 'REVERT' }),
      reason: /failed on chain \(REVERT\)/,
    },
    {
      name: 'too old',
      amount: '50',
      plan: 'VIP',
      over: () => ({ blockTimeStamp: w.s.clock.now() - 25 * HOUR }),
      reason: /^too old/,
    },
  ];
  for (const c of rejections) {
    it(`rejects a transfer that is ${c.name}, with the reason, and tells the user`, async () => {
      const u = await registerUser(w.s.api);
      const tx = chainTransfer(w, c.amount, c.over());
      expect((await submit(w, u, c.plan, tx.txid)).status).toBe(201);
      await runVerifier(w);
      const p = await paymentByHash(w, tx.txid);
      expect(p.status).toBe('REJECTED');
      expect(p.reason).toMatch(c.reason);
      expect(p.decided_via).toBe('chain');
      expect(await userRow(w, u.id)).toMatchObject({ plan: 'TRIAL', plan_expires_at: null });
      const notices = await notificationsOf(w, { audience: 'user', userId: u.id, kind: 'payment_rejected' });
      expect(notices).toHaveLength(1);
      expect(notices[0]!.text).toContain(p.reason!);
      expect(
        await notificationsOf(w, { audience: 'admin', userId: u.id, kind: 'payment_rejected' }),
      ).toHaveLength(1);
      expect(await notificationsOf(w, { userId: u.id, kind: 'plan_activated' })).toHaveLength(0);
      const mine = await w.s.api.get<{ items: PaymentBody[] }>('/api/payments/me', u.token);
      expect(mine.body.items[0]).toMatchObject({ status: 'REJECTED', reason: p.reason });
    });
  }

  it('keeps a not-yet-final transfer PENDING, retries it, and confirms it once final', async () => {
    const u = await registerUser(w.s.api);
    const tx = chainTransfer(w, '100', { state: 'pending' });
    await submit(w, u, 'PREMIUM', tx.txid);
    await runVerifier(w);
    let p = await paymentByHash(w, tx.txid);
    expect(p).toMatchObject({ status: 'PENDING', checks: 1, last_check: 'not_final' });
    expect(p.next_check_at).toBe(w.s.clock.now() + 30_000);
    // It asked the full node whether the chain knows the hash at all.
    const asked = w.fake.requests
      .filter((r) => (r.body as { value?: string }).value === tx.txid)
      .map((r) => r.path);
    expect(asked).toEqual(['/walletsolidity/gettransactioninfobyid', '/wallet/gettransactionbyid']);

    // Not due yet: not looked at again.
    await runVerifier(w);
    expect(w.fake.requests.filter((r) => (r.body as { value?: string }).value === tx.txid)).toHaveLength(2);

    w.s.clock.advance(30_000);
    await runVerifier(w);
    expect((await paymentByHash(w, tx.txid)).checks).toBe(2);

    w.fake.finalize(tx.txid);
    w.s.clock.advance(30_000);
    await runVerifier(w);
    p = await paymentByHash(w, tx.txid);
    expect(p.status).toBe('CONFIRMED');
    expect(await userRow(w, u.id)).toMatchObject({
      plan: 'PREMIUM',
      plan_expires_at: w.s.clock.now() + 30 * DAY,
    });
  });

  it('keeps a payment PENDING when TronGrid answers 5xx, times out or talks nonsense, and backs off', async () => {
    const u = await registerUser(w.s.api);
    const tx = chainTransfer(w, '50');
    await submit(w, u, 'VIP', tx.txid);
    const faults: [() => void, RegExp][] = [
      [() => w.fake.failNext(1000, 503), /HTTP 503/],
      [() => w.fake.hangNext(1000, 1_500), /no answer within 200 ms/],
      [() => w.fake.garbageNext(1000), /not JSON/],
      [() => w.fake.failNext(1000, 429), /HTTP 429/],
    ];
    let checks = 0;
    for (const [fault, seen] of faults) {
      fault();
      await runVerifier(w, 200);
      w.fake.heal();
      checks += 1;
      const p = await paymentByHash(w, tx.txid);
      expect(p).toMatchObject({ status: 'PENDING', checks });
      expect(p.last_check).toMatch(seen);
      // 30 s, 60 s, 120 s, … between look-ups while errors last.
      expect(p.next_check_at).toBe(w.s.clock.now() + 30_000 * 2 ** (checks - 1));
      w.s.clock.advance(30_000 * 2 ** (checks - 1));
    }
    await runVerifier(w);
    expect((await paymentByHash(w, tx.txid)).status).toBe('CONFIRMED');
  });

  it('stacks renewals: two VIP payments give 60 days', async () => {
    const u = await registerUser(w.s.api);
    const [a, b] = [chainTransfer(w, '50'), chainTransfer(w, '50')];
    await submit(w, u, 'VIP', a.txid);
    await submit(w, u, 'VIP', b.txid);
    await runVerifier(w);
    const now = w.s.clock.now();
    expect(await userRow(w, u.id)).toMatchObject({ plan: 'VIP', plan_expires_at: now + 60 * DAY });
    const expiries = [
      (await paymentByHash(w, a.txid)).plan_expires_at,
      (await paymentByHash(w, b.txid)).plan_expires_at,
    ];
    expect(expiries.sort()).toEqual([now + 30 * DAY, now + 60 * DAY]);

    // A renewal ten days later still adds to the time left.
    w.s.clock.advance(10 * DAY);
    await relogin(w.s, u);
    await relogin(w.s, admin);
    const c = chainTransfer(w, '50');
    await submit(w, u, 'VIP', c.txid);
    await runVerifier(w);
    expect((await userRow(w, u.id)).plan_expires_at).toBe(now + 90 * DAY);
  });

  it('applies a payment once, however many verifiers run or however often', async () => {
    const u = await registerUser(w.s.api);
    const tx = chainTransfer(w, '50');
    await submit(w, u, 'VIP', tx.txid);
    const summaries = await Promise.all([runVerifier(w), runVerifier(w), runVerifier(w)]);
    await runVerifier(w);
    const now = w.s.clock.now();
    expect(summaries.reduce((n, s) => n + s.confirmed, 0)).toBe(1);
    expect((await userRow(w, u.id)).plan_expires_at).toBe(now + 30 * DAY);
    expect(await notificationsOf(w, { audience: 'admin', userId: u.id, kind: 'new_paid_plan' })).toHaveLength(
      1,
    );
    // Two confirmations racing (the verifier and an admin) apply it once too.
    const v = await registerUser(w.s.api);
    const other = newTxid();
    await submit(w, v, 'VIP', other);
    const { id } = await paymentByHash(w, other);
    const results = await Promise.all([
      confirmPayment(w.s.ctx, { paymentId: id, via: 'chain', chain: { paid: '50', blockTime: now } }),
      confirmPayment(w.s.ctx, { paymentId: id, via: 'admin', actorId: admin.id }),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await userRow(w, v.id)).plan_expires_at).toBe(now + 30 * DAY);
  });

  it('lets an admin confirm by hand (also a rejected payment, also as another plan) and reject by hand, audited', async () => {
    const u = await registerUser(w.s.api);
    // Underpaid by a withdrawal fee: rejected by the verifier, accepted by the admin.
    const short = chainTransfer(w, '49.5');
    await submit(w, u, 'VIP', short.txid);
    await runVerifier(w);
    expect((await paymentByHash(w, short.txid)).status).toBe('REJECTED');
    const ok = await w.s.api.post<PaymentBody>(
      '/api/payments/usdt/verify',
      { tx_hash: short.txid, note: 'fee accepted' },
      admin.token,
    );
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      status: 'CONFIRMED',
      paid_usdt: '49.5',
      reason: 'fee accepted',
      resulting_plan: 'VIP',
    });
    const now = w.s.clock.now();
    expect(await userRow(w, u.id)).toMatchObject({ plan: 'VIP', plan_expires_at: now + 30 * DAY });
    expect(
      (await w.s.api.post('/api/payments/usdt/verify', { tx_hash: short.txid }, admin.token)).status,
    ).toBe(409);
    expect(
      (await w.s.api.post('/api/payments/usdt/verify', { tx_hash: newTxid() }, admin.token)).status,
    ).toBe(404);

    // A hash the chain doesn't know yet, confirmed as PREMIUM without any chain check.
    const unknown = newTxid();
    await submit(w, u, 'VIP', unknown);
    const asPremium = await w.s.api.post<PaymentBody>(
      '/api/payments/usdt/verify',
      { tx_hash: unknown, plan: 'PREMIUM' },
      admin.token,
    );
    expect(asPremium.body).toMatchObject({ status: 'CONFIRMED', plan: 'PREMIUM', resulting_plan: 'PREMIUM' });
    // 30 VIP days left (worth 15 PREMIUM days) + 30 PREMIUM days.
    expect((await userRow(w, u.id)).plan_expires_at).toBe(now + 45 * DAY);

    const toReject = newTxid();
    await submit(w, u, 'VIP', toReject);
    const rejected = await w.s.api.post<PaymentBody>(
      '/api/payments/usdt/reject',
      { tx_hash: toReject.toUpperCase(), reason: 'Sent from an exchange that was hacked' },
      admin.token,
    );
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({
      status: 'REJECTED',
      reason: 'Sent from an exchange that was hacked',
    });
    expect(
      (await w.s.api.post('/api/payments/usdt/reject', { tx_hash: toReject, reason: 'x' }, admin.token))
        .status,
    ).toBe(409);
    expect(
      (await w.s.api.post('/api/payments/usdt/reject', { tx_hash: short.txid, reason: 'x' }, admin.token))
        .status,
    ).toBe(409);
    expect((await w.s.api.post('/api/payments/usdt/reject', { tx_hash: toReject }, admin.token)).status).toBe(
      400,
    );

    const audits = await w.s.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('user_id', '=', u.id)
      .where('actor_id', '=', admin.id)
      .orderBy('id', 'asc')
      .execute();
    expect(audits.map((a) => a.action)).toEqual([
      'payment_confirmed',
      'payment_confirmed',
      'payment_rejected',
    ]);
    expect(
      await notificationsOf(w, { audience: 'user', userId: u.id, kind: 'payment_rejected' }),
    ).toHaveLength(2);
  });

  it('limits how many payments one user may have waiting', async () => {
    const u = await registerUser(w.s.api);
    for (let i = 0; i < 5; i++) expect((await submit(w, u, 'VIP', newTxid())).status).toBe(201);
    const sixth = await submit(w, u, 'VIP', newTxid());
    expect(sixth.status).toBe(409);
    expect(sixth.body).toMatchObject({ error: 'too_many_pending' });
  });

  // Last: it moves the clock two days on.
  it('gives up on a hash the chain never knew after PAYMENT_GIVE_UP_HOURS: REJECTED "not found on chain"', async () => {
    const u = await registerUser(w.s.api);
    const txid = newTxid();
    await submit(w, u, 'VIP', txid);
    await runVerifier(w);
    let p = await paymentByHash(w, txid);
    expect(p).toMatchObject({
      status: 'PENDING',
      last_check: 'unknown',
      next_check_at: w.s.clock.now() + 30_000,
    });
    w.s.clock.advance(30_000);
    await runVerifier(w);
    p = await paymentByHash(w, txid);
    expect(p.next_check_at).toBe(w.s.clock.now() + 60_000);

    w.s.clock.advance(47 * HOUR);
    await runVerifier(w);
    expect((await paymentByHash(w, txid)).status).toBe('PENDING');
    w.s.clock.advance(HOUR);
    await runVerifier(w);
    p = await paymentByHash(w, txid);
    expect(p.status).toBe('REJECTED');
    expect(p.reason).toMatch(/^not found on chain/);
    expect(
      await notificationsOf(w, { audience: 'user', userId: u.id, kind: 'payment_rejected' }),
    ).toHaveLength(1);
  });
});

describeDb('USDT payments without a wallet', (t) => {
  it('says so on /api/plans and answers 503 payments_disabled to submissions', async () => {
    const s = await startTestServer(t);
    try {
      const plans = await s.api.get('/api/plans');
      expect(plans.body).toMatchObject({ payments_enabled: false, wallet_address: null });
      expect(String(plans.body.payments_disabled_reason)).toMatch(/TRON_WALLET_ADDRESS/);
      const u = await registerUser(s.api);
      const r = await s.api.post(
        '/api/payments/usdt/initiate',
        { plan: 'VIP', tx_hash: newTxid(), network: 'TRC20' },
        u.token,
      );
      expect(r.status).toBe(503);
      expect(r.body).toEqual({
        error: 'payments_disabled',
        reason: expect.stringMatching(/TRON_WALLET_ADDRESS/),
      });
      expect(tronAddress('x')).toMatch(/^T/);
    } finally {
      await s.close();
    }
  });
});
