import type { Generated, Selectable } from 'kysely';

export type EmailTokenPurpose = 'verify_email';

export interface EmailTokensTable {
  id: Generated<number>;
  user_id: number;
  purpose: EmailTokenPurpose;
  token_hash: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export type EmailTokenRow = Selectable<EmailTokensTable>;
