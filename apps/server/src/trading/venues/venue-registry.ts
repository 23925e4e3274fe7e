import type { ExchangeAccountRow } from '@verzek/db';
import type { ExchangeAccount, OrderUpdate } from '@verzek/exchange';

/**
 * Gives the engine the adapter for an exchange account and the stream of updates of resting orders
 * from every venue. Paper is always available; live venues are added by the exchange integration.
 */
export interface VenueRegistry {
  account(row: ExchangeAccountRow, options: { startingCapitalUsdt: string }): ExchangeAccount;
  onOrderUpdate(listener: (update: OrderUpdate) => void): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
}
