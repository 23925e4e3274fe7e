import { z } from 'zod';
import { Source } from './signals';

/** `POST /api/webhook/signal?source=<name>`: the source may also come as `X-Source` or a body field. */
export const WebhookQuery = z.object({ source: z.string().min(1).max(64).optional() });

/** The answer to a webhook delivery, sent once it is stored (execution happens afterwards). */
export const WebhookResult = z.object({
  /** `queued`: stored now; `duplicate`: this delivery (event id / source message id) was seen before. */
  status: z.enum(['queued', 'duplicate']),
  /** A new signal, or a follow-up (TP hit, stop, close…) of an earlier one. */
  kind: z.enum(['signal', 'update']),
  /** The new signal, or the one the update was applied to (null only if the original is gone). */
  signal_id: z.number().int().nullable(),
  /** The delivery's own id as sent (`event_id`, `id` or `X-Event-Id`), if any. */
  delivery_id: z.string().nullable(),
  /** Update: the stored follow-up event (null for a duplicate). */
  event_id: z.number().int().nullable(),
  /** Update: how many followers' positions the follow-up reached. */
  positions: z.number().int().nullable(),
  /** Signal: execution intents queued for followers, or blocked (kill switch) and why. */
  executions: z
    .object({ queued: z.number().int(), blocked: z.number().int(), reason: z.string().nullable() })
    .nullable(),
});
export type WebhookResult = z.infer<typeof WebhookResult>;

export const SourceList = z.object({ items: z.array(Source) });
