import { describe, expect, it } from 'vitest';
import { parsePriceText, priceFromValue, readNumberRun } from './numbers';

describe('readNumberRun', () => {
  it.each([
    ['70000', false, ['70000']],
    ['70,000', false, ['70000']],
    ['70,000.5', false, ['70000.5']],
    ['1,234,567.25', false, ['1234567.25']],
    ['0,512', false, ['0.512']],
    ['3,5', false, ['3.5']],
    ['0.0015000', false, ['0.0015']],
    ['30', true, ['30000']],
    ['1.2', true, ['1200']],
    ['100,105,11', false, ['100', '105', '11']],
    ['1.', false, ['1']],
    ['1.2.3', false, []],
    ['9'.repeat(41), false, []],
  ])('%s (K: %s) → %j', (raw, k, expected) => {
    expect(readNumberRun(raw, k)).toEqual(expected);
  });
});

describe('parsePriceText', () => {
  it('reads shorthand, separators and dollar signs', () => {
    expect(parsePriceText('30K')).toBe('30000');
    expect(parsePriceText('1.2k')).toBe('1200');
    expect(parsePriceText('$70,000')).toBe('70000');
    expect(parsePriceText(' 0.0015 ')).toBe('0.0015');
  });
  it('refuses anything else', () => {
    expect(parsePriceText('abc')).toBeNull();
    expect(parsePriceText('1-2')).toBeNull();
    expect(parsePriceText('100,105,11')).toBeNull();
    expect(parsePriceText('')).toBeNull();
  });
});

describe('priceFromValue', () => {
  it('accepts finite numbers and numeric strings as canonical strings', () => {
    expect(priceFromValue(70000)).toBe('70000');
    expect(priceFromValue(0.1)).toBe('0.1');
    expect(priceFromValue('70000.50')).toBe('70000.5');
    expect(priceFromValue('7e4')).toBe('70000');
    expect(priceFromValue('70,000')).toBe('70000');
    expect(priceFromValue(-5)).toBe('-5');
  });
  it('refuses non-finite, huge exponents and other types', () => {
    expect(priceFromValue(Number.NaN)).toBeNull();
    expect(priceFromValue(Number.POSITIVE_INFINITY)).toBeNull();
    expect(priceFromValue('1e999999999')).toBeNull();
    expect(priceFromValue(1e308)).toBeNull();
    expect(priceFromValue(null)).toBeNull();
    expect(priceFromValue(true)).toBeNull();
    expect(priceFromValue({})).toBeNull();
    expect(priceFromValue('{{close}}')).toBeNull();
  });
});
