import type { ExchangeAccount } from '../port';

/** The live exchanges this package has (or will have) adapters for. */
export type LiveProvider = 'binance_futures' | 'bybit' | 'phemex' | 'kraken_futures';

/** testnet = the venue's demo/test environment (Binance: demo trading); mainnet = real money. */
export type LiveMode = 'testnet' | 'mainnet';

/** Decrypted API credentials; held only by the adapter (and its ccxt instance) that signs with them. */
export interface ApiCredentials {
  apiKey: string;
  secret: string;
  passphrase?: string;
}

/**
 * What an API key may do, as the exchange reports it. `reported: false` when the exchange (or its
 * demo environment) has no such endpoint: the other fields are then null.
 */
export interface KeyPermissions {
  reported: boolean;
  canRead: boolean | null;
  canTrade: boolean | null;
  canWithdraw: boolean | null;
  /** Restricted to a list of IPs (the exchange's IP whitelist). */
  ipRestricted: boolean | null;
  note: string | null;
}

/** A live exchange account: the port plus what connecting and supervising it need. */
export interface LiveAccount extends ExchangeAccount {
  readonly provider: LiveProvider;
  readonly mode: LiveMode;
  /** The key's permissions (where the exchange reports them). */
  checkPermissions(): Promise<KeyPermissions>;
  /** One-way (false) or hedge (true) position mode; best effort, a no-op when already set. */
  setPositionMode(hedge: boolean): Promise<void>;
  /** Releases connections. */
  close(): Promise<void>;
}

/** How the process reaches one exchange: the mode, optional URL override (tests) and proxy. */
export interface VenueEnvironment {
  provider: LiveProvider;
  mode: LiveMode;
  /** Replaces the exchange's REST host (scheme + host + port; paths are kept). Tests and fakes only. */
  restUrl?: string;
  /** `http://[user:pass@]host:port` of an HTTPS forward proxy (CONNECT), for a static egress IP. */
  httpsProxy?: string;
  /** Timeout of one HTTP request, ms. */
  timeoutMs: number;
}
