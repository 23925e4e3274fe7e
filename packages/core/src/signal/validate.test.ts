import { describe, expect, it } from 'vitest';
import type { SignalInput } from './types';
import { validateSignal } from './validate';

const long: SignalInput = {
  symbol: 'BTC/USDT',
  direction: 'LONG',
  entries: ['70000'],
  targets: ['71000', '72000'],
  stop_loss: '69000',
  leverage: 10,
  margin_mode: 'cross',
};
const short: SignalInput = {
  symbol: '#ETHUSDT',
  direction: 'short',
  entries: [3500],
  targets: [3450, 3400],
  stop_loss: 3560,
};

function reason(input: Partial<SignalInput>, base: SignalInput = long): string {
  const r = validateSignal({ ...base, ...input });
  if (r.ok) throw new Error(`expected a rejection, got ${JSON.stringify(r.signal)}`);
  return r.reason;
}

describe('validateSignal accepts', () => {
  it('a full LONG and normalises every field', () => {
    expect(validateSignal(long)).toEqual({
      ok: true,
      signal: {
        symbol: 'BTCUSDT',
        direction: 'LONG',
        entries: ['70000'],
        entry_type: 'single',
        targets: ['71000', '72000'],
        stop_loss: '69000',
        leverage: 10,
        margin_mode: 'CROSS',
      },
    });
  });
  it('a SHORT from numbers, BUY/SELL words and missing optionals', () => {
    const r = validateSignal(short);
    expect(r.ok && r.signal).toMatchObject({ symbol: 'ETHUSDT', direction: 'SHORT', entries: ['3500'] });
    expect(r.ok && r.signal.leverage).toBeNull();
    expect(r.ok && r.signal.margin_mode).toBeNull();
    const sell = validateSignal({ ...short, direction: 'SELL' });
    expect(sell.ok && sell.signal.direction).toBe('SHORT');
    const buy = validateSignal({ ...long, direction: 'buy' });
    expect(buy.ok && buy.signal.direction).toBe('LONG');
  });
  it('a zone, sorted ascending; an equal-bounds zone becomes single', () => {
    const z = validateSignal({
      ...long,
      entries: ['70200', '69800'],
      entry_type: 'zone',
      stop_loss: '69500',
    });
    expect(z.ok && z.signal).toMatchObject({ entries: ['69800', '70200'], entry_type: 'zone' });
    const one = validateSignal({ ...long, entries: ['70000', '70000'], entry_type: 'zone' });
    expect(one.ok && one.signal).toMatchObject({ entries: ['70000'], entry_type: 'single' });
  });
  it('several entries in the order given; their type is inferred', () => {
    const r = validateSignal({ ...long, entries: ['70000', '69500'], stop_loss: '69000' });
    expect(r.ok && r.signal).toMatchObject({ entries: ['70000', '69500'], entry_type: 'multiple' });
  });
  it('a market entry checked stop against first target', () => {
    const r = validateSignal({ ...long, entries: [], entry_type: 'market' });
    expect(r.ok && r.signal).toMatchObject({ entries: [], entry_type: 'market' });
    expect(validateSignal({ ...short, entries: [] }).ok).toBe(true);
  });
  it('a signal without a stop, and leverage as a "10x" string', () => {
    const r = validateSignal({ ...long, stop_loss: null, leverage: '10x' });
    expect(r.ok && r.signal).toMatchObject({ stop_loss: null, leverage: 10 });
  });
  it('exactly ten targets and leverage 1 and 125', () => {
    const targets = Array.from({ length: 10 }, (_, i) => String(70100 + i * 100));
    expect(validateSignal({ ...long, targets }).ok).toBe(true);
    expect(validateSignal({ ...long, leverage: 1 }).ok).toBe(true);
    expect(validateSignal({ ...long, leverage: 125 }).ok).toBe(true);
  });
});

