import type { Plan, UserRow } from '@verzek/db';

/** The plan a user has right now: a paid plan past its expiry counts as TRIAL even before the expiry job runs. */
export function effectivePlan(user: Pick<UserRow, 'plan' | 'plan_expires_at'>, now: number): Plan {
  if (user.plan !== 'TRIAL' && user.plan_expires_at !== null && user.plan_expires_at <= now) return 'TRIAL';
  return user.plan;
}

export const planRank: Record<Plan, number> = { TRIAL: 0, VIP: 1, PREMIUM: 2 };

export function hasPlan(
  user: Pick<UserRow, 'plan' | 'plan_expires_at' | 'role'>,
  needed: Plan,
  now: number,
): boolean {
  return user.role === 'ADMIN' || planRank[effectivePlan(user, now)] >= planRank[needed];
}
