import type { Generated, Selectable } from 'kysely';

/** What a partner earned for a referred user's first paid plan: at most one row per user (UNIQUE). */
export interface ReferralCreditsTable {
  id: Generated<number>;
  partner_id: number;
  user_id: number;
  payment_id: number;
  amount_usdt: string;
  created_at: number;
}

export type ReferralCreditRow = Selectable<ReferralCreditsTable>;
