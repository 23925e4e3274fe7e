import {
  bumpChatMessageId,
  findSignal,
  findSignalMessage,
  findUserById,
  insertNotification,
  insertOutbox,
  lastChatMessageId,
  listSignalEvents,
  moveOutbox,
  outboxHeads,
  outboxSentSince,
  recordSignalMessage,
  type Db,
  type OutboxStatus,
  type TelegramOutboxRow,
} from '@verzek/db';
import type { Clock, Logger } from '@verzek/platform';
import {
  RateLimiter,
  renderFollowUp,
  renderSignal,
  type BotTransport,
  type CallOutcome,
  type FollowUpKind,
  type RateSlot,
} from '@verzek/telegram';
import { Waker } from '../trading/waker';
import { signalCard } from './cards';
import { inviteMessage, messageRow, paidNow, type OutboxPayload } from './plan';
import type { TelegramSettings } from './settings';

/** Calls that post or change a message: they count against a chat's limit. */
const MESSAGE_METHODS = new Set(['sendMessage', 'editMessageText']);

/** Calls whose repetition is harmless: an unknown outcome is simply retried. */
const IDEMPOTENT = new Set(['editMessageText', 'banChatMember', 'unbanChatMember', 'createChatInviteLink']);

const NOT_MODIFIED = /message is not modified/i;

type Prepared = { params: Record<string, unknown>; payload: OutboxPayload } | { drop: string };

export interface SenderStats {
  sent: number;
  rateLimited: number;
  verifiedDelivered: number;
  verifiedMissing: number;
  dropped: number;
  failed: number;
}

/**
 * Delivers the outbox. One sender runs in the cluster (the Telegram runtime's lease); within it,
 * each queue (a chat's messages, or its member operations) has at most one call in flight and goes
 * in (not_before, id) order, so a group sees its signals in order and a reply after its original.
 *
 * Nothing is sent twice:
 * - a row is moved to `sending` (with the exact text it will send) before the call and to `sent`
 *   with Telegram's message id after it, in the transaction that also records what it became;
 * - a 429, a 4xx and a connection that was never made are certain: the row goes back to `pending`
 *   (after `retry_after`) or is `failed`;
 * - a timeout, a lost connection or a 5xx leave the outcome unknown. Idempotent calls (edits,
 *   bans, invite links) are retried. A sendMessage is marked `unknown` and, after a delay, looked
 *   for: the message ids after the chat's last known one are edited with the very same text — only a
 *   message of ours with exactly that content answers "message is not modified". Found: it is
 *   recorded as sent. Not found: it was not delivered and is sent again. With no known message id
 *   in the chat to look near, it is not re-sent; it fails and admins are told.
 * - A row found in `sending` by a new sender (its process died mid-call) is treated the same way.
 */
