import { z } from 'zod';

export const Plan = z.enum(['TRIAL', 'VIP', 'PREMIUM']);
export type Plan = z.infer<typeof Plan>;
export const Role = z.enum(['USER', 'ADMIN']);
export type Role = z.infer<typeof Role>;

/** Plans ordered by what they include. */
export const planRank: Record<Plan, number> = { TRIAL: 0, VIP: 1, PREMIUM: 2 };
