import { z } from 'zod';
import { DecimalString, IsoTime, patchOf, PositiveDecimalString } from './common';
import { Plan } from './plans';

const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

const Symbol = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9]{2,20}$/, 'a symbol like BTCUSDT');

const pct = (min: number, max: number) => z.number().min(min).max(max);

/**
 * Each section is stored as one JSON document. Reading applies `.parse` to what is stored, so fields
 * added later get their default. Writing (PUT) takes a partial document and merges it.
 */
export const GeneralSettings = z.object({
  display_name: z.string().trim().max(64).default(''),
  timezone: z
    .string()
    .max(64)
    .refine(isTimeZone, 'must be an IANA time zone like Europe/Berlin')
    .default('UTC'),
  notifications: z
    .object({
      new_signal: z.boolean().default(true),
      position_opened: z.boolean().default(true),
      position_closed: z.boolean().default(true),
      trade_blocked: z.boolean().default(true),
      plan_expiring: z.boolean().default(true),
    })
    .default({
      new_signal: true,
      position_opened: true,
      position_closed: true,
      trade_blocked: true,
      plan_expiring: true,
    }),
});
export type GeneralSettings = z.infer<typeof GeneralSettings>;

export const RiskSettings = z.object({
  /** Also answered and accepted as `max_open_trades` (the name of §2's capital settings). */
  max_concurrent_trades: z.number().int().min(1).max(50).default(5),
  max_daily_trades: z.number().int().min(1).max(1000).default(50),
  daily_loss_limit_pct: pct(0.1, 100).default(25),
  max_account_exposure_pct: pct(1, 100).default(80),
  per_symbol_limit: z.number().int().min(1).max(50).default(5),
  cooldown_minutes_after_loss: z.number().int().min(0).max(1440).default(15),
  /** When a trade would exceed the exposure cap: block it, or reduce its size to fit. */
  exposure_policy: z.enum(['block', 'reduce']).default('block'),
});
export type RiskSettings = z.infer<typeof RiskSettings>;

const TpSplit = z
  .array(pct(1, 100))
  .min(1)
  .max(10)
  .refine((a) => Math.abs(a.reduce((s, x) => s + x, 0) - 100) < 1e-9, 'percentages must add up to 100');

export const StrategySettings = z.object({
  auto_trade_enabled: z.boolean().default(false),
  symbol_whitelist: z.array(Symbol).max(500).default([]),
  symbol_blacklist: z.array(Symbol).max(500).default([]),
  trade_types: z
    .array(z.enum(['FUTURES', 'SPOT']))
    .min(1)
    .max(2)
    .default(['FUTURES']),
  follow_all_sources: z.boolean().default(true),
  sources: z.array(z.number().int().positive()).max(200).default([]),
  capital_usdt: PositiveDecimalString.default('100'),
  per_trade_usdt: PositiveDecimalString.default('5'),
  leverage: z.number().int().min(1).max(125).default(5),
  /** null = equal split over the signal's targets. */
  tp_split_pct: TpSplit.nullable().default(null),
  breakeven_mode: z.enum(['off', 'breakeven', 'moving_target']).default('breakeven'),
  sizing_mode: z.enum(['fixed', 'risk']).default('fixed'),
  risk_per_trade_pct: pct(0.05, 20).default(1),
  entry_mode: z.enum(['market', 'limit']).default('market'),
});
export type StrategySettings = z.infer<typeof StrategySettings>;

export const DcaSettings = z.object({
  enabled: z.boolean().default(false),
  safety_orders: z.number().int().min(0).max(10).default(3),
  price_deviation_pct: pct(0.1, 50).default(1.5),
  step_scale: pct(0.5, 5).default(1),
  volume_scale: pct(0.5, 5).default(1.5),
  base_order_pct: pct(5, 100).default(40),
});
export type DcaSettings = z.infer<typeof DcaSettings>;

/** PUT bodies: any subset of the section, strict about unknown keys. */
export const GeneralSettingsPatch = patchOf(GeneralSettings);
export const RiskSettingsPatch = patchOf(
  RiskSettings.extend({
    max_open_trades: z.number().int().min(1).max(50).describe('alias of max_concurrent_trades'),
  }),
);
export const StrategySettingsPatch = patchOf(StrategySettings);
export const DcaSettingsPatch = patchOf(DcaSettings);

export const RiskSettingsResponse = RiskSettings.extend({ max_open_trades: z.number().int() });

export const Subscription = z.object({
  plan: Plan,
  expires_at: IsoTime.nullable(),
  active: z.boolean().describe('false once a paid plan has passed its expiry'),
  days_left: z.number().int().nullable(),
});

export const SubscriptionUpdate = z.strictObject({
  plan: Plan,
  expires_at: z.iso.datetime({ offset: true }).nullable().optional(),
});

export { DecimalString };
