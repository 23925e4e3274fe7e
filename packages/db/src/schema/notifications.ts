import type { Generated, Selectable } from 'kysely';

export type NotificationAudience = 'user' | 'admin';

/**
 * The durable record of everything worth telling someone: shown in the app, and delivered by the
 * Telegram and push senders (each keeps its own delivery state). Written in the same transaction as
 * the change it reports.
 */
export interface NotificationsTable {
  id: Generated<number>;
  audience: NotificationAudience;
  /** The user it is for (audience 'user'), or the user it is about (audience 'admin'). */
  user_id: number | null;
  kind: string;
  text: string;
  /** JSON object with the structured facts (ids, amounts) behind the text. */
  data: string;
  created_at: number;
  read_at: number | null;
}

export type NotificationRow = Selectable<NotificationsTable>;
