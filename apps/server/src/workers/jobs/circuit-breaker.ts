import type { AppContext } from '../../context';
import { runCircuitBreaker } from '../../services/safety/circuit-breaker';
import type { ScheduledJob } from '../scheduler';

/**
 * The circuit breaker (§6), every minute: trips the global kill switch when the rolling 24 h system
 * drawdown reaches GLOBAL_MAX_DD_PCT, and with AUTO_RESUME turns its own trip off again after 30
 * minutes at 5 points below the limit. See services/safety/circuit-breaker.ts.
 */
export function circuitBreakerJob(ctx: AppContext): ScheduledJob {
  const log = ctx.logger.child({ component: 'circuit-breaker' });
  return {
    name: 'circuit-breaker',
    schedule: { everyMs: 60_000 },
    async run({ now }) {
      const outcome = await runCircuitBreaker(
        { db: ctx.db, bus: ctx.bus, now },
        { limitPct: ctx.config.trading.globalMaxDrawdownPct, autoResume: ctx.config.trading.autoResume },
      );
      const facts = { action: outcome.action, drawdown_pct: outcome.drawdown_pct, changed: outcome.changed };
      if (outcome.action !== 'none' && outcome.changed) log.warn(facts, outcome.reason);
      else log.debug(facts, outcome.reason);
    },
  };
}
