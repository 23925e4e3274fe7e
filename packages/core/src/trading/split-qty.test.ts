import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec, decStr, floorToStep } from '../money';
import { resolveTpWeights, splitQty, splitTakeProfits } from './split-qty';

const LOT = { tickSize: '0.1', lotSize: '0.001', minQty: '0.001', minNotional: '5' };

describe('splitting a quantity', () => {
  it('splits equally with the last share taking the lot remainder', () => {
    expect(splitTakeProfits('0.014', ['70500', '71000', '72000'], null, LOT)).toEqual({
      qtys: ['0.004', '0.004', '0.006'],
    });
    expect(splitTakeProfits('0.014', ['70500', '71000', '72000'], [50, 25, 25], LOT)).toEqual({
      qtys: ['0.007', '0.003', '0.004'],
    });
  });

  it('merges shares below the market minimums into the next one', () => {
    // 0.002 / 3 = 0.00066 → 0: carried, the second share gets 0.00133 → 0.001, the last the rest
    expect(splitTakeProfits('0.002', ['70500', '71000', '72000'], null, LOT)).toEqual({
      qtys: ['0', '0.001', '0.001'],
    });
    // min notional 100: 0.001 × 70500 = 70.5 is too small, carried forward
    expect(splitTakeProfits('0.005', ['70500', '71000'], [20, 80], { ...LOT, minNotional: '100' })).toEqual({
      qtys: ['0', '0.005'],
    });
    // a remainder below the minimum goes back into the last non-zero share
    // (99% → 0.009, the last 0.001 is below min qty 0.002)
    expect(
      splitTakeProfits('0.01', ['1', '2'], [99, 1], { ...LOT, minQty: '0.002', minNotional: '0' }),
    ).toEqual({
      qtys: ['0.01', '0'],
    });
  });

  it('rejects a bad split as data', () => {
    expect(resolveTpWeights(2, [60, 60])).toEqual({ error: 'tp_split_pct must sum to 100 (got 120)' });
    expect(resolveTpWeights(2, [-10, 110])).toMatchObject({ error: expect.stringMatching(/≥ 0/) });
    expect(resolveTpWeights(3, [33.33, 33.33, 33.33])).toEqual({ weights: ['33.33', '33.33', '33.33'] });
  });

  it('always adds up exactly, every share but the last on the lot grid (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 10 }),
        (lots, weights) => {
          const total = dec(lots).mul('0.001');
          const shares = splitQty(
            total,
            weights.map((w) => dec(w)),
            LOT,
            weights.map(() => dec('70000')),
          );
          expect(shares).toHaveLength(weights.length);
          expect(decStr(shares.reduce((a, s) => a.plus(s), dec(0)))).toBe(decStr(total));
          for (const s of shares) {
            expect(s.gte(0)).toBe(true);
            expect(floorToStep(s, '0.001').eq(s)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
