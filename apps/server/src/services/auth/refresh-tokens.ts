import {
  claimRefreshToken,
  findRefreshToken,
  insertRefreshToken,
  revokeTokenFamily,
  updateUser,
  type Db,
} from '@verzek/db';
import { randomToken, sha256Hex } from '@verzek/platform';

export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** Issues a refresh token, starting a new family (a login) or continuing one (a rotation). */
export async function issueRefreshToken(
  db: Db,
  userId: number,
  now: number,
  familyId: string = randomToken(16),
): Promise<string> {
  const token = `rt_${randomToken(32)}`;
  await insertRefreshToken(db, {
    user_id: userId,
    family_id: familyId,
    token_hash: sha256Hex(token),
    created_at: now,
    expires_at: now + REFRESH_TOKEN_TTL_MS,
  });
  return token;
}

export type RotateResult =
  | { ok: true; userId: number; refreshToken: string }
  | { ok: false; kind: 'unknown' | 'expired' }
  | { ok: false; kind: 'reused'; userId: number; familyId: string };

/**
 * Exchanges a refresh token for a new one in the same family. A token used a second time means it
 * leaked: its whole family is revoked and every access token of the user is cut (the user's other
 * sessions recover through their own refresh tokens).
 */
export async function rotateRefreshToken(db: Db, token: string, now: number): Promise<RotateResult> {
  const row = await findRefreshToken(db, sha256Hex(token));
  if (!row) return { ok: false, kind: 'unknown' };
  const reused = async (): Promise<RotateResult> => {
    await db.transaction().execute(async (trx) => {
      await revokeTokenFamily(trx, row.family_id, now);
      await updateUser(trx, row.user_id, { tokens_valid_after: now });
    });
    return { ok: false, kind: 'reused', userId: row.user_id, familyId: row.family_id };
  };
  // A revoked token (logged out, or its family already cut) is simply dead; a used one is a replay.
  if (row.revoked_at !== null) return { ok: false, kind: 'unknown' };
  if (row.used_at !== null) return reused();
  if (row.expires_at <= now) return { ok: false, kind: 'expired' };
  const rotated = await db.transaction().execute(async (trx) => {
    // Two concurrent uses of one token: only one claim succeeds; the other is a replay.
    // (A claim also fails if the family was revoked in between; treating that as a replay is safe.)
    if (!(await claimRefreshToken(trx, row.id, now))) return null;
    return issueRefreshToken(trx, row.user_id, now, row.family_id);
  });
  return rotated === null ? reused() : { ok: true, userId: row.user_id, refreshToken: rotated };
}

/** Revokes the family of a token (logout of one session). Returns the user id, if the token was known. */
export async function revokeByToken(db: Db, token: string, now: number): Promise<number | null> {
  const row = await findRefreshToken(db, sha256Hex(token));
  if (!row) return null;
  await revokeTokenFamily(db, row.family_id, now);
  return row.user_id;
}
