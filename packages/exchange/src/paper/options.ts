import { decStr, tryDec, type Dec, type FeeRates } from '@verzek/core';
import type { Db, TransactionRunner } from '@verzek/db';
import type { Clock, Logger } from '@verzek/platform';
import type { PriceFeed } from '../market-data';
import type { PaperMarketSpec } from './markets';

/** The subset of the platform logger the paper venue uses (a pino logger fits). */
export type PaperLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

/**
 * Options of {@link createPaperVenue}. The tunables map to the environment variables proposed in
 * docs/paper-trading.md (`PAPER_SLIPPAGE_BPS`, `PAPER_MAKER_FEE`, `PAPER_TAKER_FEE`,
 * `PAPER_MIN_NOTIONAL_USDT`, `PAPER_DEFAULT_LEVERAGE`, `PAPER_PRICE_WAIT_MS`, `PAPER_SYNC_INTERVAL_MS`); config wiring is the
 * caller's.
 */
export interface PaperVenueOptions {
  /** The database holding the paper books (migration 0006-paper). */
  db: Db;
  /**
   * How the venue's writes get their transactions: one each by default; a shared
   * `TransactionBatcher` (savepoint isolation, SQLite) groups a burst of placements and fills into
   * few commits. A call is answered only after its transaction committed, either way.
   */
  transactions?: TransactionRunner;
  /** Mark prices; the venue subscribes the symbols it needs (and holds them until `stop()`). */
  feed: PriceFeed;
  clock: Clock;
  logger?: PaperLogger;
  /** Slippage of taker executions (market orders, triggered stops), basis points ≥ 0. Default 2. */
  slippageBps?: string | number;
  /** Maker fee rate (resting limit fills). Default "0.0002". */
  makerFee?: string;
  /** Taker fee rate (market orders, marketable limits, stops). Default "0.0005". */
  takerFee?: string;
  /** Minimum order value in USDT for non-reduce-only orders, every market. Default "5". */
  minNotionalUsdt?: string;
  /** Leverage of a symbol before `setLeverage` (Binance's default is 20). Default 20. */
  defaultLeverage?: number;
  /** How long a market order (or any placement) waits for a symbol's first price. Default 3000 ms. */
  priceWaitMs?: number;
  /**
   * Every this many ms, pick up open orders placed by other processes (see `PaperVenue.sync`). 0 (the
   * default) turns it off: enough when one process runs the venue.
   */
  syncIntervalMs?: number;
  /** Extra or replacement markets, merged over the bundled table. */
  markets?: Readonly<Record<string, PaperMarketSpec>>;
}

export interface ResolvedPaperOptions {
  slippageBps: Dec;
  fees: FeeRates;
  minNotional: string;
  defaultLeverage: number;
  priceWaitMs: number;
  syncIntervalMs: number;
}

function nonNegative(value: string | number, name: string, max?: number): Dec {
  const d = tryDec(value);
  if (d === null || d.lt(0) || (max !== undefined && d.gte(max))) {
    throw new RangeError(
      `${name} must be a decimal ≥ 0${max !== undefined ? ` and < ${max}` : ''}, got ${String(value)}`,
    );
  }
  return d;
}

export function resolvePaperOptions(o: PaperVenueOptions): ResolvedPaperOptions {
  const defaultLeverage = o.defaultLeverage ?? 20;
  if (!Number.isInteger(defaultLeverage) || defaultLeverage < 1) {
    throw new RangeError(`defaultLeverage must be an integer ≥ 1, got ${defaultLeverage}`);
  }
  const priceWaitMs = o.priceWaitMs ?? 3000;
  if (!Number.isFinite(priceWaitMs) || priceWaitMs < 0) throw new RangeError(`priceWaitMs must be ≥ 0`);
  const syncIntervalMs = o.syncIntervalMs ?? 0;
  if (!Number.isFinite(syncIntervalMs) || syncIntervalMs < 0)
    throw new RangeError(`syncIntervalMs must be ≥ 0`);
  return {
    slippageBps: nonNegative(o.slippageBps ?? 2, 'slippageBps', 10_000),
    fees: {
      maker_rate: decStr(nonNegative(o.makerFee ?? '0.0002', 'makerFee', 1)),
      taker_rate: decStr(nonNegative(o.takerFee ?? '0.0005', 'takerFee', 1)),
    },
    minNotional: decStr(nonNegative(o.minNotionalUsdt ?? '5', 'minNotionalUsdt')),
    defaultLeverage,
    priceWaitMs,
    syncIntervalMs,
  };
}
