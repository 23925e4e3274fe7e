/**
 * The only error kinds that leave an adapter; adapters map their library's errors here, nowhere else.
 * - `retryable`: a read failed transiently (network, 5xx, timeout): back off and retry.
 * - `unknown_outcome`: a write may or may not have happened: look the order up before deciding.
 * - `rejected`: the venue refused it for a reason (balance, filters, reduce-only…): record, don't retry.
 * - `rate_limited`: back off for `retryAfterMs` (no write happened).
 * - `auth`: keys invalid, expired or without permission.
 */
export type ExchangeErrorKind = 'retryable' | 'unknown_outcome' | 'rejected' | 'rate_limited' | 'auth';

export class ExchangeError extends Error {
  override name = 'ExchangeError';
  constructor(
    readonly kind: ExchangeErrorKind,
    message: string,
    readonly options: { retryAfterMs?: number; code?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
  }
}

export function isExchangeError(err: unknown, kind?: ExchangeErrorKind): err is ExchangeError {
  return err instanceof ExchangeError && (kind === undefined || err.kind === kind);
}
