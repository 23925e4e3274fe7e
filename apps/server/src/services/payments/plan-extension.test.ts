import { describe, expect, it } from 'vitest';
import { extendPlan } from './plan-extension';

const DAY = 86_400_000;
const now = Date.UTC(2026, 10, 22, 12);
const prices = { VIP: '50', PREMIUM: '100' };
const vip30 = { plan: 'VIP' as const, durationDays: 30 };
const premium30 = { plan: 'PREMIUM' as const, durationDays: 30 };

describe('extendPlan', () => {
  it('starts from now when no paid plan is active (TRIAL, or a lapsed plan)', () => {
    expect(extendPlan({ plan: 'TRIAL', expiresAt: null }, vip30, prices, now)).toEqual({
      plan: 'VIP',
      expiresAt: now + 30 * DAY,
    });
    expect(extendPlan({ plan: 'PREMIUM', expiresAt: now - DAY }, vip30, prices, now)).toEqual({
      plan: 'VIP',
      expiresAt: now + 30 * DAY,
    });
    // Expiring exactly now counts as lapsed.
    expect(extendPlan({ plan: 'VIP', expiresAt: now }, vip30, prices, now).expiresAt).toBe(now + 30 * DAY);
  });

  it('stacks a renewal of the same plan on the current expiry', () => {
    const once = extendPlan({ plan: 'TRIAL', expiresAt: null }, vip30, prices, now);
    const twice = extendPlan(once, vip30, prices, now + 5 * DAY);
    expect(twice).toEqual({ plan: 'VIP', expiresAt: now + 60 * DAY });
  });

  it('upgrades VIP to PREMIUM, converting the VIP time left at the price ratio', () => {
    // 20 VIP days are worth 10 PREMIUM days at 50 vs 100 USDT.
    expect(extendPlan({ plan: 'VIP', expiresAt: now + 20 * DAY }, premium30, prices, now)).toEqual({
      plan: 'PREMIUM',
      expiresAt: now + 40 * DAY,
    });
  });

  it('keeps PREMIUM when VIP is bought, adding the VIP period at the price ratio', () => {
    expect(extendPlan({ plan: 'PREMIUM', expiresAt: now + 20 * DAY }, vip30, prices, now)).toEqual({
      plan: 'PREMIUM',
      expiresAt: now + 35 * DAY,
    });
  });

  it('leaves a plan without expiry alone unless a higher plan is bought', () => {
    expect(extendPlan({ plan: 'PREMIUM', expiresAt: null }, vip30, prices, now)).toEqual({
      plan: 'PREMIUM',
      expiresAt: null,
    });
    expect(extendPlan({ plan: 'VIP', expiresAt: null }, premium30, prices, now)).toEqual({
      plan: 'PREMIUM',
      expiresAt: now + 30 * DAY,
    });
  });

  it('converts exactly with odd prices (whole milliseconds, rounded down)', () => {
    const r = extendPlan(
      { plan: 'VIP', expiresAt: now + 7 * DAY },
      premium30,
      { VIP: '33.333333', PREMIUM: '99.99' },
      now,
    );
    expect(Number.isInteger(r.expiresAt)).toBe(true);
    expect(r.expiresAt).toBe(now + 30 * DAY + Math.floor((7 * DAY * 33.333333) / 99.99));
  });
});
