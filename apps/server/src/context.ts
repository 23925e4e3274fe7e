import { migrateToLatest, openDatabase, type Db, type DbHandle } from '@verzek/db';
import {
  createLogger,
  loadSecrets,
  SecretBox,
  systemClock,
  type Clock,
  type Config,
  type Logger,
  type Secrets,
} from '@verzek/platform';
import type { PositionCommand } from '@verzek/core';
import { createPriceFeed, type PriceFeed } from '@verzek/exchange';
import { EventBus } from './events/bus';
import { PgEventRelay } from './events/pg-relay';
import { createMailer, type Mailer } from './services/mailer';
import { createServerMetrics, type ServerMetrics } from './metrics/server-metrics';

export type Role = 'all' | 'api' | 'worker';

/** What request handlers may ask of this process's trading workers (see `startTradingRuntime`). */
export interface TradingHandle {
  kick(): void;
  /** Lease owner of this process's position engine: a position inserted leased to it must be adopted. */
  engineOwner: string;
  /** The lease such a position is inserted with. */
  leaseUntil(now: number): number;
  /** How many positions the engine can start right now (hand it no more; leave the rest queued). */
  freeSlots(): number;
  /** Hands a position just created here (leased to `engineOwner`) to the engine with its opening commands. */
  adopt(positionId: number, commands: PositionCommand[]): void;
}

/** Everything a request handler or a worker needs, wired once and disposed once. */
export interface AppContext {
  config: Config;
  role: Role;
  logger: Logger;
  clock: Clock;
  db: Db;
  dbHandle: DbHandle;
  secrets: Secrets;
  secretBox: SecretBox;
  mailer: Mailer;
  /** Live events for SSE clients of this process. */
  bus: EventBus;
  /** Market prices (started by the server; the worker's paper venue and the API's previews read it). */
  feed: PriceFeed;
  /** This process's Prometheus metrics (`GET /metrics`), on a registry of its own. */
  metrics: ServerMetrics;
  /** Set while this process runs the trading workers: wakes them after queuing work. */
  trading: TradingHandle | null;
  /**
   * Call after queuing work (intents, follow-ups, manual trades): wakes this process's workers and,
   * on PostgreSQL, every other process's.
   */
  workQueued(): void;
  startedAt: number;
  close(): Promise<void>;
}

export interface ContextOptions {
  role?: Role;
  logger?: Logger;
  clock?: Clock;
  mailer?: Mailer;
  feed?: PriceFeed;
  migrate?: boolean;
}

export async function createContext(config: Config, options: ContextOptions = {}): Promise<AppContext> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const clock = options.clock ?? systemClock;
  const secrets = loadSecrets(config);
  const dbHandle = openDatabase(config.database);
  try {
    if (options.migrate !== false) {
      const { applied } = await migrateToLatest(dbHandle);
      if (applied.length > 0) logger.info({ applied }, 'database migrated');
    }
  } catch (err) {
    await dbHandle.close();
    throw err;
  }
  const mailer =
    options.mailer ?? createMailer({ smtpUrl: config.mail.smtpUrl, from: config.mail.from, logger });
  const feed = options.feed ?? createFeed(config, clock, logger);
  const bus = new EventBus();
  let relay: PgEventRelay | null = null;
  logger.info(
    { database: dbHandle.describe, secrets: secrets.sources, smtp: mailer.configured, feed: feed.kind },
    'context ready',
  );
  const ctx: AppContext = {
    config,
    role: options.role ?? 'all',
    logger,
    clock,
    db: dbHandle.db,
    dbHandle,
    secrets,
    secretBox: new SecretBox(secrets.masterKey),
    mailer,
    bus,
    feed,
    metrics: createServerMetrics({ db: dbHandle.db, feed, clock, logger }),
    trading: null,
    workQueued() {
      this.trading?.kick();
      relay?.nudge();
    },
    startedAt: clock.now(),
    async close() {
      await relay?.stop();
      mailer.close();
      await feed.stop();
      await dbHandle.close();
    },
  };
  if (config.database.dialect === 'postgres') {
    relay = new PgEventRelay({
      url: config.database.url,
      bus,
      logger: logger.child({ component: 'event-relay' }),
      onWork: () => ctx.trading?.kick(),
    });
    await relay.start();
  }
  return ctx;
}

function createFeed(config: Config, clock: Clock, logger: Logger): PriceFeed {
  const t = config.trading;
  const log = logger.child({ component: 'market-data' });
  switch (t.marketFeed) {
    case 'binance':
      return createPriceFeed('binance', {
        clock,
        baseUrl: t.binance.wsUrl,
        routing: t.binance.routing,
        logger: log,
      });
    case 'sim':
      return createPriceFeed('sim', {
        clock,
        seed: t.sim.seed,
        intervalMs: t.sim.tickMs,
        volatilityPct: t.sim.volatilityPct,
        logger: log,
      });
    case 'manual':
      return createPriceFeed('manual', { clock, logger: log });
  }
}
