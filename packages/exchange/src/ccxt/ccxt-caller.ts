import type { Logger } from '@verzek/platform';
import { ExchangeError } from '../port';
import { loadedCcxt } from './ccxt-loader';
import { jsonErrorCode, mapCcxtError, type CallOp, type CodeVerdict } from './errors';
import type { RequestCost, RequestGate } from './request-gate';

export interface RetryPolicy {
  /** Attempts of a read in total (writes are never retried here). */
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_READ_RETRY: RetryPolicy = { attempts: 3, baseMs: 200, maxMs: 2_000 };

/** See {@link CallerOptions.writeBudgetMs}. */
export const DEFAULT_WRITE_BUDGET_MS = 4_000;

export interface CallerOptions {
  gate: RequestGate;
  /** The account's key in the gate (its fair share and order budget). */
  accountKey: string;
  /** Prefix of error messages ("binance"). */
  venue: string;
  codes: Readonly<Record<string, CodeVerdict>>;
  /** Reads the venue's error code from a ccxt error (default: `"code":-1234` in the message). */
  codeOf?: (err: unknown) => string | null;
  /** Re-syncs the clock after a timestamp error. */
  resync?: () => Promise<void>;
  retry?: RetryPolicy;
  /**
   * Longest time between a write being asked for and it being handed to ccxt. A write that could only
   * go later is refused unsent: the caller gave up on it by then (its own timeout) and may look the
   * order up and place it again — a request sent after that lookup would be a duplicate. Keep
   * `writeBudgetMs + the HTTP timeout` under the caller's timeout (the engine's: 15 s).
   */
  writeBudgetMs?: number;
  logger?: Logger;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Runs one ccxt call for one account: through the rate-limit gate, with the error mapped to the port's
 * kinds, reads retried with bounded exponential backoff (and a clock resync after a timestamp error),
 * writes never retried. Shared by every ccxt adapter; what differs per exchange is the code table.
 */
export class CcxtCaller {
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly o: CallerOptions) {
    this.retry = o.retry ?? DEFAULT_READ_RETRY;
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /**
   * `onCode` sees the venue code of a failure first and may turn it into a value (e.g. "order does not
   * exist" → null); returning undefined lets the error be mapped and thrown.
   */
  async call<T>(
    op: CallOp,
    what: string,
    cost: RequestCost,
    fn: () => Promise<T>,
    onCode?: (code: string | null, err: unknown) => { value: T } | undefined,
  ): Promise<T> {
    const attempts = op === 'read' ? Math.max(1, this.retry.attempts) : 1;
    const sendBy = op === 'write' ? Date.now() + (this.o.writeBudgetMs ?? DEFAULT_WRITE_BUDGET_MS) : Infinity;
    const send =
      op === 'write'
        ? () => {
            if (Date.now() > sendBy)
              return Promise.reject(
                new ExchangeError(
                  'rate_limited',
                  `${this.o.venue} ${what}: not sent in time (the process is overloaded)`,
                  {
                    retryAfterMs: 1000,
                  },
                ),
              );
            return fn();
          }
        : fn;
    let last: ExchangeError | null = null;
    for (let attempt = 0; attempt < attempts; attempt++) {
      try {
        return await this.o.gate.run(this.o.accountKey, cost, send);
      } catch (err) {
        if (err instanceof ExchangeError) {
          // The gate refused to send it (budget or ban): nothing happened; the caller backs off.
          throw err;
        }
        const code = (this.o.codeOf ?? jsonErrorCode)(err);
        const handled = onCode?.(code, err);
        if (handled) return handled.value;
        const mapped = mapCcxtError(err, op, {
          label: `${this.o.venue} ${what}`,
          code,
          codes: this.o.codes,
          retryAfterMs: this.o.gate.banRemainingMs(this.o.accountKey, cost.bucket) || undefined,
        });
        const clockSkew = (code !== null && this.o.codes[code] === 'resync') || isInvalidNonce(err);
        if (clockSkew && this.o.resync) {
          await this.o
            .resync()
            .catch((e: unknown) =>
              this.o.logger?.warn({ err: e instanceof Error ? e.message : String(e) }, 'clock resync failed'),
            );
        }
        last = mapped;
        if (mapped.kind !== 'retryable' || attempt === attempts - 1) throw mapped;
        const backoff = Math.min(this.retry.maxMs, this.retry.baseMs * 2 ** attempt);
        await this.sleep(backoff / 2 + Math.random() * (backoff / 2));
      }
    }
    throw last ?? new ExchangeError('retryable', `${this.o.venue} ${what}: no attempt made`);
  }
}

function isInvalidNonce(err: unknown): boolean {
  const ccxt = loadedCcxt();
  return ccxt !== null && err instanceof ccxt.InvalidNonce;
}
