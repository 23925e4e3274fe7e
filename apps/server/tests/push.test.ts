import { allPushTokens, pushOutbox } from '@verzek/db';
import { createLogger } from '@verzek/platform';
import { describeDb, FakeExpoPush } from '@verzek/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noticeUser } from '../src/services/notify/notify';
import { createExpoClient } from '../src/services/push/expo-client';
import { createPushSender, type PushSender } from '../src/services/push/sender';
import { adminSession, registerUser, startTestServer, type Session, type TestServer } from './harness';

const token = (n: string) => `ExponentPushToken[${n.padEnd(22, 'x')}]`;

describeDb('push notifications through Expo', (t) => {
  let s: TestServer;
  let fake: FakeExpoPush;
  let sender: PushSender;
  let admin: Session;
  let alice: Session;
  let bob: Session;
  const A = token('alice');
  const A2 = token('alicephone2');
  const B = token('bob');

  beforeAll(async () => {
    fake = await new FakeExpoPush().start();
    s = await startTestServer(t, { env: { EXPO_PUSH_URL: fake.url } });
    admin = await adminSession(s);
    alice = await registerUser(s.api);
    bob = await registerUser(s.api);
    const up = await s.api.put(`/api/users/${alice.id}/subscription`, { plan: 'PREMIUM' }, admin.token);
    expect(up.status).toBe(200);
    sender = createPushSender(
      {
        db: s.ctx.db,
        expo: createExpoClient({ baseUrl: s.ctx.config.app.pushUrl }),
        logger: createLogger({ level: 'silent' }),
      },
      { receiptDelayMs: 0 },
    );
  });
  afterAll(async () => {
    await s.close();
    await fake.stop();
  });

  const notice = (userId: number, kind: 'position_closed' | 'trade_blocked', text: string) =>
    noticeUser(s.ctx.db, { userId, kind, text, data: { position_id: 7 }, at: s.clock.now() });

  it('registers and removes device tokens (own, validated)', async () => {
    expect(
      (await s.api.post('/api/push/tokens', { token: 'nope', platform: 'ios' }, alice.token)).status,
    ).toBe(400);
    expect((await s.api.post('/api/push/tokens', { token: A, platform: 'ios' })).status).toBe(401);
    for (const [tok, who] of [
      [A, alice],
      [A2, alice],
      [B, bob],
    ] as const) {
      const r = await s.api.post(
        '/api/push/tokens',
        { token: tok, platform: 'android', device: 'Pixel' },
        who.token,
      );
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ token: tok, platform: 'android' });
    }
    const del = await s.api.request('DELETE', '/api/push/tokens', { body: { token: A2 }, token: bob.token });
    expect(del.body).toMatchObject({ message: 'Not registered' });
    expect((await allPushTokens(s.ctx.db)).map((r) => r.token).sort()).toEqual([A, A2, B].sort());
  });

  it('starts after what already happened, then pushes each notice once to every device of its user', async () => {
    await notice(alice.id, 'position_closed', 'old news');
    await sender.tick(s.clock.now()); // the cursors start at the current end: history is not pushed
    expect(fake.delivered).toHaveLength(0);

    await notice(alice.id, 'position_closed', 'BTCUSDT LONG closed: +1.20 USDT');
    await notice(bob.id, 'trade_blocked', 'Daily loss limit reached');
    const r = await sender.tick(s.clock.now());
    expect(r).toMatchObject({ queued: 3, sent: 3 });
    expect(fake.delivered.map((m) => [m.to, m.title, m.body]).sort()).toEqual(
      [
        [A, 'Position closed', 'BTCUSDT LONG closed: +1.20 USDT'],
        [A2, 'Position closed', 'BTCUSDT LONG closed: +1.20 USDT'],
        [B, 'Trade blocked', 'Daily loss limit reached'],
      ].sort(),
    );
    expect(fake.sends).toHaveLength(1); // one batch
    await sender.tick(s.clock.now());
    await sender.tick(s.clock.now());
    expect(fake.delivered).toHaveLength(3); // never twice
    expect((await pushOutbox(s.ctx.db)).every((row) => row.status === 'delivered')).toBe(true);
  });

  it("follows the user's notification choices", async () => {
    const off = await s.api.put(
      `/api/users/${bob.id}/general`,
      { notifications: { trade_blocked: false } },
      bob.token,
    );
    expect(off.status).toBe(200);
    const before = fake.delivered.length;
    await notice(bob.id, 'trade_blocked', 'Cooldown after a loss');
    await sender.tick(s.clock.now());
    expect(fake.delivered.length).toBe(before);
  });

  it('pushes new signals to VIP/PREMIUM users who want them, not to TRIAL', async () => {
    const before = fake.delivered.length;
    const posted = await s.api.post(
      '/api/signals',
      { symbol: 'ETHUSDT', direction: 'LONG', entry: 3000, targets: [3100, 3200], stop_loss: 2900 },
      admin.token,
    );
    expect(posted.status).toBe(201);
    await sender.tick(s.clock.now());
    const fresh = fake.delivered.slice(before);
    expect(fresh.map((m) => m.to).sort()).toEqual([A, A2].sort());
    expect(fresh[0]).toMatchObject({ title: 'New signal: ETHUSDT LONG', data: { kind: 'new_signal' } });
  });

  it('drops tokens Expo reports as unregistered (ticket or receipt)', async () => {
    fake.setFate(A2, 'ticket_not_registered');
    fake.setFate(A, 'receipt_not_registered');
    await notice(alice.id, 'position_closed', 'ETHUSDT closed');
    await sender.tick(s.clock.now());
    await sender.tick(s.clock.now()); // receipts
    expect((await allPushTokens(s.ctx.db)).map((r) => r.token)).toEqual([B]);
    const rows = await pushOutbox(s.ctx.db, { limit: 1000 });
    expect(
      rows
        .filter((r) => r.status === 'failed')
        .map((r) => r.token)
        .sort(),
    ).toEqual([A, A2].sort());
  });

  it('retries a batch Expo refused, and splits big batches into requests of 100', async () => {
    await s.api.put(`/api/users/${bob.id}/general`, { notifications: { trade_blocked: true } }, bob.token);
    const requests = fake.sends.length;
    const before = fake.delivered.length;
    for (let i = 0; i < 150; i++) await notice(bob.id, 'trade_blocked', `blocked ${i}`);
    fake.failNext(503);
    const first = await sender.tick(s.clock.now());
    expect(first.sent).toBe(50); // the first request of 100 was refused, the second went through
    expect(fake.delivered.length - before).toBe(50);
    await sender.tick(s.clock.now());
    expect(fake.delivered.length - before).toBe(150);
    expect(fake.sends.length - requests).toBe(2); // accepted requests: 50, then the refused 100 again
    const bodies = fake.delivered.slice(before).map((m) => m.body);
    expect(new Set(bodies).size).toBe(150);
  });

  it('lets several workers queue at once: a pass that loses the race queues nothing and fails nothing', async () => {
    const other = createPushSender(
      {
        db: s.ctx.db,
        expo: createExpoClient({ baseUrl: s.ctx.config.app.pushUrl }),
        logger: createLogger({ level: 'silent' }),
      },
      { receiptDelayMs: 0 },
    );
    const before = fake.delivered.length;
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 4; i++) await notice(bob.id, 'trade_blocked', `race ${round}.${i}`);
      const [a, b] = await Promise.all([
        sender.queueNotifications(s.clock.now()),
        other.queueNotifications(s.clock.now()),
      ]);
      expect(a + b, `round ${round}`).toBe(4);
    }
    await sender.tick(s.clock.now());
    const bodies = fake.delivered.slice(before).map((m) => m.body);
    expect(bodies).toHaveLength(20);
    expect(new Set(bodies).size).toBe(20);
  });
});

describe('push client base URL', () => {
  it('talks to the configured host (path prefix kept)', async () => {
    const fake = await new FakeExpoPush().start();
    try {
      const expo = createExpoClient({ baseUrl: fake.url, accessToken: 'secret-token' });
      const tickets = await expo.sendPushNotificationsAsync([{ to: token('x'), body: 'hi' }]);
      expect(tickets[0]).toMatchObject({ status: 'ok' });
      expect(fake.sends[0]?.headers.authorization).toBe('Bearer secret-token');
    } finally {
      await fake.stop();
    }
  });
});
