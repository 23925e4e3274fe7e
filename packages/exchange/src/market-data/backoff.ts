/** Exponential backoff with jitter for reconnections. */
export interface BackoffOptions {
  /** Delay before the first retry, in ms (default 500). */
  initialMs?: number;
  /** Upper bound of the delay, in ms (default 30 000). */
  maxMs?: number;
  /** Growth per failed attempt (default 2). */
  factor?: number;
  /**
   * Fraction of the delay that is randomized (default 0.5: the delay is uniformly drawn from
   * [50 %, 100 %] of the exponential value), so many clients do not reconnect in lock-step.
   */
  jitter?: number;
}

/** Backoff settings with every default filled in. */
export type ResolvedBackoff = Required<BackoffOptions>;

/** Fills in defaults and validates. */
export function resolveBackoff(options: BackoffOptions = {}): ResolvedBackoff {
  const resolved = {
    initialMs: options.initialMs ?? 500,
    maxMs: options.maxMs ?? 30_000,
    factor: options.factor ?? 2,
    jitter: options.jitter ?? 0.5,
  };
  if (!(resolved.initialMs > 0) || !(resolved.maxMs >= resolved.initialMs)) {
    throw new RangeError('backoff needs 0 < initialMs ≤ maxMs');
  }
  if (!(resolved.factor >= 1)) throw new RangeError('backoff factor must be ≥ 1');
  if (!(resolved.jitter >= 0 && resolved.jitter <= 1))
    throw new RangeError('backoff jitter must be in [0, 1]');
  return resolved;
}

/**
 * The delay before retry number `attempt` (1-based): `min(maxMs, initialMs × factor^(attempt−1))`,
 * minus up to `jitter` of itself.
 */
export function backoffDelay(attempt: number, backoff: ResolvedBackoff, random: () => number): number {
  const exp = backoff.initialMs * Math.pow(backoff.factor, Math.max(0, attempt - 1));
  const capped = Math.min(backoff.maxMs, exp);
  return Math.max(1, Math.round(capped * (1 - backoff.jitter * random())));
}
