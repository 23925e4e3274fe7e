import { dec, parseSignalText, type ParseResult, type ParsedUpdate } from '@verzek/core';
import {
  bumpChatMessageId,
  findSignalBySourceMessage,
  findSource,
  findTelegramApprovalByMessage,
  findTelegramChannelByChat,
  insertNotification,
  updateTelegramApproval,
  upsertTelegramApproval,
  type Db,
  type SignalRow,
  type SignalSourceRow,
  type TelegramChannelRow,
} from '@verzek/db';
import type { Logger } from '@verzek/platform';
import type { InboundPost } from '@verzek/telegram';
import type { AppContext } from '../context';
import { applyFollowUp } from '../trading/signals/follow-ups';
import { ingestSignal } from '../trading/signals/ingest';
import { isBroadcastChat, type TelegramSettings } from './settings';

export type PostOutcome =
  | { status: 'signal'; signalId: number; duplicate: boolean }
  | { status: 'follow_up'; signalId: number; duplicate: boolean }
  | { status: 'edited'; signalId: number }
  | { status: 'approval'; approvalId: number; reason: string }
  | { status: 'ignored'; reason: string };

export interface IngestContext {
  ctx: AppContext;
  settings: TelegramSettings;
  logger: Logger;
}

/** `<chat>:<message>`: a Telegram message's id as a signal's source_message_id. */
export const messageKey = (chatId: string, messageId: number) => `${chatId}:${messageId}`;

function words(json: string): string[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((w): w is string => typeof w === 'string' && w.trim() !== '') : [];
  } catch {
    return [];
  }
}

/** The keyword and spam filters of a channel: why a message is ignored, or null. */
export function filterReason(
  channel: Pick<TelegramChannelRow, 'keywords' | 'block_words'>,
  text: string,
): string | null {
  const lower = text.toLowerCase();
  const blocked = words(channel.block_words).find((w) => lower.includes(w.toLowerCase()));
  if (blocked !== undefined) return `contains the blocked word "${blocked}"`;
  const keywords = words(channel.keywords);
  if (keywords.length > 0 && !keywords.some((w) => lower.includes(w.toLowerCase())))
    return 'no keyword of the channel';
  return null;
}

/** The confidence a parse needs: the channel's, else the source's `min_confidence`, else the default. */
export function threshold(s: TelegramSettings, channel: TelegramChannelRow, source: SignalSourceRow): number {
  if (channel.min_confidence !== null) return channel.min_confidence;
  const fromSource = (JSON.parse(source.settings) as { min_confidence?: unknown }).min_confidence;
  return typeof fromSource === 'number' ? fromSource : s.minConfidence;
}

function tradeTypeOf(source: SignalSourceRow): 'FUTURES' | 'SPOT' {
  const t = (JSON.parse(source.settings) as { trade_type?: unknown }).trade_type;
  return t === 'SPOT' ? 'SPOT' : 'FUTURES';
}

/**
 * Where a follow-up belongs: the signal it replies to; else the source's latest open signal on the
 * pair it names, posted within the follow-up window; else, when it names no pair, the source's only
 * open signal in that window. Null: an admin decides.
 */
export async function linkFollowUp(
  db: Db,
  s: TelegramSettings,
  source: SignalSourceRow,
  post: InboundPost,
  update: ParsedUpdate,
  now: number,
): Promise<SignalRow | null> {
  if (post.replyToMessageId !== null) {
    const replied = await findSignalBySourceMessage(
      db,
      source.id,
      messageKey(post.chatId, post.replyToMessageId),
    );
    if (replied) return replied;
  }
  let q = db
    .selectFrom('signals')
    .selectAll()
    .where('source_id', '=', source.id)
    .where('status', '=', 'OPEN')
    .where('created_at', '>=', now - s.followUpWindowMs);
  if (update.symbol !== null) q = q.where('symbol', '=', update.symbol);
  const open = await q.orderBy('id', 'desc').limit(2).execute();
  if (update.symbol !== null) return open[0] ?? null;
  return open.length === 1 ? open[0]! : null;
}

function sameDecimal(a: string | number | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  return dec(String(a)).eq(dec(b));
}

/**
 * One message (or edit) from a chat: if the chat is a configured source, it goes through the parser
 * and becomes a signal, a follow-up, an edit of a signal, or an approval; anything else is ignored.
 * Every path is idempotent (Telegram re-delivers updates after a restart): signals and follow-ups by
 * the message key, edits by the edit's date, approvals by the message.
 */
