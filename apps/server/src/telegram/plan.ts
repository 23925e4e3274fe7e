import {
  findOutboxByKey,
  findTelegramLink,
  findUserById,
  insertOutbox,
  moveOutbox,
  pendingOutboxFor,
  type Db,
  type NewOutboxRow,
  type NotificationRow,
  type SignalEventRow,
  type SignalRow,
} from '@verzek/db';
import { renderAdminAlert, renderNotice, renderText } from '@verzek/telegram';
import { loadSection } from '../services/users/settings';
import { effectivePlan } from '../services/users/plan';
import type { TelegramSettings } from './settings';

/**
 * How the outbox rows of everything Telegram posts are written. Every row has an idempotency key
 * derived from what it is about (`sig:<signal>:<chat>`, `evt:<event>:<chat>`, `ntf:<notification>:…`),
 * so planning the same thing twice — after a crash, by two processes — writes nothing new.
 *
 * Rows carry what to render, not the text, when the text depends on the signal's state at send time
 * (a TRIAL post sent after its delay shows what happened meanwhile; a progress edit shows the latest).
 */

/** Queue of the member operations of a chat (invite links, removals): they don't wait behind its messages. */
export const membersQueue = (chatId: string) => `${chatId}#members`;

export interface OutboxPayload {
  /** What to render at send time; absent: `params` are sent as they are. */
  render?: 'signal' | 'follow_up';
  detail?: 'full' | 'reduced' | 'minimal';
  eventId?: number;
  /** The call's parameters (without chat_id); for sendMessage, fixed once the row is first tried. */
  params?: Record<string, unknown>;
  /** Reply to the message this signal became in the chat (when there is one). */
  replyToSignal?: boolean;
  /** Invite links: who gets it, in which private chat. */
  inviteFor?: { userId: number; chatId: string };
  /** Removals: skip if the user has a paid plan again by then. */
  onlyIfLapsed?: number;
}

const html = (text: string, extra: Record<string, unknown> = {}) => ({
  text,
  parse_mode: 'HTML',
  link_preview_options: { is_disabled: true },
  ...extra,
});

/** A new signal: to every broadcast group, the TRIAL group after its delay. */
export function signalRows(s: TelegramSettings, signal: SignalRow, now: number): NewOutboxRow[] {
  return s.groups.map((g) => {
    const due = signal.created_at + g.delayMs;
    const payload: OutboxPayload = { render: 'signal', detail: g.detail };
    return {
      idem_key: `sig:${signal.id}:${g.chatId}`,
      queue: g.chatId,
      chat_id: g.chatId,
      method: 'sendMessage',
      kind: 'signal',
      payload: JSON.stringify(payload),
      signal_id: signal.id,
      not_before: due,
      expires_at: due + s.staleMs,
      created_at: now,
    };
  });
}

/**
 * A follow-up of a signal, in each group the signal was broadcast to: a reply (except for
 * ENTRY_FILLED), and one edit of the original that shows the progress — coalesced: while an edit
 * of that message is still waiting, it will render the newest state anyway, so no second one is
 * queued. A TP_HIT reply supersedes an older TP_HIT reply still waiting in that chat (a burst of
 * targets reads as one message), which is dropped with a log line.
 */
export async function planEvent(
  db: Db,
  s: TelegramSettings,
  event: SignalEventRow,
  signal: SignalRow,
  now: number,
  log: (msg: string, facts: Record<string, unknown>) => void,
): Promise<void> {
  for (const g of s.groups) {
    const parent = await findOutboxByKey(db, `sig:${signal.id}:${g.chatId}`);
    if (!parent) continue; // never broadcast there (before Telegram was set up): no orphan replies
    const due = Math.max(event.created_at, parent.not_before);
    const rows: NewOutboxRow[] = [];
    if (event.kind !== 'ENTRY_FILLED') {
      if (event.kind === 'TP_HIT') {
        for (const older of await pendingOutboxFor(db, {
          signalId: signal.id,
          chatId: g.chatId,
          kind: 'follow_up',
        })) {
          const p = JSON.parse(older.payload) as OutboxPayload & { eventKind?: string };
          if (p.eventKind !== 'TP_HIT') continue;
          if (
            await moveOutbox(db, older.id, ['pending'], 'dropped', {
              last_error: `superseded by event ${event.id}`,
              updated_at: now,
            })
          ) {
            log('telegram: follow-up superseded by a later target', { idem: older.idem_key, by: event.id });
          }
        }
      }
      rows.push({
        idem_key: `evt:${event.id}:${g.chatId}`,
        queue: g.chatId,
        chat_id: g.chatId,
        method: 'sendMessage',
        kind: 'follow_up',
        payload: JSON.stringify({
          render: 'follow_up',
          detail: g.detail,
          eventId: event.id,
          eventKind: event.kind,
          replyToSignal: true,
        }),
        signal_id: signal.id,
        not_before: due,
        expires_at: due + s.staleMs,
        created_at: now,
      });
    }
    const waiting = await pendingOutboxFor(db, { signalId: signal.id, chatId: g.chatId, kind: 'progress' });
    if (waiting.length === 0) {
      rows.push({
        idem_key: `edit:${signal.id}:${g.chatId}:${event.id}`,
        queue: g.chatId,
        chat_id: g.chatId,
        method: 'editMessageText',
        kind: 'progress',
        payload: JSON.stringify({ render: 'signal', detail: g.detail }),
        signal_id: signal.id,
        not_before: due,
        expires_at: due + s.staleMs,
        created_at: now,
      });
    }
    await insertOutbox(db, rows);
  }
}

