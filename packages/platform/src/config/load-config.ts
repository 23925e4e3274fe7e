import path from 'node:path';
import { envSchema, type Env } from './schema';

export type DatabaseConfig = { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string };

export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  dataDir: string;
  database: DatabaseConfig;
  logLevel: string;
  publicUrl: string;
  corsOrigins: string[];
  trustProxy: boolean;
  /** `/metrics`: the scrapers' bearer token (unset: loopback only) and an optional metrics-only port. */
  metrics: { token?: string; port?: number };
  secrets: { jwtSecret?: string; masterKey?: string };
  mail: { smtpUrl?: string; from: string };
  limits: {
    loginPerMinutePerIp: number;
    registerPerHourPerIp: number;
    accountMaxFailedLogins: number;
    accountLockoutMinutes: number;
    emailResendCooldownSeconds: number;
  };
  payments: PaymentsConfig;
  trading: TradingConfig;
  exchanges: ExchangesConfig;
  telegram: TelegramConfig;
  app: AppConfig;
}

/** The exported web app and push notifications to the iOS/Android app (docs/app.md). */
export interface AppConfig {
  /** Folder of the exported web app (`index.html`); unset: apps/mobile/dist of this checkout, if built. */
  webAppDir?: string;
  /** Expo's push service (base URL, without `/--/api/v2`). */
  pushUrl: string;
  /** Expo access token, when "enhanced push security" is on for the project; a secret. */
  pushAccessToken?: string;
  /** How often the push sender looks for new notifications, ms. */
  pushPollMs: number;
}

/** Telegram (docs/telegram.md): off without a bot token; everything else works without it. */
export interface TelegramConfig {
  /** A secret: never logged (the logger also masks anything shaped like a bot token). */
  botToken?: string;
  apiRoot: string;
  botUsername?: string;
  vipChatId?: string;
  trialChatId?: string;
  adminChatId?: string;
  trialDelayMinutes: number;
  trialDetail: 'full' | 'reduced' | 'minimal';
  staleMinutes: number;
  groupMessagesPerMinute: number;
  messagesPerSecond: number;
  updates: 'polling' | 'webhook' | 'off';
  /** A secret: Telegram sends it in X-Telegram-Bot-Api-Secret-Token with each webhook call. */
  webhookSecret?: string;
  minConfidence: number;
  followUpWindowHours: number;
  /** MTProto user client (my.telegram.org); the hash is a secret. */
  apiId?: number;
  apiHash?: string;
}

/** Live exchange connections (docs/exchanges.md). */
export interface ExchangesConfig {
  /** `http://[user:pass@]host:port` of an HTTPS forward proxy for every exchange request; a secret. */
  httpsProxy?: string;
  /** Timeout of one exchange HTTP request, ms. */
  timeoutMs: number;
  /** How often live accounts' resting orders and positions are compared with the exchange, ms. */
  pollMs: number;
  /** Replaces Binance's REST host for USDⓈ-M futures and account calls (tests and fakes only). */
  binanceFuturesUrl?: string;
  /** Binance's published limits: IP weight per minute, orders per 10 s and per minute per account. */
  binanceLimits: { weightPerMinute: number; ordersPer10s: number; ordersPerMinute: number };
  /** Replaces Bybit's v5 REST host (tests and fakes only). */
  bybitUrl?: string;
  /** Replace Phemex's and Kraken Futures' REST hosts (tests and fakes only). */
  phemexUrl?: string;
  krakenFuturesUrl?: string;
}

/** Market data, paper trading, the execution engine and the safety rules (docs/configuration.md). */
export interface TradingConfig {
  marketFeed: 'binance' | 'sim' | 'manual';
  binance: { wsUrl: string; routing: 'split' | 'single' };
  sim: { tickMs: number; volatilityPct: string; seed: number };
  paper: { slippageBps: number; makerFee: string; takerFee: string; minNotionalUsdt: string };
  trial: { delayMinutes: number; historyDays: number };
  engineConcurrency: number;
  intentBatchSize: number;
  globalMaxDrawdownPct: number;
  autoResume: boolean;
}

