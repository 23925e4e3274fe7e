import { z } from 'zod';

const bool = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** A USDT amount: a plain decimal with at most 6 decimals (TRC-20 USDT's precision), kept as a string. */
const usdt = z
  .string()
  .trim()
  .regex(
    /^(0|[1-9]\d{0,8})(\.\d{1,6})?$/,
    'must be a decimal USDT amount with at most 6 decimals, e.g. 49.99',
  );
const positiveUsdt = usdt.refine((v) => /[1-9]/.test(v), 'must be greater than 0');

/** A Telegram chat: a numeric id (groups and channels are negative, e.g. -1001234567890) or @channelname. */
const telegramChat = z
  .string()
  .trim()
  .regex(
    /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$/,
    'must be a chat id like -1001234567890 or @channelname',
  );

const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

/**
 * Every environment variable the platform reads. `.env.example` and docs/configuration.md list the
 * same names; a test keeps the three in step.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: int(0, 65535).default(8000),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^(postgres(ql)?:\/\/|sqlite:)/, 'must start with postgres://, postgresql:// or sqlite:')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PUBLIC_URL: z.url().optional(),
  CORS_ORIGINS: list.default([]),
  TRUST_PROXY: bool.default(false),
  /** Bearer token required from every `/metrics` scraper when set (else loopback clients only). */
  METRICS_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9._~+/-]{16,256}$/, 'must be 16 to 256 characters of A-Z a-z 0-9 . _ ~ + / -')
    .optional(),
  /** A second listener serving only `/metrics` (how a `--role worker` process, which has no API port, is scraped). */
  METRICS_PORT: int(1, 65535).optional(),

  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  MASTER_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, 'must be 32 bytes in base64 (44 characters)')
    .optional(),

  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Verzek Auto Trader <no-reply@localhost>'),

  LOGIN_RATE_LIMIT_PER_MINUTE: int(1, 1_000_000).default(10),
  REGISTER_RATE_LIMIT_PER_HOUR: int(1, 100_000).default(20),
  ACCOUNT_MAX_FAILED_LOGINS: int(1, 1000).default(5),
  ACCOUNT_LOCKOUT_MINUTES: int(1, 24 * 60).default(15),
  EMAIL_RESEND_COOLDOWN_SECONDS: int(0, 86_400).default(60),

  PLAN_PRICE_VIP_USDT: positiveUsdt.default('50'),
  PLAN_PRICE_PREMIUM_USDT: positiveUsdt.default('100'),
  PLAN_DURATION_DAYS: int(1, 3650).default(30),
  TRON_WALLET_ADDRESS: z
    .string()
    .trim()
    .regex(/^T[1-9A-HJ-NP-Za-km-z]{33}$/, 'must be a TRON address in base58 (34 characters starting with T)')
    .optional(),
  TRON_USDT_CONTRACT: z
    .string()
    .trim()
    .regex(/^T[1-9A-HJ-NP-Za-km-z]{33}$/, 'must be a TRON contract address in base58')
    .default('TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t'),
  TRONGRID_URL: z.url({ protocol: /^https?$/ }).default('https://api.trongrid.io'),
  TRONGRID_API_KEY: z.string().trim().min(1).max(200).optional(),
  REFERRAL_CREDIT_USDT: usdt.default('10'),
  PAYMENT_MAX_AGE_HOURS: int(1, 24 * 30).default(24),
  PAYMENT_GIVE_UP_HOURS: int(1, 24 * 30).default(48),

  MARKET_FEED: z.enum(['binance', 'sim', 'manual']).default('binance'),
  BINANCE_WS_URL: z.url({ protocol: /^wss?$/ }).default('wss://fstream.binance.com'),
  BINANCE_WS_ROUTING: z.enum(['split', 'single']).default('split'),
  SIM_TICK_MS: int(50, 60_000).default(1000),
  SIM_VOLATILITY_PCT: z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'must be a decimal percentage like 0.05')
    .default('0.05'),
  SIM_SEED: int(0, 2 ** 31 - 1).default(1),
  PAPER_SLIPPAGE_BPS: z.coerce.number().min(0).max(500).default(2),
  PAPER_MAKER_FEE: z
    .string()
    .regex(/^0(\.\d+)?$/, 'must be a fee rate like 0.0002')
    .default('0.0002'),
  PAPER_TAKER_FEE: z
    .string()
    .regex(/^0(\.\d+)?$/, 'must be a fee rate like 0.0005')
    .default('0.0005'),
  PAPER_MIN_NOTIONAL_USDT: z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'must be a decimal amount')
    .default('5'),
  TRIAL_FEED_DELAY_MINUTES: int(0, 7 * 24 * 60).default(15),
  TRIAL_HISTORY_DAYS: int(1, 365).default(3),
  ENGINE_CONCURRENCY: int(1, 10_000).default(256),
  INTENT_BATCH_SIZE: int(1, 5000).default(200),
  GLOBAL_MAX_DD_PCT: z.coerce.number().min(1).max(100).default(35),
  AUTO_RESUME: bool.default(false),

  EXCHANGE_HTTPS_PROXY: z.url({ protocol: /^https?$/ }).optional(),
  EXCHANGE_TIMEOUT_MS: int(1000, 10_000).default(8_000),
  EXCHANGE_POLL_MS: int(500, 3_600_000).default(5_000),
  BINANCE_FUTURES_URL: z.url({ protocol: /^https?$/ }).optional(),
  BINANCE_WEIGHT_PER_MINUTE: int(1, 1_000_000).default(2400),
  BINANCE_ORDERS_PER_TEN_SECONDS: int(1, 1_000_000).default(300),
  BINANCE_ORDERS_PER_MINUTE: int(1, 1_000_000).default(1200),
  BYBIT_URL: z.url({ protocol: /^https?$/ }).optional(),
  PHEMEX_URL: z.url({ protocol: /^https?$/ }).optional(),
  KRAKEN_FUTURES_URL: z.url({ protocol: /^https?$/ }).optional(),

  TELEGRAM_BOT_TOKEN: z
    .string()
    .trim()
    .regex(/^\d{5,15}:[A-Za-z0-9_-]{30,64}$/, 'must be a bot token from @BotFather (<digits>:<letters>)')
    .optional(),
  TELEGRAM_API_ROOT: z.url({ protocol: /^https?$/ }).default('https://api.telegram.org'),
  TELEGRAM_BOT_USERNAME: z
    .string()
    .trim()
    .regex(/^@?[A-Za-z][A-Za-z0-9_]{3,31}$/, "must be the bot's @username")
    .optional(),
  TELEGRAM_VIP_CHAT_ID: telegramChat.optional(),
  TELEGRAM_TRIAL_CHAT_ID: telegramChat.optional(),
  TELEGRAM_ADMIN_CHAT_ID: telegramChat.optional(),
  TELEGRAM_TRIAL_DELAY_MINUTES: int(0, 7 * 24 * 60).optional(),
  TELEGRAM_TRIAL_DETAIL: z.enum(['full', 'reduced', 'minimal']).default('reduced'),
  TELEGRAM_STALE_MINUTES: int(1, 7 * 24 * 60).default(60),
  TELEGRAM_GROUP_MESSAGES_PER_MINUTE: int(1, 60).default(20),
  TELEGRAM_MESSAGES_PER_SECOND: int(1, 1000).default(30),
  TELEGRAM_UPDATES: z.enum(['polling', 'webhook', 'off']).default('polling'),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16 to 256 characters of A-Z a-z 0-9 _ -')
    .optional(),
  TELEGRAM_MIN_CONFIDENCE: z.coerce.number().min(0).max(1).default(0.7),
  TELEGRAM_FOLLOWUP_WINDOW_HOURS: int(1, 24 * 60).default(72),
  TELEGRAM_API_ID: int(1, 2 ** 31 - 1).optional(),
  TELEGRAM_API_HASH: z
    .string()
    .trim()
    .regex(/^[a-f0-9]{32}$/, 'must be the 32 hex characters from my.telegram.org')
    .optional(),

  WEB_APP_DIR: z.string().min(1).optional(),
  EXPO_PUSH_URL: z.url({ protocol: /^https?$/ }).default('https://exp.host'),
  EXPO_ACCESS_TOKEN: z.string().trim().min(1).max(200).optional(),
  PUSH_POLL_MS: int(1000, 3_600_000).default(2_000),
});

export type Env = z.infer<typeof envSchema>;
