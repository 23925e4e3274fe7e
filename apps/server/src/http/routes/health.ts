import { HealthResponse, iso, PingResponse } from '@verzek/contract';
import { activeWorkers, type WorkerBeat } from '@verzek/db';
import { sql } from 'kysely';
import type { AppContext } from '../../context';
import { WORKER_STALE_MS } from '../../workers/heartbeat';
import type { App } from '../types';

export const PING = { status: 'ok', message: 'Verzek Auto Trader API running' } as const;

/** Binance pushes every mark price once a second: a last tick older than this is stale. */
export const FEED_STALE_MS = 10_000;

const errMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * `/api/ping` (liveness) and `/health` = `/api/health` (readiness and component state). Both are
 * public and answer 200 whatever the state, so a load balancer reads `status`; they show counts and
 * states, never hosts, errors or secrets.
 *
 * `status` is `"degraded"`, with a human line per cause in `problems`, when:
 * - the database does not answer `select 1`;
 * - the market feed is the live Binance feed and is not `live` (connecting, reconnecting, stopped),
 *   or is live with symbols subscribed but its last tick is older than `FEED_STALE_MS`: paper fills
 *   and previews would use stale prices. The simulated and manual feeds never degrade;
 * - no worker has sent a heartbeat within three heartbeat periods (`WORKER_STALE_MS`) although the
 *   cluster should have one: this process serves the API only (`--role api`, so signals are queued
 *   but nobody executes them), or workers have been seen before and all of them went silent (a
 *   crashed worker leaves its heartbeat behind; a cleanly stopped one removes it). A single
 *   `--role all` process that runs its own workers is counted through its own heartbeat;
 * - live workers run code of different schema versions (an upgrade half done: the new workers wait
 *   for the old ones to stop before they trade, see `waitForOlderWorkers`).
 */
export function registerHealthRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/api/ping',
    { schema: { tags: ['health'], summary: 'Liveness', response: { 200: PingResponse } } },
    () => PING,
  );

  const health = async (): Promise<HealthResponse> => {
    const problems: string[] = [];
    const now = ctx.clock.now();
    const started = performance.now();
    let dbOk = true;
    try {
      await sql`select 1`.execute(ctx.db);
    } catch (err) {
      dbOk = false;
      problems.push('database unreachable');
      ctx.logger.warn({ err: errMessage(err) }, 'health: database unreachable');
    }
    const latency = Math.round((performance.now() - started) * 10) / 10;

    let beats: WorkerBeat[] = [];
    if (dbOk) {
      try {
        beats = await activeWorkers(ctx.db, 0);
      } catch (err) {
        ctx.logger.warn({ err: errMessage(err) }, 'health: worker heartbeats unreadable');
      }
    }
    const live = beats.filter((b) => b.last_seen >= now - WORKER_STALE_MS);
    const byRole: Record<string, number> = {};
    for (const b of live) byRole[b.role] = (byRole[b.role] ?? 0) + 1;
    const expected = ctx.role === 'api' || beats.length > 0;
    if (expected && live.length === 0) {
      problems.push(
        beats.length > 0
          ? `no worker seen for ${WORKER_STALE_MS / 1000} s: signals are queued but not executed`
          : 'no worker process is running: signals are queued but not executed',
      );
    }
    const versions = [...new Set(live.map((b) => b.schema_version))];
    if (versions.length > 1) {
      const names = versions.map((v) => (v === null ? 'before 13' : String(v))).sort();
      problems.push(
        `workers of ${versions.length} versions are running (schema ${names.join(', ')}): the newer ones wait until the older stop`,
      );
    }
    const lastSeen = beats.reduce<number | null>(
      (m, b) => (m === null || b.last_seen > m ? b.last_seen : m),
      null,
    );

    const feed = ctx.feed.state();
    const feedLive = feed.status === 'live';
    if (feed.kind === 'binance' && !feedLive) problems.push(`market feed is ${feed.status}`);
    else if (
      feed.kind === 'binance' &&
      feed.symbols > 0 &&
      feed.lagMs !== null &&
      feed.lagMs > FEED_STALE_MS
    ) {
      problems.push(`market feed is stale: last price ${Math.round(feed.lagMs / 1000)} s old`);
    }

    return {
      status: problems.length === 0 ? 'ok' : 'degraded',
      problems,
      database: { ok: dbOk, dialect: ctx.dbHandle.dialect, latency_ms: latency },
      role: ctx.role,
      workers: {
        active: live.length,
        expected,
        seen_within_s: WORKER_STALE_MS / 1000,
        by_role: byRole,
        last_seen: iso(lastSeen),
      },
      market_feed: {
        kind: feed.kind,
        status: feed.status,
        live: feedLive,
        symbols: feed.symbols,
        lag_ms: feed.lagMs,
        last_tick_at: iso(feed.lastTickAt),
        reconnects: feed.reconnects,
      },
      trading: { runtime: ctx.trading !== null },
      uptime_s: Math.round((now - ctx.startedAt) / 1000),
      version: '0.1.0',
    };
  };
  for (const url of ['/health', '/api/health']) {
    app.get(
      url,
      {
        schema: {
          tags: ['health'],
          summary: 'Readiness and component state: database, workers, market feed, trading runtime',
          response: { 200: HealthResponse },
        },
      },
      health,
    );
  }
}
