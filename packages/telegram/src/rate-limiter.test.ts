import { describe, expect, it } from 'vitest';
import { isGroupChat, RateLimiter } from './rate-limiter';

const limits = {
  group: { limit: 3, windowMs: 1000 },
  private: { limit: 1, windowMs: 100 },
  global: { limit: 5, windowMs: 1000 },
};

describe('RateLimiter', () => {
  it('paces a group by its window, counted from when each call finished', () => {
    const r = new RateLimiter(limits);
    for (let k = 0; k < 3; k++) {
      expect(r.waitMs('-100', 0)).toBe(0);
      r.acquire('-100').done(10 * k);
    }
    // The 4th waits until the first finished call leaves the window.
    expect(r.waitMs('-100', 50)).toBe(950);
    expect(r.waitMs('-100', 1000)).toBe(0);
  });

  it('counts calls in flight, and the overall limit across chats', () => {
    const r = new RateLimiter(limits);
    const slots = ['-1', '-2', '-3', '-4', '-5'].map((c) => r.acquire(c));
    // Five in flight: the overall window is full until one finishes.
    expect(r.waitMs('-6', 0)).toBeGreaterThan(0);
    slots[0]!.done(100);
    expect(r.waitMs('-6', 1099)).toBe(1);
    expect(r.waitMs('-6', 1100)).toBe(0);
  });

  it('lets member operations through the chat limit but not the overall one', () => {
    const r = new RateLimiter(limits);
    for (let k = 0; k < 3; k++) r.acquire('-100').done(0);
    expect(r.waitMs('-100', 10)).toBeGreaterThan(0);
    expect(r.waitMs('-100', 10, false)).toBe(0);
  });

  it('waits out a 429, and a private chat its own limit', () => {
    const r = new RateLimiter(limits);
    r.pause('-100', 5000);
    expect(r.waitMs('-100', 1000)).toBe(4000);
    expect(r.waitMs('-200', 1000)).toBe(0);
    r.acquire('42').done(0);
    expect(r.waitMs('42', 50)).toBe(50);
    r.pauseAll(3000);
    expect(r.waitMs('-200', 1000)).toBe(2000);
  });

  it('starts from what was sent before a restart', () => {
    const r = new RateLimiter(limits);
    r.seed('-100', [0, 1, 2]);
    expect(r.waitMs('-100', 500)).toBe(500);
    expect(isGroupChat('-100123')).toBe(true);
    expect(isGroupChat('@channel')).toBe(true);
    expect(isGroupChat('12345')).toBe(false);
  });
});
