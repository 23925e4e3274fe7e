import { insertOutbox } from '@verzek/db';
import { describeDb } from '@verzek/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runPlanLifecycle } from '../src/services/payments/plan-lifecycle';
import { noticeUser } from '../src/services/notify/notify';
import { runDailyReport } from '../src/services/reports/daily-report';
import { messageRow } from '../src/telegram/plan';
import { telegramReportSink } from '../src/telegram/report-sink';
import { adminSession, registerUser, type Session } from './harness';
import { ADMIN_CHAT, startTelegramWorld, TRIAL, until, VIP, type TelegramWorld } from './telegram-helpers';

describeDb('telegram: linked accounts, commands, alerts, VIP access and the daily report', (t) => {
  let w: TelegramWorld;
  let admin: Session;

  /** Links a Telegram user to an account through the deep link, as a phone would. */
  const link = async (session: Session, tgUser: number, username: string) => {
    const r = await w.s.api.post<{ url: string; code: string }>(
      '/api/telegram/link',
      undefined,
      session.token,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.url).toBe(`https://t.me/verzek_test_bot?start=${r.body.code}`);
    w.fake.addUser(tgUser, username);
    w.fake.userSays(tgUser, `/start ${r.body.code}`);
    await until(`${username} linked`, () =>
      w.s.ctx.db
        .selectFrom('telegram_links')
        .selectAll()
        .where('tg_user_id', '=', String(tgUser))
        .executeTakeFirst(),
    );
    return r.body.code;
  };
  const lastDm = (tgUser: number, containing: string) =>
    until(`a message to ${tgUser} with "${containing}"`, () =>
      w.fake.sent(tgUser).find((m) => m.text.includes(containing)),
    );

  beforeAll(async () => {
    w = await startTelegramWorld(t, { trading: false });
    admin = await adminSession(w.s);
  });
  afterAll(() => w.close());

  it('links an account with a single-use deep link and answers /status, /positions and /stop', async () => {
    const alice = await registerUser(w.s.api);
    const code = await link(alice, 501, 'alice');
    await lastDm(501, 'now linked');
    expect((await w.s.api.get('/api/telegram/link', alice.token)).body).toMatchObject({
      linked: true,
      telegram_username: 'alice',
    });

    // The code works once.
    w.fake.addUser(502, 'mallory');
    w.fake.userSays(502, `/start ${code}`);
    await lastDm(502, 'expired or was already used');

    w.fake.userSays(501, '/status');
    const status = await lastDm(501, 'Plan: TRIAL');
    expect(status.text).toContain('Auto-trading: off');
    expect(status.replyTo).not.toBeNull();
    w.fake.userSays(501, '/positions');
    await lastDm(501, 'No open positions');

    await w.s.ctx.db.updateTable('users').set({ auto_trade_enabled: 1 }).where('id', '=', alice.id).execute();
    w.fake.userSays(501, '/stop');
    await lastDm(501, 'Auto-trading is off');
    const row = await w.s.ctx.db
      .selectFrom('users')
      .select('auto_trade_enabled')
      .where('id', '=', alice.id)
      .executeTakeFirstOrThrow();
    expect(row.auto_trade_enabled).toBe(0);

    // Not linked: told how to link.
    w.fake.addUser(503, 'stranger');
    w.fake.userSays(503, '/status');
    await lastDm(503, 'Link your account first');
    // Admin commands are for admins.
    w.fake.userSays(501, '/halt');
    await lastDm(501, 'Administrators only');
  });

  it('delivers a user’s notices as their notification choices say', async () => {
    const bob = await registerUser(w.s.api);
    await link(bob, 601, 'bob');
    const now = () => w.s.clock.now();
    await noticeUser(w.s.ctx.db, {
      userId: bob.id,
      kind: 'position_opened',
      text: 'Opened BTCUSDT LONG 0.014 @ 70000',
      at: now(),
    });
    await lastDm(601, 'Opened BTCUSDT LONG');
    const put = await w.s.api.put(
      `/api/users/${bob.id}/general`,
      { notifications: { trade_blocked: false } },
      bob.token,
    );
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    await noticeUser(w.s.ctx.db, {
      userId: bob.id,
      kind: 'trade_blocked',
      text: 'Signal #9 was not traded: cooldown',
      at: now(),
    });
    await noticeUser(w.s.ctx.db, {
      userId: bob.id,
      kind: 'position_closed',
      text: 'Closed BTCUSDT +12.5 USDT (+1.8%)',
      at: now(),
    });
    await lastDm(601, 'Closed BTCUSDT +12.5 USDT');
    expect(w.fake.sent(601).some((m) => m.text.includes('cooldown'))).toBe(false);
  });

  it('lets a linked admin halt and resume trading, and alerts the admin chat', async () => {
    await link(admin, 701, 'boss');
    w.fake.userSays(701, '/halt maintenance window');
    await lastDm(701, 'Kill switch ON');
    expect(
      (await w.s.api.get<{ global_kill_switch: boolean }>('/api/safety/status', admin.token)).body
        .global_kill_switch,
    ).toBe(true);
    const alert = await until('kill switch alert', () =>
      w.fake.sent(ADMIN_CHAT).find((m) => m.text.includes('maintenance window')),
    );
    expect(alert.text).toContain('kill switch');
    w.fake.userSays(701, '/resume');
    await lastDm(701, 'Kill switch OFF');
    expect(
      (await w.s.api.get<{ global_kill_switch: boolean }>('/api/safety/status', admin.token)).body
        .global_kill_switch,
    ).toBe(false);
    w.fake.userSays(701, '/stats');
    await lastDm(701, 'Users:');
  });

  it('gives a VIP a single-use invite link, and removes them (and tells them) when the plan lapses', async () => {
    const vip = await registerUser(w.s.api);
    expect(
      (await w.s.api.put(`/api/users/${vip.id}/subscription`, { plan: 'VIP' }, admin.token)).status,
    ).toBe(200);
    await link(vip, 801, 'vicky');
    const invite = await lastDm(801, 'https://t.me/+');
    const url = /https:\/\/t\.me\/\+\S+/.exec(invite.text)![0];
    expect(w.fake.inviteLinks.find((l) => l.invite_link === url)).toMatchObject({
      chatId: VIP,
      member_limit: 1,
    });
    w.fake.join(VIP, 801, url);
    expect(w.fake.isMember(VIP, 801)).toBe(true);
    expect(() => w.fake.join(VIP, 802, url)).toThrow(/used up/);

    // The plan lapses: the lifecycle job moves them to TRIAL; they are removed from VIP and told.
    w.s.clock.advance(31 * 86_400_000);
    const summary = await runPlanLifecycle(w.s.ctx, w.s.clock.now());
    expect(summary.expired).toBeGreaterThanOrEqual(1);
    const told = await lastDm(801, 'removed from the VIP group');
    expect(told.text).toContain('expired');
    await until('removed from VIP', () => !w.fake.isMember(VIP, 801));
    // Banned and unbanned again, so a renewal's invite works.
    await until('unbanned', () => w.fake.callsTo('unbanChatMember').length > 0);
    expect(w.fake.isBanned(VIP, 801)).toBe(false);
    expect(w.fake.callsTo('banChatMember').map((c) => Number(c.params.user_id))).toContain(801);
  });

  it('posts the daily report to the VIP and TRIAL groups once', async () => {
    const settings = w.tg.settings;
    const day = new Date(w.s.clock.now()).toISOString().slice(0, 10);
    const deps = { db: w.s.ctx.db, dialect: w.s.ctx.dbHandle.dialect, maxDrawdownPct: 35 };
    await runDailyReport(deps, [telegramReportSink(settings)], day, w.s.clock.now());
    await runDailyReport(deps, [telegramReportSink(settings)], day, w.s.clock.now());
    for (const chat of [VIP, TRIAL]) {
      await until(`report in ${chat}`, () =>
        w.fake.sent(chat).find((m) => m.text.includes(`Daily report — ${day}`)),
      );
    }
    await new Promise((r) => setTimeout(r, 200));
    for (const chat of [VIP, TRIAL]) {
      expect(w.fake.sent(chat).filter((m) => m.text.includes('Daily report'))).toHaveLength(1);
    }
  });

  it('refuses link codes when asked by a stranger, and unlinks', async () => {
    expect((await w.s.api.post('/api/telegram/link')).status).toBe(401);
    const carol = await registerUser(w.s.api);
    await link(carol, 901, 'carol');
    const del = await w.s.api.request('DELETE', '/api/telegram/link', { token: carol.token });
    expect(del.body).toMatchObject({ linked: false });
  });

  it('drops a message that is too stale to matter, with a log line', async () => {
    const now = w.s.clock.now();
    await insertOutbox(w.s.ctx.db, [
      messageRow('stale:test', String(VIP), 'notice', 'stale news', now - 3_600_000, 60_000),
      messageRow('fresh:test', String(VIP), 'notice', 'fresh news', now, 60_000),
    ]);
    w.tg.kick();
    await until('fresh sent', () => w.fake.sent(VIP).find((m) => m.text === 'fresh news'));
    const stale = await w.s.ctx.db
      .selectFrom('telegram_outbox')
      .selectAll()
      .where('idem_key', '=', 'stale:test')
      .executeTakeFirstOrThrow();
    expect(stale.status).toBe('dropped');
    expect(w.fake.sent(VIP).some((m) => m.text === 'stale news')).toBe(false);
    expect(w.s.logs.join('')).toContain('telegram: message dropped');
  });
});
