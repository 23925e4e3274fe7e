import type { SignalRow, UserRow } from '@verzek/db';
import { effectivePlan } from '../../services/users/plan';
import type { TradingSettings } from '../../services/users/settings';

/**
 * Why this user should not trade this signal, or null if they should: the plan (§2: PREMIUM with
 * auto-trading on, a verified email, an enabled account), the signal still open and not yet past its
 * first target, and the user's strategy filters (trade type, followed sources, symbol lists).
 */
export function followerProblem(
  signal: SignalRow,
  user: UserRow,
  settings: TradingSettings,
  now: number,
): { code: string; reason: string } | null {
  if (user.disabled_at !== null) return { code: 'not_eligible', reason: 'The account is disabled' };
  if (effectivePlan(user, now) !== 'PREMIUM')
    return { code: 'not_eligible', reason: 'Auto-trading needs the PREMIUM plan' };
  if (user.auto_trade_enabled !== 1) return { code: 'not_eligible', reason: 'Auto-trading is off' };
  if (user.email_verified_at === null)
    return { code: 'not_eligible', reason: 'The email address is not verified' };
  if (signal.status !== 'OPEN')
    return { code: 'signal_not_open', reason: `The signal is ${signal.status.toLowerCase()}` };
  if (signal.highest_tp > 0) {
    return {
      code: 'signal_not_open',
      reason: `The signal already reached target ${signal.highest_tp}; too late to enter`,
    };
  }
  const s = settings.strategy;
  if (!s.trade_types.includes(signal.trade_type)) {
    return { code: 'filtered', reason: `${signal.trade_type} signals are not in your trade types` };
  }
  if (!s.follow_all_sources && !s.sources.includes(signal.source_id)) {
    return { code: 'filtered', reason: 'You do not follow this signal source' };
  }
  if (s.symbol_whitelist.length > 0 && !s.symbol_whitelist.includes(signal.symbol)) {
    return { code: 'filtered', reason: `${signal.symbol} is not on your symbol whitelist` };
  }
  if (s.symbol_blacklist.includes(signal.symbol)) {
    return { code: 'filtered', reason: `${signal.symbol} is on your symbol blacklist` };
  }
  return null;
}
