import { randomToken } from '@verzek/platform';
import { findUserById, insertUser, type Plan } from '@verzek/db';
import type { AppContext } from '../context';
import { hashPassword } from '../services/auth/passwords';
import { saveSection } from '../services/users/settings';
import { createAdmin } from '../services/users/create-admin';
import { ensurePaperAccounts } from '../trading/accounts';
import { rotateSourceCredentials, sourceByName } from '../trading/signals/sources';
import { DEMO_SOURCE } from './signal-job';

export interface DemoAccount {
  role: string;
  email: string;
  password: string;
  plan: Plan;
}

export interface DemoSeed {
  accounts: DemoAccount[];
  /** The "demo" signal source and its webhook secret, for posting your own signals. */
  source: { name: string; secret: string };
}

const DAY = 86_400_000;

/**
 * Settings of the demo PREMIUM trader: 50 USDT × 10 per trade (BTCUSDT and ETHUSDT lots fit, each
 * take-profit share above the paper minimum notional) on 10 000 USDT of paper capital, room for many
 * trades a day, and no cool-down after a loss, so every demo signal is traded.
 */
export const DEMO_TRADER = {
  strategy: {
    auto_trade_enabled: true,
    capital_usdt: '10000',
    per_trade_usdt: '50',
    leverage: 10,
    trade_types: ['FUTURES' as const],
    follow_all_sources: true,
  },
  risk: {
    max_concurrent_trades: 20,
    per_symbol_limit: 10,
    max_daily_trades: 1000,
    cooldown_minutes_after_loss: 0,
  },
};

/**
 * An admin and one user per plan, each with a fresh random password (nothing is hard-coded); the
 * PREMIUM trader verified, auto-trading on paper; and the "demo" signal source with a fresh secret.
 */
export async function seedDemo(ctx: AppContext): Promise<DemoSeed> {
  const now = ctx.clock.now();
  const accounts: DemoAccount[] = [];
  const adminPassword = randomToken(9);
  await createAdmin(ctx.db, { email: 'admin@verzek.demo', username: 'admin', password: adminPassword }, now);
  accounts.push({ role: 'ADMIN', email: 'admin@verzek.demo', password: adminPassword, plan: 'PREMIUM' });

  const users: { username: string; plan: Plan; trader: boolean }[] = [
    { username: 'trader', plan: 'PREMIUM', trader: true },
    { username: 'vip', plan: 'VIP', trader: false },
    { username: 'trial', plan: 'TRIAL', trader: false },
  ];
  for (const u of users) {
    const password = randomToken(9);
    const email = `${u.username}@verzek.demo`;
    const row = await insertUser(ctx.db, {
      username: u.username,
      email,
      password_hash: await hashPassword(password),
      role: 'USER',
      plan: u.plan,
      plan_expires_at: u.plan === 'TRIAL' ? null : now + 30 * DAY,
      email_verified_at: now,
      totp_secret: null,
      totp_pending_secret: null,
      totp_last_step: null,
      referral_code: null,
      disabled_at: null,
      created_at: now,
      updated_at: now,
    });
    if (u.trader) {
      await saveSection(ctx.db, row, 'strategy', DEMO_TRADER.strategy, now);
      const fresh = (await findUserById(ctx.db, row.id)) ?? row;
      await saveSection(ctx.db, fresh, 'risk', DEMO_TRADER.risk, now);
      await ensurePaperAccounts(ctx.db, [row.id], now);
    }
    accounts.push({ role: 'USER', email, password, plan: u.plan });
  }

  const source = await sourceByName(ctx.db, DEMO_SOURCE, 'webhook', now);
  const { secret } = await rotateSourceCredentials(ctx.db, ctx.secretBox, source, now);
  return { accounts, source: { name: source.name, secret } };
}
