import { yAxisFor } from './charts';

describe('yAxisFor (the PnL chart)', () => {
  it('spans a small loss in cent steps, zero included', () => {
    expect(yAxisFor([0, 0, -0.03])).toEqual({ from: -0.03, to: 0, step: 0.01, sections: 3, digits: 2 });
    expect(yAxisFor([0, -0.07]).from).toBeCloseTo(-0.08); // step 0.02
    expect(yAxisFor([0, -0.07]).sections).toBe(4);
  });

  it('spans gains and losses in round steps', () => {
    const a = yAxisFor([12.4, -3.1, 40.2]);
    expect(a.step).toBe(20);
    expect(a.from).toBe(-20);
    expect(a.to).toBe(60);
    expect(a.sections).toBe(4);
    expect(a.digits).toBe(0);
  });

  it('never collapses to an empty axis', () => {
    const a = yAxisFor([0, 0]);
    expect(a.to).toBeGreaterThan(a.from);
    expect(a.sections).toBeGreaterThan(0);
  });
});
