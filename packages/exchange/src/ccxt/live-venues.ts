import type { Logger } from '@verzek/platform';
import { ExchangeError } from '../port';
import { BinanceFuturesAccount, BinanceFuturesEnvironment } from './binance-futures';
import { BybitAccount, BybitEnvironment } from './bybit';
import { createKrakenFuturesEnvironment, KrakenFuturesAccount } from './kraken-futures';
import { createPhemexEnvironment, PhemexAccount } from './phemex';
import type { GateLimits, GateStats } from './request-gate';
import type { ApiCredentials, LiveAccount, LiveMode, LiveProvider, VenueEnvironment } from './types';

export interface LiveVenuesConfig {
  /** HTTPS forward proxy for all exchange traffic (static egress IP for whitelists). */
  httpsProxy?: string;
  /** Timeout of one HTTP request to an exchange, ms. */
  timeoutMs: number;
  /**
   * Validity window of a signed request (Binance `recvWindow`, default 10 s). A lookup that finds no
   * order is believed only after this window (+1 s) since the order was last sent.
   */
  recvWindowMs?: number;
  /** Host overrides per provider (tests and fakes only). */
  restUrls?: Partial<Record<LiveProvider, string>>;
  /** Rate-limit budgets per provider (defaults: the exchange's published limits). */
  limits?: Partial<Record<LiveProvider, Partial<GateLimits>>>;
  logger?: Logger;
}

export interface LiveAccountRequest {
  provider: LiveProvider;
  mode: LiveMode;
  /** Our exchange account id: its fair share of the budgets. */
  accountKey: string;
  credentials: ApiCredentials;
  hedgeMode: boolean;
}

/** Live providers with an adapter in this build (the others are refused with a reason). */
export const SUPPORTED_LIVE_PROVIDERS: readonly LiveProvider[] = [
  'binance_futures',
  'bybit',
  'phemex',
  'kraken_futures',
];

interface Environment {
  warmUp(): Promise<void>;
  stats(): GateStats;
  close(): void;
  account(request: LiveAccountRequest): LiveAccount;
}

/**
 * Builds live adapters for every provider, sharing per environment (provider + mode) what must be
 * shared in one process: the rate-limit gate of the outbound IP, the market cache, the clock offset.
 * Adding an exchange = an environment class like {@link BinanceFuturesEnvironment} and a case here.
 */
export class LiveVenues {
  private readonly environments = new Map<string, Environment>();

  constructor(readonly config: LiveVenuesConfig) {}

  supports(provider: string): provider is LiveProvider {
    return (SUPPORTED_LIVE_PROVIDERS as readonly string[]).includes(provider);
  }

  account(request: LiveAccountRequest): LiveAccount {
    return this.environment(request.provider, request.mode).account(request);
  }

  /**
   * Loads ccxt (about a second of CPU), builds the environments' clients and reads their market lists,
   * so the first signal after a start does not wait for them. Failures are left for the first real use.
   */
  async warmUp(environments: readonly { provider: string; mode: string }[]): Promise<void> {
    await Promise.all(
      environments.map(async ({ provider, mode }) => {
        if (!this.supports(provider) || (mode !== 'testnet' && mode !== 'mainnet')) return;
        try {
          await this.environment(provider, mode).warmUp();
        } catch (err) {
          this.config.logger?.warn(
            { provider, mode, err: err instanceof Error ? err.message : String(err) },
            'exchange warm-up failed; the first trade will retry',
          );
        }
      }),
    );
  }

  /** Gate figures per environment (metrics, benchmarks). */
  stats(): Record<string, GateStats> {
    const out: Record<string, GateStats> = {};
    for (const [key, env] of this.environments) out[key] = env.stats();
    return out;
  }

  close(): void {
    for (const env of this.environments.values()) env.close();
    this.environments.clear();
  }

  private environment(provider: LiveProvider, mode: LiveMode): Environment {
    const key = `${provider}:${mode}`;
    let env = this.environments.get(key);
    if (env) return env;
    const venueEnv: VenueEnvironment = {
      provider,
      mode,
      timeoutMs: this.config.timeoutMs,
      ...(this.config.restUrls?.[provider] ? { restUrl: this.config.restUrls[provider] } : {}),
      ...(this.config.httpsProxy ? { httpsProxy: this.config.httpsProxy } : {}),
    };
    const logger = this.config.logger?.child({ venue: provider, mode });
    switch (provider) {
      case 'binance_futures': {
        const shared = new BinanceFuturesEnvironment(venueEnv, {
          limits: this.config.limits?.[provider],
          ...(this.config.recvWindowMs ? { recvWindowMs: this.config.recvWindowMs } : {}),
          logger,
        });
        env = {
          warmUp: () => shared.warmUp(),
          stats: () => shared.gate.stats(),
          close: () => shared.close(),
          account: (r) =>
            new BinanceFuturesAccount({
              environment: shared,
              accountKey: r.accountKey,
              credentials: r.credentials,
              hedgeMode: r.hedgeMode,
              logger: logger?.child({ account: r.accountKey }),
            }),
        };
        break;
      }
      case 'bybit': {
        const shared = new BybitEnvironment(venueEnv, { limits: this.config.limits?.[provider], logger });
        env = {
          warmUp: () => shared.warmUp(),
          stats: () => shared.gate.stats(),
          close: () => shared.close(),
          account: (r) =>
            new BybitAccount({
              environment: shared,
              accountKey: r.accountKey,
              credentials: r.credentials,
              hedgeMode: r.hedgeMode,
              logger: logger?.child({ account: r.accountKey }),
            }),
        };
        break;
      }
      case 'phemex':
      case 'kraken_futures': {
        const options = { limits: this.config.limits?.[provider], logger };
        const shared =
          provider === 'phemex'
            ? createPhemexEnvironment(venueEnv, options)
            : createKrakenFuturesEnvironment(venueEnv, options);
        const Account = provider === 'phemex' ? PhemexAccount : KrakenFuturesAccount;
        env = {
          warmUp: () => shared.warmUp(),
          stats: () => shared.gate.stats(),
          close: () => shared.close(),
          account: (r) =>
            new Account({
              environment: shared,
              accountKey: r.accountKey,
              credentials: r.credentials,
              hedgeMode: r.hedgeMode,
              logger: logger?.child({ account: r.accountKey }),
            }),
        };
        break;
      }
      default:
        throw new ExchangeError('rejected', `${provider} trading is not available in this build yet`);
    }
    this.environments.set(key, env);
    return env;
  }
}
