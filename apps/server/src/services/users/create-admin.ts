import {
  findUserByEmail,
  findUserByUsername,
  insertUser,
  updateUser,
  type Db,
  type UserRow,
} from '@verzek/db';
import { hashPassword } from '../auth/passwords';
import { audit } from '../audit';

/**
 * Creates an administrator (verified email) or promotes an existing account to admin after
 * resetting its password. The command line is the only way to make the first admin.
 */
export async function createAdmin(
  db: Db,
  input: { email: string; password: string; username?: string },
  now: number,
): Promise<{ user: UserRow; created: boolean }> {
  const email = input.email.toLowerCase();
  const password_hash = await hashPassword(input.password);
  const existing = await findUserByEmail(db, email);
  if (existing) {
    const user = await updateUser(db, existing.id, {
      role: 'ADMIN',
      password_hash,
      email_verified_at: existing.email_verified_at ?? now,
      tokens_valid_after: now,
      updated_at: now,
    });
    await audit(db, {
      action: 'admin_created',
      at: now,
      userId: existing.id,
      detail: { promoted: true, via: 'cli' },
    });
    return { user: user ?? existing, created: false };
  }
  const user = await insertUser(db, {
    username: input.username ?? (await freeUsername(db, email)),
    email,
    password_hash,
    role: 'ADMIN',
    plan: 'PREMIUM',
    plan_expires_at: null,
    email_verified_at: now,
    totp_secret: null,
    totp_pending_secret: null,
    totp_last_step: null,
    referral_code: null,
    disabled_at: null,
    created_at: now,
    updated_at: now,
  });
  await audit(db, {
    action: 'admin_created',
    at: now,
    userId: user.id,
    detail: { promoted: false, via: 'cli' },
  });
  return { user, created: true };
}

/** The email's local part as a username, made unique with a number if needed. */
async function freeUsername(db: Db, email: string): Promise<string> {
  const local = (email.split('@')[0] ?? '').replace(/[^A-Za-z0-9_.-]/g, '').slice(0, 24);
  const base = local.length >= 3 ? local : 'admin';
  for (let i = 0; i < 1000; i++) {
    const candidate = i === 0 ? base : `${base}${i + 1}`;
    if (!(await findUserByUsername(db, candidate))) return candidate;
  }
  throw new Error('could not find a free username; pass --username');
}
