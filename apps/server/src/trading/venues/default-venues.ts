import { TransactionBatcher, type ExchangeAccountRow } from '@verzek/db';
import {
  createPaperVenue,
  type ExchangeAccount,
  type OrderUpdate,
  type PaperVenue,
  type PriceFeed,
} from '@verzek/exchange';
import type { AppContext } from '../../context';
import { buildLiveAccount, isLiveRow, liveVenues } from '../../services/exchanges/live';
import { LiveAccountCache } from './live-accounts';
import { LiveOrderWatcher } from './live-watcher';
import type { VenueRegistry } from './venue-registry';

/** Share of the exchange's IP weight the order watcher may use (the rest is for trading). */
const WATCHER_WEIGHT_SHARE = 0.4;

/**
 * The venues of this build: the paper exchange for every account in paper mode, and live adapters
 * (ccxt; Binance USDⓈ-M futures today) for connected exchange accounts — built on first use, one
 * per account, and kept in step with the exchange by the live order watcher.
 */
export function createVenueRegistry(
  ctx: AppContext,
  feed: PriceFeed,
): VenueRegistry & { paper: PaperVenue; live: LiveAccountCache; watcher: LiveOrderWatcher } {
  const { paper: p } = ctx.config.trading;
  const paper = createPaperVenue({
    db: ctx.db,
    // SQLite: a burst of placements and fills shares few commits. PostgreSQL keeps one transaction
    // per write: a shared one would hold several accounts' row locks at once across processes.
    ...(ctx.dbHandle.dialect === 'sqlite'
      ? { transactions: new TransactionBatcher(ctx.db, { isolation: 'savepoint' }).runner }
      : {}),
    feed,
    clock: ctx.clock,
    logger: ctx.logger.child({ component: 'paper' }),
    slippageBps: p.slippageBps,
    makerFee: p.makerFee,
    takerFee: p.takerFee,
    minNotionalUsdt: p.minNotionalUsdt,
  });
  const live = new LiveAccountCache(
    (row) => buildLiveAccount(ctx, row),
    ctx.logger.child({ component: 'exchanges' }),
  );
  const x = ctx.config.exchanges;
  const watcher = new LiveOrderWatcher(
    {
      db: ctx.db,
      clock: ctx.clock,
      logger: ctx.logger.child({ component: 'live-watcher' }),
      feed,
      accounts: live,
      kick: () => ctx.trading?.kick(),
    },
    {
      pollMs: x.pollMs,
      weightPerMinute: x.binanceLimits.weightPerMinute * WATCHER_WEIGHT_SHARE,
      unitWeight: 2,
      concurrency: 8,
    },
  );
  return {
    paper,
    live,
    watcher,
    account(row: ExchangeAccountRow, options: { startingCapitalUsdt: string }): ExchangeAccount {
      if (!isLiveRow(row)) return paper.account(row.id, options);
      return live.account(row);
    },
    // Live venues have no push channel yet: the watcher queues their changes as position events.
    onOrderUpdate: (listener: (u: OrderUpdate) => void) => paper.onOrderUpdate(listener),
    async start() {
      await paper.start();
      // Live accounts exist: load ccxt and the markets now rather than on the first signal.
      const environments = await ctx.db
        .selectFrom('exchange_accounts')
        .select(['provider', 'mode'])
        .distinct()
        .where('provider', '!=', 'paper')
        .where('mode', '!=', 'paper')
        .where('api_key', 'is not', null)
        .execute();
      if (environments.length > 0) {
        const warm = liveVenues(ctx).warmUp(environments);
        await Promise.race([warm, new Promise((r) => setTimeout(r, 15_000).unref())]);
      }
      watcher.start();
    },
    async stop() {
      await watcher.stop();
      await live.close();
      await paper.stop();
    },
  };
}
