import { z } from 'zod';
import { IsoTime } from './common';
import { RiskSettings } from './settings';

export const SafetyStatus = z.object({
  global_kill_switch: z.boolean(),
  reason: z.string().nullable(),
  set_by: z.string().nullable(),
  global_max_dd_pct: z.number(),
  last24h_drawdown_pct: z.string(),
  active_workers: z.number().int(),
  timestamp: IsoTime,
});

export const SafetyWidget = z.object({
  kill_switch: z.boolean(),
  today_dd_pct: z.string(),
  today_trades: z.number().int(),
  blocks: z.number().int(),
  max_dd_limit: z.number(),
  timestamp: IsoTime,
});

export const SafetyToggleBody = z.strictObject({
  kill_switch: z.boolean(),
  reason: z.string().trim().min(1).max(200).optional(),
});

export const RiskLimitsMe = RiskSettings.extend({
  max_open_trades: z.number().int(),
  current: z.object({
    open_trades: z.number().int(),
    exposure_usdt: z.string(),
    exposure_pct: z.string(),
    today_trades: z.number().int(),
    today_realized_pnl_usdt: z.string(),
    today_realized_pnl_pct: z.string(),
    cooldown_until: IsoTime.nullable(),
  }),
});

export const RiskEventsQuery = z.object({
  since: z.iso.datetime({ offset: true }).optional(),
  user_id: z.coerce.number().int().positive().optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const RiskEvent = z.object({
  id: z.number().int(),
  user_id: z.number().int().nullable(),
  signal_id: z.number().int().nullable(),
  code: z.string(),
  reason: z.string(),
  data: z.record(z.string(), z.unknown()),
  created_at: IsoTime,
});

export const RiskEventList = z.object({
  items: z.array(RiskEvent),
  next_before: z.number().int().nullable(),
});
