import { parseSignalText, type ParseResult } from '@verzek/core';
import {
  decideTelegramApproval,
  findSignal,
  findSource,
  findTelegramApproval,
  updateTelegramApproval,
  type TelegramApprovalRow,
} from '@verzek/db';
import type { AppContext } from '../context';
import { ApiError, badRequest, conflict, notFound } from '../errors';
import { audit } from '../services/audit';
import { applyFollowUp } from '../trading/signals/follow-ups';
import { ingestSignal } from '../trading/signals/ingest';
import { linkFollowUp, messageKey } from './ingest';
import { telegramSettings } from './settings';

/** An approval as admins see it. */
export function approvalView(a: TelegramApprovalRow) {
  const parsed = JSON.parse(a.parsed) as ParseResult;
  return {
    id: a.id,
    status: a.status,
    kind: a.kind,
    source_id: a.source_id,
    chat_id: a.chat_id,
    message_id: a.message_id,
    reply_to_message_id: a.reply_to_message_id,
    text: a.text,
    reason: a.reason,
    confidence: a.confidence,
    signal: (parsed.signal ?? null) as Record<string, unknown> | null,
    update: (parsed.update ?? null) as Record<string, unknown> | null,
    signal_id: a.signal_id,
    decided_by: a.decided_by,
    decided_at: a.decided_at === null ? null : new Date(a.decided_at).toISOString(),
    decision_note: a.decision_note,
    created_at: new Date(a.created_at).toISOString(),
  };
}

async function pending(ctx: AppContext, id: number): Promise<TelegramApprovalRow> {
  const a = await findTelegramApproval(ctx.db, id);
  if (!a) throw notFound('Approval');
  if (a.status !== 'PENDING')
    throw conflict('already_decided', `Approval ${id} was already ${a.status.toLowerCase()}`);
  return a;
}

/**
 * Edits a waiting message (fixes a typo the parser tripped on): the new text is parsed again and the
 * approval keeps waiting for a decision.
 */
export async function editApproval(ctx: AppContext, id: number, text: string, adminId: number) {
  const a = await pending(ctx, id);
  const parsed = parseSignalText(text);
  if (parsed.kind === 'none')
    throw badRequest(
      'not_a_signal',
      `The edited text is not a signal or an update: ${parsed.reason ?? 'unknown'}`,
    );
  const now = ctx.clock.now();
  await updateTelegramApproval(ctx.db, a.id, {
    text,
    parsed: JSON.stringify(parsed),
    confidence: parsed.confidence,
    kind: parsed.kind,
    reason: `edited by admin ${adminId}`,
    updated_at: now,
  });
  return approvalView((await findTelegramApproval(ctx.db, a.id))!);
}

/**
 * Approves: a signal is ingested (stored, broadcast, fanned out) as if it had passed the threshold;
 * an update is applied to the signal given, or the one it links to.
 */
export async function approve(
  ctx: AppContext,
  id: number,
  adminId: number,
  body: { signal_id?: number; note?: string },
) {
  const a = await pending(ctx, id);
  const source = await findSource(ctx.db, a.source_id);
  if (!source) throw notFound('Source');
  const parsed = JSON.parse(a.parsed) as ParseResult;
  const now = ctx.clock.now();
  const deps = { db: ctx.db, now, bus: ctx.bus, onQueued: () => ctx.workQueued(), metrics: ctx.metrics };
  const key = messageKey(a.chat_id, a.message_id);
  let signalId: number;
  if (a.kind === 'signal') {
    if (!parsed.signal) throw badRequest('not_a_signal', 'Nothing to approve: edit the text first');
    const tradeType =
      (JSON.parse(source.settings) as { trade_type?: unknown }).trade_type === 'SPOT' ? 'SPOT' : 'FUTURES';
    const r = await ingestSignal(deps, {
      source,
      signal: parsed.signal,
      tradeType,
      confidence: parsed.confidence,
      duration: null,
      sourceMessageId: key,
      raw: a.text,
      createdBy: adminId,
    });
    if (r.status === 'duplicate' && !r.signal) throw conflict('duplicate', 'This message was already stored');
    signalId = r.signal!.id;
  } else {
    if (!parsed.update) throw badRequest('not_an_update', 'Nothing to approve: edit the text first');
    const settings = telegramSettings(ctx);
    const signal =
      body.signal_id !== undefined
        ? await findSignal(ctx.db, body.signal_id)
        : settings
          ? await linkFollowUp(
              ctx.db,
              settings,
              source,
              {
                chatId: a.chat_id,
                messageId: a.message_id,
                text: a.text,
                replyToMessageId: a.reply_to_message_id,
                editDate: null,
                date: 0,
                via: 'bot',
              },
              parsed.update,
              now,
            )
          : null;
    if (!signal) throw badRequest('signal_required', 'Say which signal this update is about: signal_id');
    if (signal.source_id !== source.id)
      throw badRequest('wrong_source', `Signal ${signal.id} is not from ${source.name}`);
    const r = await applyFollowUp(deps, {
      signal,
      kind: parsed.update.kind,
      target: parsed.update.target,
      dedupKey: key,
      sourceId: source.id,
    });
    if (r.status === 'rejected') throw new ApiError(400, 'invalid_event', r.reason);
    signalId = signal.id;
  }
  await decide(ctx, a.id, adminId, 'APPROVED', body.note ?? null, signalId);
  return approvalView((await findTelegramApproval(ctx.db, a.id))!);
}

export async function reject(ctx: AppContext, id: number, adminId: number, note: string | null) {
  const a = await pending(ctx, id);
  await decide(ctx, a.id, adminId, 'REJECTED', note, null);
  return approvalView((await findTelegramApproval(ctx.db, a.id))!);
}

async function decide(
  ctx: AppContext,
  id: number,
  adminId: number,
  status: 'APPROVED' | 'REJECTED',
  note: string | null,
  signalId: number | null,
): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await decideTelegramApproval(trx, id, { status, by: adminId, at: now, note, signalId }))) {
      throw conflict('already_decided', `Approval ${id} was decided meanwhile`);
    }
    await audit(trx, {
      action: 'admin_approval_decided',
      at: now,
      actorId: adminId,
      detail: { approval_id: id, status, signal_id: signalId },
    });
  });
}
