import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export type Role = 'USER' | 'ADMIN';
export type Plan = 'TRIAL' | 'VIP' | 'PREMIUM';

/** Times are epoch milliseconds; booleans are 0/1 so both dialects store them alike. */
export interface UsersTable {
  id: Generated<number>;
  username: string;
  email: string;
  password_hash: string;
  role: Role;
  plan: Plan;
  plan_expires_at: number | null;
  auto_trade_enabled: Generated<number>;
  email_verified_at: number | null;
  /** Sealed (SecretBox) TOTP seed once 2FA is confirmed. */
  totp_secret: string | null;
  /** Sealed seed between "enable" and "confirm". */
  totp_pending_secret: string | null;
  /** Last accepted TOTP time step, so a code can't be replayed. */
  totp_last_step: number | null;
  referral_code: string | null;
  disabled_at: number | null;
  /** Access tokens issued at or before this instant (ms) are refused: logout-all, token reuse, disable. */
  tokens_valid_after: Generated<number>;
  created_at: number;
  updated_at: number;
}

export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
