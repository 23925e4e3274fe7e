import { z } from 'zod';
import { IsoTime } from './common';

/**
 * Wire shapes of the Telegram routes that the app uses (`/api/telegram/link`, `/api/admin/approvals`).
 * The routes in apps/server/src/http/routes/telegram*.ts answer these shapes.
 */
export const TelegramLink = z.object({ url: z.string(), code: z.string(), expires_at: IsoTime });

export const TelegramLinkStatus = z.object({
  linked: z.boolean(),
  telegram_username: z.string().nullable(),
  linked_at: IsoTime.nullable(),
});

export const ApprovalStatus = z.enum(['PENDING', 'APPROVED', 'REJECTED']);

export const Approval = z.object({
  id: z.number(),
  status: ApprovalStatus,
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
  decided_at: IsoTime.nullable(),
  decision_note: z.string().nullable(),
  created_at: IsoTime,
});

export const ApprovalList = z.object({ items: z.array(Approval) });

export const ApprovalQuery = z.object({
  status: ApprovalStatus.default('PENDING'),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
