import { iso, type User } from '@verzek/contract';
import type { UserRow } from '@verzek/db';
import { effectivePlan } from './plan';

/** The only shape in which a user leaves the server: no hash, no TOTP seed, no token. */
export function toUserView(row: UserRow, now: number): User {
  const plan = effectivePlan(row, now);
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    role: row.role,
    plan,
    plan_expires_at: plan === 'TRIAL' ? null : iso(row.plan_expires_at),
    email_verified: row.email_verified_at !== null,
    totp_enabled: row.totp_secret !== null,
    auto_trade_enabled: row.auto_trade_enabled === 1 && plan === 'PREMIUM',
    created_at: iso(row.created_at),
  };
}
