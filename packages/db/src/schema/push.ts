import type { Generated, Selectable } from 'kysely';

export type PushPlatform = 'ios' | 'android' | 'web';

/** A device's Expo push token (one row per token; a token moves to whoever registered it last). */
export interface PushTokensTable {
  id: Generated<number>;
  user_id: number;
  token: string;
  platform: PushPlatform;
  device: string | null;
  created_at: number;
  updated_at: number;
}

/**
 * pending → sending → sent (ticket) → delivered | failed; `unknown` when a send may or may not have
 * reached Expo (never re-sent: a duplicate notification is worse than a missing one); `skipped`
 * when the token was dropped before sending.
 */
export type PushStatus = 'pending' | 'sending' | 'sent' | 'delivered' | 'failed' | 'unknown' | 'skipped';

export interface PushOutboxTable {
  id: Generated<number>;
  user_id: number;
  token: string;
  /** What it reports: a row of `notifications`, or a new signal. */
  source: 'notification' | 'signal';
  source_id: number;
  kind: string;
  title: string;
  body: string;
  data: string;
  status: PushStatus;
  attempts: number;
  ticket_id: string | null;
  error: string | null;
  claimed_at: number | null;
  sent_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface PushCursorsTable {
  name: string;
  last_id: number;
}

export type PushTokenRow = Selectable<PushTokensTable>;
export type PushOutboxRow = Selectable<PushOutboxTable>;
