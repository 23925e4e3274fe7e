/**
 * Fan-out on paper: one signal to N followers through the whole pipeline in one process (API
 * ingestion → intents → risk/sizing → positions → paper entry → TP ladder and stop), on SQLite.
 * Measures the time from posting to each follower's entry fill and to their complete ladder
 * (3 TPs + stop live on the venue).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PositionState } from '@verzek/core';
import type { ManualFeed } from '@verzek/exchange';
import { createLogger, loadConfig } from '@verzek/platform';
import { createContext } from '../apps/server/src/context';
import { createFollowers } from '../apps/server/src/testing/followers';
import { ingestSignal } from '../apps/server/src/trading/signals/ingest';
import { sourceByName } from '../apps/server/src/trading/signals/sources';
import { startTradingRuntime } from '../apps/server/src/trading/runtime';
import type { BenchResult } from './run';

interface Run {
  followers: number;
  lastEntryMs: number;
  lastLadderMs: number;
  entry: { p50: number; p95: number };
  ladder: { p50: number; p95: number };
  positions: number;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export async function fanout(followers: number): Promise<Run> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verzek-bench-'));
  const config = loadConfig({}, { DATA_DIR: dataDir, MARKET_FEED: 'manual', LOG_LEVEL: 'warn' });
  const ctx = await createContext(config, { logger: createLogger({ level: 'warn' }) });
  try {
    await ctx.feed.start();
    (ctx.feed as ManualFeed).setPrice('BTCUSDT', '70000');
    const runtime = await startTradingRuntime(ctx, ctx.feed);
    await createFollowers(ctx.db, followers, { now: ctx.clock.now(), prefix: 'f' });
    const source = await sourceByName(ctx.db, 'bench', 'api', ctx.clock.now());
    const t0 = Date.now();
    const posted = await ingestSignal(
      { db: ctx.db, now: ctx.clock.now(), bus: ctx.bus, onQueued: () => runtime.kick() },
      {
        source,
        signal: {
          symbol: 'BTCUSDT',
          direction: 'LONG',
          entries: ['70000'],
          entry_type: 'single',
          targets: ['70500', '71000', '72000'],
          stop_loss: '69500',
          leverage: 10,
          margin_mode: null,
        },
        tradeType: 'FUTURES',
        confidence: null,
        duration: null,
        sourceMessageId: null,
        raw: '{}',
        createdBy: null,
      },
    );
    if (posted.status !== 'created' || posted.queued !== followers)
      throw new Error('fan-out did not queue every follower');
    // Poll something cheap (the venue's live exit orders) so measuring doesn't slow the system down.
    const deadline = Date.now() + 300_000;
    for (;;) {
      const live = await ctx.db
        .selectFrom('paper_orders')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'NEW')
        .where('reduce_only', '=', 1)
        .executeTakeFirstOrThrow();
      if (Number(live.n) >= followers * 4) break;
      if (Date.now() > deadline)
        throw new Error(`only ${live.n}/${followers * 4} exit orders live after 300 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // The engine records the venue's acceptance right after; give it that moment, then read once.
    let states: PositionState[] = [];
    for (;;) {
      const rows = await ctx.db
        .selectFrom('positions')
        .select('state')
        .where('signal_id', '=', posted.signal.id)
        .execute();
      states = rows.map((r) => JSON.parse(r.state) as PositionState);
      const complete = states.filter(
        (s) =>
          s.orders.filter((o) => (o.role === 'tp' || o.role === 'stop') && o.status === 'NEW').length === 4,
      );
      if (complete.length === followers) break;
      if (Date.now() > deadline) throw new Error(`only ${complete.length}/${followers} ladders after 300 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await runtime.stop();
    const entries = states.map((s) => (s.opened_at ?? NaN) - t0).sort((a, b) => a - b);
    const ladders = states
      .map(
        (s) =>
          Math.max(...s.orders.filter((o) => o.role === 'tp' || o.role === 'stop').map((o) => o.updated_at)) -
          t0,
      )
      .sort((a, b) => a - b);
    return {
      followers,
      positions: states.length,
      lastEntryMs: entries[entries.length - 1]!,
      lastLadderMs: ladders[ladders.length - 1]!,
      entry: { p50: pct(entries, 50), p95: pct(entries, 95) },
      ladder: { p50: pct(ladders, 50), p95: pct(ladders, 95) },
    };
  } finally {
    await ctx.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function run(): Promise<BenchResult> {
  const runs: Run[] = [];
  for (const n of [1000, 5000]) runs.push(await fanout(n));
  const rows = runs.map(
    (r) =>
      `| ${r.followers} | ${r.lastEntryMs} | ${r.lastLadderMs} | ${r.entry.p50} / ${r.entry.p95} | ${r.ladder.p50} / ${r.ladder.p95} |`,
  );
  return {
    title: 'Fan-out on paper (one process, SQLite)',
    markdown: `One signal (BTCUSDT LONG, 3 TPs, stop) to N PREMIUM followers, through the whole pipeline in one
process on SQLite (WAL): the signal and its intents in one transaction, the intent worker (eligibility,
sizing, risk, position) in batches of ${200}, the position engine placing the market entry, then the three
reduce-only TP limits and the stop on the paper exchange. Times in ms from the signal being stored.

| followers | last entry filled | last ladder complete | entry p50 / p95 | ladder p50 / p95 |
|---:|---:|---:|---:|---:|
${rows.join('\n')}

Target: ladder p95 under 2 s for 1,000 followers. What bounds it: one Node process's CPU — nothing
waits on the network or the disk. Per follower that is ~46 SQL statements (46,346 counted for 1,000:
the paper venue's five placements and one fill, each with its account lock and one read of the
duplicate check and the position, in savepoints of shared transactions; the position's state written
twice; the leverage; the release), a third of the time in SQLite itself and Kysely; the position machine and its
decimal accounting (~10 %); the state's JSON; garbage collection (~10 %). The hottest statements are
compiled once per dialect (\`preparedQuery\`), a round of venue answers is one \`transitionAll\`, a
batch's positions are inserted together, and commits are few (group commit). Those changes, in
alternating runs against the code before them in the same hour: ladder p95 3,028 → 1,941 ms and, in a
slower hour, 4,284 → 2,160 ms. This shared machine's speed moves by up to ~40 % from hour to hour (see
the CPU probe above): the same code has measured ~1.65 s at quiet times (probe 420–450 ms) and 2.3–2.7 s at the slowest (probe ~600 ms).
More worker processes help on PostgreSQL only with more cores (see the next section).`,
  };
}
