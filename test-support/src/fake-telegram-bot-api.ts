import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A sliding window: at most `limit` messages in `windowMs`. */
export interface FakeRateWindow {
  limit: number;
  windowMs: number;
}

export interface FakeTelegramLimits {
  /** Per group, supergroup or channel (Telegram: ~20 a minute). */
  group: FakeRateWindow;
  /** Per private chat (Telegram: ~1 a second). */
  private: FakeRateWindow;
  /** Over every chat (Telegram: ~30 a second). */
  global: FakeRateWindow;
}

export const FAKE_TELEGRAM_LIMITS: FakeTelegramLimits = {
  group: { limit: 20, windowMs: 60_000 },
  private: { limit: 1, windowMs: 1_000 },
  global: { limit: 30, windowMs: 1_000 },
};

export interface FakeTelegramOptions {
  token: string;
  botId?: number;
  botUsername?: string;
  /** Limits the fake enforces with 429s (`false`: none). */
  limits?: FakeTelegramLimits | false;
}

export type FakeChatType = 'private' | 'group' | 'supergroup' | 'channel';

export interface FakeChat {
  id: number;
  type: FakeChatType;
  title?: string;
  username?: string;
  first_name?: string;
}

export interface FakeUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  username?: string;
}

/** A message in a chat, as the fake keeps it. */
export interface FakeMessage {
  message_id: number;
  chatId: number;
  /** Sent by the bot through the API (only those can be edited by it). */
  fromBot: boolean;
  from?: FakeUser;
  /** Plain text (entities parsed out). */
  text: string;
  /** What the bot sent (HTML source), for "not modified" checks. */
  source: string;
  parseMode: string | null;
  replyTo: number | null;
  date: number;
  editDate: number | null;
  edits: number;
  service: boolean;
}

export interface FakeInviteLink {
  invite_link: string;
  chatId: number;
  name?: string;
  member_limit?: number;
  expire_date?: number;
  uses: number;
}

export interface FakeCall {
  method: string;
  params: Record<string, unknown>;
  /** HTTP status answered (0: no answer was given — a swallowed request). */
  status: number;
  errorCode?: number;
  at: number;
}

type Fault =
  | { kind: 'rate_limit'; retryAfter: number; methods: Set<string> }
  | { kind: 'error'; code: number; description: string; methods: Set<string> }
  | { kind: 'swallow'; execute: boolean; methods: Set<string> };

interface Waiter {
  res: http.ServerResponse;
  limit: number;
  allowed: string[] | null;
  timer: NodeJS.Timeout;
}

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: Record<string, unknown>,
  ) {
    super(description);
  }
}

const SUPPORTED_TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'span',
  'tg-spoiler',
  'a',
  'code',
  'pre',
  'blockquote',
  'tg-emoji',
]);

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

/**
 * Parses Telegram's HTML parse mode the way the Bot API checks it: only the supported tags, properly
 * nested and closed, and only `&lt; &gt; &amp; &quot;` and numeric entities. Returns the plain text or
 * the error Telegram would give ("can't parse entities: …").
 */
