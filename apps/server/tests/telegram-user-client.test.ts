import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, SecretBox } from '@verzek/platform';
import { describeDb } from '@verzek/test-support';
import { Api } from 'telegram';
import { EditedMessage } from 'telegram/events/EditedMessage.js';
import { NewMessage } from 'telegram/events/index.js';
import { returnBigInt } from 'telegram/Helpers.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LoginClient } from '@verzek/telegram';
import { telegramCommand } from '../src/cli/telegram';
import { telegramSettings } from '../src/telegram/settings';
import { loadUserSession, userClientHandler } from '../src/telegram/user-client';
import { adminSession, startTestServer, type Session, type TestServer } from './harness';
import { TOKEN } from './telegram-helpers';

/** A channel only the user account can read: -100<channel id> in Bot API terms. */
const CHANNEL_ID = 1987654321;
const CHAT = `-100${CHANNEL_ID}`;
const MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

function channelMessage(id: number, text: string, options: { replyTo?: number; editDate?: number } = {}) {
  return new Api.Message({
    id,
    peerId: new Api.PeerChannel({ channelId: returnBigInt(CHANNEL_ID) }),
    message: text,
    date: 1_763_800_000,
    post: true,
    ...(options.editDate ? { editDate: options.editDate } : {}),
    ...(options.replyTo ? { replyTo: new Api.MessageReplyHeader({ replyToMsgId: options.replyTo }) } : {}),
  });
}

/** The events GramJS builds from the updates Telegram pushes (no network involved). */
const SELF = returnBigInt(424242);
const newPost = (m: Api.Message) =>
  new NewMessage({}).build(
    new Api.UpdateNewChannelMessage({ message: m, pts: 1, ptsCount: 1 }),
    undefined,
    SELF,
  )!;
const editedPost = (m: Api.Message) =>
  new EditedMessage({}).build(
    new Api.UpdateEditChannelMessage({ message: m, pts: 2, ptsCount: 1 }),
    undefined,
    SELF,
  )!;

describeDb('telegram: the MTProto user client', (t) => {
  let s: TestServer;
  let admin: Session;

  beforeAll(async () => {
    s = await startTestServer(t, {
      env: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: 'http://127.0.0.1:9', MASTER_KEY },
    });
    admin = await adminSession(s);
    const r = await s.api.post(
      '/api/admin/telegram/channels',
      { chat_id: CHAT, source: 'private-alpha', via: 'user' },
      admin.token,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  });
  afterAll(() => s.close());

  it('turns GramJS new-message and edited-message events into signals, follow-ups and edits', async () => {
    const settings = telegramSettings(s.ctx)!;
    const handle = userClientHandler({ ctx: s.ctx, settings, logger: s.ctx.logger });
    const text = '#SOL/USDT LONG\nEntry: 142.5\nTargets: 146 150\nStop loss: 138\nLeverage: 10x';
    await handle(newPost(channelMessage(10, text)), false);
    // Delivered twice (reconnects replay updates): one signal.
    await handle(newPost(channelMessage(10, text)), false);
    const signals = await s.ctx.db
      .selectFrom('signals')
      .selectAll()
      .where('source_message_id', '=', `${CHAT}:10`)
      .execute();
    expect(signals).toHaveLength(1);
    expect(signals[0]).toMatchObject({ symbol: 'SOLUSDT', direction: 'LONG' });

    await handle(
      editedPost(channelMessage(10, text.replace('138', '139'), { editDate: 1_763_800_100 })),
      true,
    );
    const edited = await s.ctx.db
      .selectFrom('signals')
      .select('stop_loss')
      .where('id', '=', signals[0]!.id)
      .executeTakeFirstOrThrow();
    expect(String(edited.stop_loss)).toBe('139');

    await handle(newPost(channelMessage(11, 'Target 1 reached 🚨', { replyTo: 10 })), false);
    const events = await s.ctx.db
      .selectFrom('signal_events')
      .selectAll()
      .where('signal_id', '=', signals[0]!.id)
      .execute();
    expect(events.map((e) => [e.kind, e.target])).toEqual([
      ['EDIT', null],
      ['TP_HIT', 1],
    ]);

    // A channel not configured for the user client is left alone.
    const other = new Api.Message({
      id: 3,
      peerId: new Api.PeerChannel({ channelId: returnBigInt(555) }),
      message: text,
      date: 1,
    });
    await handle(newPost(other), false);
    expect(
      await s.ctx.db
        .selectFrom('signals')
        .select('id')
        .where('source_message_id', '=', '-100555:3')
        .execute(),
    ).toEqual([]);
  });

  it('`verzek telegram login` asks on the terminal and stores the session sealed', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verzek-tg-cli-'));
    const config = loadConfig(
      {},
      { DATA_DIR: dataDir, MASTER_KEY, TELEGRAM_API_ID: '12345', TELEGRAM_API_HASH: 'a'.repeat(32) },
    );
    const asked: string[] = [];
    const answers: Record<string, string> = { Phone: '+4915112345678', 'The code': '12345', Two: 'pw' };
    const prompt = (q: string) => {
      asked.push(q);
      return Promise.resolve(Object.entries(answers).find(([k]) => q.startsWith(k))?.[1] ?? '');
    };
    const session = '1AgAOMTQ5LjE1NC4xNjcuNTEBu0fake-session-string';
    const client: LoginClient = {
      async start(auth) {
        expect(await auth.phoneNumber()).toBe('+4915112345678');
        expect(await auth.phoneCode()).toBe('12345');
        expect(await auth.password('my hint')).toBe('pw');
      },
      saveSession: () => session,
      me: () => Promise.resolve('alpha_reader'),
      disconnect: () => Promise.resolve(),
    };
    const out: string[] = [];
    const io = { out: (x: string) => out.push(x), err: (x: string) => out.push(x) };
    const code = await telegramCommand('login', io, {
      client: () => Promise.resolve(client),
      prompt,
      db: s.ctx.db,
      config,
    });
    expect(code).toBe(0);
    expect(asked).toHaveLength(3);
    expect(asked[2]).toContain('my hint');
    expect(out.join('')).toContain('logged in as alpha_reader');
    expect(out.join('')).not.toContain(session);
    const stored = await s.ctx.db
      .selectFrom('telegram_state')
      .select('value')
      .where('key', '=', 'user_session')
      .executeTakeFirstOrThrow();
    expect(stored.value).not.toContain(session);
    expect(await loadUserSession(s.ctx.db, new SecretBox(Buffer.from(MASTER_KEY, 'base64')))).toBe(session);
    expect(await telegramCommand('status', io, { db: s.ctx.db, config })).toBe(0);
    expect(await telegramCommand('logout', io, { db: s.ctx.db, config })).toBe(0);
    expect(await loadUserSession(s.ctx.db, new SecretBox(Buffer.from(MASTER_KEY, 'base64')))).toBeNull();
    // Without the API id and hash, login explains what to set.
    const bare = loadConfig({}, { DATA_DIR: dataDir, MASTER_KEY });
    expect(await telegramCommand('login', io, { db: s.ctx.db, config: bare, prompt })).toBe(78);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
