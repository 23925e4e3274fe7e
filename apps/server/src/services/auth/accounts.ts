import type { AuthResponse } from '@verzek/contract';
import {
  countAudit,
  findUserByEmail,
  findUserByUsername,
  insertUser,
  isUniqueViolation,
  updateUser,
} from '@verzek/db';
import type { AppContext } from '../../context';
import { ApiError, conflict, tooManyRequests, unauthorized } from '../../errors';
import { audit } from '../audit';
import { sendVerificationEmail } from './email-verification';
import { burnPasswordCheck, hashPassword, verifyPassword } from './passwords';
import { startSession } from './sessions';
import { checkTotpCode } from './two-factor';

export interface RegisterInput {
  username: string;
  email: string;
  password: string;
  ref?: string;
}

/** New users start on TRIAL, unverified; a verification mail goes out. */
export async function register(
  ctx: AppContext,
  input: RegisterInput,
  ip: string | null,
): Promise<AuthResponse> {
  const taken = conflict('account_exists', 'An account with this email or username already exists');
  if ((await findUserByEmail(ctx.db, input.email)) || (await findUserByUsername(ctx.db, input.username)))
    throw taken;
  const password_hash = await hashPassword(input.password);
  const now = ctx.clock.now();
  let user;
  try {
    user = await insertUser(ctx.db, {
      username: input.username,
      email: input.email.toLowerCase(),
      password_hash,
      role: 'USER',
      plan: 'TRIAL',
      plan_expires_at: null,
      email_verified_at: null,
      totp_secret: null,
      totp_pending_secret: null,
      totp_last_step: null,
      referral_code: input.ref ?? null,
      disabled_at: null,
      created_at: now,
      updated_at: now,
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw taken; // lost a race with an identical registration
    throw err;
  }
  await audit(ctx.db, {
    action: 'register',
    at: now,
    userId: user.id,
    ip,
    detail: { ref: input.ref ?? null },
  });
  await sendVerificationEmail(ctx, user, ip);
  return startSession(ctx, user);
}

export interface LoginInput {
  email: string;
  password: string;
  totp?: string;
}

/**
 * Password (+ TOTP when enabled). Failed attempts are audited and counted per account: after
 * ACCOUNT_MAX_FAILED_LOGINS in ACCOUNT_LOCKOUT_MINUTES the account refuses logins until the window
 * passes (per-IP limits are applied by the route).
 */
export async function login(ctx: AppContext, input: LoginInput, ip: string | null): Promise<AuthResponse> {
  const now = ctx.clock.now();
  const wrong = unauthorized('invalid_credentials', 'Email or password is wrong');
  const user = await findUserByEmail(ctx.db, input.email);
  if (!user) {
    await burnPasswordCheck(input.password);
    throw wrong;
  }
  const { accountMaxFailedLogins, accountLockoutMinutes } = ctx.config.limits;
  const windowMs = accountLockoutMinutes * 60_000;
  const failures = await countAudit(ctx.db, {
    userId: user.id,
    action: 'login_failed',
    since: now - windowMs,
  });
  if (failures >= accountMaxFailedLogins) {
    await audit(ctx.db, { action: 'login_locked', at: now, userId: user.id, ip });
    throw tooManyRequests(
      'account_locked',
      `Too many failed logins; try again in ${accountLockoutMinutes} minutes`,
      accountLockoutMinutes * 60,
    );
  }
  const fail = async (why: string, error: ApiError): Promise<never> => {
    await audit(ctx.db, { action: 'login_failed', at: now, userId: user.id, ip, detail: { why } });
    throw error;
  };
  if (!(await verifyPassword(user.password_hash, input.password))) return fail('password', wrong);
  if (user.disabled_at !== null)
    throw new ApiError(403, 'account_disabled', 'This account has been disabled');
  if (user.totp_secret !== null) {
    if (input.totp === undefined) {
      throw unauthorized('totp_required', 'Two-factor authentication is on: send the 6-digit code as "totp"');
    }
    const step = checkTotpCode(ctx, user, user.totp_secret, input.totp);
    if (step === null)
      return fail('totp', unauthorized('invalid_totp', 'The two-factor code is wrong or was already used'));
    await updateUser(ctx.db, user.id, { totp_last_step: step });
  }
  await audit(ctx.db, { action: 'login_ok', at: now, userId: user.id, ip });
  return startSession(ctx, user);
}
