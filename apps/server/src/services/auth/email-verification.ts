import {
  consumeEmailToken,
  findEmailToken,
  findUserById,
  insertEmailToken,
  latestEmailToken,
  updateUser,
  type UserRow,
} from '@verzek/db';
import { randomToken, sha256Hex } from '@verzek/platform';
import type { AppContext } from '../../context';
import { ApiError, badRequest, tooManyRequests } from '../../errors';
import { audit } from '../audit';

export const EMAIL_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

/** Creates a 24 h single-use token and mails the link. The token itself is never stored or logged. */
export async function sendVerificationEmail(
  ctx: AppContext,
  user: UserRow,
  ip: string | null,
): Promise<void> {
  const now = ctx.clock.now();
  const token = randomToken(32);
  await insertEmailToken(ctx.db, {
    user_id: user.id,
    purpose: 'verify_email',
    token_hash: sha256Hex(token),
    created_at: now,
    expires_at: now + EMAIL_TOKEN_TTL_MS,
  });
  await audit(ctx.db, { action: 'email_verification_sent', at: now, userId: user.id, ip });
  const link = `${ctx.config.publicUrl}/api/auth/verify-email?token=${encodeURIComponent(token)}`;
  try {
    await ctx.mailer.send({
      to: user.email,
      subject: 'Confirm your email for Verzek Auto Trader',
      text:
        `Hello ${user.username},\n\nconfirm your email address to connect an exchange and trade:\n\n${link}\n\n` +
        `The link is valid for 24 hours. If you did not register, ignore this mail.\n`,
    });
  } catch (err) {
    // Registration stands; the user can ask for another mail.
    ctx.logger.warn(
      { err: err instanceof Error ? err.message : String(err), userId: user.id },
      'verification mail failed',
    );
  }
}

/** Resend with a per-account cooldown (per-IP limits are applied by the route). */
export async function resendVerificationEmail(
  ctx: AppContext,
  user: UserRow,
  ip: string | null,
): Promise<void> {
  if (user.email_verified_at !== null)
    throw badRequest('already_verified', 'The email address is already verified');
  const now = ctx.clock.now();
  const last = await latestEmailToken(ctx.db, user.id, 'verify_email');
  const cooldownMs = ctx.config.limits.emailResendCooldownSeconds * 1000;
  if (last && now - last.created_at < cooldownMs) {
    const wait = (cooldownMs - (now - last.created_at)) / 1000;
    throw tooManyRequests(
      'resend_too_soon',
      `Wait ${Math.ceil(wait)} s before asking for another mail`,
      wait,
    );
  }
  await sendVerificationEmail(ctx, user, ip);
}

export async function verifyEmailToken(ctx: AppContext, token: string, ip: string | null): Promise<UserRow> {
  const now = ctx.clock.now();
  const row = await findEmailToken(ctx.db, sha256Hex(token));
  const invalid = new ApiError(
    400,
    'invalid_token',
    'The verification link is invalid or has already been used',
  );
  if (!row || row.purpose !== 'verify_email') throw invalid;
  if (row.expires_at <= now)
    throw new ApiError(400, 'token_expired', 'The verification link has expired; ask for a new one');
  if (!(await consumeEmailToken(ctx.db, row.id, now))) throw invalid;
  const user = await findUserById(ctx.db, row.user_id);
  if (!user) throw invalid;
  if (user.email_verified_at !== null) return user;
  const updated = await updateUser(ctx.db, user.id, { email_verified_at: now, updated_at: now });
  await audit(ctx.db, { action: 'email_verified', at: now, userId: user.id, ip });
  return updated ?? user;
}
