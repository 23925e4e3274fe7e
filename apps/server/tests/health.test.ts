import { beat, openDatabase, removeHeartbeat, SCHEMA_VERSION } from '@verzek/db';
import { createPriceFeed } from '@verzek/exchange';
import { describeDb, FakeBinanceWs } from '@verzek/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../src/http/app';
import { FEED_STALE_MS } from '../src/http/routes/health';
import { WORKER_STALE_MS } from '../src/workers/heartbeat';
import { startTestServer, type TestServer } from './harness';

interface Health {
  status: 'ok' | 'degraded';
  problems: string[];
  database: { ok: boolean };
  role: string;
  workers: { active: number; expected: boolean; by_role: Record<string, number>; last_seen: string | null };
  market_feed: { kind: string; status: string; live: boolean; lag_ms: number | null; reconnects: number };
  trading: { runtime: boolean };
}

async function until(ok: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describeDb('/health', (t) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(t, { trading: true });
  });
  afterAll(() => s.close());

  /** A worker's heartbeat (started at `now`), of this version unless said otherwise. */
  const beatAs = (owner: string, role: string, now: number, schemaVersion = SCHEMA_VERSION) =>
    beat(s.ctx.db, { owner, role, startedAt: now, now, schemaVersion });

  const health = async (app = s.app, url = '/health') => {
    const r = await app.inject({ method: 'GET', url });
    expect(r.statusCode).toBe(200);
    return JSON.parse(r.body) as Health;
  };

  it('reports the database, workers, market feed and trading runtime', async () => {
    for (const url of ['/health', '/api/health']) {
      const h = await health(s.app, url);
      expect(h).toMatchObject({
        status: 'ok',
        problems: [],
        database: { ok: true },
        role: 'all',
        // No worker has ever run on this database, and this process serves everything itself.
        workers: { active: 0, expected: false, by_role: {}, last_seen: null },
        market_feed: { kind: 'manual', status: 'live', live: true, reconnects: 0 },
        trading: { runtime: true },
      });
    }
  });

  it('counts live workers, and is degraded once every worker has gone silent', async () => {
    const now = s.clock.now();
    await beatAs('w1', 'worker', now);
    await beatAs('w2', 'all', now);
    let h = await health();
    expect(h.status).toBe('ok');
    expect(h.workers).toMatchObject({ active: 2, expected: true, by_role: { worker: 1, all: 1 } });
    expect(h.workers.last_seen).toBe(new Date(now).toISOString());

    s.clock.advance(WORKER_STALE_MS + 1);
    h = await health();
    expect(h.status).toBe('degraded');
    expect(h.workers).toMatchObject({ active: 0, expected: true });
    expect(h.problems.join(' ')).toMatch(/no worker seen/);

    await beatAs('w1', 'worker', s.clock.now());
    h = await health();
    expect(h.status).toBe('ok');
    expect(h.workers.active).toBe(1);
    // Workers that stop cleanly remove their heartbeat: nothing is expected of an empty cluster.
    await removeHeartbeat(s.ctx.db, 'w1');
    await removeHeartbeat(s.ctx.db, 'w2');
    expect((await health()).status).toBe('ok');
  });

  it('is degraded while workers of two versions are live (an upgrade half done)', async () => {
    const now = s.clock.now();
    await beatAs('new', 'worker', now);
    await beatAs('old', 'worker', now, SCHEMA_VERSION - 1);
    try {
      const h = await health();
      expect(h.status).toBe('degraded');
      expect(h.problems).toEqual([
        `workers of 2 versions are running (schema ${SCHEMA_VERSION - 1}, ${SCHEMA_VERSION}): the newer ones wait until the older stop`,
      ]);
      await removeHeartbeat(s.ctx.db, 'old');
      expect((await health()).status).toBe('ok');
    } finally {
      await removeHeartbeat(s.ctx.db, 'old');
      await removeHeartbeat(s.ctx.db, 'new');
    }
  });

  it('is degraded for an API-only process without workers, and for a Binance feed that is not live', async () => {
    const api = await buildApp({ ...s.ctx, role: 'api', trading: null });
    const binance = createPriceFeed('binance', { clock: s.clock, baseUrl: 'ws://127.0.0.1:9' });
    const withBinance = await buildApp({ ...s.ctx, feed: binance });
    try {
      const h = await health(api);
      expect(h).toMatchObject({ status: 'degraded', role: 'api', trading: { runtime: false } });
      expect(h.workers).toMatchObject({ active: 0, expected: true });
      expect(h.problems.join(' ')).toMatch(/no worker process is running/);
      const now = s.clock.now();
      await beatAs('w3', 'worker', now);
      expect((await health(api)).status).toBe('ok');
      await removeHeartbeat(s.ctx.db, 'w3');

      // Never started: not live. (A started one that lost its connection reads "reconnecting".)
      const b = await health(withBinance);
      expect(b.status).toBe('degraded');
      expect(b.market_feed).toMatchObject({ kind: 'binance', status: 'idle', live: false });
      expect(b.problems).toEqual(['market feed is idle']);
    } finally {
      await api.close();
      await withBinance.close();
    }
  });

  it('is degraded while a live Binance feed has gone quiet', async () => {
    const fake = new FakeBinanceWs();
    await fake.start();
    const binance = createPriceFeed('binance', { clock: s.clock, baseUrl: fake.url });
    const app = await buildApp({ ...s.ctx, feed: binance });
    try {
      binance.subscribe(['BTCUSDT']);
      await binance.start();
      fake.push('BTCUSDT', { price: '70000', eventTime: s.clock.now() });
      await until(() => binance.last('BTCUSDT') !== undefined);
      let h = await health(app);
      expect(h.status).toBe('ok');
      expect(h.market_feed).toMatchObject({ kind: 'binance', status: 'live', live: true, lag_ms: 0 });
      s.clock.advance(FEED_STALE_MS + 1000);
      h = await health(app);
      expect(h.status).toBe('degraded');
      expect(h.problems).toEqual(['market feed is stale: last price 11 s old']);
    } finally {
      await app.close();
      await binance.stop();
      await fake.close();
    }
  });

  it('is degraded when the database does not answer', async () => {
    // A database nobody listens on (connection refused at once, on this machine).
    const dead = openDatabase({ dialect: 'postgres', url: 'postgres://verzek@127.0.0.1:1/none' });
    const app = await buildApp({ ...s.ctx, db: dead.db });
    try {
      const h = await health(app);
      expect(h.status).toBe('degraded');
      expect(h.database.ok).toBe(false);
      expect(h.problems).toContain('database unreachable');
    } finally {
      await app.close();
      await dead.close();
    }
  });
});
