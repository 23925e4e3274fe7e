import { ConfigError, loadConfig } from '@verzek/platform';
import { describeDb } from '@verzek/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminSession, type Session } from './harness';
import { SOURCE, startTelegramWorld, TOKEN, until, VIP, type TelegramWorld } from './telegram-helpers';

const SECRET = 'webhook-secret-for-tests-0123456789';

describeDb('telegram: webhook mode', (t) => {
  let w: TelegramWorld;
  let admin: Session;

  beforeAll(async () => {
    w = await startTelegramWorld(t, {
      trading: false,
      env: {
        TELEGRAM_UPDATES: 'webhook',
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        PUBLIC_URL: 'https://verzek.example.com',
      },
    });
    admin = await adminSession(w.s);
    await w.s.api.post(
      '/api/admin/telegram/channels',
      { chat_id: String(SOURCE), source: 'hooked' },
      admin.token,
    );
  });
  afterAll(() => w.close());

  it('registers the webhook with its secret and takes updates only from Telegram', async () => {
    expect(w.fake.webhook).toEqual({
      url: 'https://verzek.example.com/api/telegram/webhook',
      secretToken: SECRET,
    });
    expect(w.fake.callsTo('getUpdates')).toHaveLength(0);
    const update = {
      update_id: 1,
      channel_post: {
        message_id: 77,
        date: 1_763_800_000,
        chat: { id: SOURCE, type: 'channel', title: 'Alpha' },
        sender_chat: { id: SOURCE, type: 'channel', title: 'Alpha' },
        text: '#BTC/USDT LONG\nEntry: 70000\nTargets: 70500 71000\nStop loss: 69500',
      },
    };
    const noSecret = await w.s.api.request('POST', '/api/telegram/webhook', { body: update });
    expect(noSecret.status).toBe(401);
    const wrong = await w.s.api.request('POST', '/api/telegram/webhook', {
      body: update,
      headers: { 'x-telegram-bot-api-secret-token': 'nope' },
    });
    expect(wrong.status).toBe(401);
    for (let k = 0; k < 2; k++) {
      const ok = await w.s.api.request('POST', '/api/telegram/webhook', {
        body: update,
        headers: { 'x-telegram-bot-api-secret-token': SECRET },
      });
      expect(ok.status, ok.raw.body).toBe(200);
    }
    const signals = await w.s.ctx.db
      .selectFrom('signals')
      .selectAll()
      .where('source_message_id', '=', `${SOURCE}:77`)
      .execute();
    expect(signals).toHaveLength(1);
    await until('VIP broadcast', () => w.fake.sent(VIP).find((m) => m.text.includes('BTCUSDT')));
    expect(w.s.logs.join('')).not.toContain(TOKEN);
  });
});

describe('telegram configuration', () => {
  it('needs a webhook secret in webhook mode, and both MTProto credentials or neither', () => {
    expect(() => loadConfig({}, { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_UPDATES: 'webhook' })).toThrow(
      ConfigError,
    );
    expect(() => loadConfig({}, { TELEGRAM_API_ID: '12345' })).toThrow(/TELEGRAM_API_HASH/);
    expect(() => loadConfig({}, { TELEGRAM_BOT_TOKEN: 'not-a-token' })).toThrow(/TELEGRAM_BOT_TOKEN/);
    const c = loadConfig({}, { TELEGRAM_BOT_TOKEN: TOKEN, TRIAL_FEED_DELAY_MINUTES: '7' });
    expect(c.telegram).toMatchObject({ trialDelayMinutes: 7, trialDetail: 'reduced', updates: 'polling' });
    expect(loadConfig({}, {}).telegram.botToken).toBeUndefined();
  });
});
