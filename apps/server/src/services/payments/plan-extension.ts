import { dec } from '@verzek/core';
import type { PaidPlan, Plan } from '@verzek/db';

const DAY = 86_400_000;
const rank: Record<Plan, number> = { TRIAL: 0, VIP: 1, PREMIUM: 2 };

export interface PlanState {
  plan: Plan;
  /** null: no expiry (set by an admin). */
  expiresAt: number | null;
}

/**
 * The plan after a paid period is applied at `now`.
 *
 * - No active paid plan: the bought plan, from now, for its duration.
 * - Same plan active: stacks — the expiry moves by the duration (a renewal loses nothing).
 * - Different plan active: the higher of the two, and the time of the lower one is converted at
 *   the price ratio, so no value is lost either way: 20 VIP days left (50 USDT/30 days) + a PREMIUM
 *   period (100 USDT/30 days) → PREMIUM for 30 + 10 days; a VIP period bought during PREMIUM adds
 *   15 PREMIUM days.
 * - An active plan without expiry of at least the bought rank is left as it is.
 */
export function extendPlan(
  current: PlanState,
  bought: { plan: PaidPlan; durationDays: number },
  prices: Record<PaidPlan, string>,
  now: number,
): { plan: PaidPlan; expiresAt: number | null } {
  const duration = bought.durationDays * DAY;
  const active = current.plan !== 'TRIAL' && (current.expiresAt === null || current.expiresAt > now);
  if (!active) return { plan: bought.plan, expiresAt: now + duration };
  const held = current.plan as PaidPlan;
  const target: PaidPlan = rank[held] >= rank[bought.plan] ? held : bought.plan;
  if (current.expiresAt === null) {
    return target === held ? { plan: held, expiresAt: null } : { plan: target, expiresAt: now + duration };
  }
  const inTarget = (ms: number, plan: PaidPlan) =>
    plan === target ? ms : dec(ms).mul(prices[plan]).div(prices[target]).floor().toNumber();
  return {
    plan: target,
    expiresAt: now + inTarget(current.expiresAt - now, held) + inTarget(duration, bought.plan),
  };
}