export class OutboxSender {
  readonly stats: SenderStats = {
    sent: 0,
    rateLimited: 0,
    verifiedDelivered: 0,
    verifiedMissing: 0,
    dropped: 0,
    failed: 0,
  };
  private readonly limiter: RateLimiter;
  private readonly waker = new Waker();
  private readonly inFlight = new Map<string, Promise<void>>();
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly deps: {
      db: Db;
      clock: Clock;
      logger: Logger;
      settings: TelegramSettings;
      transport: BotTransport;
    },
  ) {
    this.limiter = new RateLimiter(deps.settings.limits);
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.stopped = false;
    // What was sent just before a restart still counts against the limits.
    const windowMs = Math.max(...Object.values(this.deps.settings.limits).map((w) => w.windowMs));
    const recent = await outboxSentSince(this.deps.db, Date.now() - windowMs);
    const byChat = new Map<string, { message: number[]; other: number[] }>();
    for (const r of recent) {
      if (r.sent_wall_at === null) continue;
      const e = byChat.get(r.chat_id) ?? { message: [], other: [] };
      (MESSAGE_METHODS.has(r.method) ? e.message : e.other).push(r.sent_wall_at);
      byChat.set(r.chat_id, e);
    }
    for (const [chat, e] of byChat) {
      this.limiter.seed(chat, e.message, true);
      this.limiter.seed(chat, e.other, false);
    }
    this.running = this.loop();
  }

  kick(): void {
    this.waker.kick();
  }

  /** Stops taking rows and waits for the calls in flight (each bounded by the request timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.waker.kick();
    await this.running;
    await Promise.all(this.inFlight.values());
    this.running = null;
  }

  private async loop(): Promise<void> {
    const { settings, logger } = this.deps;
    while (!this.stopped) {
      let sleep = settings.idleMs;
      try {
        sleep = Math.min(sleep, await this.dispatch());
      } catch (err) {
        logger.error({ err }, 'telegram: outbox pass failed; retrying');
        sleep = 1000;
      }
      if (!this.stopped) await this.waker.sleep(Math.max(5, sleep));
    }
  }

  /** Starts what may start now; returns how long until something else may. */
  private async dispatch(): Promise<number> {
    const { db, clock, settings } = this.deps;
    let next = settings.idleMs;
    const heads = await outboxHeads(db, 1000);
    for (const row of heads) {
      if (this.stopped || this.inFlight.size >= settings.concurrency) break;
      if (this.inFlight.has(row.queue)) continue;
      const wall = Date.now();
      if (row.status === 'sending') {
        await this.orphaned(row);
        next = 0;
        continue;
      }
      if (row.not_before > clock.now()) continue;
      if (row.wait_until > wall) {
        next = Math.min(next, row.wait_until - wall);
        continue;
      }
      if (row.status === 'pending' && row.expires_at !== null && clock.now() > row.expires_at) {
        await this.drop(row, 'stale: not sent in time');
        next = 0;
        continue;
      }
      const message = MESSAGE_METHODS.has(row.method);
      const wait = this.limiter.waitMs(row.chat_id, wall, message);
      if (wait > 0) {
        next = Math.min(next, wait);
        continue;
      }
      const slot = this.limiter.acquire(row.chat_id, message);
      const work = (row.status === 'unknown' ? this.verify(row, slot) : this.deliver(row, slot))
        .catch((err: unknown) => {
          slot.done(Date.now());
          this.deps.logger.error({ err, idem: row.idem_key }, 'telegram: delivery failed unexpectedly');
        })
        .finally(() => {
          this.inFlight.delete(row.queue);
          this.waker.kick();
        });
      this.inFlight.set(row.queue, work);
    }
    return next;
  }

  /** A row left in `sending` by a process that died mid-call. */
  private async orphaned(row: TelegramOutboxRow): Promise<void> {
    const now = this.deps.clock.now();
    const unknown = !IDEMPOTENT.has(row.method);
    const moved = await moveOutbox(this.deps.db, row.id, ['sending'], unknown ? 'unknown' : 'pending', {
      wait_until: Date.now() + (unknown ? this.deps.settings.verifyDelayMs : 0),
      last_error: 'the sender stopped during the call',
      updated_at: now,
    });
    if (!moved) return; // it finished meanwhile
    this.deps.logger.warn(
      { idem: row.idem_key, chat: row.chat_id, method: row.method },
      unknown
        ? 'telegram: a send was interrupted; it will be looked for before anything is sent again'
        : 'telegram: a call was interrupted; it will be repeated',
    );
  }

  private async drop(row: TelegramOutboxRow, reason: string): Promise<void> {
    if (
      await moveOutbox(this.deps.db, row.id, [row.status], 'dropped', {
        last_error: reason,
        updated_at: this.deps.clock.now(),
      })
    ) {
      this.stats.dropped += 1;
      this.deps.logger.warn(
        { idem: row.idem_key, chat: row.chat_id, kind: row.kind, reason },
        'telegram: message dropped',
      );
    }
  }

  /** The exact call for a row: rendered from the current signal where it depends on it. */
  private async prepare(row: TelegramOutboxRow): Promise<Prepared> {
    const { db } = this.deps;
    const payload = JSON.parse(row.payload) as OutboxPayload;
    // A sendMessage tried before keeps its text: a verification looks for exactly that.
    if (row.method === 'sendMessage' && payload.params !== undefined && payload.render === undefined) {
      return { params: { chat_id: row.chat_id, ...payload.params }, payload };
    }
    if (payload.render !== undefined) {
      const signal = row.signal_id === null ? undefined : await findSignal(db, row.signal_id);
      if (!signal) return { drop: 'the signal no longer exists' };
      const events = await listSignalEvents(db, signal.id);
      const card = signalCard(signal, events);
      const detail = payload.detail ?? 'full';
      if (row.method === 'editMessageText') {
        const messageId = await findSignalMessage(db, signal.id, row.chat_id);
        if (messageId === null) return { drop: 'the original message was never posted here' };
        const text = renderSignal(card, detail, { progress: true });
        return {
          params: {
            chat_id: row.chat_id,
            message_id: messageId,
            text,
            parse_mode: 'HTML',
            link_preview_options: { is_disabled: true },
          },
          payload,
        };
      }
      let text: string;
      if (payload.render === 'signal') {
        text = renderSignal(card, detail, { progress: true });
      } else {
        const event = events.find((e) => e.id === payload.eventId);
        if (!event) return { drop: 'the event no longer exists' };
        const data = JSON.parse(event.data) as { targets?: string[]; stop_loss?: string | null };
        text = renderFollowUp(
          card,
          {
            kind: event.kind as FollowUpKind,
            target: event.target,
            edit:
              event.kind === 'EDIT'
                ? { stopLoss: data.stop_loss ?? null, targets: data.targets ?? card.targets }
                : undefined,
          },
          detail,
        );
      }
      const params: Record<string, unknown> = {
        text,
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
      };
      if (payload.replyToSignal) {
        const original = await findSignalMessage(db, signal.id, row.chat_id);
        if (original !== null)
          params.reply_parameters = { message_id: original, allow_sending_without_reply: true };
      }
      // From now on the row is a fixed message (see above).
      const fixed: OutboxPayload = { ...payload, render: undefined, params };
      return { params: { chat_id: row.chat_id, ...params }, payload: fixed };
    }
    if (payload.onlyIfLapsed !== undefined) {
      const user = await findUserById(db, payload.onlyIfLapsed);
      if (user && paidNow(user, this.deps.clock.now())) return { drop: 'the plan was renewed meanwhile' };
    }
    return { params: { chat_id: row.chat_id, ...payload.params }, payload };
  }

  private async deliver(row: TelegramOutboxRow, slot: RateSlot): Promise<void> {
    const { db, clock, transport } = this.deps;
    const prepared = await this.prepare(row);
    if ('drop' in prepared) {
      slot.done(Date.now());
      await this.drop(row, prepared.drop);
      return;
    }
    const claimed = await moveOutbox(db, row.id, ['pending'], 'sending', {
      payload: JSON.stringify(prepared.payload),
      attempts: row.attempts + 1,
      updated_at: clock.now(),
    });
    if (!claimed) {
      slot.done(Date.now());
      return;
    }
    const outcome = await transport.call<unknown>(row.method, prepared.params);
    slot.done(Date.now());
    await this.settle({ ...row, attempts: row.attempts + 1 }, outcome);
  }

  private async settle(row: TelegramOutboxRow, outcome: CallOutcome): Promise<void> {
    const { logger, settings } = this.deps;
    const facts = { idem: row.idem_key, chat: row.chat_id, method: row.method, attempt: row.attempts };
    switch (outcome.kind) {
      case 'ok': {
        const messageId = messageIdOf(outcome.result);
        await this.sent(row, 'sending', messageId, outcome.result);
        return;
      }
      case 'rate_limited': {
        this.stats.rateLimited += 1;
        this.limiter.pause(row.chat_id, Date.now() + outcome.retryAfterSec * 1000);
        // Not an attempt: nothing happened.
        await this.back(row, 'pending', {
          attempts: row.attempts - 1,
          last_error: `429: ${outcome.description}`,
        });
        logger.info(
          { ...facts, retryAfterSec: outcome.retryAfterSec },
          'telegram: rate limited; waiting as told',
        );
        return;
      }
      case 'rejected': {
        if (row.method === 'editMessageText' && NOT_MODIFIED.test(outcome.description)) {
          await this.sent(row, 'sending', null, null);
          return;
        }
        await this.fail(
          row,
          `${outcome.code}: ${outcome.description}${outcome.migrateToChatId ? ` (the group is now ${outcome.migrateToChatId}: update the chat id)` : ''}`,
          'sending',
        );
        return;
      }
      case 'not_sent':
        if (row.attempts >= settings.maxAttempts) return this.fail(row, outcome.reason, 'sending');
        await this.back(row, 'pending', {
          wait_until: Date.now() + backoffMs(row.attempts),
          last_error: outcome.reason,
        });
        logger.warn({ ...facts, reason: outcome.reason }, 'telegram: Bot API unreachable; will retry');
        return;
      case 'unknown':
        if (IDEMPOTENT.has(row.method)) {
          if (row.attempts >= settings.maxAttempts) return this.fail(row, outcome.reason, 'sending');
          await this.back(row, 'pending', {
            wait_until: Date.now() + backoffMs(row.attempts),
            last_error: outcome.reason,
          });
          logger.warn(
            { ...facts, reason: outcome.reason },
            'telegram: call outcome unknown; repeating it (harmless)',
          );
          return;
        }
        await this.back(row, 'unknown', {
          wait_until: Date.now() + settings.verifyDelayMs,
          last_error: outcome.reason,
        });
        logger.warn(
          { ...facts, reason: outcome.reason },
          'telegram: send outcome unknown; it will be looked for before any resend',
        );
        return;
    }
  }

  private async back(
    row: TelegramOutboxRow,
    to: OutboxStatus,
    patch: { wait_until?: number; last_error: string; attempts?: number },
  ): Promise<void> {
    await moveOutbox(this.deps.db, row.id, ['sending', 'unknown'], to, {
      ...patch,
      updated_at: this.deps.clock.now(),
    });
  }

  private async fail(row: TelegramOutboxRow, reason: string, from: OutboxStatus): Promise<void> {
    const { db, clock, logger } = this.deps;
    const now = clock.now();
    const moved = await db.transaction().execute(async (trx) => {
      if (!(await moveOutbox(trx, row.id, [from], 'failed', { last_error: reason, updated_at: now })))
        return false;
      // Admins hear about group messages and access changes that failed (not about their own alerts).
      if (['signal', 'follow_up', 'report', 'invite', 'removal'].includes(row.kind)) {
        await insertNotification(trx, {
          audience: 'admin',
          userId: null,
          kind: 'telegram_delivery',
          text: `A Telegram ${row.kind} message to ${row.chat_id} was not delivered: ${reason}`,
          data: { outbox_id: row.id, idem_key: row.idem_key },
          at: now,
        });
      }
      return true;
    });
    if (moved) {
      this.stats.failed += 1;
      logger.error(
        { idem: row.idem_key, chat: row.chat_id, method: row.method, reason },
        'telegram: delivery failed',
      );
    }
  }

  /** Records a delivered row, and what it became, in one transaction. */
  private async sent(
    row: TelegramOutboxRow,
    from: OutboxStatus,
    messageId: number | null,
    result: unknown,
  ): Promise<void> {
    const { db, clock, settings } = this.deps;
    const now = clock.now();
    const moved = await db.transaction().execute(async (trx) => {
      const ok = await moveOutbox(trx, row.id, [from], 'sent', {
        message_id: messageId,
        result: result === null || result === true ? null : JSON.stringify(result),
        sent_wall_at: Date.now(),
        last_error: null,
        updated_at: now,
      });
      if (!ok) return false;
      if (messageId !== null) {
        await bumpChatMessageId(trx, row.chat_id, messageId, now);
        if (row.kind === 'signal' && row.signal_id !== null) {
          await recordSignalMessage(trx, {
            signalId: row.signal_id,
            chatId: row.chat_id,
            messageId,
            at: now,
          });
        }
      }
      if (row.kind === 'invite') {
        const payload = JSON.parse(row.payload) as OutboxPayload;
        const link = (result as { invite_link?: unknown } | null)?.invite_link;
        if (payload.inviteFor && typeof link === 'string') {
          await insertOutbox(trx, [
            messageRow(
              `invite-dm:${row.id}`,
              payload.inviteFor.chatId,
              'invite_dm',
              inviteMessage(link),
              now,
              settings.staleMs * 24,
            ),
          ]);
        }
      }
      return true;
    });
    if (moved) this.stats.sent += 1;
  }

  /**
   * Looks for a message whose send had an unknown outcome: edits the ids after the chat's last known
   * one with exactly the text that was sent. "Not modified" means it is there.
   */
  private async verify(row: TelegramOutboxRow, first: RateSlot): Promise<void> {
    const { db, clock, logger, settings, transport } = this.deps;
    const payload = JSON.parse(row.payload) as OutboxPayload;
    const params = payload.params ?? {};
    const last = await lastChatMessageId(db, row.chat_id);
    if (last === null) {
      first.done(Date.now());
      await this.fail(
        row,
        'outcome unknown and nothing to look near (no message id known in this chat): not re-sent, to avoid a duplicate',
        'unknown',
      );
      return;
    }
    let slot: RateSlot | null = first;
    for (let id = last + 1; id <= last + settings.verifyWindow && !this.stopped; id++) {
      slot ??= await this.waitForSlot(row.chat_id);
      const probe = await transport.call('editMessageText', {
        chat_id: row.chat_id,
        message_id: id,
        text: params.text,
        ...(params.parse_mode === undefined ? {} : { parse_mode: params.parse_mode }),
        ...(params.link_preview_options === undefined
          ? {}
          : { link_preview_options: params.link_preview_options }),
      });
      slot.done(Date.now());
      slot = null;
      if ((probe.kind === 'rejected' && NOT_MODIFIED.test(probe.description)) || probe.kind === 'ok') {
        this.stats.verifiedDelivered += 1;
        logger.info(
          { idem: row.idem_key, chat: row.chat_id, messageId: id },
          'telegram: the unknown send was delivered; not re-sending',
        );
        await this.sent(row, 'unknown', id, null);
        return;
      }
      if (probe.kind === 'rate_limited') {
        this.limiter.pause(row.chat_id, Date.now() + probe.retryAfterSec * 1000);
        await moveOutbox(db, row.id, ['unknown'], 'unknown', {
          wait_until: Date.now() + probe.retryAfterSec * 1000,
          updated_at: clock.now(),
        });
        return;
      }
      if (probe.kind !== 'rejected') {
        await moveOutbox(db, row.id, ['unknown'], 'unknown', {
          wait_until: Date.now() + settings.verifyDelayMs,
          updated_at: clock.now(),
        });
        return;
      }
    }
    if (this.stopped) return;
    this.stats.verifiedMissing += 1;
    if (row.attempts >= settings.maxAttempts)
      return this.fail(row, `not delivered after ${row.attempts} attempts`, 'unknown');
    await moveOutbox(db, row.id, ['unknown'], 'pending', {
      wait_until: 0,
      last_error: 'verified not delivered',
      updated_at: clock.now(),
    });
    logger.info(
      { idem: row.idem_key, chat: row.chat_id },
      'telegram: the unknown send was not delivered; sending it again',
    );
  }

  private async waitForSlot(chatId: string): Promise<RateSlot> {
    for (;;) {
      const wait = this.limiter.waitMs(chatId, Date.now(), true);
      if (wait === 0) return this.limiter.acquire(chatId, true);
      await new Promise((r) => setTimeout(r, Math.min(wait, 1000)));
    }
  }
}

function messageIdOf(result: unknown): number | null {
  const id = (result as { message_id?: unknown } | null)?.message_id;
  return typeof id === 'number' ? id : null;
}

function backoffMs(attempts: number): number {
  return Math.min(60_000, 500 * 2 ** Math.max(0, attempts - 1));
}
