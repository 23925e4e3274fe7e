import type { Generated, Selectable } from 'kysely';

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  action: string;
  /** The account the event is about. */
  user_id: number | null;
  /** Who did it, when not the user themself (an admin). */
  actor_id: number | null;
  ip: string | null;
  /** JSON object with non-secret details. */
  detail: string;
}

export type AuditLogRow = Selectable<AuditLogTable>;
