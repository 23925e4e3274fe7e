import { describe, expect, it } from 'vitest';
import { ceilToStep, dec, decStr, floorToStep, roundToStep, tryDec } from './decimal';

describe('decimal helpers', () => {
  it('keeps exact decimal arithmetic where floats drift', () => {
    expect(decStr(dec('0.1').plus('0.2'))).toBe('0.3');
  });
  it('rounds to lot and tick steps', () => {
    expect(decStr(floorToStep('0.0071428', '0.001'))).toBe('0.007');
    expect(decStr(roundToStep('70000.05', '0.1'))).toBe('70000.1');
    expect(decStr(ceilToStep('1.0001', '0.01'))).toBe('1.01');
  });
  it('refuses garbage', () => {
    expect(tryDec('12a')).toBeNull();
    expect(tryDec('Infinity')).toBeNull();
    expect(tryDec(' 12.5 ')?.toFixed()).toBe('12.5');
    expect(() => dec('nope')).toThrow();
  });
});
