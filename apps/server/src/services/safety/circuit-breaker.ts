import { evaluateCircuitBreaker, type CircuitBreakerDecision, type KillSwitchSetter } from '@verzek/core';
import { readSafety, type Db } from '@verzek/db';
import type { EventBus } from '../../events/bus';
import { systemDrawdownPct } from './drawdown';
import { setKillSwitch } from './kill-switch';

const DAY_MS = 86_400_000;

export interface CircuitBreakerOptions {
  /** GLOBAL_MAX_DD_PCT. */
  limitPct: number;
  /** AUTO_RESUME. */
  autoResume: boolean;
}

export interface CircuitBreakerOutcome extends CircuitBreakerDecision {
  drawdown_pct: string;
  /** Start of the window the drawdown was measured over (24 h, or since an admin's override). */
  window_start: number;
  /** Whether this run turned the switch on or off (false when another process got there first). */
  changed: boolean;
}

/**
 * One evaluation of the circuit breaker (§6): measures the rolling 24 h system drawdown, applies the
 * core rule with the stored auto-resume timer and the switch's setter, and acts — trips the kill
 * switch (admin alert `circuit_breaker`), resumes it (only a switch the breaker set, only with
 * auto-resume), or stores the timer. Safe to run twice at the same instant: the second run finds the
 * switch already in the state the first one left and does nothing.
 *
 * After an administrator turns off a switch the breaker had set, the window starts at that moment:
 * otherwise the breaker would trip again within a minute on the very losses the admin just overrode.
 */
export async function runCircuitBreaker(
  deps: { db: Db; bus: EventBus; now: number },
  options: CircuitBreakerOptions,
): Promise<CircuitBreakerOutcome> {
  const { db, now } = deps;
  const windowStart = Math.max(now - DAY_MS, (await lastAdminOverride(db, now - DAY_MS)) ?? 0);
  const dd = await systemDrawdownPct(db, windowStart);
  const safety = await readSafety(db);
  const setBy: KillSwitchSetter | null =
    safety.set_by === 'breaker' || safety.set_by === 'admin' ? safety.set_by : null;
  const stored = safety.recovered_since === null ? null : Number(safety.recovered_since);
  const decision = evaluateCircuitBreaker({
    drawdown_pct: dd.pct,
    limit_pct: options.limitPct,
    kill_switch: safety.kill_switch === 1,
    kill_switch_set_by: setBy,
    auto_resume: options.autoResume,
    recovered_since: stored,
    now,
  });
  let changed = false;
  if (decision.action === 'trip') {
    changed = await setKillSwitch(deps, { on: true, by: 'breaker', userId: null, reason: decision.reason });
  } else if (decision.action === 'resume') {
    changed = await setKillSwitch(deps, {
      on: false,
      by: 'breaker',
      userId: null,
      reason: decision.reason,
      onlyIfSetBy: 'breaker',
    });
  } else if (decision.recovered_since !== stored) {
    // Only the breaker's own switch carries a timer; an admin may have changed it since we read it.
    await db
      .updateTable('safety_state')
      .set({ recovered_since: decision.recovered_since })
      .where('id', '=', 1)
      .where('kill_switch', '=', 1)
      .where('set_by', '=', 'breaker')
      .execute();
  }
  return { ...decision, drawdown_pct: dd.pct, window_start: windowStart, changed };
}

/** When an administrator last turned off a kill switch the breaker had set, if after `since`. */
async function lastAdminOverride(db: Db, since: number): Promise<number | null> {
  const rows = await db
    .selectFrom('audit_log')
    .select(['at', 'detail'])
    .where('action', '=', 'admin_kill_switch')
    .where('at', '>=', since)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  for (const row of rows) {
    const detail = JSON.parse(row.detail) as { on?: unknown; was_set_by?: unknown };
    if (detail.on === false && detail.was_set_by === 'breaker') return Number(row.at);
  }
  return null;
}
