import { insertOutbox } from '@verzek/db';
import { BotTransport, type RateLimits } from '@verzek/telegram';
import { describeDb } from '@verzek/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { messageRow } from '../src/telegram/plan';
import { startTelegram } from '../src/telegram/runtime';
import { ingestSignal } from '../src/trading/signals/ingest';
import { sourceByName } from '../src/trading/signals/sources';
import { FAST, startTelegramWorld, TOKEN, TRIAL, until, VIP, type TelegramWorld } from './telegram-helpers';

/** Telegram's limits with shorter windows (20 per group and 30 overall per window, as in production). */
const LIMITS: RateLimits = {
  group: { limit: 20, windowMs: 250 },
  private: { limit: 1, windowMs: 100 },
  global: { limit: 30, windowMs: 120 },
};

const COUNT = 200;

/** The signal ids of the broadcasts in a chat, in the order the chat received them. */
function broadcastIds(w: TelegramWorld, chat: number): number[] {
  return w.fake
    .sent(chat)
    .map((m) => /Signal (\d+)$/m.exec(m.text)?.[1])
    .filter((id): id is string => id !== undefined)
    .map(Number);
}

describeDb('telegram: a flood of signals reaches each group in order, once, within the limits', (t) => {
  let w: TelegramWorld;

  beforeAll(async () => {
    w = await startTelegramWorld(t, {
      trading: false,
      limits: LIMITS,
      // A call unanswered for 2 s has an unknown outcome (generous: CI machines are shared).
      tuning: { limits: LIMITS, concurrency: 4, requestTimeoutSeconds: 2 },
      env: { TELEGRAM_TRIAL_DELAY_MINUTES: '0', TELEGRAM_TRIAL_DETAIL: 'full' },
    });
  });
  afterAll(() => w.close());

  it(`delivers ${COUNT} signals to VIP and TRIAL through 429s, an unknown outcome and a restart`, async () => {
    const { ctx } = w.s;
    const source = await sourceByName(ctx.db, 'flood', 'api', ctx.clock.now());
    w.fake.rateLimitNext(4, 1);
    const ids: number[] = [];
    for (let k = 0; k < COUNT; k++) {
      const r = await ingestSignal(
        { db: ctx.db, now: ctx.clock.now(), bus: ctx.bus },
        {
          source,
          signal: {
            symbol: k % 2 === 0 ? 'BTCUSDT' : 'ETHUSDT',
            direction: 'LONG',
            entries: [String(1000 + k)],
            entry_type: 'single',
            targets: [String(1100 + k), String(1200 + k)],
            stop_loss: String(900 + k),
            leverage: 5,
            margin_mode: null,
          },
          tradeType: 'FUTURES',
          confidence: 1,
          duration: null,
          sourceMessageId: `flood-${k}`,
          raw: '{}',
          createdBy: null,
        },
      );
      if (r.status === 'created') ids.push(r.signal.id);
    }
    expect(ids).toHaveLength(COUNT);

    // Midway: a send whose answer never comes (Telegram did post it), then a restart of the sender.
    await until('a third delivered', () => broadcastIds(w, VIP).length >= COUNT / 3, 30_000);
    w.fake.swallowNext(1, { execute: true });
    await until(
      'the swallowed call',
      () => w.fake.calls.some((c) => c.method === 'sendMessage' && c.status === 0),
      10_000,
    );
    await w.restart();
    // And one that never reached Telegram's storage: it must be sent again, once.
    await until('two thirds delivered', () => broadcastIds(w, VIP).length >= (2 * COUNT) / 3, 30_000);
    w.fake.swallowNext(1, { execute: false });
    w.fake.rateLimitNext(3, 1);

    await until(
      'every broadcast delivered',
      () => broadcastIds(w, VIP).length >= COUNT && broadcastIds(w, TRIAL).length >= COUNT,
      60_000,
    );
    await new Promise((r) => setTimeout(r, 300));
    for (const chat of [VIP, TRIAL]) {
      const got = broadcastIds(w, chat);
      expect(got, `chat ${chat}: in order, once each`).toEqual(ids);
    }
    expect(w.fake.limitViolations, '429s caused by going over a limit').toBe(0);
    expect(w.fake.injectedRateLimits).toBe(7);
    const rows = await ctx.db
      .selectFrom('telegram_outbox')
      .select(['status', 'kind'])
      .where('kind', '=', 'signal')
      .execute();
    expect(rows).toHaveLength(2 * COUNT);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    const messages = await ctx.db.selectFrom('telegram_messages').select('signal_id').execute();
    expect(messages).toHaveLength(2 * COUNT);
    // The two unknown outcomes were settled by looking, not by guessing.
    const logs = w.s.logs.join('');
    expect(logs).toContain('the unknown send was delivered; not re-sending');
    expect(logs).toContain('the unknown send was not delivered; sending it again');
    expect(logs).toContain('rate limited; waiting as told');
  }, 120_000);

  it('after a crash mid-send, looks for the message before sending it again', async () => {
    const { ctx } = w.s;
    await w.tg.stop();
    w.fake.heal();
    const now = ctx.clock.now();
    const transport = new BotTransport(TOKEN, { apiRoot: w.fake.url, timeoutSeconds: 2 });
    // Row A: the dead process's call reached Telegram. Row B: it did not.
    const a = messageRow('crash:a', String(VIP), 'notice', '<b>crash test A</b>', now, 3_600_000);
    const b = messageRow('crash:b', String(VIP), 'notice', '<b>crash test B</b>', now, 3_600_000);
    const paramsA = {
      chat_id: String(VIP),
      ...(JSON.parse(a.payload) as { params: Record<string, unknown> }).params,
    };
    expect((await transport.call('sendMessage', paramsA)).kind).toBe('ok');
    await insertOutbox(ctx.db, [
      { ...a, status: 'sending' },
      { ...b, status: 'sending' },
    ]);
    await w.restart();
    await until('both settled', async () => {
      const rows = await ctx.db
        .selectFrom('telegram_outbox')
        .select(['idem_key', 'status'])
        .where('idem_key', 'in', ['crash:a', 'crash:b'])
        .execute();
      return rows.every((r) => r.status === 'sent') && rows.length === 2;
    });
    expect(w.fake.sent(VIP).filter((m) => m.text === 'crash test A')).toHaveLength(1);
    expect(w.fake.sent(VIP).filter((m) => m.text === 'crash test B')).toHaveLength(1);
    const a2 = await ctx.db
      .selectFrom('telegram_outbox')
      .selectAll()
      .where('idem_key', '=', 'crash:a')
      .executeTakeFirstOrThrow();
    expect(Number(a2.message_id)).toBe(w.fake.sent(VIP).find((m) => m.text === 'crash test A')!.message_id);
  });

  it('runs in one worker of the cluster at a time; another takes over when it stops', async () => {
    const second = (await startTelegram(w.s.ctx, { ...FAST, limits: LIMITS }))!;
    expect(second.isLeader).toBe(false);
    expect(second.sender).toBeNull();
    await w.tg.stop();
    await until('the other worker leads', () => second.isLeader, 5_000);
    w.tg = second;
    w.fake.postToChannel(-1009999, 'not a source');
    expect(w.tg.sender).not.toBeNull();
  });
});