/** USDT (TRC-20) plan payments (docs/payments.md). Amounts are decimal strings, never floats. */
export interface PaymentsConfig {
  prices: { VIP: string; PREMIUM: string };
  durationDays: number;
  /** The operator's TRON wallet (base58); without it payments are disabled. */
  walletAddress?: string;
  usdtContract: string;
  /** TronGrid (or any java-tron HTTP API) base URL, without a trailing slash. */
  trongridUrl: string;
  /** Sent as TRON-PRO-API-KEY; a secret. */
  trongridApiKey?: string;
  referralCreditUsdt: string;
  /** How long before the payment was submitted the transfer may have been made. */
  maxAgeHours: number;
  /** A payment not found on chain for this long after submission is rejected. */
  giveUpHours: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type EnvSource = Record<string, string | undefined>;

/**
 * Reads and validates the configuration. The only place in the codebase that reads the environment.
 * Empty strings count as unset, so `FOO=` in an env file falls back to the default.
 */
export function loadConfig(source: EnvSource = process.env, overrides: EnvSource = {}): Config {
  const raw: EnvSource = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = overrides[key] ?? source[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    // Name each bad variable; never echo its value (it may be a secret).
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    dataDir,
    database: databaseConfig(e.DATABASE_URL, dataDir),
    logLevel: e.LOG_LEVEL,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    corsOrigins: e.CORS_ORIGINS,
    trustProxy: e.TRUST_PROXY,
    metrics: { token: e.METRICS_TOKEN, port: e.METRICS_PORT },
    secrets: { jwtSecret: e.JWT_SECRET, masterKey: e.MASTER_KEY },
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM },
    limits: {
      loginPerMinutePerIp: e.LOGIN_RATE_LIMIT_PER_MINUTE,
      registerPerHourPerIp: e.REGISTER_RATE_LIMIT_PER_HOUR,
      accountMaxFailedLogins: e.ACCOUNT_MAX_FAILED_LOGINS,
      accountLockoutMinutes: e.ACCOUNT_LOCKOUT_MINUTES,
      emailResendCooldownSeconds: e.EMAIL_RESEND_COOLDOWN_SECONDS,
    },
    payments: {
      prices: { VIP: e.PLAN_PRICE_VIP_USDT, PREMIUM: e.PLAN_PRICE_PREMIUM_USDT },
      durationDays: e.PLAN_DURATION_DAYS,
      walletAddress: e.TRON_WALLET_ADDRESS,
      usdtContract: e.TRON_USDT_CONTRACT,
      trongridUrl: e.TRONGRID_URL.replace(/\/+$/, ''),
      trongridApiKey: e.TRONGRID_API_KEY,
      referralCreditUsdt: e.REFERRAL_CREDIT_USDT,
      maxAgeHours: e.PAYMENT_MAX_AGE_HOURS,
      giveUpHours: e.PAYMENT_GIVE_UP_HOURS,
    },
    trading: {
      marketFeed: e.MARKET_FEED,
      binance: { wsUrl: e.BINANCE_WS_URL.replace(/\/+$/, ''), routing: e.BINANCE_WS_ROUTING },
      sim: { tickMs: e.SIM_TICK_MS, volatilityPct: e.SIM_VOLATILITY_PCT, seed: e.SIM_SEED },
      paper: {
        slippageBps: e.PAPER_SLIPPAGE_BPS,
        makerFee: e.PAPER_MAKER_FEE,
        takerFee: e.PAPER_TAKER_FEE,
        minNotionalUsdt: e.PAPER_MIN_NOTIONAL_USDT,
      },
      trial: { delayMinutes: e.TRIAL_FEED_DELAY_MINUTES, historyDays: e.TRIAL_HISTORY_DAYS },
      engineConcurrency: e.ENGINE_CONCURRENCY,
      intentBatchSize: e.INTENT_BATCH_SIZE,
      globalMaxDrawdownPct: e.GLOBAL_MAX_DD_PCT,
      autoResume: e.AUTO_RESUME,
    },
    exchanges: {
      httpsProxy: e.EXCHANGE_HTTPS_PROXY,
      timeoutMs: e.EXCHANGE_TIMEOUT_MS,
      pollMs: e.EXCHANGE_POLL_MS,
      binanceFuturesUrl: e.BINANCE_FUTURES_URL?.replace(/\/+$/, ''),
      binanceLimits: {
        weightPerMinute: e.BINANCE_WEIGHT_PER_MINUTE,
        ordersPer10s: e.BINANCE_ORDERS_PER_TEN_SECONDS,
        ordersPerMinute: e.BINANCE_ORDERS_PER_MINUTE,
      },
      bybitUrl: e.BYBIT_URL?.replace(/\/+$/, ''),
      phemexUrl: e.PHEMEX_URL?.replace(/\/+$/, ''),
      krakenFuturesUrl: e.KRAKEN_FUTURES_URL?.replace(/\/+$/, ''),
    },
    telegram: telegramConfig(e),
    app: {
      webAppDir: e.WEB_APP_DIR === undefined ? undefined : path.resolve(e.WEB_APP_DIR),
      pushUrl: e.EXPO_PUSH_URL.replace(/\/+$/, ''),
      pushAccessToken: e.EXPO_ACCESS_TOKEN,
      pushPollMs: e.PUSH_POLL_MS,
    },
  };
}

