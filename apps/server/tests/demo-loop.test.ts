import { parseSignalJson, type PositionState } from '@verzek/core';
import type { SimFeed } from '@verzek/exchange';
import { describeDb } from '@verzek/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../src/demo/seed';
import { buildDemoSignal, DEMO_SOURCE, demoSignalJob } from '../src/demo/signal-job';
import { startTestServer, type TestServer } from './harness';

const SIGNAL_DEFAULTS = { targetsPct: ['0.3', '0.6', '1.2'], stopPct: '0.8', leverage: 10 };

describe('demo signal', () => {
  it('puts the targets 0.3/0.6/1.2 % and the stop 0.8 % away, on the tick grid', () => {
    const long = buildDemoSignal({
      symbol: 'ETHUSDT',
      direction: 'LONG',
      price: '3300',
      tick: '0.01',
      ...SIGNAL_DEFAULTS,
    });
    expect(long).toMatchObject({
      entry: '3300',
      targets: ['3309.9', '3319.8', '3339.6'],
      stop_loss: '3273.6',
      leverage: 10,
      source: DEMO_SOURCE,
    });
    const short = buildDemoSignal({
      symbol: 'BTCUSDT',
      direction: 'SHORT',
      price: '95000.3',
      tick: '0.1',
      ...SIGNAL_DEFAULTS,
    });
    expect(short.targets).toEqual(['94715.3', '94430.3', '93860.3']);
    expect(short.stop_loss).toBe('95760.3');
    for (const body of [long, short]) expect(parseSignalJson(body).kind).toBe('signal');
  });
});

describeDb('demo loop on the simulated feed', (t) => {
  let s: TestServer;
  let feed: SimFeed;
  let traderId: number;
  const abort = new AbortController();

  beforeAll(async () => {
    s = await startTestServer(t, {
      trading: true,
      // The feed's own timer is too slow to matter: the test moves prices with step().
      env: { MARKET_FEED: 'sim', SIM_TICK_MS: '60000', SIM_VOLATILITY_PCT: '0.15' },
    });
    feed = s.ctx.feed as SimFeed;
    const seeded = await seedDemo(s.ctx);
    expect(seeded.source.secret).toMatch(/^whs_/);
    const trader = await s.ctx.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'trader@verzek.demo')
      .executeTakeFirstOrThrow();
    traderId = trader.id;
    feed.subscribe(['BTCUSDT', 'ETHUSDT']);
    feed.step();
  });
  afterAll(async () => {
    abort.abort();
    await s.close();
  });

  const positionOf = (signalId: number) =>
    s.ctx.db
      .selectFrom('positions')
      .selectAll()
      .where('signal_id', '=', signalId)
      .where('user_id', '=', traderId)
      .executeTakeFirst();
  const demoSignals = () =>
    s.ctx.db
      .selectFrom('signals')
      .innerJoin('signal_sources', 'signal_sources.id', 'signals.source_id')
      .select(['signals.id', 'signals.symbol', 'signals.direction', 'signals.entries'])
      .where('signal_sources.name', '=', DEMO_SOURCE)
      .orderBy('signals.id')
      .execute();

  it('posts a signal at the simulated price that the PREMIUM trader opens and the market closes', async () => {
    const job = demoSignalJob(s.ctx, { firstAfterMs: 0, firstTickTimeoutMs: 2000 });
    await job.run({ now: s.clock.now(), period: 'p1', signal: abort.signal });
    const [posted] = await demoSignals();
    expect(posted).toBeDefined();
    expect(posted!.symbol).toBe('BTCUSDT');
    expect(JSON.parse(posted!.entries)).toEqual([feed.last('BTCUSDT')!.price]);

    // The trader's position opens with its ladder and stop.
    const deadline = Date.now() + 10_000;
    let row = await positionOf(posted!.id);
    while (!(row && ['OPEN', 'PARTIAL', 'CLOSED'].includes(row.status)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
      row = await positionOf(posted!.id);
    }
    expect(row?.status, 'position opened').toMatch(/OPEN|PARTIAL|CLOSED/);
    const opened = JSON.parse(row!.state) as PositionState;
    expect(opened.orders.filter((o) => o.role === 'tp')).toHaveLength(3);
    expect(opened.orders.some((o) => o.role === 'stop')).toBe(true);
    expect(Number(opened.entry_filled_qty)).toBeGreaterThan(0);

    // Prices move; take-profits and the stop fill on the paper exchange without any follow-up.
    const statuses = new Set<string>();
    let steps = 0;
    while (row!.status !== 'CLOSED' && steps < 2000 && Date.now() < deadline + 20_000) {
      feed.step();
      steps += 1;
      await new Promise((r) => setTimeout(r, 10));
      row = (await positionOf(posted!.id))!;
      statuses.add(row.status);
    }
    expect(row!.status, `closed after ${steps} steps`).toBe('CLOSED');
    const closed = JSON.parse(row!.state) as PositionState;
    expect(closed.remaining_qty).toBe('0');
    expect(['tp_all', 'stop_loss', 'breakeven_stop', 'target_stop']).toContain(closed.close_reason);
    expect(row!.realized_pnl_usdt).not.toBeNull();
    const events = await s.ctx.db
      .selectFrom('signal_events')
      .select('id')
      .where('signal_id', '=', posted!.id)
      .execute();
    expect(events).toEqual([]);
  });

  it('posts once per period and then waits its interval; a disabled source stops it', async () => {
    const job = demoSignalJob(s.ctx, { firstAfterMs: 0, everyMs: 120_000, firstTickTimeoutMs: 2000 });
    const before = (await demoSignals()).length;
    // Too soon after the last demo signal: nothing.
    await job.run({ now: s.clock.now(), period: 'p2', signal: abort.signal });
    expect(await demoSignals()).toHaveLength(before);
    s.clock.advance(120_000);
    await job.run({ now: s.clock.now(), period: 'p3', signal: abort.signal });
    await job.run({ now: s.clock.now(), period: 'p3', signal: abort.signal });
    const after = await demoSignals();
    expect(after).toHaveLength(before + 1);
    // A disabled demo source posts nothing.
    await s.ctx.db
      .updateTable('signal_sources')
      .set({ enabled: 0 })
      .where('name', '=', DEMO_SOURCE)
      .execute();
    s.clock.advance(120_000);
    await job.run({ now: s.clock.now(), period: 'p4', signal: abort.signal });
    expect(await demoSignals()).toHaveLength(before + 1);
  });
});
