import type { Db } from '../connection';
import type { EmailTokenPurpose, EmailTokenRow } from '../schema';

export async function insertEmailToken(
  db: Db,
  row: {
    user_id: number;
    purpose: EmailTokenPurpose;
    token_hash: string;
    created_at: number;
    expires_at: number;
  },
): Promise<void> {
  await db.insertInto('email_tokens').values(row).execute();
}

export async function findEmailToken(db: Db, tokenHash: string): Promise<EmailTokenRow | undefined> {
  return db.selectFrom('email_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Single use: true only for the first caller. */
export async function consumeEmailToken(db: Db, id: number, at: number): Promise<boolean> {
  const r = await db
    .updateTable('email_tokens')
    .set({ used_at: at })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function latestEmailToken(
  db: Db,
  userId: number,
  purpose: EmailTokenPurpose,
): Promise<EmailTokenRow | undefined> {
  return db
    .selectFrom('email_tokens')
    .selectAll()
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}
