import type { Generated, Selectable } from 'kysely';

/** One row per refresh token ever issued; a family is one login's chain of rotations. */
export interface RefreshTokensTable {
  id: Generated<number>;
  user_id: number;
  family_id: string;
  token_hash: string;
  created_at: number;
  expires_at: number;
  /** Set when the token was exchanged for a new pair; a second use is a replay. */
  used_at: number | null;
  revoked_at: number | null;
}

export type RefreshTokenRow = Selectable<RefreshTokensTable>;
