import { dec, tryDec } from '../../money';
import { fmtPct } from './rules';

/** Who turned the global kill switch on. */
export type KillSwitchSetter = 'breaker' | 'admin';

/** Inputs of {@link evaluateCircuitBreaker}. */
export interface CircuitBreakerInput {
  /** Rolling 24 h system drawdown, % (e.g. from `rollingDrawdownPct`). */
  drawdown_pct: string | number;
  /** GLOBAL_MAX_DD_PCT; default 35. */
  limit_pct?: number;
  kill_switch: boolean;
  /** Who set the kill switch (null when off or unknown — treated like an admin: never auto-resumed). */
  kill_switch_set_by: KillSwitchSetter | null;
  /** AUTO_RESUME. */
  auto_resume: boolean;
  /** When drawdown was first seen back at ≤ limit − recovery points (from the previous decision). */
  recovered_since: number | null;
  /** Epoch ms. */
  now: number;
  /** Points below the limit that count as recovered; default 5. */
  recovery_points?: number;
  /** How long recovery must last before resuming; default 30 minutes. */
  resume_after_ms?: number;
}

/** What to do now; persist `recovered_since` and pass it back next time. */
export interface CircuitBreakerDecision {
  action: 'trip' | 'resume' | 'none';
  reason: string;
  recovered_since: number | null;
}

export const DEFAULT_GLOBAL_MAX_DD_PCT = 35;
export const DEFAULT_RECOVERY_POINTS = 5;
export const DEFAULT_RESUME_AFTER_MS = 30 * 60_000;

/**
 * The circuit-breaker rule (§6). Kill switch off: trip when drawdown ≥ limit. Kill switch on: resume
 * only if the breaker (never an admin) set it, auto-resume is on, and drawdown has stayed at or below
 * limit − 5 points for at least 30 minutes (measured from `recovered_since`, which this function starts,
 * keeps and clears — the caller stores it between evaluations). An unparsable drawdown does nothing.
 */
export function evaluateCircuitBreaker(input: CircuitBreakerInput): CircuitBreakerDecision {
  const limit = dec(input.limit_pct ?? DEFAULT_GLOBAL_MAX_DD_PCT);
  const points = input.recovery_points ?? DEFAULT_RECOVERY_POINTS;
  const waitMs = input.resume_after_ms ?? DEFAULT_RESUME_AFTER_MS;
  const dd = tryDec(input.drawdown_pct);
  if (dd == null) {
    return {
      action: 'none',
      reason: 'Drawdown is not a number; nothing decided',
      recovered_since: input.recovered_since,
    };
  }
  const ddText = `${fmtPct(dd)}%`;
  if (!input.kill_switch) {
    if (dd.gte(limit)) {
      return {
        action: 'trip',
        reason: `Circuit breaker tripped: 24h drawdown ${ddText} reached the limit of ${fmtPct(limit)}%`,
        recovered_since: null,
      };
    }
    return {
      action: 'none',
      reason: `24h drawdown ${ddText} is below the limit of ${fmtPct(limit)}%`,
      recovered_since: null,
    };
  }
  if (input.kill_switch_set_by !== 'breaker') {
    return {
      action: 'none',
      reason: 'Kill switch was set by an administrator; it is never resumed automatically',
      recovered_since: null,
    };
  }
  if (!input.auto_resume) {
    return {
      action: 'none',
      reason: 'Auto-resume is off; an administrator must resume trading',
      recovered_since: null,
    };
  }
  const threshold = limit.minus(points);
  if (dd.gt(threshold)) {
    return {
      action: 'none',
      reason: `24h drawdown ${ddText} has not recovered to ${fmtPct(threshold)}% (limit ${fmtPct(limit)}% − ${points} points)`,
      recovered_since: null,
    };
  }
  const since = input.recovered_since ?? input.now;
  const elapsed = input.now - since;
  if (elapsed >= waitMs) {
    return {
      action: 'resume',
      reason: `Auto-resume: 24h drawdown ${ddText} has stayed at or below ${fmtPct(threshold)}% for ${Math.floor(elapsed / 60_000)} min`,
      recovered_since: null,
    };
  }
  const leftMin = Math.ceil((waitMs - elapsed) / 60_000);
  return {
    action: 'none',
    reason: `Recovering: 24h drawdown ${ddText} is at or below ${fmtPct(threshold)}%; resuming in ${leftMin} min if it holds`,
    recovered_since: since,
  };
}
