import type { Db } from '../connection';
import type { AuditLogRow } from '../schema';

export interface AuditEntry {
  at: number;
  action: string;
  user_id?: number | null;
  actor_id?: number | null;
  ip?: string | null;
  detail?: Record<string, unknown>;
}

export async function insertAudit(db: Db, e: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at: e.at,
      action: e.action,
      user_id: e.user_id ?? null,
      actor_id: e.actor_id ?? null,
      ip: e.ip ?? null,
      detail: JSON.stringify(e.detail ?? {}),
    })
    .execute();
}

export interface AuditQuery {
  since?: number;
  userId?: number;
  action?: string;
  /** Return rows with id below this (cursor pagination, newest first). */
  before?: number;
  limit: number;
}

export async function listAudit(db: Db, q: AuditQuery): Promise<AuditLogRow[]> {
  let query = db.selectFrom('audit_log').selectAll();
  if (q.since !== undefined) query = query.where('at', '>=', q.since);
  if (q.userId !== undefined) query = query.where('user_id', '=', q.userId);
  if (q.action !== undefined) query = query.where('action', '=', q.action);
  if (q.before !== undefined) query = query.where('id', '<', q.before);
  return query.orderBy('id', 'desc').limit(q.limit).execute();
}

/** How many times `action` happened for a user since a time (e.g. failed logins in the lockout window). */
export async function countAudit(
  db: Db,
  q: { userId: number; action: string; since: number },
): Promise<number> {
  const row = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', q.userId)
    .where('action', '=', q.action)
    .where('at', '>=', q.since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
