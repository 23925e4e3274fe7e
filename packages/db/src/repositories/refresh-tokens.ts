import type { Db } from '../connection';
import type { RefreshTokenRow } from '../schema';

export async function insertRefreshToken(
  db: Db,
  row: { user_id: number; family_id: string; token_hash: string; created_at: number; expires_at: number },
): Promise<void> {
  await db.insertInto('refresh_tokens').values(row).execute();
}

export async function findRefreshToken(db: Db, tokenHash: string): Promise<RefreshTokenRow | undefined> {
  return db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/**
 * Marks a token used if, and only if, nobody used it before. Returns false when it was already used
 * (or revoked): the caller must treat that as a replay.
 */
export async function claimRefreshToken(db: Db, id: number, at: number): Promise<boolean> {
  const result = await db
    .updateTable('refresh_tokens')
    .set({ used_at: at })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function revokeTokenFamily(db: Db, familyId: string, at: number): Promise<number> {
  const r = await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: at })
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function revokeUserTokens(db: Db, userId: number, at: number): Promise<number> {
  const r = await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: at })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
