import type { Db, SignalRow } from '@verzek/db';
import { loadTradingSettings } from '../../services/users/settings';
import { followerProblem } from '../intents/eligibility';

/**
 * The users a new signal is executed for: PREMIUM (not expired) with auto-trading on, a verified
 * email, an enabled account, and a strategy that takes this signal (trade type, source, symbols).
 */
export async function eligibleFollowers(db: Db, signal: SignalRow, now: number): Promise<number[]> {
  const candidates = await db
    .selectFrom('users')
    .selectAll()
    .where('plan', '=', 'PREMIUM')
    .where((eb) => eb.or([eb('plan_expires_at', 'is', null), eb('plan_expires_at', '>', now)]))
    .where('auto_trade_enabled', '=', 1)
    .where('email_verified_at', 'is not', null)
    .where('disabled_at', 'is', null)
    .execute();
  const settings = await loadTradingSettings(db, candidates);
  return candidates
    .filter((u) => followerProblem(signal, u, settings.get(u.id)!, now) === null)
    .map((u) => u.id);
}
