import { describe, expect, it } from 'vitest';
import { drawdownPct, rollingDrawdownPct } from './drawdown';

describe('drawdown', () => {
  it('is the largest fall from a running peak, in % of that peak', () => {
    expect(drawdownPct(['100', '120', '90', '110', '60', '130'])).toBe('50');
    expect(drawdownPct(['100', '110', '120'])).toBe('0');
    expect(drawdownPct([])).toBe('0');
    expect(drawdownPct(['1000', '999.5'])).toBe('0.05');
  });

  it('looks only at the window before now', () => {
    const h = 3_600_000;
    const points = [
      { at: 0, equity: '200' },
      { at: 2 * h, equity: '100' },
      { at: 30 * h, equity: '100' },
      { at: 40 * h, equity: '90' },
      { at: 45 * h, equity: '95' },
    ];
    expect(rollingDrawdownPct(points, 46 * h)).toBe('10');
    expect(rollingDrawdownPct(points, 10 * h)).toBe('50');
  });
});
