import { dec, decStr, parseSignalJson, roundToStep, type Direction } from '@verzek/core';
import { fallbackMarketSpec, mulberry32, PAPER_MARKETS, seedFor } from '@verzek/exchange';
import type { AppContext } from '../context';
import { Markets } from '../trading/markets';
import { ingestSignal } from '../trading/signals/ingest';
import { sourceByName } from '../trading/signals/sources';
import type { ScheduledJob } from '../workers/scheduler';

/** The signal source the demo posts as. */
export const DEMO_SOURCE = 'demo';

export interface DemoSignalOptions {
  /** A new signal this often (default two minutes). */
  everyMs?: number;
  /** The first one this long after the job is created (default 10 s). */
  firstAfterMs?: number;
  /** Markets it takes turns on (default BTCUSDT, ETHUSDT). */
  symbols?: readonly string[];
  /** Take-profit distances from the entry, in percent (default 0.3, 0.6, 1.2). */
  targetsPct?: readonly string[];
  /** Stop distance from the entry, in percent (default 0.8). */
  stopPct?: string;
  leverage?: number;
  /** How long to wait for a symbol's first price (default 5 s). */
  firstTickTimeoutMs?: number;
}

export interface DemoSignalBody {
  symbol: string;
  direction: Direction;
  entry: string;
  targets: string[];
  stop_loss: string;
  leverage: number;
  trade_type: 'FUTURES';
  source: string;
}

const DEFAULTS = {
  everyMs: 120_000,
  firstAfterMs: 10_000,
  symbols: ['BTCUSDT', 'ETHUSDT'],
  targetsPct: ['0.3', '0.6', '1.2'],
  stopPct: '0.8',
  leverage: 10,
  firstTickTimeoutMs: 5000,
} satisfies Required<DemoSignalOptions>;

/**
 * A signal around the current price, in the §3 shape: targets at `targetsPct` on the winning side,
 * the stop at `stopPct` on the losing side, on the market's tick grid.
 */
export function buildDemoSignal(q: {
  symbol: string;
  direction: Direction;
  price: string;
  tick: string;
  targetsPct: readonly string[];
  stopPct: string;
  leverage: number;
}): DemoSignalBody {
  const sign = q.direction === 'LONG' ? 1 : -1;
  const at = (pct: string) =>
    decStr(roundToStep(dec(q.price).mul(dec(1).plus(dec(pct).mul(sign).div(100))), q.tick));
  return {
    symbol: q.symbol,
    direction: q.direction,
    entry: decStr(roundToStep(q.price, q.tick)),
    targets: q.targetsPct.map(at),
    stop_loss: at(dec(q.stopPct).neg().toFixed()),
    leverage: q.leverage,
    trade_type: 'FUTURES',
    source: DEMO_SOURCE,
  };
}

/**
 * The demo's signal channel: every `everyMs` the "demo" source posts a signal built from the current
 * simulated price (markets in turn, LONG or SHORT by a coin seeded with the period), stored, broadcast
 * and executed for followers like any other. No follow-ups: the paper exchange fills the take-profits
 * and the stop by price. Registered only by `verzek demo`.
 *
 * It checks every few seconds and posts when its last signal is `everyMs` old (or there is none), so
 * the first signal comes about `firstAfterMs` after start and a restart doesn't double up; each
 * period's signal has its own source message id, so a re-run of a period is a duplicate. A disabled
 * "demo" source stops it.
 */
export function demoSignalJob(ctx: AppContext, options: DemoSignalOptions = {}): ScheduledJob {
  const o = { ...DEFAULTS, ...options };
  if (o.symbols.length === 0) throw new Error('demo signals need at least one symbol');
  const createdAt = ctx.clock.now();
  const markets = new Markets(ctx.feed, { firstTickTimeoutMs: o.firstTickTimeoutMs, infoTtlMs: 3_600_000 });
  const logger = ctx.logger.child({ component: 'demo' });
  let posted = 0;

  return {
    name: 'demo-signals',
    schedule: { everyMs: Math.max(1000, Math.min(5000, Math.floor(o.everyMs / 4))) },
    async run({ period }) {
      const now = ctx.clock.now();
      if (now - createdAt < o.firstAfterMs) return;
      const source = await sourceByName(ctx.db, DEMO_SOURCE, 'webhook', now);
      if (source.enabled !== 1) return;
      const last = await ctx.db
        .selectFrom('signals')
        .select('created_at')
        .where('source_id', '=', source.id)
        // Its own signals only: one posted by hand as "demo" doesn't shift the rhythm.
        .where('source_message_id', 'like', 'demo:%')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (last && now - last.created_at < o.everyMs) return;

      const symbol = o.symbols[posted % o.symbols.length]!;
      const price = await markets.price(symbol);
      if (price === null) {
        logger.warn({ symbol }, 'demo signal skipped: no price yet');
        return;
      }
      const direction: Direction = mulberry32(seedFor(posted, period))() < 0.5 ? 'LONG' : 'SHORT';
      const tick = PAPER_MARKETS[symbol]?.tickSize ?? fallbackMarketSpec(price).tickSize;
      const body = buildDemoSignal({ symbol, direction, price, tick, ...o });
      const parsed = parseSignalJson(body);
      if (parsed.kind !== 'signal' || !parsed.signal) {
        logger.error({ body, reason: parsed.reason }, 'demo signal is invalid');
        return;
      }
      const result = await ingestSignal(
        { db: ctx.db, now: ctx.clock.now(), bus: ctx.bus, onQueued: () => ctx.workQueued() },
        {
          source,
          signal: parsed.signal,
          tradeType: 'FUTURES',
          confidence: 0.8,
          duration: 'SHORT',
          sourceMessageId: `demo:${period}`,
          raw: JSON.stringify(body),
          createdBy: null,
        },
      );
      if (result.status !== 'created') return;
      posted += 1;
      logger.info(
        {
          signal_id: result.signal.id,
          symbol,
          direction,
          entry: body.entry,
          targets: body.targets,
          stop_loss: body.stop_loss,
          followers: result.queued,
        },
        `demo signal: ${symbol} ${direction} at ${body.entry}`,
      );
    },
  };
}