export function parseTelegramHtml(html: string): { ok: true; text: string } | { ok: false; error: string } {
  let text = '';
  const stack: string[] = [];
  let k = 0;
  const offset = (n: number) => Buffer.byteLength(html.slice(0, n));
  while (k < html.length) {
    const c = html[k]!;
    if (c === '<') {
      const m =
        /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?)*)\s*>/.exec(
          html.slice(k),
        );
      if (!m) return { ok: false, error: `Unexpected character '<' at byte offset ${offset(k)}` };
      const name = m[2]!.toLowerCase();
      if (!SUPPORTED_TAGS.has(name)) {
        return {
          ok: false,
          error: `Unsupported ${m[1] ? 'end' : 'start'} tag "${name}" at byte offset ${offset(k)}`,
        };
      }
      if (m[1]) {
        const open = stack.pop();
        if (open !== name) {
          return {
            ok: false,
            error:
              open === undefined
                ? `Unexpected end tag at byte offset ${offset(k)}`
                : `Can't find end tag corresponding to start tag "${open}"`,
          };
        }
      } else {
        if (name === 'span' && !/class\s*=\s*["']?tg-spoiler/.test(m[3] ?? '')) {
          return { ok: false, error: `Tag "span" must have class "tg-spoiler" at byte offset ${offset(k)}` };
        }
        stack.push(name);
      }
      k += m[0].length;
      continue;
    }
    if (c === '&') {
      const m = /^&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{1,10});/.exec(html.slice(k));
      if (!m)
        return { ok: false, error: `Character '&' must be escaped as &amp; at byte offset ${offset(k)}` };
      const name = m[1]!;
      let decoded: string | undefined;
      if (name.startsWith('#x') || name.startsWith('#X'))
        decoded = safeCodePoint(parseInt(name.slice(2), 16));
      else if (name.startsWith('#')) decoded = safeCodePoint(parseInt(name.slice(1), 10));
      else decoded = NAMED_ENTITIES[name.toLowerCase()];
      if (decoded === undefined) {
        return { ok: false, error: `Unsupported HTML entity "&${name};" at byte offset ${offset(k)}` };
      }
      text += decoded;
      k += m[0].length;
      continue;
    }
    text += c;
    k += 1;
  }
  const open = stack.pop();
  if (open !== undefined)
    return { ok: false, error: `Can't find end tag corresponding to start tag "${open}"` };
  return { ok: true, text };
}

