import { Api, GrammyError, HttpError } from 'grammy';

/**
 * What became of one Bot API call. The sender decides from this alone whether a message may be sent
 * again: only `not_sent`, `rate_limited` and `rejected` are certain that nothing was posted.
 */
export type CallOutcome<T = unknown> =
  | { kind: 'ok'; result: T }
  /** 429: Telegram refused it for now; nothing was done. */
  | { kind: 'rate_limited'; retryAfterSec: number; description: string }
  /** Telegram answered with an error (4xx): nothing was done. */
  | { kind: 'rejected'; code: number; description: string; migrateToChatId: string | null }
  /** The request never reached Telegram (no connection): nothing was done. */
  | { kind: 'not_sent'; reason: string }
  /** It may or may not have been done: a timeout, a connection lost mid-request, a 5xx. */
  | { kind: 'unknown'; reason: string };

/** Bot tokens as BotFather issues them (`123456789:AA…`), wherever they appear (URLs, messages). */
const TOKEN_PATTERN = /\d{5,}:[A-Za-z0-9_-]{30,}/g;

/** Replaces anything that looks like a bot token. Applied to every error text this package produces. */
export function redactToken(text: string): string {
  return text.replace(TOKEN_PATTERN, '[bot-token]');
}

/** Network failures that happen before a request is written: Telegram cannot have seen it. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e !== null && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown; error?: unknown }).cause ?? (e as { error?: unknown }).error;
  }
  return undefined;
}

/** Classifies whatever a grammY call threw. */
export function classifyError(err: unknown): CallOutcome<never> {
  if (err instanceof GrammyError) {
    const description = redactToken(err.description);
    if (err.error_code === 429) {
      const after = Number(err.parameters.retry_after ?? 1);
      return {
        kind: 'rate_limited',
        retryAfterSec: Number.isFinite(after) && after > 0 ? after : 1,
        description,
      };
    }
    if (err.error_code >= 500) return { kind: 'unknown', reason: `${err.error_code}: ${description}` };
    const migrate = err.parameters.migrate_to_chat_id;
    return {
      kind: 'rejected',
      code: err.error_code,
      description,
      migrateToChatId: migrate === undefined ? null : String(migrate),
    };
  }
  const code = errorCode(err);
  const message = redactToken(
    err instanceof HttpError
      ? `${err.message}${err.error instanceof Error ? ` ${err.error.message}` : ''}`
      : err instanceof Error
        ? err.message
        : String(err),
  );
  if (code !== undefined && NEVER_SENT.has(code)) return { kind: 'not_sent', reason: `${code}: ${message}` };
  return { kind: 'unknown', reason: code === undefined ? message : `${code}: ${message}` };
}

export interface TransportOptions {
  /** Bot API root without a trailing slash (tests: the fake's URL). */
  apiRoot: string;
  /** A call not answered in this time has an unknown outcome. */
  timeoutSeconds: number;
}

/**
 * The Bot API as the sender uses it: grammY's client (its own instance, with a short timeout), every
 * call answered with a `CallOutcome` instead of a throw, and no token in any error text.
 */
export class BotTransport {
  readonly api: Api;

  constructor(token: string, options: TransportOptions) {
    this.api = new Api(token, { apiRoot: options.apiRoot, timeoutSeconds: options.timeoutSeconds });
  }

  async call<T = unknown>(method: string, params: Record<string, unknown>): Promise<CallOutcome<T>> {
    try {
      const raw = this.api.raw as unknown as Record<string, (p: Record<string, unknown>) => Promise<T>>;
      const fn = raw[method];
      if (!fn)
        return {
          kind: 'rejected',
          code: 404,
          description: `unknown method ${method}`,
          migrateToChatId: null,
        };
      return { kind: 'ok', result: await fn(params) };
    } catch (err) {
      return classifyError(err);
    }
  }
}
