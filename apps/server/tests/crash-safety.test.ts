import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PositionState } from '@verzek/core';
import { mulberry32 } from '@verzek/exchange';
import { createLogger, loadConfig } from '@verzek/platform';
import { describeDb } from '@verzek/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createContext, type AppContext } from '../src/context';
import { killHard as kill, spawnServe, type ServeProcess } from '../src/testing/cluster';
import { createFollowers } from '../src/testing/followers';
import { ingestSignal } from '../src/trading/signals/ingest';
import { sourceByName } from '../src/trading/signals/sources';

const SIGNALS = 20;
const FOLLOWERS = 200;

describeDb('crash safety of the fan-out', (t) => {
  let ctx: AppContext;
  let dataDir: string;
  let worker: ServeProcess | null = null;
  const databaseUrl = () => (t.target.dialect === 'sqlite' ? `sqlite:${t.target.file}` : t.target.url);

  const startWorker = (): ServeProcess =>
    spawnServe(
      'worker',
      {
        DATABASE_URL: databaseUrl(),
        DATA_DIR: dataDir,
        MARKET_FEED: 'sim',
        SIM_VOLATILITY_PCT: '0.0001',
        SIM_TICK_MS: '250',
        LOG_LEVEL: 'error',
      },
      { label: 'worker' },
    );

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verzek-crash-'));
    const config = loadConfig({}, { DATA_DIR: dataDir, DATABASE_URL: databaseUrl(), MARKET_FEED: 'manual' });
    ctx = await createContext(config, { role: 'api', logger: createLogger({ level: 'silent' }) });
  });
  afterAll(async () => {
    if (worker) await kill(worker);
    await ctx.close();
  });

  it(`kills the worker at random points while ${SIGNALS} signals fan out to ${FOLLOWERS} users, and loses or doubles nothing`, async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);
    const random = mulberry32(seed);
    const now = ctx.clock.now();
    await createFollowers(ctx.db, FOLLOWERS, { now, prefix: `c${t.dialect}` });
    const source = await sourceByName(ctx.db, 'crash-test', 'api', now);
    // Market entries around the simulated BTC price (~95,000), with the ladder far enough away that
    // the near-flat simulated price never reaches it.
    for (let i = 0; i < SIGNALS; i++) {
      const r = await ingestSignal(
        { db: ctx.db, now: ctx.clock.now(), bus: ctx.bus },
        {
          source,
          signal: {
            symbol: 'BTCUSDT',
            direction: 'LONG',
            entries: [],
            entry_type: 'market',
            targets: ['98000', '101000', '104000'],
            stop_loss: '90000',
            leverage: 10,
            margin_mode: null,
          },
          tradeType: 'FUTURES',
          confidence: null,
          duration: null,
          sourceMessageId: `crash-${i}`,
          raw: '{}',
          createdBy: null,
        },
      );
      expect(r.status === 'created' && r.queued).toBe(FOLLOWERS);
    }

    const total = SIGNALS * FOLLOWERS;
    const done = async () => {
      const pending = await ctx.db
        .selectFrom('execution_intents')
        .select('id')
        .where('status', '=', 'PENDING')
        .limit(1)
        .execute();
      if (pending.length > 0) return false;
      const live = await ctx.db
        .selectFrom('paper_orders')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'NEW')
        .where('reduce_only', '=', 1)
        .executeTakeFirstOrThrow();
      if (Number(live.n) < total * 4) return false;
      const unsettled = await ctx.db
        .selectFrom('positions')
        .select('id')
        .where('pending_work', '=', 1)
        .limit(1)
        .execute();
      return unsettled.length === 0;
    };

    let kills = 0;
    const deadline = Date.now() + 240_000;
    worker = startWorker();
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`not settled in time (seed ${seed}, ${kills} kills)`);
      if (kills < 6) {
        // Let it work for a random while (its start-up takes ~1–2 s), then kill it without warning.
        await new Promise((r) => setTimeout(r, 1500 + random() * 2500));
        await kill(worker);
        kills += 1;
        worker = startWorker();
      } else {
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    await kill(worker);
    worker = null;
    expect(kills, `seed ${seed}`).toBeGreaterThan(0);

    // Exactly one position per (signal, user), and every intent points at it.
    const positions = await ctx.db
      .selectFrom('positions')
      .select(['id', 'signal_id', 'user_id', 'state', 'status'])
      .execute();
    expect(positions).toHaveLength(total);
    expect(new Set(positions.map((p) => `${p.signal_id}:${p.user_id}`)).size).toBe(total);
    const intents = await ctx.db.selectFrom('execution_intents').select(['status', 'position_id']).execute();
    expect(intents.every((i) => i.status === 'DONE' && i.position_id !== null)).toBe(true);

    // On the venue: exactly one entry per (signal, user) and a complete ladder, nothing twice.
    const accounts = await ctx.db
      .selectFrom('paper_orders')
      .select(['account_id', 'reduce_only', 'status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy(['account_id', 'reduce_only', 'status'])
      .execute();
    const perAccount = new Map<number, Record<string, number>>();
    for (const a of accounts) {
      const m = perAccount.get(a.account_id) ?? {};
      m[`${a.reduce_only}:${a.status}`] = Number(a.n);
      perAccount.set(a.account_id, m);
    }
    expect(perAccount.size).toBe(FOLLOWERS);
    for (const counts of perAccount.values())
      expect(counts, `seed ${seed}`).toEqual({ '0:FILLED': SIGNALS, '1:NEW': SIGNALS * 4 });

    // And in our books: open, entry filled once, three TPs and a stop live, nothing unconfirmed.
    for (const p of positions) {
      const st = JSON.parse(p.state) as PositionState;
      expect(st.status).toBe('OPEN');
      expect(st.orders.filter((o) => o.role === 'entry')).toHaveLength(1);
      const live = st.orders.filter((o) => o.status === 'NEW');
      expect(live.map((o) => o.role).sort()).toEqual(['stop', 'tp', 'tp', 'tp']);
      expect(st.orders.filter((o) => o.status === 'PENDING_NEW' || o.status === 'PENDING_CANCEL')).toEqual(
        [],
      );
    }
  }, 300_000);
});