function safeCodePoint(n: number): string | undefined {
  return Number.isInteger(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : undefined;
}

const isGroupId = (id: number) => id < 0;

/**
 * A Telegram Bot API server on 127.0.0.1 for grammY (`client: { apiRoot: fake.url }`): `/bot<token>/<method>`
 * with JSON, form or query parameters, answering `{ok, result}` or `{ok:false, error_code, description,
 * parameters}` like Telegram.
 *
 * - Updates: `getUpdates` with long polling (timeout, offset confirmation, limit, allowed_updates; a
 *   second concurrent poll terminates the first with 409 like Telegram), `setWebhook`/`deleteWebhook`.
 *   Scripted with `postToChannel`, `editChannelPost`, `userSays`, `postInGroup`.
 * - Messages: `sendMessage` (HTML validated like Telegram, replies by `reply_parameters` or
 *   `reply_to_message_id`, 4096-character limit), `editMessageText` (only the bot's own messages; the
 *   same content answers "message is not modified"), per-chat stores with sequential message ids.
 * - Groups: `createChatInviteLink` (member_limit), `banChatMember`/`unbanChatMember`, `getChat`,
 *   `getChatMember`, members joining by invite link (`join`).
 * - Limits: sends beyond the configured windows get 429 with `retry_after` (counted in
 *   `limitViolations`); faults on demand: `rateLimitNext`, `failNext`, `swallowNext` (no answer ever,
 *   with or without doing the work — an unknown outcome for the client).
 */
export class FakeTelegramBotApi {
  url = '';
  readonly calls: FakeCall[] = [];
  readonly bot: FakeUser;
  /** 429s the fake sent because a configured limit was exceeded (faults excluded). */
  limitViolations = 0;
  /** 429s sent because a test asked for them. */
  injectedRateLimits = 0;
  readonly inviteLinks: FakeInviteLink[] = [];
  webhook: { url: string; secretToken: string | null } | null = null;

  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly chats = new Map<number, FakeChat>();
  private readonly store = new Map<number, FakeMessage[]>();
  private readonly nextId = new Map<number, number>();
  private readonly members = new Map<number, Set<number>>();
  private readonly banned = new Map<number, Set<number>>();
  private readonly blockedBy = new Set<number>();
  private readonly users = new Map<number, FakeUser>();
  private updates: { update_id: number; [k: string]: unknown }[] = [];
  private updateSeq = 100;
  private waiter: Waiter | null = null;
  private readonly faults: Fault[] = [];
  private readonly heldResponses = new Set<http.ServerResponse>();
  private readonly sentTimes = new Map<number, number[]>();
  private readonly allTimes: number[] = [];
  private readonly limits: FakeTelegramLimits | false;

  constructor(private readonly options: FakeTelegramOptions) {
    this.bot = {
      id: options.botId ?? 7_000_001,
      is_bot: true,
      first_name: 'Verzek Test Bot',
      username: options.botUsername ?? 'verzek_test_bot',
    };
    this.limits = options.limits === undefined ? FAKE_TELEGRAM_LIMITS : options.limits;
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (this.waiter) clearTimeout(this.waiter.timer);
    this.waiter = null;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ----- chats, users, members -------------------------------------------------------------------

  addChat(chat: FakeChat): FakeChat {
    this.chats.set(chat.id, chat);
    return chat;
  }

  addChannel(id: number, title = `channel ${id}`): FakeChat {
    return this.addChat({ id, type: 'channel', title });
  }

  addGroup(id: number, title = `group ${id}`): FakeChat {
    return this.addChat({ id, type: 'supergroup', title });
  }

  addUser(id: number, username?: string): FakeUser {
    const user: FakeUser = { id, is_bot: false, first_name: username ?? `user${id}`, username };
    this.users.set(id, user);
    if (!this.chats.has(id)) this.addChat({ id, type: 'private', first_name: user.first_name, username });
    return user;
  }

  /** The user blocks the bot: sends to them answer 403. */
  blockBot(userId: number): void {
    this.blockedBy.add(userId);
  }

  /** Every message in a chat (the bot's and others'), in order. */
  messages(chatId: number | string): FakeMessage[] {
    return [...(this.store.get(Number(chatId)) ?? [])];
  }

  /** Messages the bot posted in a chat, in order. */
  sent(chatId: number | string): FakeMessage[] {
    return this.messages(chatId).filter((m) => m.fromBot);
  }

  message(chatId: number | string, messageId: number): FakeMessage | undefined {
    return this.store.get(Number(chatId))?.find((m) => m.message_id === messageId);
  }

  isMember(chatId: number | string, userId: number): boolean {
    return this.members.get(Number(chatId))?.has(userId) ?? false;
  }

  isBanned(chatId: number | string, userId: number): boolean {
    return this.banned.get(Number(chatId))?.has(userId) ?? false;
  }

  /**
   * A user joins a group, by an invite link if given (single-use links run out; banned users can't
   * join). Posts the "joined" service message, which takes a message id like in Telegram.
   */
  join(chatId: number | string, userId: number, inviteLink?: string): void {
    const id = Number(chatId);
    if (this.isBanned(id, userId)) throw new Error(`user ${userId} is banned from ${id}`);
    if (inviteLink !== undefined) {
      const link = this.inviteLinks.find((l) => l.invite_link === inviteLink && l.chatId === id);
      if (!link) throw new Error(`no invite link ${inviteLink} for ${id}`);
      if (link.member_limit !== undefined && link.uses >= link.member_limit) {
        throw new Error(`invite link ${inviteLink} is used up`);
      }
      link.uses += 1;
    }
    this.memberSet(id).add(userId);
    this.addMessage(id, { fromBot: false, from: this.users.get(userId), text: '', service: true });
  }

  // ----- scripted updates ------------------------------------------------------------------------

  /** A new post in a channel (delivered as `channel_post`). */
  postToChannel(chatId: number, text: string, options: { replyTo?: number } = {}): FakeMessage {
    if (!this.chats.has(chatId)) this.addChannel(chatId);
    const m = this.addMessage(chatId, {
      fromBot: false,
      text,
      replyTo: options.replyTo ?? null,
      service: false,
    });
    this.pushUpdate({ channel_post: this.messageJson(m) });
    return m;
  }

  /** An edit of a channel post (delivered as `edited_channel_post`). */
  editChannelPost(chatId: number, messageId: number, text: string): FakeMessage {
    const m = this.message(chatId, messageId);
    if (!m) throw new Error(`no message ${messageId} in ${chatId}`);
    m.text = text;
    m.source = text;
    m.edits += 1;
    m.editDate = Math.floor(Date.now() / 1000) + m.edits;
    this.pushUpdate({ edited_channel_post: this.messageJson(m) });
    return m;
  }

  /** A user writes to the bot in private (delivered as `message`, with a bot_command entity for /commands). */
  userSays(userId: number, text: string): FakeMessage {
    const user = this.users.get(userId) ?? this.addUser(userId);
    this.blockedBy.delete(userId);
    const m = this.addMessage(userId, { fromBot: false, from: user, text, service: false });
    this.pushUpdate({ message: this.messageJson(m) });
    return m;
  }

  /** Someone writes in a group (delivered as `message`). */
  postInGroup(chatId: number, userId: number, text: string): FakeMessage {
    const user = this.users.get(userId) ?? this.addUser(userId);
    const m = this.addMessage(chatId, { fromBot: false, from: user, text, service: false });
    this.pushUpdate({ message: this.messageJson(m) });
    return m;
  }

  /** Any raw update object (an update_id is added). */
  pushUpdate(update: Record<string, unknown>): number {
    this.updateSeq += 1;
    this.updates.push({ update_id: this.updateSeq, ...update });
    this.wakeWaiter();
    return this.updateSeq;
  }

  /** Updates not yet confirmed by an offset. */
  get pendingUpdates(): number {
    return this.updates.length;
  }

  // ----- faults ----------------------------------------------------------------------------------

  /** The next `count` calls of these methods answer 429 with `retry_after` seconds. */
  rateLimitNext(count: number, retryAfter = 1, methods: readonly string[] = ['sendMessage']): void {
    for (let k = 0; k < count; k++) {
      this.faults.push({ kind: 'rate_limit', retryAfter, methods: lower(methods) });
    }
  }

  /** The next `count` calls of these methods answer an error (e.g. 500, or 400 with a description). */
  failNext(
    count: number,
    code = 500,
    description = 'Internal Server Error',
    methods: readonly string[] = ['sendMessage'],
  ): void {
    for (let k = 0; k < count; k++)
      this.faults.push({ kind: 'error', code, description, methods: lower(methods) });
  }

  /**
   * The next `count` calls of these methods are never answered (the connection is held until the
   * client gives up). With `execute`, the work is done first (the message is posted): the client
   * cannot tell the two apart — an unknown outcome.
   */
  swallowNext(count: number, options: { execute: boolean; methods?: readonly string[] }): void {
    for (let k = 0; k < count; k++) {
      this.faults.push({
        kind: 'swallow',
        execute: options.execute,
        methods: lower(options.methods ?? ['sendMessage']),
      });
    }
  }

  heal(): void {
    this.faults.length = 0;
  }

  callsTo(method: string): FakeCall[] {
    return this.calls.filter((c) => c.method.toLowerCase() === method.toLowerCase());
  }

  // ----- HTTP ------------------------------------------------------------------------------------

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (!m) return this.reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    if (m[1] !== this.options.token) {
      return this.reply(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    }
    const method = m[2]!;
    let params: Record<string, unknown>;
    try {
      params = this.params(url, req.headers['content-type'] ?? '', Buffer.concat(chunks).toString('utf8'));
    } catch {
      return this.reply(res, 400, { ok: false, error_code: 400, description: 'Bad Request: invalid body' });
    }
    const call: FakeCall = { method, params, status: 0, at: Date.now() };
    this.calls.push(call);

    const fault = this.takeFault(method);
    if (fault?.kind === 'swallow') {
      if (fault.execute) {
        try {
          this.dispatch(method.toLowerCase(), params, res);
        } catch {
          /* the work failed: the client never hears about it either way */
        }
      }
      this.hold(res);
      return;
    }
    if (fault?.kind === 'rate_limit') {
      this.injectedRateLimits += 1;
      return this.fail(
        res,
        call,
        new ApiError(429, `Too Many Requests: retry after ${fault.retryAfter}`, {
          retry_after: fault.retryAfter,
        }),
      );
    }
    if (fault?.kind === 'error') return this.fail(res, call, new ApiError(fault.code, fault.description));

    try {
      const result = this.dispatch(method.toLowerCase(), params, res);
      if (result === HELD) return;
      call.status = 200;
      this.reply(res, 200, { ok: true, result });
    } catch (err) {
      if (err instanceof ApiError) return this.fail(res, call, err);
      throw err;
    }
  }

  private fail(res: http.ServerResponse, call: FakeCall, err: ApiError): void {
    call.status = err.code;
    call.errorCode = err.code;
    this.reply(res, err.code, {
      ok: false,
      error_code: err.code,
      description: err.description,
      ...(err.parameters ? { parameters: err.parameters } : {}),
    });
  }

  private reply(res: http.ServerResponse, status: number, body: unknown): void {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  /** Never answers; the socket is destroyed when the client gives up or the fake stops. */
  private hold(res: http.ServerResponse): void {
    this.heldResponses.add(res);
    res.on('close', () => this.heldResponses.delete(res));
  }

  private params(url: URL, contentType: string, raw: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of url.searchParams) out[k] = jsonish(v);
    if (raw.trim() === '') return out;
    if (contentType.includes('application/json'))
      return { ...out, ...(JSON.parse(raw) as Record<string, unknown>) };
    if (contentType.includes('application/x-www-form-urlencoded')) {
      for (const [k, v] of new URLSearchParams(raw)) out[k] = jsonish(v);
      return out;
    }
    throw new Error('unsupported body');
  }

  private takeFault(method: string): Fault | undefined {
    const k = this.faults.findIndex((f) => f.methods.has(method.toLowerCase()));
    if (k < 0) return undefined;
    return this.faults.splice(k, 1)[0];
  }

  // ----- methods ---------------------------------------------------------------------------------

  private dispatch(method: string, p: Record<string, unknown>, res: http.ServerResponse): unknown {
    switch (method) {
      case 'getme':
        return {
          ...this.bot,
          can_join_groups: true,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
        };
      case 'getupdates':
        return this.getUpdates(p, res);
      case 'setwebhook':
        this.webhook = {
          url: String(p.url ?? ''),
          secretToken: p.secret_token === undefined ? null : String(p.secret_token),
        };
        return true;
      case 'deletewebhook':
        this.webhook = null;
        if (p.drop_pending_updates === true) this.updates = [];
        return true;
      case 'getwebhookinfo':
        return {
          url: this.webhook?.url ?? '',
          has_custom_certificate: false,
          pending_update_count: this.updates.length,
        };
      case 'setmycommands':
      case 'deletemycommands':
      case 'answercallbackquery':
        return true;
      case 'sendmessage':
        return this.sendMessage(p);
      case 'editmessagetext':
        return this.editMessageText(p);
      case 'createchatinvitelink':
        return this.createInviteLink(p);
      case 'banchatmember':
        return this.ban(p);
      case 'unbanchatmember':
        return this.unban(p);
      case 'getchat': {
        const chat = this.chatOf(p.chat_id);
        return { ...chat, accent_color_id: 0, max_reaction_count: 11 };
      }
      case 'getchatmember': {
        const chat = this.chatOf(p.chat_id);
        const userId = Number(p.user_id);
        const user = this.users.get(userId) ?? { id: userId, is_bot: false, first_name: `user${userId}` };
        const status = this.isBanned(chat.id, userId)
          ? 'kicked'
          : this.isMember(chat.id, userId)
            ? 'member'
            : 'left';
        return status === 'kicked' ? { status, user, until_date: 0 } : { status, user };
      }
      default:
        throw new ApiError(404, 'Not Found');
    }
  }

  private getUpdates(p: Record<string, unknown>, res: http.ServerResponse): unknown {
    if (this.webhook) {
      throw new ApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    const offset = p.offset === undefined ? undefined : Number(p.offset);
    if (offset !== undefined && offset > 0) this.updates = this.updates.filter((u) => u.update_id >= offset);
    const limit = Math.max(1, Math.min(100, Number(p.limit ?? 100)));
    const timeout = Math.max(0, Number(p.timeout ?? 0));
    const allowed =
      Array.isArray(p.allowed_updates) && p.allowed_updates.length > 0
        ? (p.allowed_updates as string[])
        : null;
    if (this.waiter) {
      // Like Telegram: the newer poll wins, the older one is told so.
      const old = this.waiter;
      this.waiter = null;
      clearTimeout(old.timer);
      this.reply(old.res, 409, {
        ok: false,
        error_code: 409,
        description:
          'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
      });
    }
    const ready = this.visible(allowed).slice(0, limit);
    if (ready.length > 0 || timeout === 0) return ready;
    const waiter: Waiter = {
      res,
      limit,
      allowed,
      timer: setTimeout(() => this.answerWaiter(waiter), timeout * 1000),
    };
    this.waiter = waiter;
    res.on('close', () => {
      if (this.waiter === waiter) {
        clearTimeout(waiter.timer);
        this.waiter = null;
      }
    });
    return HELD;
  }

  private visible(allowed: string[] | null) {
    return this.updates.filter((u) => {
      const type = Object.keys(u).find((k) => k !== 'update_id')!;
      return allowed ? allowed.includes(type) : type !== 'chat_member';
    });
  }

  private wakeWaiter(): void {
    const w = this.waiter;
    if (w && this.visible(w.allowed).length > 0) this.answerWaiter(w);
  }

  private answerWaiter(w: Waiter): void {
    if (this.waiter !== w) return;
    this.waiter = null;
    clearTimeout(w.timer);
    const call = [...this.calls]
      .reverse()
      .find((c) => c.method.toLowerCase() === 'getupdates' && c.status === 0);
    if (call) call.status = 200;
    this.reply(w.res, 200, { ok: true, result: this.visible(w.allowed).slice(0, w.limit) });
  }

  private chatOf(chatId: unknown): FakeChat {
    const id =
      typeof chatId === 'string' && chatId.startsWith('@')
        ? [...this.chats.values()].find((c) => `@${c.username}` === chatId)?.id
        : Number(chatId);
    const chat = id === undefined ? undefined : this.chats.get(id);
    if (!chat) throw new ApiError(400, 'Bad Request: chat not found');
    return chat;
  }

  private checkLimits(chat: FakeChat): void {
    if (!this.limits) return;
    const now = Date.now();
    const chatWindow = isGroupId(chat.id) ? this.limits.group : this.limits.private;
    const times = this.sentTimes.get(chat.id) ?? [];
    prune(times, now - chatWindow.windowMs);
    prune(this.allTimes, now - this.limits.global.windowMs);
    let retry = 0;
    if (times.length >= chatWindow.limit)
      retry = Math.max(retry, times[times.length - chatWindow.limit]! + chatWindow.windowMs - now);
    if (this.allTimes.length >= this.limits.global.limit) {
      retry = Math.max(
        retry,
        this.allTimes[this.allTimes.length - this.limits.global.limit]! + this.limits.global.windowMs - now,
      );
    }
    if (retry > 0) {
      this.limitViolations += 1;
      const seconds = Math.max(1, Math.ceil(retry / 1000));
      throw new ApiError(429, `Too Many Requests: retry after ${seconds}`, { retry_after: seconds });
    }
    times.push(now);
    this.sentTimes.set(chat.id, times);
    this.allTimes.push(now);
  }

  private checkHtml(p: Record<string, unknown>): { text: string; source: string; parseMode: string | null } {
    const source = typeof p.text === 'string' ? p.text : p.text === undefined ? '' : String(p.text);
    const parseMode = typeof p.parse_mode === 'string' ? p.parse_mode : null;
    let text = source;
    if (parseMode !== null && parseMode.toLowerCase() === 'html') {
      const parsed = parseTelegramHtml(source);
      if (!parsed.ok) throw new ApiError(400, `Bad Request: can't parse entities: ${parsed.error}`);
      text = parsed.text;
    } else if (parseMode !== null) {
      throw new ApiError(400, `Bad Request: unsupported parse_mode ${parseMode} in this fake`);
    }
    if (text.trim() === '') throw new ApiError(400, 'Bad Request: message text is empty');
    if (text.length > 4096) throw new ApiError(400, 'Bad Request: message is too long');
    return { text, source, parseMode };
  }

  private sendMessage(p: Record<string, unknown>): unknown {
    const chat = this.chatOf(p.chat_id);
    if (chat.type === 'private' && this.blockedBy.has(chat.id))
      throw new ApiError(403, 'Forbidden: bot was blocked by the user');
    const body = this.checkHtml(p);
    const rp = (p.reply_parameters ?? null) as {
      message_id?: unknown;
      allow_sending_without_reply?: unknown;
    } | null;
    const replyId = rp?.message_id ?? p.reply_to_message_id;
    const allowWithout = rp?.allow_sending_without_reply === true || p.allow_sending_without_reply === true;
    let replyTo: number | null = null;
    if (replyId !== undefined && replyId !== null) {
      const target = this.message(chat.id, Number(replyId));
      if (!target && !allowWithout) throw new ApiError(400, 'Bad Request: message to be replied not found');
      replyTo = target ? target.message_id : null;
    }
    this.checkLimits(chat);
    const m = this.addMessage(chat.id, { fromBot: true, from: this.bot, ...body, replyTo, service: false });
    return this.messageJson(m);
  }

  private editMessageText(p: Record<string, unknown>): unknown {
    const chat = this.chatOf(p.chat_id);
    const m = this.message(chat.id, Number(p.message_id));
    if (!m) throw new ApiError(400, 'Bad Request: message to edit not found');
    if (!m.fromBot || m.service) throw new ApiError(400, "Bad Request: message can't be edited");
    const body = this.checkHtml(p);
    if (body.source === m.source && body.parseMode === m.parseMode) {
      throw new ApiError(
        400,
        'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      );
    }
    this.checkLimits(chat);
    Object.assign(m, body);
    m.edits += 1;
    m.editDate = Math.floor(Date.now() / 1000);
    return this.messageJson(m);
  }

  private createInviteLink(p: Record<string, unknown>): unknown {
    const chat = this.chatOf(p.chat_id);
    if (chat.type === 'private') throw new ApiError(400, 'Bad Request: chat not found');
    const limit = p.member_limit === undefined ? undefined : Number(p.member_limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 99_999)) {
      throw new ApiError(400, 'Bad Request: member limit must be between 1 and 99999');
    }
    const link: FakeInviteLink = {
      invite_link: `https://t.me/+${randomBytes(12).toString('base64url')}`,
      chatId: chat.id,
      name: p.name === undefined ? undefined : String(p.name),
      member_limit: limit,
      expire_date: p.expire_date === undefined ? undefined : Number(p.expire_date),
      uses: 0,
    };
    this.inviteLinks.push(link);
    return {
      invite_link: link.invite_link,
      creator: this.bot,
      creates_join_request: false,
      is_primary: false,
      is_revoked: false,
      ...(link.name === undefined ? {} : { name: link.name }),
      ...(link.expire_date === undefined ? {} : { expire_date: link.expire_date }),
      ...(limit === undefined ? {} : { member_limit: limit }),
    };
  }

  private ban(p: Record<string, unknown>): unknown {
    const chat = this.chatOf(p.chat_id);
    if (chat.type === 'private')
      throw new ApiError(400, "Bad Request: can't remove members in private chats");
    const userId = Number(p.user_id);
    if (!Number.isSafeInteger(userId)) throw new ApiError(400, 'Bad Request: invalid user_id specified');
    this.members.get(chat.id)?.delete(userId);
    this.bannedSet(chat.id).add(userId);
    if (this.users.has(userId)) {
      this.addMessage(chat.id, { fromBot: false, from: this.bot, text: '', service: true });
    }
    return true;
  }

  private unban(p: Record<string, unknown>): unknown {
    const chat = this.chatOf(p.chat_id);
    const userId = Number(p.user_id);
    const banned = this.bannedSet(chat.id);
    if (p.only_if_banned === true) {
      banned.delete(userId);
      return true;
    }
    // Without only_if_banned, Telegram also removes a current member (so they can rejoin).
    banned.delete(userId);
    this.members.get(chat.id)?.delete(userId);
    return true;
  }

  // ----- helpers ---------------------------------------------------------------------------------

  private memberSet(chatId: number): Set<number> {
    let s = this.members.get(chatId);
    if (!s) this.members.set(chatId, (s = new Set()));
    return s;
  }

  private bannedSet(chatId: number): Set<number> {
    let s = this.banned.get(chatId);
    if (!s) this.banned.set(chatId, (s = new Set()));
    return s;
  }

  private addMessage(
    chatId: number,
    m: {
      fromBot: boolean;
      from?: FakeUser;
      text: string;
      source?: string;
      parseMode?: string | null;
      replyTo?: number | null;
      service: boolean;
    },
  ): FakeMessage {
    const id = (this.nextId.get(chatId) ?? 0) + 1;
    this.nextId.set(chatId, id);
    const message: FakeMessage = {
      message_id: id,
      chatId,
      fromBot: m.fromBot,
      from: m.from,
      text: m.text,
      source: m.source ?? m.text,
      parseMode: m.parseMode ?? null,
      replyTo: m.replyTo ?? null,
      date: Math.floor(Date.now() / 1000),
      editDate: null,
      edits: 0,
      service: m.service,
    };
    let list = this.store.get(chatId);
    if (!list) this.store.set(chatId, (list = []));
    list.push(message);
    return message;
  }

  private messageJson(m: FakeMessage, nested = false): Record<string, unknown> {
    const chat = this.chats.get(m.chatId) ?? { id: m.chatId, type: 'private' };
    const out: Record<string, unknown> = {
      message_id: m.message_id,
      date: m.date,
      chat,
    };
    if (chat.type === 'channel') out.sender_chat = chat;
    else if (m.from) out.from = m.from;
    if (m.text !== '') out.text = m.text;
    if (m.text.startsWith('/')) {
      const len = /^\/\S+/.exec(m.text)![0].length;
      out.entities = [{ type: 'bot_command', offset: 0, length: len }];
    }
    if (m.editDate !== null) out.edit_date = m.editDate;
    if (m.replyTo !== null && !nested) {
      const target = this.message(m.chatId, m.replyTo);
      if (target) out.reply_to_message = this.messageJson(target, true);
    }
    return out;
  }
}

const HELD = Symbol('held');

function lower(methods: readonly string[]): Set<string> {
  return new Set(methods.map((m) => m.toLowerCase()));
}

function prune(times: number[], before: number): void {
  while (times.length > 0 && times[0]! <= before) times.shift();
}

/** Form values that carry JSON (objects, arrays, booleans, numbers) as Telegram reads them. */
function jsonish(v: string): unknown {
  if (/^[[{]/.test(v) || v === 'true' || v === 'false' || /^-?\d+$/.test(v)) {
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  }
  return v;
}
