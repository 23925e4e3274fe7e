import type { PositionState } from '@verzek/core';
import { describeDb } from '@verzek/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../src/trading/signals/webhook-auth';
import { adminSession, registerUser, startTestServer, type Session, type TestServer } from './harness';

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
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

interface Hook {
  status: 'queued' | 'duplicate';
  kind: 'signal' | 'update';
  signal_id: number | null;
  delivery_id: string | null;
  event_id: number | null;
  positions: number | null;
  executions: { queued: number; blocked: number; reason: string | null } | null;
}

interface Credentials {
  source: { id: number; name: string; has_secret: boolean; has_token: boolean };
  secret: string;
  token: string;
}

describeDb('webhook and signal sources', (t) => {
  let s: TestServer;
  let admin: Session;
  let trader: Session;
  let tv: Credentials;
  let seq = 0;

  const hook = (
    body: unknown,
    options: { query?: string; headers?: Record<string, string>; raw?: string } = {},
  ) =>
    s.api.request<Hook & { error?: string; reason?: string }>(
      'POST',
      `/api/webhook/signal${options.query ?? '?source=tv'}`,
      { rawBody: options.raw ?? JSON.stringify(body), headers: options.headers },
    );
  const signed = (raw: string, secret = tv.secret, ts = Math.floor(s.clock.now() / 1000)) => ({
    'x-timestamp': String(ts),
    'x-signature': signWebhook(secret, ts, raw),
  });
  /** A signal at a price of its own, so the tests below don't trade each other's markets. */
  const alert = (extra: Record<string, unknown> = {}) => {
    seq += 1;
    return {
      ticker: 'SOLUSDT',
      side: 'buy',
      price: 150 + seq,
      tp1: 151 + seq,
      tp2: 152 + seq,
      sl: 149 + seq,
      ...extra,
    };
  };
  /** The same in the §3 shape of POST /api/signals. */
  const spec = (extra: Record<string, unknown> = {}) => {
    seq += 1;
    return {
      symbol: 'SOLUSDT',
      direction: 'LONG',
      entry: 150 + seq,
      targets: [151 + seq, 152 + seq],
      stop_loss: 149 + seq,
      ...extra,
    };
  };
  const signalsOf = (sourceId: number) =>
    s.ctx.db.selectFrom('signals').selectAll().where('source_id', '=', sourceId).execute();
  const setPrice = async (price: number | string, symbol = 'BTCUSDT') => {
    const r = await s.api.post('/api/admin/market/price', { symbol, price }, admin.token);
    expect(r.status).toBe(200);
  };
  const createSource = async (name: string, kind = 'webhook'): Promise<Credentials> => {
    const created = await s.api.post<{ id: number }>('/api/admin/sources', { name, kind }, admin.token);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const rotated = await s.api.post<Credentials>(
      `/api/admin/sources/${created.body.id}/rotate`,
      undefined,
      admin.token,
    );
    expect(rotated.status).toBe(200);
    return rotated.body;
  };

  beforeAll(async () => {
    s = await startTestServer(t, { trading: true });
    admin = await adminSession(s);
    trader = await registerUser(s.api);
    await s.api.put(`/api/users/${trader.id}/subscription`, { plan: 'PREMIUM' }, admin.token);
    await s.api.post(`/api/admin/users/${trader.id}/verify-email`, undefined, admin.token);
    await s.api.put(
      `/api/users/${trader.id}/strategy`,
      // Only BTCUSDT: the other tests' signals are stored without trading.
      {
        auto_trade_enabled: true,
        per_trade_usdt: '100',
        capital_usdt: '100000',
        symbol_whitelist: ['BTCUSDT'],
      },
      trader.token,
    );
    await setPrice(70000);
    tv = await createSource('tv');
  });
  afterAll(() => s.close());

  describe('sources admin', () => {
    it('is for admins only, and shows a secret only in the rotate answer', async () => {
      const user = await registerUser(s.api);
      expect((await s.api.get('/api/admin/sources', user.token)).status).toBe(403);
      expect((await s.api.post('/api/admin/sources', { name: 'x1', kind: 'api' }, user.token)).status).toBe(
        403,
      );
      expect(
        (await s.api.post(`/api/admin/sources/${tv.source.id}/rotate`, undefined, user.token)).status,
      ).toBe(403);
      expect((await s.api.get('/api/admin/sources')).status).toBe(401);

      expect(tv.secret).toMatch(/^whs_/);
      expect(tv.token).toMatch(/^vzs_/);
      expect(tv.source).toMatchObject({ name: 'tv', has_secret: true, has_token: true });
      const list = await s.api.get<{ items: Record<string, unknown>[] }>('/api/admin/sources', admin.token);
      expect(list.status).toBe(200);
      expect(list.body.items.find((x) => x.name === 'tv')).toMatchObject({
        kind: 'webhook',
        enabled: true,
        has_secret: true,
      });
      const listed = JSON.stringify(list.body);
      expect(listed).not.toContain(tv.secret);
      expect(listed).not.toContain(tv.token);
      expect(listed).not.toMatch(/whs_|vzs_|token_hash/);

      const dup = await s.api.post('/api/admin/sources', { name: 'tv', kind: 'webhook' }, admin.token);
      expect(dup.status).toBe(409);
      const bad = await s.api.post('/api/admin/sources', { name: 'a b', kind: 'webhook' }, admin.token);
      expect(bad.status).toBe(400);
      const missing = await s.api.put('/api/admin/sources/999999', { enabled: false }, admin.token);
      expect(missing.status).toBe(404);

      const audit = await s.api.get<{ items: { action: string }[] }>(
        '/api/admin/audit?action=admin_source_rotated',
        admin.token,
      );
      expect(audit.body.items.length).toBeGreaterThan(0);
      expect(JSON.stringify(audit.body)).not.toContain(tv.secret);
    });

    it('rotating cuts the old secret and token at once', async () => {
      const src = await createSource('rot');
      const again = await s.api.post<Credentials>(
        `/api/admin/sources/${src.source.id}/rotate`,
        undefined,
        admin.token,
      );
      expect(again.body.secret).not.toBe(src.secret);
      const old = await hook(alert({ secret: src.secret }), { query: '?source=rot' });
      expect(old.status).toBe(401);
      const oldToken = await s.api.post('/api/signals', spec(), src.token);
      expect(oldToken.status).toBe(401);
      expect((await hook(alert({ secret: again.body.secret }), { query: '?source=rot' })).status).toBe(200);
    });
  });

  describe('authentication', () => {
    it('accepts the secret in the body, and never stores or logs it', async () => {
      const r = await hook(alert({ secret: tv.secret, event_id: 'body-1' }));
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body).toMatchObject({ status: 'queued', kind: 'signal', delivery_id: 'body-1' });
      const row = await s.ctx.db
        .selectFrom('signals')
        .selectAll()
        .where('id', '=', r.body.signal_id!)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ source_id: tv.source.id, symbol: 'SOLUSDT', direction: 'LONG' });
      expect(row.source_message_id).toBe('body-1');
      expect(row.raw).not.toContain(tv.secret);
      expect(JSON.parse(row.raw)).toMatchObject({ ticker: 'SOLUSDT', event_id: 'body-1' });
      expect(s.logs.join('')).not.toContain(tv.secret);
    });

    it('accepts a valid HMAC signature over timestamp and raw body', async () => {
      const raw = JSON.stringify(alert());
      const r = await hook(undefined, { raw, headers: signed(raw) });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.status).toBe('queued');
      // The source may be named by header too; text/plain (TradingView) works the same.
      const raw2 = JSON.stringify(alert());
      const r2 = await hook(undefined, {
        raw: raw2,
        query: '',
        headers: { ...signed(raw2), 'x-source': 'tv', 'content-type': 'text/plain; charset=utf-8' },
      });
      expect(r2.status, JSON.stringify(r2.body)).toBe(200);
    });

    it('refuses a wrong signature, an old timestamp and a tampered body', async () => {
      const before = (await signalsOf(tv.source.id)).length;
      const raw = JSON.stringify(alert());
      const wrong = await hook(undefined, { raw, headers: signed(raw, 'whs_not-the-secret') });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toMatchObject({
        error: 'invalid_webhook_auth',
        reason: 'X-Signature does not match',
      });

      const old = await hook(undefined, {
        raw,
        headers: signed(raw, tv.secret, Math.floor(s.clock.now() / 1000) - 301),
      });
      expect(old.status).toBe(401);
      expect(old.body.reason).toMatch(/300 s/);
      // 299 s is still inside the window.
      const edge = await hook(undefined, {
        raw,
        headers: signed(raw, tv.secret, Math.floor(s.clock.now() / 1000) - 299),
      });
      expect(edge.status).toBe(200);

      const tampered = raw.replace(/"price":\d+/, '"price":1');
      const t1 = await hook(undefined, { raw: tampered, headers: signed(raw) });
      expect(t1.status).toBe(401);
      // A signature with a secret in the body: the signature decides.
      const withSecret = JSON.stringify(alert({ secret: tv.secret }));
      const t2 = await hook(undefined, { raw: withSecret, headers: signed(withSecret, 'whs_wrong') });
      expect(t2.status).toBe(401);
      const noTs = await hook(undefined, { raw, headers: { 'x-signature': signed(raw)['x-signature'] } });
      expect(noTs.status).toBe(401);
      expect(noTs.body.reason).toMatch(/X-Timestamp/);
      expect((await signalsOf(tv.source.id)).length).toBe(before + 1);
    });

    it('refuses a missing or wrong secret, unknown, disabled and telegram sources', async () => {
      expect((await hook(alert())).body).toMatchObject({ error: 'invalid_webhook_auth' });
      const wrong = await hook(alert({ secret: 'whs_guess' }));
      expect(wrong.status).toBe(401);
      expect(wrong.body.reason).toBe('the secret is wrong');
      const unknown = await hook(alert({ secret: tv.secret }), { query: '?source=nobody' });
      expect(unknown.status).toBe(401);
      expect(unknown.body.error).toBe('unknown_source');
      const unnamed = await hook(alert({ secret: tv.secret }), { query: '' });
      expect(unnamed.status).toBe(400);
      expect(unnamed.body.error).toBe('source_required');
      const mismatch = await hook(alert({ secret: tv.secret, source: 'other' }));
      expect(mismatch.status).toBe(400);

      const off = await createSource('off');
      expect(
        (await s.api.put(`/api/admin/sources/${off.source.id}`, { enabled: false }, admin.token)).body,
      ).toMatchObject({ enabled: false });
      const disabled = await hook(alert({ secret: off.secret }), { query: '?source=off' });
      expect(disabled.status).toBe(403);
      expect(disabled.body.error).toBe('source_disabled');
      // A disabled source's token can't post through the API either.
      expect((await s.api.post('/api/signals', spec(), off.token)).status).toBe(401);

      const tg = await createSource('tgchan', 'telegram');
      const telegram = await hook(alert({ secret: tg.secret }), { query: '?source=tgchan' });
      expect(telegram.status).toBe(403);
      expect(telegram.body.error).toBe('wrong_source_kind');

      const bare = await s.api.post<{ id: number }>(
        '/api/admin/sources',
        { name: 'bare', kind: 'webhook' },
        admin.token,
      );
      const noSecret = await hook(alert({ secret: 'x' }), { query: '?source=bare' });
      expect(noSecret.status).toBe(401);
      expect(noSecret.body.error).toBe('no_webhook_secret');
      expect(bare.status).toBe(201);
    });

    it('answers 400 for malformed JSON and invalid signals, 413 for huge bodies, 415 for forms', async () => {
      const malformed = await hook(undefined, { raw: '{"ticker":' });
      expect(malformed.status).toBe(400);
      expect(malformed.body.error).toBe('invalid_json');
      expect((await hook(undefined, { raw: '[1,2]' })).status).toBe(400);
      expect((await hook(undefined, { raw: '' })).status).toBe(400);
      expect((await hook(undefined, { raw: '{"__proto__":{"x":1},"secret":"a"}' })).status).toBe(400);

      const invalid = await hook({
        ticker: 'BTCUSDT',
        side: 'buy',
        price: 100,
        tp: 90,
        sl: 95,
        secret: tv.secret,
      });
      expect(invalid.status).toBe(400);
      expect(invalid.body.error).toBe('invalid_signal');
      expect(invalid.body.reason).toMatch(/target/i);

      const huge = await hook(undefined, {
        raw: JSON.stringify({ pad: 'x'.repeat(70_000), secret: tv.secret }),
      });
      expect(huge.status).toBe(413);
      const form = await hook(undefined, {
        raw: 'secret=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(form.status).toBe(415);
    });
  });

  describe('duplicates', () => {
    it('stores one signal per event id, sequentially and under a concurrent double delivery', async () => {
      const body = alert({ secret: tv.secret, event_id: 'evt-dup-1' });
      const first = await hook(body);
      const second = await hook(body);
      expect(first.body.status).toBe('queued');
      expect(second.status).toBe(200);
      expect(second.body).toMatchObject({ status: 'duplicate', signal_id: first.body.signal_id });
      // By header, and by the `id` field.
      const h1 = await hook(alert({ secret: tv.secret }), { headers: { 'x-event-id': 'evt-hdr' } });
      const h2 = await hook(alert({ secret: tv.secret }), { headers: { 'x-event-id': 'evt-hdr' } });
      expect([h1.body.status, h2.body.status]).toEqual(['queued', 'duplicate']);
      const i2 = await hook(alert({ secret: tv.secret, id: 'evt-hdr' }));
      expect(i2.body.status).toBe('duplicate');

      const before = (await signalsOf(tv.source.id)).length;
      const twice = alert({ secret: tv.secret, event_id: 'evt-race' });
      const raced = await Promise.all([hook(twice), hook(twice), hook(twice)]);
      expect(raced.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(raced.map((r) => r.body.status).sort()).toEqual(['duplicate', 'duplicate', 'queued']);
      expect(new Set(raced.map((r) => r.body.signal_id)).size).toBe(1);
      expect((await signalsOf(tv.source.id)).length).toBe(before + 1);
    });
  });

  describe('trading through the webhook', () => {
    it('opens a follower’s paper position from a TradingView alert, and closes it on an update', async () => {
      const raw = JSON.stringify({
        ticker: 'BTCUSDT',
        action: 'buy',
        price: '70000',
        tp1: '70500',
        tp2: '71000',
        tp3: '72000',
        stop: '69500',
        leverage: 10,
        event_id: 'tv-open-1',
      });
      const opened = await hook(undefined, { raw, headers: signed(raw) });
      expect(opened.status, JSON.stringify(opened.body)).toBe(200);
      expect(opened.body).toMatchObject({ status: 'queued', executions: { queued: 1, blocked: 0 } });
      const signalId = opened.body.signal_id!;
      const position = await until('position open with its ladder', async () => {
        const row = await s.ctx.db
          .selectFrom('positions')
          .selectAll()
          .where('signal_id', '=', signalId)
          .where('user_id', '=', trader.id)
          .executeTakeFirst();
        if (!row) return null;
        const st = JSON.parse(row.state) as PositionState;
        return st.status === 'OPEN' && st.orders.some((o) => o.role === 'stop' && o.status === 'NEW')
          ? row
          : null;
      });
      expect(position.symbol).toBe('BTCUSDT');

      // TP1 reported by the alert, linked by signal id; delivered twice.
      await setPrice(70400);
      const tp = { symbol: 'BTCUSDT', event: 'TP_HIT', target: 1, signal_id: signalId, event_id: 'tv-tp1' };
      const tp1 = await hook({ ...tp, secret: tv.secret });
      expect(tp1.status, JSON.stringify(tp1.body)).toBe(200);
      expect(tp1.body).toMatchObject({ status: 'queued', kind: 'update', signal_id: signalId, positions: 1 });
      expect(tp1.body.event_id).toBeGreaterThan(0);
      const tp1again = await hook({ ...tp, secret: tv.secret });
      expect(tp1again.body).toMatchObject({ status: 'duplicate', kind: 'update', signal_id: signalId });
      await until('TP1 taken', async () => {
        const row = await s.ctx.db
          .selectFrom('positions')
          .select('state')
          .where('id', '=', position.id)
          .executeTakeFirstOrThrow();
        return (JSON.parse(row.state) as PositionState).status === 'PARTIAL';
      });

      // "closed" with only a symbol: the source's latest open BTCUSDT signal.
      const closeRaw = JSON.stringify({ ticker: 'BTCUSDT', kind: 'closed', id: 'tv-close-1' });
      const closed = await hook(undefined, { raw: closeRaw, headers: signed(closeRaw) });
      expect(closed.status, JSON.stringify(closed.body)).toBe(200);
      expect(closed.body).toMatchObject({ status: 'queued', signal_id: signalId, positions: 1 });
      const st = await until('closed by the update', async () => {
        const row = await s.ctx.db
          .selectFrom('positions')
          .select('state')
          .where('id', '=', position.id)
          .executeTakeFirstOrThrow();
        const x = JSON.parse(row.state) as PositionState;
        return x.status === 'CLOSED' ? x : null;
      });
      expect(st.remaining_qty).toBe('0');
      const signal = await s.ctx.db
        .selectFrom('signals')
        .selectAll()
        .where('id', '=', signalId)
        .executeTakeFirstOrThrow();
      expect(signal.status).toBe('CLOSED');
      const events = await s.ctx.db
        .selectFrom('signal_events')
        .select(['kind', 'target'])
        .where('signal_id', '=', signalId)
        .orderBy('id')
        .execute();
      expect(events).toEqual([
        { kind: 'TP_HIT', target: 1 },
        { kind: 'CLOSED', target: null },
      ]);
    });

    it('links updates by ref and refuses what it cannot link', async () => {
      const opened = await hook(alert({ secret: tv.secret, source_message_id: 'msg-77', event_id: 'e-77' }));
      expect(opened.body.status).toBe('queued');
      const byRef = await hook({ secret: tv.secret, event: 'TP_HIT', target: 2, ref: 'msg-77' });
      expect(byRef.body).toMatchObject({ status: 'queued', signal_id: opened.body.signal_id, positions: 0 });

      const tooFar = await hook({ secret: tv.secret, event: 'TP_HIT', target: 9, ref: 'msg-77' });
      expect(tooFar.status).toBe(400);
      expect(tooFar.body.error).toBe('invalid_event');
      const nowhere = await hook({ secret: tv.secret, event: 'SL_HIT', ref: 'msg-none' });
      expect(nowhere.status).toBe(404);
      const noOpen = await hook({ secret: tv.secret, symbol: 'XRPUSDT', event: 'SL_HIT' });
      expect(noOpen.status).toBe(404);
      const unlinked = await hook({ secret: tv.secret, event: 'SL_HIT' });
      expect(unlinked.status).toBe(400);
      expect(unlinked.body.error).toBe('update_unlinked');
      const wrongSymbol = await hook({
        secret: tv.secret,
        symbol: 'ETHUSDT',
        event: 'SL_HIT',
        ref: 'msg-77',
      });
      expect(wrongSymbol.status).toBe(400);

      // Another source can't touch this source's signal.
      const other = await createSource('other-bot', 'api');
      const foreign = await hook(
        { secret: other.secret, event: 'SL_HIT', signal_id: opened.body.signal_id },
        { query: '?source=other-bot' },
      );
      expect(foreign.status).toBe(403);
    });
  });

  describe('source tokens on POST /api/signals', () => {
    it('posts as its own source, and cannot post as another', async () => {
      const own = await s.api.post<{ id: number }>('/api/signals', spec(), tv.token);
      expect(own.status, JSON.stringify(own.body)).toBe(201);
      const row = await s.ctx.db
        .selectFrom('signals')
        .select('source_id')
        .where('id', '=', own.body.id)
        .executeTakeFirstOrThrow();
      expect(row.source_id).toBe(tv.source.id);
      const named = await s.api.post('/api/signals', spec({ source: 'tv' }), tv.token);
      expect(named.status).toBe(201);
      const other = await s.api.post('/api/signals', spec({ source: 'other-bot' }), tv.token);
      expect(other.status).toBe(403);
      const api = await s.api.post('/api/signals', spec({ source: 'api' }), tv.token);
      expect(api.status).toBe(403);
      // Nor update another source's signal.
      const foreign = await s.api.post<{ id: number }>(
        '/api/signals',
        spec({ source: 'other-bot' }),
        admin.token,
      );
      const evt = await s.api.post(
        '/api/signal-events',
        { signal_id: foreign.body.id, kind: 'CANCELLED' },
        tv.token,
      );
      expect(evt.status).toBe(403);
      // A token isn't a user: no feed access.
      expect((await s.api.get('/api/signals', tv.token)).status).toBe(401);
    });
  });
});
