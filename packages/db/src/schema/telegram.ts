import type { Generated, Selectable } from 'kysely';

/**
 * - pending: waiting for its turn (`not_before`, its queue's order, the rate limits, `wait_until`);
 * - sending: the call is in flight (a row found here by a new sender had its process die mid-call);
 * - unknown: the call's outcome is unknown (timeout, lost connection): it is verified before anything
 *   is sent again;
 * - sent / dropped (too stale, superseded, nothing to do) / failed (refused, or unverifiable).
 */
export type OutboxStatus = 'pending' | 'sending' | 'unknown' | 'sent' | 'dropped' | 'failed';

/** Every Bot API call the platform makes on its own, durable and exactly-once by `idem_key`. */
export interface TelegramOutboxTable {
  id: Generated<number>;
  /** What makes the row unique: e.g. `sig:<signal>:<chat>`, `evt:<event>:<chat>`, `ntf:<notification>:user`. */
  idem_key: string;
  /** Rows of one queue go out one at a time, in (not_before, id) order: a chat's messages, or its member operations. */
  queue: string;
  chat_id: string;
  method: string;
  /** signal | follow_up | progress | notice | admin_alert | report | reply | invite | invite_dm | removal */
  kind: string;
  /** JSON: the call's parameters (without chat_id), or what to render at send time. */
  payload: string;
  signal_id: number | null;
  status: OutboxStatus;
  /** Not before this instant (ms, business clock): the TRIAL delay. */
  not_before: number;
  /** Dropped, with a log line, if still unsent after this instant (ms, business clock). */
  expires_at: number | null;
  /** Wall-clock ms before which the row is not retried (backoff, verification delay). */
  wait_until: number;
  attempts: number;
  /** Telegram's id of the message once posted (or found by verification). */
  message_id: number | null;
  /** JSON: the call's result where it matters (an invite link). */
  result: string | null;
  last_error: string | null;
  /** Wall-clock ms the call finished: seeds the rate limiter after a restart. */
  sent_wall_at: number | null;
  created_at: number;
  updated_at: number;
}

export type TelegramOutboxRow = Selectable<TelegramOutboxTable>;

/** The message a signal became in a chat: follow-ups reply to it and progress edits change it. */
export interface TelegramMessagesTable {
  signal_id: number;
  chat_id: string;
  message_id: number;
  created_at: number;
}

/** The highest message id known in a chat (ours or anyone's): where an unknown send is looked for. */
export interface TelegramChatsTable {
  chat_id: string;
  last_message_id: number;
  updated_at: number;
}

/** The planner's marks: this signal / event / notification has had its outbox rows written. */
export interface TelegramPlannedTable {
  kind: 'signal' | 'event' | 'notification';
  ref_id: number;
  created_at: number;
}

/** A user's linked Telegram account (from `/start <code>`). */
export interface TelegramLinksTable {
  user_id: number;
  tg_user_id: string;
  tg_username: string | null;
  /** The private chat with the bot. */
  chat_id: string;
  linked_at: number;
}

/** Single-use, expiring link codes; only their sha256 is kept. */
export interface TelegramLinkCodesTable {
  code_hash: string;
  user_id: number;
  expires_at: number;
  used_at: number | null;
  created_at: number;
}

/** A Telegram channel or group signals are read from, and the source its signals belong to. */
export interface TelegramChannelsTable {
  id: Generated<number>;
  chat_id: string;
  source_id: number;
  /** bot: the bot is a member (Bot API updates); user: the MTProto user client reads it. */
  via: 'bot' | 'user';
  title: string | null;
  /** JSON string[]: when not empty, a message must contain one of them (case-insensitive). */
  keywords: string;
  /** JSON string[]: a message containing any of them is ignored (spam, ads). */
  block_words: string;
  /** Overrides the source's `min_confidence` setting for this channel. */
  min_confidence: number | null;
  enabled: number;
  created_at: number;
  updated_at: number;
}

export type TelegramChannelRow = Selectable<TelegramChannelsTable>;

export type ApprovalStatus = 'PENDING' | 'APPROVED' | 'REJECTED';

/** A message the parser was not sure enough about (or could not link): an admin decides. */
export interface TelegramApprovalsTable {
  id: Generated<number>;
  source_id: number;
  chat_id: string;
  message_id: number;
  reply_to_message_id: number | null;
  kind: 'signal' | 'update';
  text: string;
  /** JSON: the parser's result (ParseResult). */
  parsed: string;
  confidence: number;
  /** Why it waits (low confidence, update not linked). */
  reason: string;
  status: ApprovalStatus;
  signal_id: number | null;
  decided_by: number | null;
  decided_at: number | null;
  decision_note: string | null;
  created_at: number;
  updated_at: number;
}

export type TelegramApprovalRow = Selectable<TelegramApprovalsTable>;

/** Small shared state: the cluster-wide lease of the Telegram runtime, the bot's username, the sealed user session. */
export interface TelegramStateTable {
  key: string;
  value: string | null;
  owner: string | null;
  lease_until: number | null;
  updated_at: number;
}
