import type { TradeInput } from '@verzek/contract';
import { findActiveExchangeAccount, type Db, type UserRow } from '@verzek/db';
import { conflict } from '../../errors';
import { loadTradingSettings } from '../../services/users/settings';
import { ensurePaperAccounts } from '../accounts';
import type { ManualMarkets } from './market';
import type { ManualTrader } from './request';

/**
 * Everything a manual trade of this user needs: trading settings, the active exchange account (paper
 * is created on first use, as for signals), the market rules and the current price. Live venues are
 * refused (409) as the engine would refuse them.
 */
export async function loadTrader(
  deps: { db: Db; markets: ManualMarkets; now: number },
  user: UserRow,
  trade: Pick<TradeInput, 'symbol' | 'entries'>,
): Promise<ManualTrader> {
  const { db, markets } = deps;
  const [settingsMap, price] = await Promise.all([
    loadTradingSettings(db, [user]),
    markets.price(trade.symbol),
  ]);
  let account = await findActiveExchangeAccount(db, user.id);
  if (!account) {
    await ensurePaperAccounts(db, [user.id], deps.now);
    account = await findActiveExchangeAccount(db, user.id);
  }
  if (!account) throw conflict('no_exchange_account', 'No active exchange account');
  if (account.provider !== 'paper' && account.mode !== 'paper') {
    throw conflict(
      'provider_unavailable',
      `${account.provider} (${account.mode}) trading is not available in this build yet; connect paper`,
    );
  }
  const market = markets.info(trade.symbol, price ?? trade.entries[0] ?? null);
  if (!market) throw conflict('no_price', `No market price for ${trade.symbol} yet`);
  return { user, settings: settingsMap.get(user.id)!, account, market, marketPrice: price };
}
