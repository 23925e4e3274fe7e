import { describe, expect, it } from 'vitest';
import { evaluateCircuitBreaker, type CircuitBreakerInput } from './circuit-breaker';

const T0 = Date.UTC(2025, 0, 10, 0, 0, 0);
const MIN = 60_000;

function cb(over: Partial<CircuitBreakerInput>): CircuitBreakerInput {
  return {
    drawdown_pct: '0',
    kill_switch: false,
    kill_switch_set_by: null,
    auto_resume: true,
    recovered_since: null,
    now: T0,
    ...over,
  };
}

describe('evaluateCircuitBreaker', () => {
  it.each([
    ['34.99', 'none'],
    ['35', 'trip'],
    ['35.01', 'trip'],
  ])('trips at the limit: drawdown %s%% → %s', (dd, action) => {
    const d = evaluateCircuitBreaker(cb({ drawdown_pct: dd }));
    expect(d.action).toBe(action);
    if (action === 'trip')
      expect(d.reason).toBe(`Circuit breaker tripped: 24h drawdown ${dd}% reached the limit of 35%`);
  });

  it('does not trip again when already on', () => {
    expect(
      evaluateCircuitBreaker(cb({ drawdown_pct: 50, kill_switch: true, kill_switch_set_by: 'breaker' }))
        .action,
    ).toBe('none');
  });

  it('auto-resumes after 30 minutes at least 5 points below the limit', () => {
    const on = { kill_switch: true, kill_switch_set_by: 'breaker' as const };
    // 30.01% is not 5 points below 35
    expect(evaluateCircuitBreaker(cb({ ...on, drawdown_pct: '30.01' }))).toMatchObject({
      action: 'none',
      recovered_since: null,
    });
    // exactly 30%: recovery starts now
    const start = evaluateCircuitBreaker(cb({ ...on, drawdown_pct: '30' }));
    expect(start).toMatchObject({ action: 'none', recovered_since: T0 });
    expect(start.reason).toMatch(/resuming in 30 min/);
    // one millisecond short of 30 minutes: still waiting
    const almost = evaluateCircuitBreaker(
      cb({ ...on, drawdown_pct: '20', recovered_since: T0, now: T0 + 30 * MIN - 1 }),
    );
    expect(almost).toMatchObject({ action: 'none', recovered_since: T0 });
    // at 30 minutes: resume
    const resume = evaluateCircuitBreaker(
      cb({ ...on, drawdown_pct: '20', recovered_since: T0, now: T0 + 30 * MIN }),
    );
    expect(resume).toMatchObject({ action: 'resume', recovered_since: null });
  });

  it('a relapse above the recovery line restarts the clock', () => {
    const on = { kill_switch: true, kill_switch_set_by: 'breaker' as const };
    const relapse = evaluateCircuitBreaker(
      cb({ ...on, drawdown_pct: '31', recovered_since: T0, now: T0 + 20 * MIN }),
    );
    expect(relapse).toMatchObject({ action: 'none', recovered_since: null });
    const again = evaluateCircuitBreaker(
      cb({ ...on, drawdown_pct: '29', recovered_since: null, now: T0 + 21 * MIN }),
    );
    expect(again.recovered_since).toBe(T0 + 21 * MIN);
  });

  it('never auto-resumes a kill switch set by an admin, nor with auto-resume off', () => {
    expect(
      evaluateCircuitBreaker(
        cb({
          kill_switch: true,
          kill_switch_set_by: 'admin',
          drawdown_pct: 0,
          recovered_since: T0 - 60 * MIN,
        }),
      ),
    ).toMatchObject({ action: 'none', recovered_since: null });
    expect(
      evaluateCircuitBreaker(
        cb({
          kill_switch: true,
          kill_switch_set_by: 'breaker',
          auto_resume: false,
          drawdown_pct: 0,
          recovered_since: T0 - 60 * MIN,
        }),
      ),
    ).toMatchObject({ action: 'none' });
  });

  it('honours a custom limit and ignores a broken metric', () => {
    expect(evaluateCircuitBreaker(cb({ drawdown_pct: 20, limit_pct: 20 })).action).toBe('trip');
    expect(evaluateCircuitBreaker(cb({ drawdown_pct: 'n/a' })).action).toBe('none');
  });
});
