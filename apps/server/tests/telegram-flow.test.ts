import { describeDb } from '@verzek/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminSession, type Session } from './harness';
import {
  positionState,
  premiumFollower,
  SOURCE,
  startTelegramWorld,
  TOKEN,
  TRIAL,
  until,
  VIP,
  type TelegramWorld,
} from './telegram-helpers';

const OLD_STYLE = [
  '🔥 Signal BTC/USDT',
  'Direction: LONG',
  'Entry: 70000',
  'Targets: 70500 | 71000 | 72000',
  'Stop Loss: 69000',
  'Leverage: 10x',
].join('\n');

const CORNIX = [
  '#ETH/USDT',
  'Signal Type: Regular (Short)',
  'Leverage: Cross (10X)',
  'Entry Zone:',
  '3520 - 3560',
  'Take-Profit Targets:',
  '1) 3480',
  '2) 3420',
  'Stop Targets:',
  '1) 3640',
].join('\n');

describeDb('telegram: channel posts become signals, broadcasts and positions', (t) => {
  let w: TelegramWorld;
  let admin: Session;
  let trader: Session;

  const setPrice = async (price: number, symbol = 'BTCUSDT') => {
    expect((await w.s.api.post('/api/admin/market/price', { symbol, price }, admin.token)).status).toBe(200);
  };
  const signalOf = (messageId: number) =>
    until(`signal of message ${messageId}`, () =>
      w.s.ctx.db
        .selectFrom('signals')
        .selectAll()
        .where('source_message_id', '=', `${SOURCE}:${messageId}`)
        .executeTakeFirst(),
    );
  const ladderLive = (signalId: number, tps: number) =>
    until(`ladder of signal ${signalId}`, async () => {
      const p = await positionState(w.s, signalId, trader.id);
      if (!p) return null;
      const live = p.st.orders.filter((o) => o.status === 'NEW');
      return p.st.status === 'OPEN' &&
        live.filter((o) => o.role === 'tp').length === tps &&
        live.some((o) => o.role === 'stop')
        ? p
        : null;
    });

  beforeAll(async () => {
    w = await startTelegramWorld(t);
    admin = await adminSession(w.s);
    trader = await premiumFollower(w.s, admin.token);
    const r = await w.s.api.post(
      '/api/admin/telegram/channels',
      { chat_id: String(SOURCE), source: 'alpha-signals', via: 'bot', block_words: ['join our vip'] },
      admin.token,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    await setPrice(70000);
    await setPrice(3540, 'ETHUSDT');
  });
  afterAll(() => w.close());

  let btcPost = 0;
  let btcSignal = 0;
  it('an old-style channel post becomes a signal, is broadcast to VIP, opens the follower’s position, and reaches TRIAL after its delay', async () => {
    btcPost = w.fake.postToChannel(SOURCE, OLD_STYLE).message_id;
    const signal = await signalOf(btcPost);
    btcSignal = signal.id;
    expect(signal).toMatchObject({ symbol: 'BTCUSDT', direction: 'LONG', status: 'OPEN' });
    expect(JSON.parse(signal.targets)).toEqual(['70500', '71000', '72000']);
    expect(String(signal.stop_loss)).toBe('69000');
    await ladderLive(signal.id, 3);

    const vip = await until('VIP broadcast', () => w.fake.sent(VIP).find((m) => m.text.includes('BTCUSDT')));
    expect(vip.parseMode).toBe('HTML');
    expect(vip.text).toContain('LONG');
    for (const price of ['70000', '70500', '71000', '72000', '69000']) expect(vip.text).toContain(price);
    // TRIAL waits for its delay.
    await new Promise((r) => setTimeout(r, 300));
    expect(w.fake.sent(TRIAL)).toHaveLength(0);
    w.s.clock.advance(10 * 60_000);
    const trial = await until('TRIAL broadcast', () =>
      w.fake.sent(TRIAL).find((m) => m.text.includes('BTCUSDT')),
    );
    // Reduced detail: the entry and the first target, not the stop or the other targets.
    expect(trial.text).toContain('70500');
    expect(trial.text).not.toContain('71000');
    expect(trial.text).not.toContain('69000');
  });

  it('a Cornix-style post does the same (SHORT, entry zone, cross leverage)', async () => {
    const post = w.fake.postToChannel(SOURCE, CORNIX);
    const signal = await signalOf(post.message_id);
    expect(signal).toMatchObject({
      symbol: 'ETHUSDT',
      direction: 'SHORT',
      entry_type: 'zone',
      leverage: 10,
      margin_mode: 'CROSS',
    });
    expect(JSON.parse(signal.entries)).toEqual(['3520', '3560']);
    await ladderLive(signal.id, 2);
    const vip = await until('VIP broadcast', () => w.fake.sent(VIP).find((m) => m.text.includes('ETHUSDT')));
    expect(vip.text).toContain('SHORT');
    expect(vip.text).toContain('3640');
    w.s.clock.advance(10 * 60_000);
    await until('TRIAL broadcast', () => w.fake.sent(TRIAL).find((m) => m.text.includes('ETHUSDT')));
  });

  it('"Target 1 reached" as a reply takes the first TP for the follower and is posted as a reply in both groups', async () => {
    await setPrice(70400);
    w.fake.postToChannel(SOURCE, 'Target 1 reached 🚨', { replyTo: btcPost });
    const st = await until('TP1 taken', async () => {
      const p = await positionState(w.s, btcSignal, trader.id);
      return p && p.st.remaining_qty === '0.01' && p.st.highest_tp_reached >= 1 ? p.st : null;
    });
    expect(st.status).toBe('PARTIAL');
    for (const chat of [VIP, TRIAL]) {
      const original = w.fake.sent(chat).find((m) => m.text.includes('BTCUSDT') && m.replyTo === null)!;
      const reply = await until(`reply in ${chat}`, () =>
        w.fake.sent(chat).find((m) => m.text.includes('Target 1 reached') && m.replyTo !== null),
      );
      expect(reply.replyTo).toBe(original.message_id);
      // The original is edited to show the progress (✅ on the first target).
      await until(`progress edit in ${chat}`, () => w.fake.message(chat, original.message_id)!.edits > 0);
      expect(w.fake.message(chat, original.message_id)!.text).toContain('Target 1 reached');
    }
    const signal = await w.s.ctx.db
      .selectFrom('signals')
      .selectAll()
      .where('id', '=', btcSignal)
      .executeTakeFirstOrThrow();
    expect(signal.highest_tp).toBe(1);
  });

  it('an edited post that moves the stop updates the signal and the follower’s stop', async () => {
    await setPrice(70000);
    const text = OLD_STYLE;
    const post = w.fake.postToChannel(SOURCE, text);
    const signal = await signalOf(post.message_id);
    await ladderLive(signal.id, 3);
    w.fake.editChannelPost(SOURCE, post.message_id, text.replace('Stop Loss: 69000', 'Stop Loss: 69200'));
    await until('signal stop edited', async () => {
      const row = await w.s.ctx.db
        .selectFrom('signals')
        .select('stop_loss')
        .where('id', '=', signal.id)
        .executeTakeFirst();
      return row && String(row.stop_loss) === '69200';
    });
    const st = await until('follower stop moved', async () => {
      const p = await positionState(w.s, signal.id, trader.id);
      const stop = p?.st.orders.find((o) => o.role === 'stop' && o.status === 'NEW');
      return p && p.st.stop_price === '69200' && stop?.stop_price === '69200' ? p.st : null;
    });
    expect(st.status).toBe('OPEN');
    const events = await w.s.ctx.db
      .selectFrom('signal_events')
      .selectAll()
      .where('signal_id', '=', signal.id)
      .execute();
    expect(events.map((e) => e.kind)).toEqual(['EDIT']);
    // The same edit delivered again changes nothing.
    expect(w.fake.pendingUpdates).toBe(0);
    // VIP members are told, under the original.
    await until('edit reply in VIP', () =>
      w.fake.sent(VIP).find((m) => m.text.includes('updated') && m.text.includes('69200')),
    );
  });

  it('ignores chatter and spam, and queues a low-confidence signal for approval', async () => {
    const before = await w.s.ctx.db.selectFrom('signals').select('id').execute();
    w.fake.postToChannel(SOURCE, 'gm guys, BTC looking strong today');
    w.fake.postToChannel(
      SOURCE,
      'Join our VIP for 90% accuracy! #BTC/USDT LONG entry 70000 TP 71000 SL 69000',
    );
    const low = w.fake.postToChannel(SOURCE, 'BTC long 70k, next target 75k');
    const approval = await until('approval queued', async () => {
      const r = await w.s.api.get<{
        items: { id: number; message_id: number; kind: string; reason: string }[];
      }>('/api/admin/approvals', admin.token);
      return r.body.items.find((a) => a.message_id === low.message_id);
    });
    expect(approval.kind).toBe('signal');
    expect(approval.reason).toMatch(/confidence/);
    expect(await w.s.ctx.db.selectFrom('signals').select('id').execute()).toHaveLength(before.length);
    // The admin fixes it and approves: it becomes a signal like any other.
    const edited = await w.s.api.put(
      `/api/admin/approvals/${approval.id}`,
      { text: '#BTC/USDT LONG\nEntry: 70000\nTargets: 71000 75000\nStop: 68000' },
      admin.token,
    );
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    const approved = await w.s.api.post<{ status: string; signal_id: number }>(
      `/api/admin/approvals/${approval.id}/approve`,
      {},
      admin.token,
    );
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.status).toBe('APPROVED');
    await until('approved signal broadcast', () => w.fake.sent(VIP).find((m) => m.text.includes('75000')));
    expect((await w.s.api.post(`/api/admin/approvals/${approval.id}/reject`, {}, admin.token)).status).toBe(
      409,
    );
  });

  it('never writes the bot token to a log line', () => {
    const all = w.s.logs.join('');
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(TOKEN.split(':')[1]!);
  });
});
