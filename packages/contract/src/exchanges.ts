import { z } from 'zod';
import { IsoTime } from './common';

export const ExchangeProvider = z.enum(['paper', 'binance_futures', 'bybit', 'phemex', 'kraken_futures']);
export const ExchangeMode = z.enum(['paper', 'testnet', 'mainnet']);

export const ExchangeConnectBody = z.strictObject({
  provider: ExchangeProvider,
  api_key: z.string().trim().min(1).max(256).optional(),
  api_secret: z.string().trim().min(1).max(4096).optional(),
  passphrase: z.string().min(1).max(256).optional(),
  mode: ExchangeMode,
  leverage_default: z.number().int().min(1).max(125).default(10),
  margin_mode: z.enum(['ISOLATED', 'CROSSED']).default('ISOLATED'),
  hedge_mode: z.union([z.literal(0), z.literal(1)]).default(0),
});

export const ExchangeUpdateBody = z.strictObject({
  leverage_default: z.number().int().min(1).max(125).optional(),
  margin_mode: z.enum(['ISOLATED', 'CROSSED']).optional(),
  hedge_mode: z.union([z.literal(0), z.literal(1)]).optional(),
});

/** What the exchange reports about a key, judged by the platform (refused keys are never stored). */
export const KeyPermissions = z.object({
  checked_at: z.string(),
  reported: z.boolean(),
  can_read: z.boolean().nullable(),
  can_trade: z.boolean().nullable(),
  can_withdraw: z.boolean().nullable(),
  ip_restricted: z.boolean().nullable(),
  refused: z.string().nullable(),
  warnings: z.array(z.string()),
  note: z.string().nullable(),
});

/** An exchange connection as the API shows it: never a key or secret. */
export const ExchangeAccount = z.object({
  provider: ExchangeProvider,
  mode: ExchangeMode,
  leverage_default: z.number().int(),
  margin_mode: z.enum(['ISOLATED', 'CROSSED']),
  hedge_mode: z.number().int(),
  has_keys: z.boolean(),
  permissions: z.record(z.string(), z.unknown()),
  /** Things the user should fix (no IP whitelist, …), from the last permission check. */
  warnings: z.array(z.string()),
  connected_at: IsoTime.nullable(),
});

/** Optional keys to try; without them the stored keys of the active account are tried. */
export const ExchangeValidateBody = z
  .strictObject({
    provider: ExchangeProvider,
    mode: ExchangeMode,
    api_key: z.string().trim().min(1).max(256),
    api_secret: z.string().trim().min(1).max(4096),
    passphrase: z.string().min(1).max(256).optional(),
  })
  .nullish();

export const ExchangeBalance = z.object({ asset: z.string(), total: z.string(), free: z.string() });

export const ExchangeValidation = z.object({
  provider: z.string(),
  mode: z.string(),
  /** The key is usable by the platform (false: see `refused`). */
  ok: z.boolean(),
  balance: ExchangeBalance.nullable(),
  permissions: KeyPermissions.nullable(),
  warnings: z.array(z.string()),
  refused: z.string().nullable(),
});

export const UserExchangeParams = z.object({
  id: z.coerce.number().int().positive(),
  exchange: ExchangeProvider,
});

export const UserBalance = z.object({
  exchange: ExchangeProvider,
  mode: ExchangeMode,
  asset: z.string(),
  total: z.string(),
  free: z.string(),
});

export const LeverageBody = z.strictObject({ leverage: z.number().int().min(1).max(125) });
export const LeverageView = z.object({ exchange: ExchangeProvider, leverage: z.number().int() });
