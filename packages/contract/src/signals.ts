import { z } from 'zod';
import { IsoTime } from './common';

const Num = z.union([z.number(), z.string().max(40)]);
const NumList = z.array(Num).max(20);

/**
 * A signal as §3 describes it, with the usual aliases (side, tp, sl, entries). Types are loose on
 * purpose: the domain parser decides what the numbers mean and answers precise reasons.
 */
export const SignalCreateBody = z.strictObject({
  symbol: z.string().min(1).max(40),
  direction: z.string().max(10).optional(),
  side: z.string().max(10).optional(),
  entry: z.union([Num, NumList]).optional(),
  entries: NumList.optional(),
  targets: NumList.optional(),
  tp: z.union([Num, NumList]).optional(),
  stop_loss: Num.nullable().optional(),
  sl: Num.nullable().optional(),
  leverage: Num.nullable().optional(),
  margin_mode: z.string().max(10).nullable().optional(),
  trade_type: z.enum(['FUTURES', 'SPOT']).optional(),
  confidence: z.number().min(0).max(1).nullable().optional(),
  duration: z.enum(['SHORT', 'LONG']).nullable().optional(),
  source: z.string().min(1).max(64).optional(),
  source_message_id: z.union([z.string().min(1).max(128), z.number().int()]).optional(),
});
export type SignalCreateBody = z.infer<typeof SignalCreateBody>;

export const Signal = z.object({
  id: z.number().int(),
  source_id: z.number().int(),
  symbol: z.string(),
  direction: z.enum(['LONG', 'SHORT']),
  entry_type: z.enum(['single', 'zone', 'multiple', 'market', 'breakout']),
  entries: z.array(z.string()),
  targets: z.array(z.string()),
  stop_loss: z.string().nullable(),
  leverage: z.number().int().nullable(),
  margin_mode: z.enum(['CROSS', 'ISOLATED']).nullable(),
  trade_type: z.enum(['FUTURES', 'SPOT']),
  confidence: z.number().nullable(),
  duration: z.enum(['SHORT', 'LONG']).nullable(),
  status: z.enum(['OPEN', 'CLOSED', 'CANCELLED']),
  highest_tp: z.number().int(),
  created_at: IsoTime,
  closed_at: IsoTime.nullable(),
});
export type Signal = z.infer<typeof Signal>;

export const SignalCreated = z.object({
  id: z.number().int(),
  message: z.string(),
  duplicate: z.boolean(),
  broadcast: z.object({
    app: z.object({ live_clients: z.number().int() }),
    telegram: z.string(),
  }),
  executions: z.object({
    queued: z.number().int(),
    blocked: z.number().int(),
    reason: z.string().nullable(),
  }),
});

export const SignalFeedQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  before: z.coerce.number().int().positive().optional(),
  symbol: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9]{2,20}$/)
    .optional(),
});

export const SignalFeed = z.object({
  items: z.array(Signal),
  next_cursor: z.number().int().nullable(),
  /** For TRIAL: signals appear this many minutes after they are posted, within this history. */
  trial: z.object({ delay_minutes: z.number().int(), history_days: z.number().int() }).nullable(),
});

export const SignalEventKind = z.enum([
  'TP_HIT',
  'ALL_TP',
  'SL_HIT',
  'CANCELLED',
  'CLOSED',
  'ENTRY_FILLED',
  'EDIT',
]);

export const SignalEventBody = z
  .strictObject({
    signal_id: z.number().int().positive().optional(),
    source: z.string().min(1).max(64).optional(),
    source_message_id: z.union([z.string().min(1).max(128), z.number().int()]).optional(),
    kind: SignalEventKind,
    target: z.number().int().min(1).max(10).nullable().optional(),
    targets: NumList.nullable().optional(),
    stop_loss: Num.nullable().optional(),
    /** The event's own id at its source, to ignore a second delivery. */
    event_id: z.union([z.string().min(1).max(128), z.number().int()]).optional(),
  })
  .refine((b) => b.signal_id !== undefined || b.source_message_id !== undefined, {
    message: 'send signal_id, or source and source_message_id',
  });

export const SignalEventResult = z.object({
  status: z.enum(['applied', 'duplicate']),
  event_id: z.number().int().nullable(),
  positions: z.number().int(),
});

export const SignalDetail = Signal.extend({
  events: z.array(
    z.object({
      id: z.number().int(),
      kind: SignalEventKind,
      target: z.number().int().nullable(),
      created_at: IsoTime,
    }),
  ),
  my_position: z
    .object({
      id: z.number().int(),
      status: z.string(),
      realized_pnl_usdt: z.string(),
      realized_pnl_pct: z.string().nullable(),
    })
    .nullable(),
});

export const SourceKind = z.enum(['telegram', 'webhook', 'api']);

export const SourceBody = z.strictObject({
  name: z
    .string()
    .min(2)
    .max(64)
    .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only'),
  kind: SourceKind,
  enabled: z.boolean().default(true),
  settings: z
    .strictObject({
      trade_type: z.enum(['FUTURES', 'SPOT']).optional(),
      min_confidence: z.number().min(0).max(1).optional(),
    })
    .default({}),
});

export const SourceUpdateBody = z.strictObject({
  enabled: z.boolean().optional(),
  settings: SourceBody.shape.settings.optional(),
});

export const Source = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: SourceKind,
  enabled: z.boolean(),
  has_secret: z.boolean(),
  has_token: z.boolean(),
  settings: z.record(z.string(), z.unknown()),
  created_at: IsoTime,
});

export const SourceCredentials = z.object({
  source: Source,
  /** Shown once: the webhook secret (body `secret` or HMAC key) and the API token (Bearer). */
  secret: z.string(),
  token: z.string(),
});
