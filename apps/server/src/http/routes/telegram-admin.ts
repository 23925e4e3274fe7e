import { ErrorBody, IdParam } from '@verzek/contract';
import {
  countOutboxByStatus,
  deleteTelegramChannel,
  findSourceByName,
  findTelegramChannel,
  findTelegramChannelByChat,
  insertTelegramChannel,
  listOutbox,
  listTelegramApprovals,
  listTelegramChannels,
  updateTelegramChannel,
  type TelegramChannelRow,
} from '@verzek/db';
import { z } from 'zod';
import type { AppContext } from '../../context';
import { badRequest, conflict, notFound } from '../../errors';
import { audit } from '../../services/audit';
import { sourceByName } from '../../trading/signals/sources';
import { approvalView, approve, editApproval, reject } from '../../telegram/approvals';
import { authenticate, caller, requireAdmin } from '../guards';
import type { App } from '../types';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const security = [{ bearer: [] }];

const ChatId = z
  .string()
  .trim()
  .regex(/^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$/, 'a chat id like -1001234567890 or @channelname');
const Words = z.array(z.string().trim().min(1).max(64)).max(100);

const ChannelBody = z.strictObject({
  chat_id: ChatId,
  /** The signal source its signals belong to (created as a `telegram` source if new). */
  source: z
    .string()
    .min(2)
    .max(64)
    .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only'),
  via: z.enum(['bot', 'user']).default('bot'),
  title: z.string().trim().max(128).optional(),
  keywords: Words.default([]),
  block_words: Words.default([]),
  min_confidence: z.number().min(0).max(1).nullable().default(null),
  enabled: z.boolean().default(true),
});

const ChannelUpdate = z.strictObject({
  via: z.enum(['bot', 'user']).optional(),
  title: z.string().trim().max(128).nullable().optional(),
  keywords: Words.optional(),
  block_words: Words.optional(),
  min_confidence: z.number().min(0).max(1).nullable().optional(),
  enabled: z.boolean().optional(),
});

const Channel = z.object({
  id: z.number(),
  chat_id: z.string(),
  source_id: z.number(),
  via: z.enum(['bot', 'user']),
  title: z.string().nullable(),
  keywords: z.array(z.string()),
  block_words: z.array(z.string()),
  min_confidence: z.number().nullable(),
  enabled: z.boolean(),
});

const Approval = z.object({
  id: z.number(),
  status: z.enum(['PENDING', 'APPROVED', 'REJECTED']),
  kind: z.enum(['signal', 'update']),
  source_id: z.number(),
  chat_id: z.string(),
  message_id: z.number(),
  reply_to_message_id: z.number().nullable(),
  text: z.string(),
  reason: z.string(),
  confidence: z.number(),
  signal: z.record(z.string(), z.unknown()).nullable(),
  update: z.record(z.string(), z.unknown()).nullable(),
  signal_id: z.number().nullable(),
  decided_by: z.number().nullable(),
  decided_at: z.string().nullable(),
  decision_note: z.string().nullable(),
  created_at: z.string(),
});

