import { describe, expect, it } from 'vitest';
import { decMax, decMin, decSum } from './aggregate';
import { decStr } from './decimal';
import { percentOf, roundDp } from './rounding';

describe('decimal aggregates and rounding', () => {
  it('sums exactly, including an empty list', () => {
    expect(decStr(decSum(['0.1', '0.2', '-0.05']))).toBe('0.25');
    expect(decStr(decSum([]))).toBe('0');
  });
  it('picks min and max', () => {
    expect(decStr(decMin('2', '1.5'))).toBe('1.5');
    expect(decStr(decMax('2', '1.5'))).toBe('2');
  });
  it('rounds half-even and computes percentages', () => {
    expect(decStr(roundDp('0.125', 2))).toBe('0.12');
    expect(decStr(roundDp('0.135', 2))).toBe('0.14');
    expect(decStr(percentOf('5', '200') ?? 'x')).toBe('2.5');
    expect(percentOf('5', '0')).toBeNull();
  });
});
