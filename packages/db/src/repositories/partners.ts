import { sql } from 'kysely';
import type { Db } from '../connection';
import type { NewPartner, PartnerRow, PartnerUpdate, ReferralCreditRow, UserRow } from '../schema';

export async function insertPartner(db: Db, row: NewPartner): Promise<PartnerRow> {
  return db.insertInto('partners').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findPartnerById(db: Db, id: number): Promise<PartnerRow | undefined> {
  return db.selectFrom('partners').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Codes are stored upper-case; the lookup is case-insensitive. */
export async function findPartnerByCode(db: Db, code: string): Promise<PartnerRow | undefined> {
  return db
    .selectFrom('partners')
    .selectAll()
    .where('code', '=', code.trim().toUpperCase())
    .executeTakeFirst();
}

export async function updatePartner(
  db: Db,
  id: number,
  patch: PartnerUpdate,
): Promise<PartnerRow | undefined> {
  return db.updateTable('partners').set(patch).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function deletePartner(db: Db, id: number): Promise<boolean> {
  const r = await db.deleteFrom('partners').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

export type PartnerWithCounts = PartnerRow & { referrals: number; credited_users: number };

/**
 * Partners with how many users registered with their code (after the partner existed) and how many
 * of those were credited. Earnings are summed by the caller from `referralCredits` (exact decimals).
 */
export async function listPartnersWithCounts(db: Db, partnerId?: number): Promise<PartnerWithCounts[]> {
  let q = db
    .selectFrom('partners as p')
    .selectAll('p')
    .select((eb) => [
      eb
        .selectFrom('users as u')
        .select((e) => e.fn.countAll<number>().as('n'))
        .where(sql<string>`upper(u.referral_code)`, '=', eb.ref('p.code'))
        .where('u.created_at', '>=', eb.ref('p.created_at'))
        .as('referrals'),
      eb
        .selectFrom('referral_credits as c')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('c.partner_id', '=', 'p.id')
        .as('credited_users'),
    ]);
  if (partnerId !== undefined) q = q.where('p.id', '=', partnerId);
  const rows = await q.orderBy('p.id', 'asc').execute();
  return rows.map((r) => ({
    ...r,
    referrals: Number(r.referrals ?? 0),
    credited_users: Number(r.credited_users ?? 0),
  }));
}

/**
 * The partner who referred a user: the one whose code the user registered with (any case), if that
 * partner already existed when the user registered. An unknown `ref` refers nobody, even if a
 * partner with that code is created later.
 */
export async function findReferringPartner(
  db: Db,
  user: Pick<UserRow, 'referral_code' | 'created_at'>,
): Promise<PartnerRow | undefined> {
  if (!user.referral_code) return undefined;
  return db
    .selectFrom('partners')
    .selectAll()
    .where('code', '=', user.referral_code.trim().toUpperCase())
    .where('created_at', '<=', user.created_at)
    .executeTakeFirst();
}

/** Credits a partner for a user; false when that user was already credited (once per user, ever). */
export async function insertReferralCredit(
  db: Db,
  row: { partner_id: number; user_id: number; payment_id: number; amount_usdt: string; created_at: number },
): Promise<boolean> {
  const r = await db
    .insertInto('referral_credits')
    .values(row)
    .onConflict((oc) => oc.column('user_id').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

export type ReferralCreditWithUser = ReferralCreditRow & { username: string | null };

/** Credits, oldest first, optionally of one partner. */
export async function referralCredits(db: Db, partnerId?: number): Promise<ReferralCreditWithUser[]> {
  let q = db
    .selectFrom('referral_credits')
    .leftJoin('users', 'users.id', 'referral_credits.user_id')
    .selectAll('referral_credits')
    .select('users.username');
  if (partnerId !== undefined) q = q.where('referral_credits.partner_id', '=', partnerId);
  return q.orderBy('referral_credits.id', 'asc').execute();
}