function telegramConfig(e: Env): TelegramConfig {
  if (
    e.TELEGRAM_UPDATES === 'webhook' &&
    e.TELEGRAM_BOT_TOKEN !== undefined &&
    e.TELEGRAM_WEBHOOK_SECRET === undefined
  ) {
    throw new ConfigError(['TELEGRAM_WEBHOOK_SECRET: required when TELEGRAM_UPDATES=webhook']);
  }
  if ((e.TELEGRAM_API_ID === undefined) !== (e.TELEGRAM_API_HASH === undefined)) {
    throw new ConfigError(['TELEGRAM_API_ID, TELEGRAM_API_HASH: set both (from my.telegram.org) or neither']);
  }
  return {
    botToken: e.TELEGRAM_BOT_TOKEN,
    apiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ''),
    botUsername: e.TELEGRAM_BOT_USERNAME?.replace(/^@/, ''),
    vipChatId: e.TELEGRAM_VIP_CHAT_ID,
    trialChatId: e.TELEGRAM_TRIAL_CHAT_ID,
    adminChatId: e.TELEGRAM_ADMIN_CHAT_ID,
    trialDelayMinutes: e.TELEGRAM_TRIAL_DELAY_MINUTES ?? e.TRIAL_FEED_DELAY_MINUTES,
    trialDetail: e.TELEGRAM_TRIAL_DETAIL,
    staleMinutes: e.TELEGRAM_STALE_MINUTES,
    groupMessagesPerMinute: e.TELEGRAM_GROUP_MESSAGES_PER_MINUTE,
    messagesPerSecond: e.TELEGRAM_MESSAGES_PER_SECOND,
    updates: e.TELEGRAM_UPDATES,
    webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
    minConfidence: e.TELEGRAM_MIN_CONFIDENCE,
    followUpWindowHours: e.TELEGRAM_FOLLOWUP_WINDOW_HOURS,
    apiId: e.TELEGRAM_API_ID,
    apiHash: e.TELEGRAM_API_HASH,
  };
}

function databaseConfig(url: string | undefined, dataDir: string): DatabaseConfig {
  if (url === undefined) return { dialect: 'sqlite', file: path.join(dataDir, 'verzek.db') };
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    return { dialect: 'sqlite', file: file === ':memory:' ? file : path.resolve(file) };
  }
  return { dialect: 'postgres', url };
}

/** Names of every variable the platform reads (for docs and .env.example checks). */
export const configVariableNames: readonly string[] = Object.keys(envSchema.shape);

/**
 * Loads `./.env` (or the file given) into the environment if it exists. Variables already set in
 * the real environment win.
 */
export function loadDotEnv(file = '.env'): boolean {
  try {
    process.loadEnvFile(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
