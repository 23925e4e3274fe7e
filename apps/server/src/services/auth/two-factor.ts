import { updateUser, type UserRow } from '@verzek/db';
import type { AppContext } from '../../context';
import { badRequest, unauthorized } from '../../errors';
import { audit } from '../audit';
import { matchTotp, newTotpSecret, otpauthUri } from './totp';

const aad = (userId: number) => `totp|user:${userId}`;

/** Returns the matched time step, or null for a wrong or replayed code. */
export function checkTotpCode(
  ctx: AppContext,
  user: UserRow,
  sealedSecret: string,
  code: string,
): number | null {
  const secret = ctx.secretBox.open(sealedSecret, aad(user.id));
  const step = matchTotp(secret, code, ctx.clock.now());
  if (step === null) return null;
  if (user.totp_last_step !== null && step <= user.totp_last_step) return null;
  return step;
}

/** Step 1: a new seed, kept pending until a code from it is confirmed. */
export async function beginTotpSetup(ctx: AppContext, user: UserRow, ip: string | null) {
  if (user.totp_secret !== null)
    throw badRequest('totp_already_enabled', 'Two-factor authentication is already on');
  const now = ctx.clock.now();
  const secret = newTotpSecret();
  await updateUser(ctx.db, user.id, {
    totp_pending_secret: ctx.secretBox.seal(secret, aad(user.id)),
    updated_at: now,
  });
  await audit(ctx.db, { action: 'totp_setup_started', at: now, userId: user.id, ip });
  return { secret, otpauth_uri: otpauthUri(secret, user.email) };
}

/** Step 2: a valid code from the pending seed turns 2FA on. */
export async function confirmTotpSetup(
  ctx: AppContext,
  user: UserRow,
  code: string,
  ip: string | null,
): Promise<void> {
  if (user.totp_secret !== null)
    throw badRequest('totp_already_enabled', 'Two-factor authentication is already on');
  if (user.totp_pending_secret === null)
    throw badRequest('totp_not_started', 'Start with POST /api/auth/2fa/enable');
  const step = checkTotpCode(ctx, user, user.totp_pending_secret, code);
  if (step === null) throw unauthorized('invalid_totp', 'The two-factor code is wrong');
  const now = ctx.clock.now();
  await updateUser(ctx.db, user.id, {
    totp_secret: user.totp_pending_secret,
    totp_pending_secret: null,
    totp_last_step: step,
    updated_at: now,
  });
  await audit(ctx.db, { action: 'totp_enabled', at: now, userId: user.id, ip });
}

/** Turning 2FA off needs a fresh code from the active seed. */
export async function disableTotp(
  ctx: AppContext,
  user: UserRow,
  code: string,
  ip: string | null,
): Promise<void> {
  if (user.totp_secret === null) throw badRequest('totp_not_enabled', 'Two-factor authentication is off');
  const step = checkTotpCode(ctx, user, user.totp_secret, code);
  if (step === null) throw unauthorized('invalid_totp', 'The two-factor code is wrong or was already used');
  const now = ctx.clock.now();
  await updateUser(ctx.db, user.id, {
    totp_secret: null,
    totp_pending_secret: null,
    totp_last_step: step,
    updated_at: now,
  });
  await audit(ctx.db, { action: 'totp_disabled', at: now, userId: user.id, ip });
}