/** Which notification choice (general settings) governs a notice kind; null: always delivered. */
const CHOICE: Record<
  string,
  'new_signal' | 'position_opened' | 'position_closed' | 'trade_blocked' | 'plan_expiring'
> = {
  new_signal: 'new_signal',
  position_opened: 'position_opened',
  position_closed: 'position_closed',
  position_update: 'position_closed',
  trade_blocked: 'trade_blocked',
  plan_expiring: 'plan_expiring',
};

/**
 * A stored notification: admin alerts to the admin chat; a user's notice to their private chat if
 * they linked Telegram and their notification choices allow it. Plan activations also get a
 * single-use VIP invite link; lapsed plans remove the user from the VIP group (ban + unban, so they
 * can rejoin on renewal) and say so.
 */
export async function planNotification(
  db: Db,
  s: TelegramSettings,
  n: NotificationRow,
  now: number,
): Promise<void> {
  const rows: NewOutboxRow[] = [];
  if (n.audience === 'admin') {
    if (s.adminChatId === undefined) return;
    rows.push(
      messageRow(
        `ntf:${n.id}:admin`,
        s.adminChatId,
        'admin_alert',
        renderAdminAlert(n.kind, n.text),
        now,
        s.staleMs,
      ),
    );
    await insertOutbox(db, rows);
    return;
  }
  if (n.user_id === null) return;
  const link = await findTelegramLink(db, n.user_id);
  if (!link) return;
  const user = await findUserById(db, n.user_id);
  if (!user || user.disabled_at !== null) return;
  const extra: string[] = [];
  if (n.kind === 'plan_expired' && s.vipChatId !== undefined) {
    const tgUser = Number(link.tg_user_id);
    rows.push(
      memberRow(`kick:${n.id}:ban`, s.vipChatId, 'banChatMember', 'removal', { user_id: tgUser }, now, {
        onlyIfLapsed: n.user_id,
      }),
      memberRow(
        `kick:${n.id}:unban`,
        s.vipChatId,
        'unbanChatMember',
        'removal',
        { user_id: tgUser, only_if_banned: true },
        now,
        {
          onlyIfLapsed: n.user_id,
        },
      ),
    );
    extra.push('You have been removed from the VIP group; renew your plan to get a new invite.');
  }
  if (n.kind === 'plan_activated')
    rows.push(...inviteRows(s, `invite:${n.id}`, n.user_id, link.chat_id, now));
  const choice = CHOICE[n.kind];
  const wanted = choice === undefined || (await loadSection(db, user, 'general')).notifications[choice];
  // A lapsed VIP who turned notices off is still removed, and still told why.
  if (wanted || extra.length > 0) {
    rows.push(
      messageRow(
        `ntf:${n.id}:user`,
        link.chat_id,
        'notice',
        renderNotice(n.kind, n.text, extra),
        now,
        s.staleMs,
      ),
    );
  }
  await insertOutbox(db, rows);
}

/** A single-use invite link to the VIP group, sent to the user's private chat once created. */
export function inviteRows(
  s: TelegramSettings,
  key: string,
  userId: number,
  dmChatId: string,
  now: number,
): NewOutboxRow[] {
  if (s.vipChatId === undefined) return [];
  return [
    memberRow(
      key,
      s.vipChatId,
      'createChatInviteLink',
      'invite',
      {
        member_limit: 1,
        name: `verzek user ${userId}`.slice(0, 32),
        expire_date: Math.floor(now / 1000) + 7 * 86_400,
      },
      now,
      { inviteFor: { userId, chatId: dmChatId } },
    ),
  ];
}

/** Whether a user's plan gives access to the VIP group now. */
export function paidNow(
  user: { plan: 'TRIAL' | 'VIP' | 'PREMIUM'; plan_expires_at: number | null; role: string },
  now: number,
): boolean {
  return user.role === 'ADMIN' || effectivePlan(user, now) !== 'TRIAL';
}

/** A message to a chat with fixed HTML text (notices, alerts, reports, command answers). */
export function messageRow(
  key: string,
  chatId: string,
  kind: string,
  text: string,
  now: number,
  staleMs: number,
  extra: Record<string, unknown> = {},
): NewOutboxRow {
  const payload: OutboxPayload = { params: html(text, extra) };
  return {
    idem_key: key,
    queue: chatId,
    chat_id: chatId,
    method: 'sendMessage',
    kind,
    payload: JSON.stringify(payload),
    signal_id: null,
    not_before: now,
    expires_at: now + staleMs,
    created_at: now,
  };
}

function memberRow(
  key: string,
  chatId: string,
  method: string,
  kind: string,
  params: Record<string, unknown>,
  now: number,
  more: Partial<OutboxPayload> = {},
): NewOutboxRow {
  const payload: OutboxPayload = { params, ...more };
  return {
    idem_key: key,
    queue: membersQueue(chatId),
    chat_id: chatId,
    method,
    kind,
    payload: JSON.stringify(payload),
    signal_id: null,
    not_before: now,
    // Access changes are never too stale to matter.
    expires_at: null,
    created_at: now,
  };
}

/** The private message that carries a freshly created invite link. */
export function inviteMessage(link: string): string {
  return renderText(
    [
      'Your personal invite to the VIP group (it works once):',
      link,
      'Signals are posted there the moment they arrive.',
    ],
    { title: '🔑 VIP group' },
  );
}