describe('validateSignal rejects, with a reason', () => {
  it('a missing or invalid symbol', () => {
    expect(reason({ symbol: '' })).toBe('symbol is missing');
    expect(reason({ symbol: 'BTC/XYZ' })).toContain('not a valid trading pair');
  });
  it('an unknown direction', () => {
    expect(reason({ direction: 'UP' })).toContain('must be LONG or SHORT');
  });
  it('entries that are not positive numbers', () => {
    expect(reason({ entries: ['abc'] })).toBe('entry abc is not a number');
    expect(reason({ entries: ['0'] })).toContain('must be a positive price');
    expect(reason({ entries: [-5] })).toContain('must be a positive price');
    expect(reason({ entries: ['-5'] })).toContain('must be a positive price');
  });
  it('no entry for a non-market type, and shapes that do not fit the type', () => {
    expect(reason({ entries: [], entry_type: 'single' })).toContain('no entry price');
    expect(reason({ entries: ['1', '2', '3'], entry_type: 'zone' })).toContain('exactly two prices');
    expect(reason({ entries: ['69000', '69500'], entry_type: 'single' })).toContain('exactly one price');
    expect(reason({ entry_type: 'limit' })).toContain('is not one of');
    expect(reason({ entries: ['70000', '70000'] })).toContain('listed twice');
    expect(reason({ entries: Array.from({ length: 11 }, (_, i) => String(60000 + i)) })).toContain(
      'too many entry',
    );
  });
  it('no target, too many, or a repeated one', () => {
    expect(reason({ targets: [] })).toBe('no take-profit target');
    const eleven = Array.from({ length: 11 }, (_, i) => String(70100 + i * 100));
    expect(reason({ targets: eleven })).toContain('too many take-profit targets (11; at most 10)');
    expect(reason({ targets: ['71000', '71000'] })).toBe('take-profit target 71000 is listed twice');
    expect(reason({ targets: ['x'] })).toContain('is not a number');
  });
  it('targets on the losing side', () => {
    expect(reason({ targets: ['69500', '71000'] })).toBe(
      'take-profit target 69500 is not above the highest entry 70000 for a LONG',
    );
    expect(reason({ targets: ['3550'] }, short)).toBe(
      'take-profit target 3550 is not below the lowest entry 3500 for a SHORT',
    );
    expect(reason({ entries: ['69000', '71000'], targets: ['70500'], stop_loss: '68000' })).toContain(
      'highest entry 71000',
    );
  });
  it('targets out of order', () => {
    expect(reason({ targets: ['72000', '71000'] })).toBe(
      'take-profit targets are out of order for a LONG: 72000 then 71000 (must be ascending)',
    );
    expect(reason({ targets: [3400, 3450] }, short)).toContain('out of order for a SHORT');
  });
  it('a stop on the wrong side of the entry, or equal to it', () => {
    expect(reason({ stop_loss: '70500' })).toBe(
      'stop_loss 70500 is above entry 70000 for a LONG (it must be below the lowest entry)',
    );
    expect(reason({ stop_loss: '70000' })).toContain('equals entry');
    expect(reason({ stop_loss: 3450 }, short)).toContain('stop_loss 3450 is below entry 3500 for a SHORT');
    expect(reason({ stop_loss: 3500 }, short)).toContain('equals entry');
    expect(reason({ entries: ['69000', '70000'], entry_type: 'zone', stop_loss: '69500' })).toContain(
      'below the lowest entry',
    );
    expect(reason({ stop_loss: '0' })).toContain('must be a positive price');
  });
  it('a market stop on the wrong side of the first target', () => {
    expect(reason({ entries: [], stop_loss: '71500' })).toBe(
      'stop_loss 71500 is not below the first target 71000 for a LONG',
    );
    expect(reason({ entries: [], stop_loss: 3400 }, short)).toBe(
      'stop_loss 3400 is not above the first target 3450 for a SHORT',
    );
  });
  it('leverage that is not a whole number from 1 to 125', () => {
    expect(reason({ leverage: 0 })).toContain('leverage must be a whole number from 1 to 125');
    expect(reason({ leverage: 126 })).toContain('got 126');
    expect(reason({ leverage: 2.5 })).toContain('got 2.5');
    expect(reason({ leverage: 'lots' })).toContain('leverage must be');
  });
  it('an unknown margin mode', () => {
    expect(reason({ margin_mode: 'PORTFOLIO' })).toBe('margin_mode PORTFOLIO must be CROSS or ISOLATED');
  });
});
