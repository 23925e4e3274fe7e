import { findOrderRef, enqueuePositionEvent, TransactionBatcher } from '@verzek/db';
import type { OrderUpdate, PriceFeed } from '@verzek/exchange';
import { dec } from '@verzek/core';
import type { AppContext } from '../context';
import { snapshotEvents } from './engine/snapshot-events';
import { PositionEngine } from './engine/position-engine';
import { IntentWorker } from './intents/intent-worker';
import { Markets } from './markets';
import { releaseDeadLocalLeases } from './dead-leases';
import { createVenueRegistry } from './venues/default-venues';
import type { VenueRegistry } from './venues/venue-registry';
import { loadSection } from '../services/users/settings';
import { timedVenues } from '../metrics/timed-venues';

/** The execution side of a worker process: venues, the intent worker and the position engine. */
export interface TradingRuntime {
  venues: VenueRegistry;
  markets: Markets;
  engine: PositionEngine;
  intents: IntentWorker;
  /** Wake the workers (new intents or events were queued in this process). */
  kick(): void;
  stop(): Promise<void>;
}

export async function startTradingRuntime(ctx: AppContext, feed: PriceFeed): Promise<TradingRuntime> {
  const logger = ctx.logger.child({ component: 'trading' });
  // Every venue call of the intent worker and the engine is timed (verzek_venue_call_duration_seconds).
  const venues = timedVenues(createVenueRegistry(ctx, feed), ctx.metrics);
  const markets = new Markets(feed, { firstTickTimeoutMs: 3000, infoTtlMs: 3_600_000 });
  // The engine's state writes rarely fail: one transaction per burst, retried one by one if it does.
  const committer = new TransactionBatcher(ctx.db, { isolation: 'retry' });
  const engine = new PositionEngine(
    {
      db: ctx.db,
      dialect: ctx.dbHandle.dialect,
      clock: ctx.clock,
      logger,
      venues,
      bus: ctx.bus,
      committer,
      paperCapital: async (userId) => {
        const user = await ctx.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
        return user ? (await loadSection(ctx.db, user, 'strategy')).capital_usdt : '100';
      },
    },
    { concurrency: ctx.config.trading.engineConcurrency },
  );
  const intents = new IntentWorker(
    {
      db: ctx.db,
      dialect: ctx.dbHandle.dialect,
      clock: ctx.clock,
      logger,
      bus: ctx.bus,
      metrics: ctx.metrics,
      engine,
      venues,
      markets,
    },
    { batchSize: ctx.config.trading.intentBatchSize },
  );

  // Resting orders that fill or expire on a venue become events of their position.
  const offUpdates = venues.onOrderUpdate((update: OrderUpdate) => {
    void routeOrderUpdate(ctx, update)
      .then((queued) => queued && engine.kick())
      .catch((err: unknown) =>
        logger.error(
          { err, clientOrderId: update.snapshot.clientOrderId },
          'order update lost; reconciliation will pick it up',
        ),
      );
  });

  await releaseDeadLocalLeases(ctx.db, ctx.clock.now(), logger);
  await venues.start();
  engine.start();
  intents.start();
  ctx.trading = {
    kick: () => (intents.kick(), engine.kick()),
    engineOwner: engine.owner,
    leaseUntil: (now) => engine.leaseUntil(now),
    freeSlots: () => engine.freeSlots,
    adopt: (id, commands) => engine.adopt(id, commands),
  };
  logger.info({ engine: engine.owner }, 'trading runtime started');
  return {
    venues,
    markets,
    engine,
    intents,
    kick: () => {
      intents.kick();
      engine.kick();
    },
    async stop() {
      offUpdates();
      await intents.stop();
      await engine.stop();
      await venues.stop();
      await committer.drain();
      ctx.trading = null;
    },
  };
}

/** Queues a venue's order update for the position that owns the order (idempotent per fill state). */
async function routeOrderUpdate(ctx: AppContext, update: OrderUpdate): Promise<boolean> {
  const snap = update.snapshot;
  const ref = await findOrderRef(ctx.db, snap.clientOrderId);
  if (!ref) return false;
  const now = ctx.clock.now();
  let queued = false;
  // One inbox row per distinct fill state; the machine ignores fills it has seen (by fill id).
  for (const event of snapshotEvents(undefined, ref.leg, snap, now)) {
    if (event.type === 'order_accepted') continue;
    const key =
      event.type === 'order_fill'
        ? `fill:${snap.clientOrderId}:${event.fill_id ?? dec(event.qty).toFixed()}`
        : `${event.type}:${snap.clientOrderId}`;
    queued =
      (await enqueuePositionEvent(ctx.db, { positionId: ref.position_id, event, dedupKey: key, now })) ||
      queued;
  }
  return queued;
}
