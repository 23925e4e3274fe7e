import http from 'node:http';
import { describeDb } from '@verzek/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminSession, registerUser, startTestServer, type Session, type TestServer } from './harness';

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** A minimal EventSource over node:http: collects `event:`/`data:` frames as they arrive. */
interface Stream {
  status: number;
  events: SseEvent[];
  waitFor(pred: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

function openStream(url: string, token?: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const events: SseEvent[] = [];
    const waiters = new Set<() => void>();
    const req = http.get(url, { headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of frame.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0)
            events.push({ event, data: JSON.parse(data.join('\n')) as Record<string, unknown> });
          for (const w of waiters) w();
        }
      });
      res.on('error', () => undefined);
      resolve({
        status: res.statusCode ?? 0,
        events,
        waitFor(pred, timeoutMs = 5000) {
          return new Promise((ok, fail) => {
            const check = () => {
              const found = events.find(pred);
              if (!found) return false;
              waiters.delete(check);
              clearTimeout(timer);
              ok(found);
              return true;
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`no matching event in ${timeoutMs} ms; got ${JSON.stringify(events)}`));
            }, timeoutMs);
            waiters.add(check);
            check();
          });
        },
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
  });
}

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

interface Feed {
  items: { id: number; symbol: string }[];
  next_cursor: number | null;
  trial: { delay_minutes: number; history_days: number } | null;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

describeDb('signal feed and live stream', (t) => {
  let s: TestServer;
  let admin: Session;
  let trial: Session;
  let vip: Session;
  let premium: Session;
  let base: string;

  const login = async (who: Session): Promise<Session> => {
    const r = await s.api.post<{ access_token: string }>('/api/auth/login', {
      email: who.email,
      password: who.password,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return { ...who, token: r.body.access_token };
  };
  const post = async (body: Record<string, unknown>) => {
    const r = await s.api.post<{ id: number }>('/api/signals', body, admin.token);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id;
  };
  const signal = (symbol: string, entry = 100) => ({
    symbol,
    direction: 'LONG',
    entry,
    targets: [entry * 1.01, entry * 1.02],
    stop_loss: entry * 0.99,
  });
  const feed = (who: Session, query: string) => s.api.get<Feed>(`/api/signals?${query}`, who.token);
  const ids = async (who: Session, symbol: string) =>
    (await feed(who, `symbol=${symbol}`)).body.items.map((i) => i.id);

  beforeAll(async () => {
    s = await startTestServer(t, { trading: true });
    admin = await adminSession(s);
    trial = await registerUser(s.api);
    vip = await registerUser(s.api);
    premium = await registerUser(s.api);
    for (const [u, plan] of [
      [vip, 'VIP'],
      [premium, 'PREMIUM'],
    ] as const) {
      expect((await s.api.put(`/api/users/${u.id}/subscription`, { plan }, admin.token)).status).toBe(200);
    }
    await s.api.post(`/api/admin/users/${premium.id}/verify-email`, undefined, admin.token);
    await s.api.put(
      `/api/users/${premium.id}/strategy`,
      {
        auto_trade_enabled: true,
        per_trade_usdt: '100',
        capital_usdt: '100000',
        symbol_whitelist: ['BTCUSDT'],
      },
      premium.token,
    );
    expect(
      (await s.api.post('/api/admin/market/price', { symbol: 'BTCUSDT', price: 70000 }, admin.token)).status,
    ).toBe(200);
    base = await s.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => s.close());

  describe('live stream (SSE)', () => {
    it('delivers a new signal to a connected VIP client at once, and not to a TRIAL client', async () => {
      const vipStream = await openStream(`${base}/api/stream`, vip.token);
      const trialStream = await openStream(`${base}/api/stream`, trial.token);
      try {
        expect([vipStream.status, trialStream.status]).toEqual([200, 200]);
        await vipStream.waitFor((e) => e.event === 'ready');
        await trialStream.waitFor((e) => e.event === 'ready');
        const id = await post(signal('ADAUSDT', 0.65));
        const got = await vipStream.waitFor((e) => e.event === 'signal');
        expect(got.data).toMatchObject({ id, symbol: 'ADAUSDT', direction: 'LONG', status: 'OPEN' });
        // A follow-up travels the same way.
        await s.api.post('/api/signal-events', { signal_id: id, kind: 'CANCELLED' }, admin.token);
        await vipStream.waitFor((e) => e.event === 'signal_event');
        // Both streams see a broadcast for everyone, so the TRIAL stream was alive and in order.
        s.ctx.bus.publish({ type: 'safety', audience: 'all', data: { probe: 1 } });
        await trialStream.waitFor((e) => e.event === 'safety');
        expect(trialStream.events.map((e) => e.event)).toEqual(['ready', 'safety']);
      } finally {
        vipStream.close();
        trialStream.close();
      }
    });

    it('sends a position event only to its owner', async () => {
      const owner = await openStream(`${base}/api/stream`, premium.token);
      const other = await openStream(`${base}/api/stream`, vip.token);
      try {
        await owner.waitFor((e) => e.event === 'ready');
        await other.waitFor((e) => e.event === 'ready');
        const id = await post({ ...signal('BTCUSDT', 70000), targets: [70500, 71000], stop_loss: 69500 });
        const position = await owner.waitFor(
          (e) => e.event === 'position' && e.data.signal_id === id,
          10_000,
        );
        expect(position.data).toMatchObject({ user_id: premium.id, symbol: 'BTCUSDT' });
        await other.waitFor((e) => e.event === 'signal' && e.data.id === id);
        // Give any stray position event time to arrive at the wrong client.
        await new Promise((r) => setTimeout(r, 200));
        expect(other.events.filter((e) => e.event === 'position')).toEqual([]);
        expect(owner.events.every((e) => e.event !== 'position' || e.data.user_id === premium.id)).toBe(true);
      } finally {
        owner.close();
        other.close();
      }
    });

    it('takes ?access_token= (EventSource can’t send headers) and keeps it out of the logs', async () => {
      const stream = await openStream(`${base}/api/stream?access_token=${encodeURIComponent(vip.token)}`);
      try {
        expect(stream.status).toBe(200);
        await stream.waitFor((e) => e.event === 'ready' && e.data.user_id === vip.id);
      } finally {
        stream.close();
      }
      const bad = await openStream(`${base}/api/stream?access_token=nope`);
      expect(bad.status).toBe(401);
      bad.close();
      await until('the request log line', async () =>
        s.logs.some((l) => l.includes('access_token=[redacted]')),
      );
      const logs = s.logs.join('');
      expect(logs).not.toContain(vip.token);
      expect(logs).not.toContain('access_token=nope');
      const none = await openStream(`${base}/api/stream`);
      expect(none.status).toBe(401);
      none.close();
    });
  });

  describe('feed', () => {
    it('pages with a cursor, newest first, without gaps or repeats', async () => {
      const posted: number[] = [];
      for (let i = 0; i < 5; i++) posted.push(await post(signal('DOTUSDT', 3 + i)));
      const seen: number[] = [];
      let cursor: number | null = null;
      let pages = 0;
      do {
        const r: { body: Feed; status: number } = await feed(
          vip,
          `symbol=DOTUSDT&limit=2${cursor === null ? '' : `&before=${cursor}`}`,
        );
        expect(r.status).toBe(200);
        expect(r.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...r.body.items.map((i) => i.id));
        cursor = r.body.next_cursor;
        pages += 1;
      } while (cursor !== null && pages < 10);
      expect(seen).toEqual([...posted].reverse());
      expect(pages).toBe(3);
      // A signal posted meanwhile doesn't shift the pages already read.
      const page1 = await feed(vip, 'symbol=DOTUSDT&limit=2');
      const newer = await post(signal('DOTUSDT', 9));
      const page2 = await feed(vip, `symbol=DOTUSDT&limit=2&before=${page1.body.next_cursor}`);
      expect(page2.body.items.map((i) => i.id)).toEqual([posted[2], posted[1]]);
      expect((await feed(vip, 'symbol=DOTUSDT&limit=1')).body.items[0]?.id).toBe(newer);
      expect((await feed(vip, 'limit=101')).status).toBe(400);
    });

    it('shows TRIAL a signal only after the delay and within the history; VIP, PREMIUM and admins at once', async () => {
      const id = await post(signal('LINKUSDT', 16));
      expect(await ids(vip, 'LINKUSDT')).toEqual([id]);
      expect(await ids(premium, 'LINKUSDT')).toEqual([id]);
      expect(await ids(admin, 'LINKUSDT')).toEqual([id]);
      expect((await feed(vip, 'symbol=LINKUSDT')).body.trial).toBeNull();

      const early = await feed(trial, 'symbol=LINKUSDT');
      expect(early.body.items).toEqual([]);
      expect(early.body.trial).toEqual({ delay_minutes: 15, history_days: 3 });
      const detail = await s.api.get(`/api/signals/${id}`, trial.token);
      expect(detail.status).toBe(403);
      expect(detail.body).toMatchObject({ error: 'upgrade_required' });
      expect((await s.api.get(`/api/signals/${id}`, vip.token)).status).toBe(200);

      s.clock.advance(14 * MINUTE);
      expect(await ids(trial, 'LINKUSDT')).toEqual([]);
      s.clock.advance(MINUTE);
      expect(await ids(trial, 'LINKUSDT')).toEqual([id]);
      expect((await s.api.get(`/api/signals/${id}`, trial.token)).status).toBe(200);

      // Three days on (access tokens live an hour: log in again).
      s.clock.advance(3 * DAY - 15 * MINUTE);
      trial = await login(trial);
      vip = await login(vip);
      expect(await ids(trial, 'LINKUSDT')).toEqual([id]);
      s.clock.advance(MINUTE);
      expect(await ids(trial, 'LINKUSDT')).toEqual([]);
      const old = await s.api.get(`/api/signals/${id}`, trial.token);
      expect(old.status).toBe(403);
      expect(old.body).toMatchObject({ error: 'upgrade_required' });
      expect(await ids(vip, 'LINKUSDT')).toEqual([id]);
    });
  });
});
