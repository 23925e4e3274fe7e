import type { ExchangeAccountRow } from '@verzek/db';
import { LiveVenues, type LiveAccount } from '@verzek/exchange';
import type { AppContext } from '../../context';
import { openCredentials } from './credentials';

const perContext = new WeakMap<AppContext, LiveVenues>();

/**
 * The process's live venues (one per context): one rate-limit gate per exchange environment for the
 * API (connect, validate) and the workers alike — they share the outbound IP.
 */
export function liveVenues(ctx: AppContext): LiveVenues {
  let v = perContext.get(ctx);
  if (!v) {
    const x = ctx.config.exchanges;
    v = new LiveVenues({
      timeoutMs: x.timeoutMs,
      ...(x.httpsProxy ? { httpsProxy: x.httpsProxy } : {}),
      restUrls: {
        ...(x.binanceFuturesUrl ? { binance_futures: x.binanceFuturesUrl } : {}),
        ...(x.bybitUrl ? { bybit: x.bybitUrl } : {}),
        ...(x.phemexUrl ? { phemex: x.phemexUrl } : {}),
        ...(x.krakenFuturesUrl ? { kraken_futures: x.krakenFuturesUrl } : {}),
      },
      limits: {
        binance_futures: {
          weightPerMinute: x.binanceLimits.weightPerMinute,
          ordersPer10s: x.binanceLimits.ordersPer10s,
          ordersPerMinute: x.binanceLimits.ordersPerMinute,
        },
      },
      logger: ctx.logger.child({ component: 'exchanges' }),
    });
    perContext.set(ctx, v);
  }
  return v;
}

/** True for rows traded through a live adapter (not paper). */
export function isLiveRow(row: Pick<ExchangeAccountRow, 'provider' | 'mode'>): boolean {
  return row.provider !== 'paper' && row.mode !== 'paper';
}

/** Builds the adapter of a stored live account (its keys are opened here, and only here). */
export function buildLiveAccount(ctx: AppContext, row: ExchangeAccountRow): LiveAccount {
  const venues = liveVenues(ctx);
  if (!venues.supports(row.provider))
    throw new Error(`${row.provider} trading is not available in this build yet`);
  if (row.mode === 'paper') throw new Error('a paper account has no live adapter');
  return venues.account({
    provider: row.provider,
    mode: row.mode,
    accountKey: String(row.id),
    credentials: openCredentials(ctx.secretBox, row),
    hedgeMode: row.hedge_mode === 1,
  });
}
