import type { Generated, Selectable } from 'kysely';

export type ExchangeProvider = 'paper' | 'binance_futures' | 'bybit' | 'phemex' | 'kraken_futures';
export type ExchangeMode = 'paper' | 'testnet' | 'mainnet';

/** A user's connection to a venue. Secrets are sealed with the user and provider as associated data. */
export interface ExchangeAccountsTable {
  id: Generated<number>;
  user_id: number;
  provider: ExchangeProvider;
  mode: ExchangeMode;
  api_key: string | null;
  api_secret: string | null;
  passphrase: string | null;
  leverage_default: number;
  margin_mode: 'ISOLATED' | 'CROSSED';
  hedge_mode: number;
  /** The account signals execute on (one per user). */
  active: number;
  /** JSON: last permission check (can_trade, can_withdraw, ip_restricted, checked_at) and warnings. */
  permissions: string;
  created_at: number;
  updated_at: number;
}

export type ExchangeAccountRow = Selectable<ExchangeAccountsTable>;
