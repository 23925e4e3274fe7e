import { describe, expect, it } from 'vitest';
import { duePeriod } from './schedule';

describe('duePeriod', () => {
  it('numbers fixed intervals', () => {
    expect(duePeriod({ everyMs: 60_000 }, 119_999)).toBe('e60000:1');
    expect(duePeriod({ everyMs: 60_000 }, 120_000)).toBe('e60000:2');
  });

  it('is the latest daily occurrence at or before now', () => {
    const at = (iso: string) => Date.parse(iso);
    expect(duePeriod({ dailyAtUtc: '23:59' }, at('2026-11-22T23:58:59Z'))).toBe('d2026-11-21');
    expect(duePeriod({ dailyAtUtc: '23:59' }, at('2026-11-22T23:59:00Z'))).toBe('d2026-11-22');
    expect(duePeriod({ dailyAtUtc: '23:59' }, at('2026-11-23T00:10:00Z'))).toBe('d2026-11-22');
  });

  it('refuses nonsense schedules', () => {
    expect(() => duePeriod({ dailyAtUtc: '24:00' }, 0)).toThrow();
    expect(() => duePeriod({ everyMs: 10 }, 0)).toThrow();
  });
});
