import { iso } from '@verzek/contract';
import { dec, decStr } from '@verzek/core';
import {
  deletePartner,
  findPartnerByCode,
  findPartnerById,
  insertPartner,
  isUniqueViolation,
  listPartnersWithCounts,
  referralCredits,
  updatePartner,
  type Db,
  type PartnerWithCounts,
  type ReferralCreditWithUser,
} from '@verzek/db';
import { conflict, notFound } from '../../errors';

export interface PartnerView {
  id: number;
  name: string;
  code: string;
  contact: string | null;
  active: boolean;
  referrals: number;
  credited_users: number;
  earned_usdt: string;
  created_at: string;
  updated_at: string;
}

export interface PartnerDetailView extends PartnerView {
  credits: {
    user_id: number;
    username: string | null;
    payment_id: number;
    amount_usdt: string;
    created_at: string;
  }[];
}

function view(p: PartnerWithCounts, credits: ReferralCreditWithUser[]): PartnerView {
  const earned = credits
    .filter((c) => c.partner_id === p.id)
    .reduce((sum, c) => sum.add(dec(c.amount_usdt)), dec(0));
  return {
    id: p.id,
    name: p.name,
    code: p.code,
    contact: p.contact,
    active: p.active === 1,
    referrals: p.referrals,
    credited_users: p.credited_users,
    earned_usdt: decStr(earned),
    created_at: iso(p.created_at),
    updated_at: iso(p.updated_at),
  };
}

export async function listPartnerViews(db: Db): Promise<PartnerView[]> {
  const [partners, credits] = await Promise.all([listPartnersWithCounts(db), referralCredits(db)]);
  return partners.map((p) => view(p, credits));
}

export async function partnerDetail(db: Db, id: number): Promise<PartnerDetailView> {
  const [partners, credits] = await Promise.all([listPartnersWithCounts(db, id), referralCredits(db, id)]);
  const partner = partners[0];
  if (!partner) throw notFound('Partner');
  return {
    ...view(partner, credits),
    credits: credits.map((c) => ({
      user_id: c.user_id,
      username: c.username,
      payment_id: c.payment_id,
      amount_usdt: decStr(c.amount_usdt),
      created_at: iso(c.created_at),
    })),
  };
}

const codeTaken = (code: string) =>
  conflict('partner_code_taken', `The referral code ${code} belongs to another partner`);

export async function createPartner(
  db: Db,
  input: { name: string; code: string; contact?: string | null; active: boolean },
  now: number,
): Promise<PartnerDetailView> {
  if (await findPartnerByCode(db, input.code)) throw codeTaken(input.code);
  let id: number;
  try {
    ({ id } = await insertPartner(db, {
      name: input.name,
      code: input.code.toUpperCase(),
      contact: input.contact ?? null,
      active: input.active ? 1 : 0,
      created_at: now,
      updated_at: now,
    }));
  } catch (err) {
    if (isUniqueViolation(err)) throw codeTaken(input.code);
    throw err;
  }
  return partnerDetail(db, id);
}

export async function changePartner(
  db: Db,
  id: number,
  patch: { name?: string; contact?: string | null; active?: boolean },
  now: number,
): Promise<PartnerDetailView> {
  const updated = await updatePartner(db, id, {
    ...(patch.name !== undefined ? { name: patch.name } : {}),
    ...(patch.contact !== undefined ? { contact: patch.contact } : {}),
    ...(patch.active !== undefined ? { active: patch.active ? 1 : 0 } : {}),
    updated_at: now,
  });
  if (!updated) throw notFound('Partner');
  return partnerDetail(db, id);
}

/** Deletes a partner that has earned nothing yet; one with credits keeps its history (deactivate it). */
export async function removePartner(db: Db, id: number): Promise<{ code: string }> {
  return db.transaction().execute(async (trx) => {
    const partner = await findPartnerById(trx, id);
    if (!partner) throw notFound('Partner');
    if ((await referralCredits(trx, id)).length > 0) {
      throw conflict(
        'partner_has_credits',
        'This partner has earned referral credits; deactivate it (PUT active:false) to keep the history',
      );
    }
    await deletePartner(trx, id);
    return { code: partner.code };
  });
}