const ApprovalQuery = z.object({
  status: z.enum(['PENDING', 'APPROVED', 'REJECTED']).default('PENDING'),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const OutboxQuery = z.object({
  status: z.enum(['pending', 'sending', 'unknown', 'sent', 'dropped', 'failed']).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

function channelView(c: TelegramChannelRow): z.infer<typeof Channel> {
  return {
    id: c.id,
    chat_id: c.chat_id,
    source_id: c.source_id,
    via: c.via,
    title: c.title,
    keywords: JSON.parse(c.keywords) as string[],
    block_words: JSON.parse(c.block_words) as string[],
    min_confidence: c.min_confidence,
    enabled: c.enabled === 1,
  };
}

/**
 * Admin: the Telegram channels signals are read from (each tied to a signal source, with keyword
 * and spam filters and an optional confidence threshold), the approval queue of messages the parser
 * was unsure about, and the outbox.
 */
export function registerTelegramAdminRoutes(app: App, ctx: AppContext): void {
  const admin = { onRequest: [authenticate(ctx), requireAdmin] };
  const tags = ['admin', 'telegram'];

  app.get(
    '/api/admin/telegram/channels',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Source channels',
        security,
        response: { 200: z.object({ items: z.array(Channel) }), ...errors },
      },
    },
    async () => ({ items: (await listTelegramChannels(ctx.db)).map(channelView) }),
  );

  app.post(
    '/api/admin/telegram/channels',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Read signals from a channel (the bot must be a member, or via the user client)',
        security,
        body: ChannelBody,
        response: { 201: Channel, ...errors },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const now = ctx.clock.now();
      if (await findTelegramChannelByChat(ctx.db, b.chat_id))
        throw conflict('channel_exists', `Chat ${b.chat_id} is already a source`);
      const existing = await findSourceByName(ctx.db, b.source);
      if (existing && existing.kind !== 'telegram') {
        throw badRequest(
          'wrong_source_kind',
          `Source ${b.source} is a ${existing.kind} source; use a telegram source`,
        );
      }
      const source = existing ?? (await sourceByName(ctx.db, b.source, 'telegram', now));
      const created = await insertTelegramChannel(ctx.db, {
        chat_id: b.chat_id,
        source_id: source.id,
        via: b.via,
        title: b.title ?? null,
        keywords: JSON.stringify(b.keywords),
        block_words: JSON.stringify(b.block_words),
        min_confidence: b.min_confidence,
        enabled: b.enabled ? 1 : 0,
        created_at: now,
        updated_at: now,
      });
      await audit(ctx.db, {
        action: 'admin_telegram_channel_changed',
        at: now,
        actorId: caller(request).id,
        ip: request.ip,
        detail: { created: created.id, chat_id: b.chat_id, source: source.name },
      });
      return reply.code(201).send(channelView(created));
    },
  );

  app.put(
    '/api/admin/telegram/channels/:id',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Change a source channel',
        security,
        params: IdParam,
        body: ChannelUpdate,
        response: { 200: Channel, ...errors },
      },
    },
    async (request) => {
      const found = await findTelegramChannel(ctx.db, request.params.id);
      if (!found) throw notFound('Channel');
      const b = request.body;
      const now = ctx.clock.now();
      const updated = await updateTelegramChannel(ctx.db, found.id, {
        ...(b.via !== undefined ? { via: b.via } : {}),
        ...(b.title !== undefined ? { title: b.title } : {}),
        ...(b.keywords !== undefined ? { keywords: JSON.stringify(b.keywords) } : {}),
        ...(b.block_words !== undefined ? { block_words: JSON.stringify(b.block_words) } : {}),
        ...(b.min_confidence !== undefined ? { min_confidence: b.min_confidence } : {}),
        ...(b.enabled !== undefined ? { enabled: b.enabled ? 1 : 0 } : {}),
        updated_at: now,
      });
      await audit(ctx.db, {
        action: 'admin_telegram_channel_changed',
        at: now,
        actorId: caller(request).id,
        ip: request.ip,
        detail: { updated: found.id, ...b },
      });
      return channelView(updated ?? found);
    },
  );

  app.delete(
    '/api/admin/telegram/channels/:id',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Stop reading a channel',
        security,
        params: IdParam,
        response: { 200: z.object({ deleted: z.boolean() }), ...errors },
      },
    },
    async (request) => {
      const deleted = await deleteTelegramChannel(ctx.db, request.params.id);
      if (!deleted) throw notFound('Channel');
      await audit(ctx.db, {
        action: 'admin_telegram_channel_changed',
        at: ctx.clock.now(),
        actorId: caller(request).id,
        ip: request.ip,
        detail: { deleted: request.params.id },
      });
      return { deleted };
    },
  );

  app.get(
    '/api/admin/telegram/outbox',
    {
      ...admin,
      schema: {
        tags,
        summary: 'What Telegram was (or will be) sent: counts by status and the latest rows',
        security,
        querystring: OutboxQuery,
        response: {
          200: z.object({
            counts: z.record(z.string(), z.number()),
            items: z.array(
              z.object({
                id: z.number(),
                kind: z.string(),
                chat_id: z.string(),
                method: z.string(),
                status: z.string(),
                attempts: z.number(),
                message_id: z.number().nullable(),
                last_error: z.string().nullable(),
                signal_id: z.number().nullable(),
                not_before: z.string(),
                updated_at: z.string(),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const rows = await listOutbox(ctx.db, { status: q.status, before: q.before, limit: q.limit });
      return {
        counts: await countOutboxByStatus(ctx.db),
        items: rows.map((r) => ({
          id: r.id,
          kind: r.kind,
          chat_id: r.chat_id,
          method: r.method,
          status: r.status,
          attempts: r.attempts,
          message_id: r.message_id === null ? null : Number(r.message_id),
          last_error: r.last_error,
          signal_id: r.signal_id,
          not_before: new Date(r.not_before).toISOString(),
          updated_at: new Date(r.updated_at).toISOString(),
        })),
      };
    },
  );

  app.get(
    '/api/admin/approvals',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Messages waiting for approval (low confidence, or a follow-up that could not be linked)',
        security,
        querystring: ApprovalQuery,
        response: { 200: z.object({ items: z.array(Approval) }), ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const rows = await listTelegramApprovals(ctx.db, {
        status: q.status,
        before: q.before,
        limit: q.limit,
      });
      return { items: rows.map(approvalView) };
    },
  );

  app.post(
    '/api/admin/approvals/:id/approve',
    {
      ...admin,
      schema: {
        tags,
        summary:
          'Approve: the signal is stored, broadcast and executed; an update is applied (to signal_id if given)',
        security,
        params: IdParam,
        body: z
          .strictObject({
            signal_id: z.number().int().positive().optional(),
            note: z.string().max(500).optional(),
          })
          .default({}),
        response: { 200: Approval, ...errors },
      },
    },
    async (request) => approve(ctx, request.params.id, caller(request).id, request.body),
  );

  app.post(
    '/api/admin/approvals/:id/reject',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Reject a waiting message',
        security,
        params: IdParam,
        body: z.strictObject({ note: z.string().max(500).optional() }).default({}),
        response: { 200: Approval, ...errors },
      },
    },
    async (request) => reject(ctx, request.params.id, caller(request).id, request.body.note ?? null),
  );

  app.put(
    '/api/admin/approvals/:id',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Edit a waiting message: the text is parsed again (it still waits for approval)',
        security,
        params: IdParam,
        body: z.strictObject({ text: z.string().trim().min(1).max(8000) }),
        response: { 200: Approval, ...errors },
      },
    },
    async (request) => editApproval(ctx, request.params.id, request.body.text, caller(request).id),
  );
}
