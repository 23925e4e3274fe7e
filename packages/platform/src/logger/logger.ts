import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** Field names whose values never reach a log line, at any depth we log. */
const SECRET_KEYS = [
  'password',
  'password_hash',
  'passwordHash',
  'new_password',
  'current_password',
  'token',
  'access_token',
  'refresh_token',
  'accessToken',
  'refreshToken',
  'totp',
  'totp_secret',
  'secret',
  'api_key',
  'api_secret',
  'apiKey',
  'apiSecret',
  'passphrase',
  'authorization',
  'cookie',
  'x-api-key',
  'x-signature',
  'session',
  'masterKey',
  'jwtKey',
  'trongridApiKey',
  'tron-pro-api-key',
  'botToken',
  'webhookSecret',
  'apiHash',
  'x-telegram-bot-api-secret-token',
];

export const redactPaths = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-signature"]',
  'res.headers["set-cookie"]',
];

/** Query-string parameters whose values are replaced in logged URLs. */
const SECRET_QUERY = /([?&](?:token|access_token|refresh_token|code|secret|key|signature)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[redacted]');
}

/**
 * Telegram bot tokens (`<bot id>:<35 characters>`) travel inside URLs (`/bot<token>/sendMessage`), so
 * HTTP client errors quote them in their messages and stacks. Every line is masked on its way out.
 */
const BOT_TOKEN = /\d{5,}:[A-Za-z0-9_-]{30,}/g;

export function maskBotTokens(line: string): string {
  return line.replace(BOT_TOKEN, '[redacted-bot-token]');
}

export function createLogger(options: { level: string; destination?: pino.DestinationStream }): Logger {
  const opts: LoggerOptions = {
    level: options.level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    base: { service: 'verzek' },
    timestamp: pino.stdTimeFunctions.isoTime,
    hooks: { streamWrite: maskBotTokens },
  };
  return options.destination ? pino(opts, options.destination) : pino(opts);
}

/**
 * A child logger made on first use. pino's child() redacts its bindings, which costs more than the
 * rest of the logging of a task that never logs — most of the position engine's tasks.
 */
export function lazyChild(logger: Logger, bindings: Record<string, unknown>): Logger {
  let child: Logger | null = null;
  return new Proxy(logger, {
    get(_, key) {
      child ??= logger.child(bindings);
      const value: unknown = Reflect.get(child, key, child);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(child) : value;
    },
  });
}
