import { activeWorkers, readSafety, type Db } from '@verzek/db';
import type { PriceFeed } from '@verzek/exchange';
import type { Clock, Logger } from '@verzek/platform';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { WORKER_STALE_MS } from '../workers/heartbeat';

/** Intent states (execution_intents.status): each is exported, 0 when there is none. */
const INTENT_STATES = ['PENDING', 'DONE', 'BLOCKED', 'FAILED'] as const;
/** Telegram outbox rows still to go out: the queue depth. */
const OUTBOX_WAITING = ['pending', 'sending', 'unknown'] as const;
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Label values we make up from data are kept to this shape, so nobody can grow the series at will. */
const LABEL_VALUE = /^[a-z0-9_]{1,40}$/;

export interface MetricsSources {
  db: Db;
  feed: PriceFeed;
  clock: Clock;
  logger: Logger;
}

/** What trading code reports (optional in its deps, so tests and tools may leave it out). */
export interface TradingMetrics {
  /** A risk event was recorded with this reason code. */
  riskBlock(code: string): void;
}

/** What the HTTP layer and the venue wrapper report. */
export interface ServerMetrics extends TradingMetrics {
  readonly registry: Registry;
  /** One answered HTTP request; `route` is the route pattern (never the raw URL). */
  httpRequest(method: string, route: string, status: number, seconds: number): void;
  /** One call to a venue (paper or an exchange). */
  venueCall(venue: string, op: string, ok: boolean, seconds: number): void;
  /** The exposition text (Prometheus text format 0.0.4); scrape-time gauges are read first. */
  scrape(): Promise<string>;
  readonly contentType: string;
}

const num = (v: unknown) => Number(v ?? 0);

/**
 * The metrics of one process, on a registry of its own (never prom-client's global one: tests run
 * many servers in one process). Counters and histograms are observed where things happen; gauges that
 * describe the cluster (intents by state, Telegram queue depth, live workers, the kill switch) are read
 * from the database at scrape time with small grouped counts, and the market feed from this process's
 * feed. Process metrics (CPU, memory, event loop, GC) start with the first scrape.
 */
export function createServerMetrics(sources: MetricsSources): ServerMetrics {
  const { db, feed, clock, logger } = sources;
  const registry = new Registry();
  const registers = [registry];

  const httpTotal = new Counter({
    name: 'verzek_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status class',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
  });
  const httpDuration = new Histogram({
    name: 'verzek_http_request_duration_seconds',
    help: 'HTTP request latency, by method, route pattern and status class',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const venueDuration = new Histogram({
    name: 'verzek_venue_call_duration_seconds',
    help: 'Latency of calls to a venue (order placement, cancel, lookup, leverage), by venue, operation and outcome',
    labelNames: ['venue', 'op', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
    registers,
  });
  const riskBlocks = new Counter({
    name: 'verzek_risk_blocks_total',
    help: 'Risk events recorded by this process (a trade not opened), by reason code',
    labelNames: ['code'] as const,
    registers,
  });

  const dbUp = new Gauge({
    name: 'verzek_database_up',
    help: '1 when the scrape-time database queries succeeded',
    registers,
  });
  const intents = new Gauge({
    name: 'verzek_intents',
    help: 'Execution intents (one per follower of a signal) by state, cluster-wide',
    labelNames: ['state'] as const,
    registers,
  });
  const outbox = new Gauge({
    name: 'verzek_telegram_outbox_depth',
    help: 'Telegram outbox rows not yet sent (pending, in flight, outcome unknown), cluster-wide',
    labelNames: ['status'] as const,
    registers,
  });
  const workers = new Gauge({
    name: 'verzek_workers_active',
    help: 'Worker processes with a heartbeat in the last 30 s, cluster-wide',
    registers,
  });
  const killSwitch = new Gauge({
    name: 'verzek_kill_switch',
    help: '1 while the global kill switch stops new trades',
    registers,
  });
  const feedUp = new Gauge({
    name: 'verzek_market_feed_up',
    help: "1 when this process's market feed is live",
    labelNames: ['feed'] as const,
    registers,
  });
  const feedLag = new Gauge({
    name: 'verzek_market_feed_lag_seconds',
    help: "Age of this process's last price tick (absent before the first tick)",
    labelNames: ['feed'] as const,
    registers,
  });
  const feedSymbols = new Gauge({
    name: 'verzek_market_feed_symbols',
    help: 'Symbols the market feed of this process is subscribed to',
    labelNames: ['feed'] as const,
    registers,
  });
  const feedReconnects = new Gauge({
    name: 'verzek_market_feed_reconnects',
    help: 'Reconnections of the market feed since this process started',
    labelNames: ['feed'] as const,
    registers,
  });

  const readFeed = () => {
    const s = feed.state();
    feedUp.reset();
    feedLag.reset();
    feedSymbols.reset();
    feedReconnects.reset();
    feedUp.set({ feed: s.kind }, s.status === 'live' ? 1 : 0);
    if (s.lagMs !== null) feedLag.set({ feed: s.kind }, Math.max(0, s.lagMs) / 1000);
    feedSymbols.set({ feed: s.kind }, s.symbols);
    feedReconnects.set({ feed: s.kind }, s.reconnects);
  };

  const readDatabase = async () => {
    try {
      const [intentRows, outboxRows, beats, safety] = await Promise.all([
        db
          .selectFrom('execution_intents')
          .select((eb) => ['status', eb.fn.countAll().as('n')])
          .groupBy('status')
          .execute(),
        db
          .selectFrom('telegram_outbox')
          .select((eb) => ['status', eb.fn.countAll().as('n')])
          .where('status', 'in', [...OUTBOX_WAITING])
          .groupBy('status')
          .execute(),
        activeWorkers(db, clock.now() - WORKER_STALE_MS),
        readSafety(db),
      ]);
      intents.reset();
      for (const state of INTENT_STATES) intents.set({ state }, 0);
      for (const r of intentRows) intents.set({ state: r.status }, num(r.n));
      outbox.reset();
      for (const status of OUTBOX_WAITING) outbox.set({ status }, 0);
      for (const r of outboxRows) outbox.set({ status: r.status }, num(r.n));
      workers.set(beats.length);
      killSwitch.set(safety.kill_switch === 1 ? 1 : 0);
      dbUp.set(1);
    } catch (err) {
      // A scrape still answers (with the last values) so the failure itself is visible.
      dbUp.set(0);
      logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'metrics: database read failed');
    }
  };

  let defaults = false;
  const statusClass = (status: number) => `${Math.floor(status / 100)}xx`;

  return {
    registry,
    contentType: registry.contentType,
    httpRequest(method, route, status, seconds) {
      const labels = {
        method: METHODS.has(method) ? method : 'other',
        route,
        status: statusClass(status),
      };
      httpTotal.inc(labels);
      httpDuration.observe(labels, seconds);
    },
    venueCall(venue, op, ok, seconds) {
      venueDuration.observe(
        { venue: LABEL_VALUE.test(venue) ? venue : 'other', op, outcome: ok ? 'ok' : 'error' },
        seconds,
      );
    },
    riskBlock(code) {
      riskBlocks.inc({ code: LABEL_VALUE.test(code) ? code : 'other' });
    },
    async scrape() {
      if (!defaults) {
        defaults = true;
        collectDefaultMetrics({ register: registry });
      }
      readFeed();
      await readDatabase();
      return registry.metrics();
    },
  };
}
