import { ExchangeError, type ExchangeErrorKind } from '../port';
import { loadedCcxt } from './ccxt-loader';

/** Whether a call changes state on the exchange: decides what a network failure means. */
export type CallOp = 'read' | 'write';

/**
 * An exchange-specific verdict on a venue error code, taking precedence over ccxt's class:
 * `unknown` = the write may have happened (a read is just `retryable`), `resync` = the clock is off
 * (resync, then `retryable`), `not_found` = the order does not exist (handled by the caller).
 */
export type CodeVerdict = ExchangeErrorKind | 'unknown' | 'resync' | 'not_found';

export interface MapOptions {
  /** Names the call in the error message ("binance POST order"). */
  label: string;
  /** The venue's own error code, when the adapter could read one from the error. */
  code?: string | null;
  codes?: Readonly<Record<string, CodeVerdict>>;
  /** For `rate_limited`: how long to wait (from Retry-After or the request gate). */
  retryAfterMs?: number;
}

/**
 * The one translation of ccxt's errors into the port's kinds (no other module looks at ccxt errors):
 * - rate limits and bans (`DDoSProtection`, `RateLimitExceeded`) → `rate_limited`: nothing happened;
 * - `AuthenticationError`/`PermissionDenied` → `auth`;
 * - `InvalidNonce` (clock skew) → `retryable`: the request was refused before it was executed;
 * - network trouble (`RequestTimeout`, `ExchangeNotAvailable`, `NetworkError`, an unparseable answer)
 *   → `unknown_outcome` for a write (it may have been executed), `retryable` for a read;
 * - refusals (`InsufficientFunds`, `InvalidOrder`, `BadRequest`, `OperationRejected`, any other
 *   `ExchangeError` with an answer) → `rejected` for a write, `retryable` for a read that is worth
 *   another try, `rejected` for a malformed one;
 * - anything else (a bug) → `unknown_outcome` for a write, `retryable` for a read, and the cause kept.
 * A venue code in `codes` overrides the class (ccxt maps some codes differently per URL).
 */
export function mapCcxtError(err: unknown, op: CallOp, options: MapOptions): ExchangeError {
  if (err instanceof ExchangeError) return err;
  const message = `${options.label}: ${describe(err, options.code)}`;
  const extra = { cause: err, ...(options.code ? { code: options.code } : {}) };
  const verdict = options.code ? options.codes?.[options.code] : undefined;
  if (verdict !== undefined) {
    switch (verdict) {
      case 'unknown':
        return new ExchangeError(op === 'write' ? 'unknown_outcome' : 'retryable', message, extra);
      case 'resync':
        return new ExchangeError('retryable', message, extra);
      case 'not_found':
        return new ExchangeError('rejected', message, extra);
      case 'rate_limited':
        return new ExchangeError('rate_limited', message, {
          ...extra,
          retryAfterMs: options.retryAfterMs ?? 1000,
        });
      default:
        return new ExchangeError(verdict, message, extra);
    }
  }
  const ccxt = loadedCcxt();
  if (!ccxt) return new ExchangeError(op === 'write' ? 'unknown_outcome' : 'retryable', message, extra);
  if (err instanceof ccxt.DDoSProtection || err instanceof ccxt.RateLimitExceeded)
    return new ExchangeError('rate_limited', message, {
      ...extra,
      retryAfterMs: options.retryAfterMs ?? 1000,
    });
  if (err instanceof ccxt.AuthenticationError) return new ExchangeError('auth', message, extra);
  if (err instanceof ccxt.InvalidNonce) return new ExchangeError('retryable', message, extra);
  if (
    err instanceof ccxt.NetworkError ||
    err instanceof ccxt.BadResponse ||
    err instanceof ccxt.OperationFailed
  )
    return new ExchangeError(op === 'write' ? 'unknown_outcome' : 'retryable', message, extra);
  if (
    err instanceof ccxt.InsufficientFunds ||
    err instanceof ccxt.InvalidOrder ||
    err instanceof ccxt.BadRequest ||
    err instanceof ccxt.OperationRejected ||
    err instanceof ccxt.NotSupported ||
    err instanceof ccxt.ArgumentsRequired
  )
    return new ExchangeError('rejected', message, extra);
  if (err instanceof ccxt.ExchangeError)
    return new ExchangeError(op === 'write' ? 'rejected' : 'retryable', message, extra);
  return new ExchangeError(op === 'write' ? 'unknown_outcome' : 'retryable', message, extra);
}

/** The venue's numeric error code in a ccxt message (`… {"code":-2022,"msg":"…"}`), if any. */
export function jsonErrorCode(err: unknown): string | null {
  const m = /"code"\s*:\s*"?(-?\d+)"?/.exec(err instanceof Error ? err.message : String(err));
  return m ? m[1]! : null;
}

/** Bybit's `"retCode":110072` in a ccxt message (its errors carry the whole JSON answer), if any. */
export function retCodeOf(err: unknown): string | null {
  const m = /"retCode"\s*:\s*"?(-?\d+)"?/.exec(err instanceof Error ? err.message : String(err));
  return m && m[1] !== '0' ? m[1]! : null;
}

/** The venue's message, or ccxt's — without URLs' query strings (they carry signatures). */
function describe(err: unknown, code: string | null | undefined): string {
  const raw = err instanceof Error ? err.message : String(err);
  // Binance says `"msg"`, Bybit `"retMsg"`.
  const msg = /"(?:msg|retMsg)"\s*:\s*"([^"]*)"/.exec(raw)?.[1];
  if (msg !== undefined) return code ? `${msg} (code ${code})` : msg;
  const name = err instanceof Error ? err.constructor.name : 'Error';
  return `${name}: ${redactUrls(raw)}`.slice(0, 300);
}

/** Removes query strings (timestamps, signatures) from URLs in a text. */
export function redactUrls(text: string): string {
  return text.replace(/(https?:\/\/[^\s?]+)\?\S*/g, '$1');
}
