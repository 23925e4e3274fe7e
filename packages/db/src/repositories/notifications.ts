import type { Db } from '../connection';
import { firstRow, preparedQuery } from '../prepared';
import type { NotificationAudience, NotificationRow } from '../schema';

export interface NewNotification {
  audience: NotificationAudience;
  userId: number | null;
  kind: string;
  text: string;
  data?: Record<string, unknown>;
  at: number;
}

const insert = preparedQuery(
  (
    db,
    n: {
      audience: NotificationAudience;
      userId: number | null;
      kind: string;
      text: string;
      data: string;
      at: number;
    },
  ) =>
    db
      .insertInto('notifications')
      .values({
        audience: n.audience,
        user_id: n.userId,
        kind: n.kind,
        text: n.text,
        data: n.data,
        created_at: n.at,
        read_at: null,
      })
      .returning('id'),
);

export async function insertNotification(db: Db, n: NewNotification): Promise<number> {
  const row = await firstRow(
    insert(db, { ...n, userId: n.userId ?? null, data: JSON.stringify(n.data ?? {}) }),
  );
  if (!row) throw new Error('notification insert returned no row');
  return row.id;
}

/** A user's notifications, newest first, with cursor pagination by id. */
export async function listUserNotifications(
  db: Db,
  userId: number,
  q: { before?: number; limit: number },
): Promise<NotificationRow[]> {
  let query = db
    .selectFrom('notifications')
    .selectAll()
    .where('audience', '=', 'user')
    .where('user_id', '=', userId);
  if (q.before !== undefined) query = query.where('id', '<', q.before);
  return query.orderBy('id', 'desc').limit(q.limit).execute();
}

/** Rows after an id (for senders that deliver in order), oldest first. */
export async function notificationsAfter(
  db: Db,
  afterId: number,
  q: { audience?: NotificationAudience; limit: number },
): Promise<NotificationRow[]> {
  let query = db.selectFrom('notifications').selectAll().where('id', '>', afterId);
  if (q.audience) query = query.where('audience', '=', q.audience);
  return query.orderBy('id', 'asc').limit(q.limit).execute();
}
