import { FakeTelegramBotApi } from '@verzek/test-support';
import { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBotUpdate } from './inbound';
import { BotTransport, redactToken } from './transport';

const TOKEN = '123456789:TEST-fake-token-for-tests-only_abcdef';

describe('BotTransport against the fake Bot API', () => {
  const fake = new FakeTelegramBotApi({ token: TOKEN, limits: false });
  let transport: BotTransport;

  beforeAll(async () => {
    await fake.start();
    fake.addGroup(-1001);
    transport = new BotTransport(TOKEN, { apiRoot: fake.url, timeoutSeconds: 0.4 });
  });
  afterAll(() => fake.stop());

  it('sends HTML and replies, and reports each kind of failure without the token', async () => {
    const sent = await transport.call<{ message_id: number }>('sendMessage', {
      chat_id: -1001,
      text: '<b>LONG</b> #BTCUSDT &amp; more',
      parse_mode: 'HTML',
    });
    expect(sent).toMatchObject({ kind: 'ok', result: { message_id: 1 } });
    const reply = await transport.call('sendMessage', {
      chat_id: -1001,
      text: 'TP1',
      reply_parameters: { message_id: 1 },
    });
    expect(reply.kind).toBe('ok');
    expect(fake.sent(-1001)[1]!.replyTo).toBe(1);

    const bad = await transport.call('sendMessage', { chat_id: -1001, text: '<b>oops', parse_mode: 'HTML' });
    expect(bad).toMatchObject({ kind: 'rejected', code: 400 });
    expect(bad.kind === 'rejected' && bad.description).toMatch(/can't parse entities/);
    const amp = await transport.call('sendMessage', { chat_id: -1001, text: 'A & B', parse_mode: 'HTML' });
    expect(amp.kind).toBe('rejected');

    fake.rateLimitNext(1, 3);
    expect(await transport.call('sendMessage', { chat_id: -1001, text: 'x' })).toMatchObject({
      kind: 'rate_limited',
      retryAfterSec: 3,
    });

    fake.failNext(1, 502, 'Bad Gateway');
    expect((await transport.call('sendMessage', { chat_id: -1001, text: 'x' })).kind).toBe('unknown');

    fake.swallowNext(1, { execute: true });
    const lost = await transport.call('sendMessage', { chat_id: -1001, text: 'swallowed' });
    expect(lost.kind).toBe('unknown');
    expect(fake.sent(-1001).at(-1)!.text).toBe('swallowed');

    const notModified = await transport.call('editMessageText', {
      chat_id: -1001,
      message_id: 1,
      text: '<b>LONG</b> #BTCUSDT &amp; more',
      parse_mode: 'HTML',
    });
    expect(notModified.kind === 'rejected' && notModified.description).toMatch(/not modified/);

    const dead = new BotTransport(TOKEN, { apiRoot: 'http://127.0.0.1:9', timeoutSeconds: 1 });
    const refused = await dead.call('sendMessage', { chat_id: 1, text: 'x' });
    expect(refused.kind).toBe('not_sent');
    for (const outcome of [bad, lost, refused]) expect(JSON.stringify(outcome)).not.toContain(TOKEN);
  });

  it('redacts tokens wherever they appear', () => {
    expect(redactToken(`request to http://x/bot${TOKEN}/sendMessage failed`)).toBe(
      'request to http://x/bot[bot-token]/sendMessage failed',
    );
  });
});

describe('grammY long polling against the fake', () => {
  it('receives channel posts and edits, and stops at once', async () => {
    const fake = new FakeTelegramBotApi({ token: TOKEN, limits: false });
    await fake.start();
    try {
      const bot = new Bot(TOKEN, { client: { apiRoot: fake.url } });
      const seen: Update[] = [];
      bot.use((ctx) => {
        seen.push(ctx.update);
      });
      const running = bot.start({ timeout: 5, drop_pending_updates: false });
      const post = fake.postToChannel(-100500, 'Signal BTC/USDT');
      fake.editChannelPost(-100500, post.message_id, 'Signal BTC/USDT edited');
      const deadline = Date.now() + 5000;
      while (seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const started = Date.now();
      await bot.stop();
      await running;
      expect(Date.now() - started).toBeLessThan(2000);
      const inbound = seen.map((u) => fromBotUpdate(u));
      expect(inbound[0]).toMatchObject({
        type: 'post',
        post: { chatId: '-100500', messageId: 1, text: 'Signal BTC/USDT', editDate: null },
      });
      expect(inbound[1]).toMatchObject({ type: 'post', post: { text: 'Signal BTC/USDT edited' } });
      // bot.stop() confirmed what was handled.
      expect(fake.pendingUpdates).toBe(0);
    } finally {
      await fake.stop();
    }
  });
});