export async function handleInboundPost(ic: IngestContext, post: InboundPost): Promise<PostOutcome> {
  const { ctx, settings, logger } = ic;
  const db = ctx.db;
  const now = ctx.clock.now();
  const channel = await findTelegramChannelByChat(db, post.chatId);
  if (!channel || channel.enabled !== 1) {
    // A group we post to: its message ids help verify sends with an unknown outcome.
    if (isBroadcastChat(settings, post.chatId)) await bumpChatMessageId(db, post.chatId, post.messageId, now);
    return { status: 'ignored', reason: 'not a source channel' };
  }
  const source = await findSource(db, channel.source_id);
  if (!source || source.enabled !== 1) return { status: 'ignored', reason: 'the source is disabled' };
  if (post.text.trim() === '') return { status: 'ignored', reason: 'no text' };
  const filtered = filterReason(channel, post.text);
  if (filtered !== null) {
    logger.debug(
      { chat: post.chatId, message: post.messageId, reason: filtered },
      'telegram: message filtered',
    );
    return { status: 'ignored', reason: filtered };
  }
  const parsed = parseSignalText(post.text);
  const key = messageKey(post.chatId, post.messageId);
  const min = threshold(settings, channel, source);
  const deps = { db, now, bus: ctx.bus, onQueued: () => ctx.workQueued(), metrics: ctx.metrics };

  if (post.editDate !== null) {
    const original = await findSignalBySourceMessage(db, source.id, key);
    if (original) return editSignal(ic, source, post, original, parsed);
    const waiting = await findTelegramApprovalByMessage(db, post.chatId, post.messageId);
    if (waiting) {
      if (waiting.status === 'PENDING' && parsed.kind !== 'none') {
        await updateTelegramApproval(db, waiting.id, {
          text: post.text,
          parsed: JSON.stringify(parsed),
          confidence: parsed.confidence,
          kind: parsed.kind,
          updated_at: now,
        });
      }
      return { status: 'approval', approvalId: waiting.id, reason: 'edited while waiting for approval' };
    }
    // An edit that turns a message into a signal or a follow-up is handled like a new message.
  }

  if (parsed.kind === 'signal' && parsed.signal) {
    if (parsed.confidence < min) {
      return queueApproval(
        ic,
        source,
        post,
        parsed,
        `confidence ${parsed.confidence.toFixed(2)} is below ${min}`,
      );
    }
    const r = await ingestSignal(deps, {
      source,
      signal: parsed.signal,
      tradeType: tradeTypeOf(source),
      confidence: parsed.confidence,
      duration: null,
      sourceMessageId: key,
      raw: post.text,
      createdBy: null,
    });
    if (r.status === 'duplicate') return { status: 'signal', signalId: r.signal?.id ?? 0, duplicate: true };
    logger.info(
      { chat: post.chatId, message: post.messageId, signal: r.signal.id, symbol: r.signal.symbol },
      'telegram: signal received',
    );
    return { status: 'signal', signalId: r.signal.id, duplicate: false };
  }

  if (parsed.kind === 'update' && parsed.update) {
    const signal = await linkFollowUp(db, settings, source, post, parsed.update, now);
    if (!signal)
      return queueApproval(
        ic,
        source,
        post,
        parsed,
        'not linked to a signal (no reply, no single open signal on the pair)',
      );
    if (parsed.update.symbol !== null && parsed.update.symbol !== signal.symbol) {
      return queueApproval(
        ic,
        source,
        post,
        parsed,
        `names ${parsed.update.symbol} but replies to a ${signal.symbol} signal`,
      );
    }
    if (parsed.confidence < min) {
      return queueApproval(
        ic,
        source,
        post,
        parsed,
        `confidence ${parsed.confidence.toFixed(2)} is below ${min}`,
      );
    }
    const r = await applyFollowUp(deps, {
      signal,
      kind: parsed.update.kind,
      target: parsed.update.target,
      dedupKey: key,
      sourceId: source.id,
    });
    if (r.status === 'rejected') {
      logger.warn(
        { chat: post.chatId, message: post.messageId, reason: r.reason },
        'telegram: follow-up refused',
      );
      return { status: 'ignored', reason: r.reason };
    }
    if (r.status === 'applied') {
      logger.info(
        {
          chat: post.chatId,
          message: post.messageId,
          signal: signal.id,
          kind: parsed.update.kind,
          positions: r.positions,
        },
        'telegram: follow-up applied',
      );
    }
    return { status: 'follow_up', signalId: signal.id, duplicate: r.status === 'duplicate' };
  }
  logger.debug(
    { chat: post.chatId, message: post.messageId, reason: parsed.reason },
    'telegram: not a signal',
  );
  return { status: 'ignored', reason: parsed.reason ?? 'not a signal' };
}

