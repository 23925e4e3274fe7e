import type { Message, Update } from 'grammy/types';

/**
 * A message (or an edit of one) in a chat we read signals from, whichever client saw it: the bot
 * (Bot API updates) or the user account (MTProto). Chat ids use the Bot API's form
 * (`-100…` for channels and supergroups).
 */
export interface InboundPost {
  chatId: string;
  messageId: number;
  text: string;
  /** The message this one replies to, in the same chat. */
  replyToMessageId: number | null;
  /** Unix seconds of the edit, for an edit; null for a new message. */
  editDate: number | null;
  /** Unix seconds the message was posted. */
  date: number;
  via: 'bot' | 'user';
}

/** A `/command args` sent to the bot in a private chat. */
export interface InboundCommand {
  chatId: string;
  fromId: string;
  fromUsername: string | null;
  messageId: number;
  command: string;
  args: string;
}

export type InboundUpdate =
  | { type: 'post'; post: InboundPost }
  | { type: 'command'; command: InboundCommand }
  /** Any other message in a group or channel: only its id matters (see the sender's probes). */
  | { type: 'seen'; chatId: string; messageId: number }
  | { type: 'ignored' };

/** `/start@MyBot abc` → { command: 'start', args: 'abc' }; null when the text is not a command. */
export function parseCommand(text: string, botUsername?: string): { command: string; args: string } | null {
  const m = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{3,64}))?(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!m) return null;
  if (m[2] !== undefined && botUsername !== undefined && m[2].toLowerCase() !== botUsername.toLowerCase()) {
    return null;
  }
  return { command: m[1]!.toLowerCase(), args: (m[3] ?? '').trim() };
}

const textOf = (m: Message) => m.text ?? m.caption ?? '';

function post(m: Message, edited: boolean): InboundPost {
  return {
    chatId: String(m.chat.id),
    messageId: m.message_id,
    text: textOf(m),
    replyToMessageId: m.reply_to_message?.message_id ?? null,
    editDate: edited ? (m.edit_date ?? m.date) : null,
    date: m.date,
    via: 'bot',
  };
}

/**
 * What a Bot API update means to us. Channel posts and their edits, and messages in groups, are
 * candidate signals (the caller checks the chat is a configured source); commands count only in
 * private chats.
 */
export function fromBotUpdate(update: Update, botUsername?: string): InboundUpdate {
  if (update.channel_post) return { type: 'post', post: post(update.channel_post, false) };
  if (update.edited_channel_post) return { type: 'post', post: post(update.edited_channel_post, true) };
  const edited = update.edited_message;
  if (edited && edited.chat.type !== 'private') return { type: 'post', post: post(edited, true) };
  const m = update.message;
  if (!m) return { type: 'ignored' };
  if (m.chat.type === 'private') {
    const cmd = m.text === undefined ? null : parseCommand(m.text, botUsername);
    if (!cmd || !m.from) return { type: 'ignored' };
    return {
      type: 'command',
      command: {
        chatId: String(m.chat.id),
        fromId: String(m.from.id),
        fromUsername: m.from.username ?? null,
        messageId: m.message_id,
        ...cmd,
      },
    };
  }
  if (textOf(m) === '') return { type: 'seen', chatId: String(m.chat.id), messageId: m.message_id };
  return { type: 'post', post: post(m, false) };
}

/** The parts of a GramJS `Api.Message` we read (kept structural, so no GramJS import is needed here). */
export interface GramJsMessageLike {
  id: number;
  message?: string;
  date?: number;
  editDate?: number | null;
  peerId?: { className: string; channelId?: unknown; chatId?: unknown; userId?: unknown };
  replyTo?: { replyToMsgId?: number | null; replyToPeerId?: unknown } | null;
}

/** The Bot API id of a GramJS peer: channels and supergroups `-100<id>`, basic groups `-<id>`, users `<id>`. */
export function chatIdOfPeer(peer: GramJsMessageLike['peerId']): string | null {
  if (!peer) return null;
  switch (peer.className) {
    case 'PeerChannel':
      return `-100${String(peer.channelId)}`;
    case 'PeerChat':
      return `-${String(peer.chatId)}`;
    case 'PeerUser':
      return String(peer.userId);
    default:
      return null;
  }
}

/**
 * A GramJS `NewMessageEvent` / `EditedMessageEvent` (anything with a `.message`) as an inbound post.
 * A reply to a message in another chat (`replyToPeerId` set) is not a reply here.
 */
export function fromGramJsEvent(event: { message?: GramJsMessageLike }, edited: boolean): InboundPost | null {
  const m = event.message;
  if (!m || typeof m.id !== 'number') return null;
  const chatId = chatIdOfPeer(m.peerId);
  if (chatId === null) return null;
  const reply = m.replyTo;
  const replyTo =
    reply &&
    typeof reply.replyToMsgId === 'number' &&
    (reply.replyToPeerId === undefined || reply.replyToPeerId === null)
      ? reply.replyToMsgId
      : null;
  return {
    chatId,
    messageId: m.id,
    text: m.message ?? '',
    replyToMessageId: replyTo,
    editDate: edited ? (m.editDate ?? m.date ?? 0) : null,
    date: m.date ?? 0,
    via: 'user',
  };
}
