import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Someone who brings users with a referral code. A user is referred by a partner when the `ref`
 * they registered with equals the partner's code (case-insensitively) and the partner existed at
 * that time.
 */
export interface PartnersTable {
  id: Generated<number>;
  name: string;
  /** Upper-case, unique. Immutable once created (it is what referred users carry). */
  code: string;
  contact: string | null;
  /** 0/1: an inactive partner keeps its history but earns no new credit. */
  active: number;
  created_at: number;
  updated_at: number;
}

export type PartnerRow = Selectable<PartnersTable>;
export type NewPartner = Insertable<PartnersTable>;
export type PartnerUpdate = Updateable<PartnersTable>;