/** An edit of a message that is a stored signal: new targets or stop become an EDIT follow-up. */
async function editSignal(
  ic: IngestContext,
  source: SignalSourceRow,
  post: InboundPost,
  original: SignalRow,
  parsed: ParseResult,
): Promise<PostOutcome> {
  const { ctx, logger } = ic;
  const deps = { db: ctx.db, now: ctx.clock.now(), bus: ctx.bus, onQueued: () => ctx.workQueued() };
  const dedupKey = `${messageKey(post.chatId, post.messageId)}:edit:${post.editDate}`;
  if (parsed.kind === 'update' && parsed.update) {
    // "… — Cancelled" added to the original post.
    const r = await applyFollowUp(deps, {
      signal: original,
      kind: parsed.update.kind,
      target: parsed.update.target,
      dedupKey,
      sourceId: source.id,
    });
    return r.status === 'rejected'
      ? { status: 'ignored', reason: r.reason }
      : { status: 'edited', signalId: original.id };
  }
  if (parsed.kind !== 'signal' || !parsed.signal)
    return { status: 'ignored', reason: 'the edit is not a signal any more' };
  const next = parsed.signal;
  if (next.symbol !== original.symbol || next.direction !== original.direction) {
    logger.warn(
      { signal: original.id, chat: post.chatId },
      'telegram: an edit changed the pair or side; ignored (post a new signal)',
    );
    return { status: 'ignored', reason: 'an edit cannot change the pair or the side' };
  }
  const targets = JSON.parse(original.targets) as string[];
  const targetsChanged =
    targets.length !== next.targets.length || targets.some((t, k) => !sameDecimal(t, next.targets[k]!));
  const stopChanged = !sameDecimal(original.stop_loss, next.stop_loss);
  if (!targetsChanged && !stopChanged)
    return { status: 'ignored', reason: 'no change to the targets or the stop' };
  const r = await applyFollowUp(deps, {
    signal: original,
    kind: 'EDIT',
    target: null,
    edit: {
      ...(targetsChanged ? { targets: next.targets } : {}),
      ...(stopChanged ? { stop_loss: next.stop_loss } : {}),
    },
    dedupKey,
    sourceId: source.id,
  });
  if (r.status === 'rejected') {
    logger.warn({ signal: original.id, reason: r.reason }, 'telegram: the edit was refused');
    return { status: 'ignored', reason: r.reason };
  }
  logger.info({ signal: original.id, stopChanged, targetsChanged }, 'telegram: signal edited by its source');
  return { status: 'edited', signalId: original.id };
}

async function queueApproval(
  ic: IngestContext,
  source: SignalSourceRow,
  post: InboundPost,
  parsed: ParseResult,
  reason: string,
): Promise<PostOutcome> {
  const { ctx, logger } = ic;
  const now = ctx.clock.now();
  const id = await ctx.db.transaction().execute(async (trx) => {
    const existing = await findTelegramApprovalByMessage(trx, post.chatId, post.messageId);
    const approvalId = await upsertTelegramApproval(trx, {
      source_id: source.id,
      chat_id: post.chatId,
      message_id: post.messageId,
      reply_to_message_id: post.replyToMessageId,
      kind: parsed.kind === 'update' ? 'update' : 'signal',
      text: post.text.slice(0, 8_000),
      parsed: JSON.stringify(parsed),
      confidence: parsed.confidence,
      reason,
      status: 'PENDING',
      signal_id: null,
      decided_by: null,
      decided_at: null,
      decision_note: null,
      created_at: now,
      updated_at: now,
    });
    if (!existing) {
      await insertNotification(trx, {
        audience: 'admin',
        userId: null,
        kind: 'approval_needed',
        text: `A message from ${source.name} waits for approval (#${approvalId}): ${reason}`,
        data: { approval_id: approvalId, source_id: source.id },
        at: now,
      });
    }
    return approvalId;
  });
  logger.info(
    { chat: post.chatId, message: post.messageId, approval: id, reason },
    'telegram: message waits for approval',
  );
  return { status: 'approval', approvalId: id, reason };
}
