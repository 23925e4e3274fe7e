import type { PositionState } from '@verzek/core';
import { FakeTelegramBotApi, type FakeTelegramLimits, type TestDatabase } from '@verzek/test-support';
import { expect } from 'vitest';
import { startTelegram, type TelegramRuntime } from '../src/telegram/runtime';
import type { TelegramTuning } from '../src/telegram/settings';
import { registerUser, startTestServer, type Session, type TestServer } from './harness';

/** Shaped like a BotFather token (so the redaction is exercised), never a real one. */
export const TOKEN = '123456789:TEST-fake-token-for-tests-only_abcdef';
export const VIP = -1001000000001;
export const TRIAL = -1001000000002;
export const ADMIN_CHAT = -1001000000003;
export const SOURCE = -1001000000099;

export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Quick loops and short timeouts, so a test sees in milliseconds what production does in seconds. */
export const FAST: TelegramTuning = {
  // Telegram's per-group and overall limits; one message per 50 ms to a user instead of per second.
  limits: {
    group: { limit: 20, windowMs: 60_000 },
    private: { limit: 1, windowMs: 50 },
    global: { limit: 30, windowMs: 1_000 },
  },
  pollTimeoutSeconds: 1,
  idleMs: 40,
  requestTimeoutSeconds: 5,
  verifyDelayMs: 100,
  leaseMs: 3000,
};

export interface TelegramWorld {
  fake: FakeTelegramBotApi;
  s: TestServer;
  tg: TelegramRuntime;
  /** Stops the Telegram runtime and starts a new one (a restarted worker). */
  restart(tuning?: TelegramTuning): Promise<TelegramRuntime>;
  close(): Promise<void>;
}

/** The fake Bot API with the three groups and a source channel, a server wired to it, and its runtime. */
export async function startTelegramWorld(
  t: TestDatabase,
  options: {
    env?: Record<string, string>;
    tuning?: TelegramTuning;
    limits?: FakeTelegramLimits | false;
    trading?: boolean;
  } = {},
): Promise<TelegramWorld> {
  const fake = new FakeTelegramBotApi({ token: TOKEN, limits: options.limits ?? false });
  await fake.start();
  fake.addGroup(VIP, 'VIP');
  fake.addGroup(TRIAL, 'TRIAL');
  fake.addGroup(ADMIN_CHAT, 'Admins');
  fake.addChannel(SOURCE, 'Alpha signals');
  const s = await startTestServer(t, {
    trading: options.trading ?? true,
    env: {
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_VIP_CHAT_ID: String(VIP),
      TELEGRAM_TRIAL_CHAT_ID: String(TRIAL),
      TELEGRAM_ADMIN_CHAT_ID: String(ADMIN_CHAT),
      TELEGRAM_TRIAL_DELAY_MINUTES: '10',
      ...options.env,
    },
  });
  const tuning = { ...FAST, ...options.tuning };
  const world: TelegramWorld = {
    fake,
    s,
    tg: (await startTelegram(s.ctx, tuning))!,
    async restart(next = tuning) {
      await world.tg.stop();
      world.tg = (await startTelegram(s.ctx, next))!;
      return world.tg;
    },
    async close() {
      await world.tg.stop();
      await s.close();
      await fake.stop();
    },
  };
  expect(world.tg.isLeader).toBe(true);
  return world;
}

/** A PREMIUM follower with auto-trading on paper, as in the pipeline tests. */
export async function premiumFollower(s: TestServer, adminToken: string): Promise<Session> {
  const trader = await registerUser(s.api);
  expect(
    (await s.api.put(`/api/users/${trader.id}/subscription`, { plan: 'PREMIUM' }, adminToken)).status,
  ).toBe(200);
  expect((await s.api.post(`/api/admin/users/${trader.id}/verify-email`, undefined, adminToken)).status).toBe(
    200,
  );
  const strategy = await s.api.put(
    `/api/users/${trader.id}/strategy`,
    { auto_trade_enabled: true, per_trade_usdt: '100', capital_usdt: '100000' },
    trader.token,
  );
  expect(strategy.status, JSON.stringify(strategy.body)).toBe(200);
  await s.api.put(
    `/api/users/${trader.id}/risk`,
    { max_open_trades: 50, per_symbol_limit: 50 },
    trader.token,
  );
  const connect = await s.api.post(
    '/api/exchanges/connect',
    { provider: 'paper', mode: 'paper', leverage_default: 10, margin_mode: 'ISOLATED', hedge_mode: 0 },
    trader.token,
  );
  expect(connect.status, JSON.stringify(connect.body)).toBe(200);
  return trader;
}

export async function positionState(s: TestServer, signalId: number, userId: number) {
  const row = await s.ctx.db
    .selectFrom('positions')
    .selectAll()
    .where('signal_id', '=', signalId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row ? { row, st: JSON.parse(row.state) as PositionState } : null;
}
