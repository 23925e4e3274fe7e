import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { insertOutbox } from '@verzek/db';
import { createLogger, loadConfig } from '@verzek/platform';
import { describeDb } from '@verzek/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../src/context';
import { startServer } from '../src/server';
import { adminSession, registerUser, startTestServer, type Session, type TestServer } from './harness';

const SIGNAL = {
  symbol: 'BTCUSDT',
  direction: 'LONG',
  entry: 70000,
  targets: [70500, 71000, 72000],
  stop_loss: 69500,
  leverage: 10,
  trade_type: 'FUTURES',
};

/** The samples of a Prometheus text exposition: `name{labels}` → value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

/** One sample's value (0 when absent), labels given in any order. */
function value(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels);
  for (const [key, v] of samples(text)) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?$/.exec(key);
    if (!m || m[1] !== name) continue;
    const have = new Map(
      [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!] as const),
    );
    if (want.length === have.size && want.every(([k, x]) => have.get(k) === x)) return v;
  }
  return 0;
}

async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describeDb('metrics', (t) => {
  let s: TestServer;
  let admin: Session;
  let trader: Session;

  const scrape = async () => {
    const r = await s.api.request('GET', '/metrics');
    expect(r.status, r.raw.body).toBe(200);
    expect(r.raw.headers['content-type']).toContain('text/plain');
    return r.raw.body;
  };
  const postSignal = async () => {
    const r = await s.api.post<{ id: number; executions: { queued: number; blocked: number } }>(
      '/api/signals',
      SIGNAL,
      admin.token,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };

  beforeAll(async () => {
    s = await startTestServer(t, { trading: true });
    admin = await adminSession(s);
    trader = await registerUser(s.api);
    const ok = async (p: Promise<{ status: number; body: unknown }>) => {
      const r = await p;
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    };
    await ok(s.api.put(`/api/users/${trader.id}/subscription`, { plan: 'PREMIUM' }, admin.token));
    await ok(s.api.post(`/api/admin/users/${trader.id}/verify-email`, undefined, admin.token));
    await ok(
      s.api.put(
        `/api/users/${trader.id}/strategy`,
        { auto_trade_enabled: true, per_trade_usdt: '100', capital_usdt: '100000' },
        trader.token,
      ),
    );
    await ok(s.api.post('/api/admin/market/price', { symbol: 'BTCUSDT', price: 70000 }, admin.token));
  });
  afterAll(() => s.close());

  it('counts requests, venue calls, intents, risk blocks and the Telegram queue after real traffic', async () => {
    const before = await scrape();
    // Process metrics are there, on this server's own registry.
    expect(before).toContain('process_cpu_user_seconds_total');
    expect(value(before, 'verzek_database_up')).toBe(1);
    expect(value(before, 'verzek_market_feed_up', { feed: 'manual' })).toBe(1);

    // A signal fanned out to one follower on paper: an intent DONE, orders placed on the paper venue.
    const posted = await postSignal();
    expect(posted.executions).toMatchObject({ queued: 1, blocked: 0 });
    await until('the paper ladder', async () => {
      const row = await s.ctx.db
        .selectFrom('positions')
        .select('state')
        .where('signal_id', '=', posted.id)
        .executeTakeFirst();
      return row && (JSON.parse(row.state) as { status: string }).status === 'OPEN';
    });
    const placed = await until('venue calls observed', async () => {
      const text = await scrape();
      return value(text, 'verzek_venue_call_duration_seconds_count', {
        venue: 'paper',
        op: 'place_order',
        outcome: 'ok',
      }) >= 5 // entry, three take-profits, the stop
        ? text
        : null;
    });
    expect(value(placed, 'verzek_intents', { state: 'DONE' })).toBe(
      value(before, 'verzek_intents', { state: 'DONE' }) + 1,
    );
    expect(value(placed, 'verzek_intents', { state: 'PENDING' })).toBe(0);

    // The kill switch blocks the next signal: one risk event, counted by its code.
    const toggle = await s.api.post('/api/safety/toggle', { kill_switch: true, reason: 'test' }, admin.token);
    expect(toggle.status, JSON.stringify(toggle.body)).toBe(200);
    const blocked = await postSignal();
    expect(blocked.executions).toMatchObject({ queued: 0, blocked: 1 });

    // A message waiting in the Telegram outbox.
    const now = s.clock.now();
    await insertOutbox(s.ctx.db, [
      {
        idem_key: `metrics-test:${now}`,
        queue: 'chat:-100',
        chat_id: '-100',
        method: 'sendMessage',
        kind: 'notice',
        payload: '{}',
        signal_id: null,
        not_before: now,
        expires_at: null,
        created_at: now,
      },
    ]);
    // A request to a route with an id: labelled by its pattern, never by the id.
    expect((await s.api.get(`/api/signals/${posted.id}`, trader.token)).status).toBe(200);
    // No route at all (POST: the web app's GET catch-all does not apply): labelled `unmatched`.
    expect((await s.api.post('/api/no/such/route/123', {})).status).toBe(404);

    const after = await scrape();
    expect(value(after, 'verzek_risk_blocks_total', { code: 'kill_switch' })).toBe(
      value(before, 'verzek_risk_blocks_total', { code: 'kill_switch' }) + 1,
    );
    expect(value(after, 'verzek_kill_switch')).toBe(1);
    expect(value(after, 'verzek_telegram_outbox_depth', { status: 'pending' })).toBe(
      value(before, 'verzek_telegram_outbox_depth', { status: 'pending' }) + 1,
    );
    const postSignals = { method: 'POST', route: '/api/signals', status: '2xx' };
    expect(value(after, 'verzek_http_requests_total', postSignals)).toBe(
      value(before, 'verzek_http_requests_total', postSignals) + 2,
    );
    expect(value(after, 'verzek_http_request_duration_seconds_count', postSignals)).toBe(
      value(before, 'verzek_http_request_duration_seconds_count', postSignals) + 2,
    );
    expect(
      value(after, 'verzek_http_requests_total', { method: 'GET', route: '/api/signals/:id', status: '2xx' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      value(after, 'verzek_http_requests_total', { method: 'POST', route: 'unmatched', status: '4xx' }),
    ).toBe(
      value(before, 'verzek_http_requests_total', { method: 'POST', route: 'unmatched', status: '4xx' }) + 1,
    );
    // No raw URL, id or token in any label.
    for (const key of samples(after).keys()) {
      expect(key).not.toContain(`/api/signals/${posted.id}`);
      expect(key).not.toContain('/api/no/such');
      expect(key).not.toContain(trader.token);
    }

    await s.api.post('/api/safety/toggle', { kill_switch: false }, admin.token);
  });

  it('serves loopback clients only when no METRICS_TOKEN is set', async () => {
    const remote = await s.api.request('GET', '/metrics', { ip: '10.1.2.3' });
    expect(remote.status).toBe(403);
    expect(remote.body).toEqual({ error: 'forbidden', reason: expect.any(String) });
    // A reverse proxy on this machine relaying someone else.
    const proxied = await s.api.request('GET', '/metrics', { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(proxied.status).toBe(403);
    // A user's access token is not a metrics credential.
    const asAdmin = await s.api.request('GET', '/metrics', { ip: '10.1.2.3', token: admin.token });
    expect(asAdmin.status).toBe(403);
  });
});

describeDb('metrics with METRICS_TOKEN', (t) => {
  const token = 'metrics-token-0123456789abcdef';
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(t, { env: { METRICS_TOKEN: token } });
  });
  afterAll(() => s.close());

  it('refuses a missing or wrong token from anywhere, loopback included, and serves the right one', async () => {
    for (const ip of ['127.0.0.1', '10.1.2.3']) {
      const none = await s.api.request('GET', '/metrics', { ip });
      expect(none.status).toBe(401);
      expect(none.body).toEqual({ error: 'unauthorized', reason: expect.any(String) });
      expect(none.raw.body).not.toContain('verzek_');
      const wrong = await s.api.request('GET', '/metrics', { ip, token: `${token}x` });
      expect(wrong.status).toBe(401);
      const right = await s.api.request('GET', '/metrics', { ip, token });
      expect(right.status).toBe(200);
      expect(right.raw.body).toContain('verzek_http_requests_total');
    }
  });
});

describe('METRICS_TOKEN and METRICS_PORT configuration', () => {
  it('validates them', () => {
    expect(() => loadConfig({}, { METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
    expect(() => loadConfig({}, { METRICS_PORT: 'ninety' })).toThrow(/METRICS_PORT/);
    const c = loadConfig({}, { METRICS_TOKEN: 'a'.repeat(32), METRICS_PORT: '9464' });
    expect(c.metrics).toEqual({ token: 'a'.repeat(32), port: 9464 });
    expect(loadConfig({}, {}).metrics).toEqual({ token: undefined, port: undefined });
  });
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

describeDb('metrics of a worker process (METRICS_PORT)', (t) => {
  it('serves /metrics on METRICS_PORT from a --role worker process, which has no API port', async () => {
    const port = await freePort();
    const database = t.target.dialect === 'sqlite' ? `sqlite:${t.target.file}` : t.target.url;
    const config = loadConfig(
      {},
      {
        DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'verzek-metrics-')),
        DATABASE_URL: database,
        MARKET_FEED: 'manual',
        HOST: '127.0.0.1',
        METRICS_PORT: String(port),
      },
    );
    const ctx = await createContext(config, { role: 'worker', logger: createLogger({ level: 'silent' }) });
    const server = await startServer(ctx);
    try {
      expect(server.app).toBeNull();
      const text = await until('a worker heartbeat in the metrics', async () => {
        const r = await fetch(`http://127.0.0.1:${port}/metrics`);
        expect(r.status).toBe(200);
        const body = await r.text();
        return value(body, 'verzek_workers_active') >= 1 ? body : null;
      });
      expect(text).toContain('verzek_venue_call_duration_seconds');
      const other = await fetch(`http://127.0.0.1:${port}/api/ping`);
      expect(other.status).toBe(404);
    } finally {
      await server.stop();
    }
  });
});
