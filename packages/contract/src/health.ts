import { z } from 'zod';
import { IsoTime } from './common';

export const PingResponse = z.object({ status: z.literal('ok'), message: z.string() });

export const HealthResponse = z.object({
  status: z.enum(['ok', 'degraded']),
  /** Why the status is degraded (empty when ok). */
  problems: z.array(z.string()),
  database: z.object({ ok: z.boolean(), dialect: z.enum(['sqlite', 'postgres']), latency_ms: z.number() }),
  role: z.enum(['all', 'api', 'worker']),
  /** Worker processes of the cluster (every process sharing the database), from their heartbeats. */
  workers: z.object({
    /** Seen within `seen_within_s`. */
    active: z.number().int(),
    /** Whether this cluster should have a live worker (see the route's documentation). */
    expected: z.boolean(),
    seen_within_s: z.number().int(),
    /** Active workers by role (`all`, `worker`). */
    by_role: z.record(z.string(), z.number().int()),
    last_seen: IsoTime.nullable(),
  }),
  /** The market price feed of this process. */
  market_feed: z.object({
    kind: z.enum(['binance', 'sim', 'manual']),
    status: z.enum(['idle', 'connecting', 'live', 'reconnecting', 'stopped']),
    live: z.boolean(),
    symbols: z.number().int(),
    lag_ms: z.number().nullable(),
    last_tick_at: IsoTime.nullable(),
    reconnects: z.number().int(),
  }),
  /** Whether this process runs the trading runtime (intent worker and position engine). */
  trading: z.object({ runtime: z.boolean() }),
  uptime_s: z.number(),
  version: z.string(),
});
export type HealthResponse = z.infer<typeof HealthResponse>;
