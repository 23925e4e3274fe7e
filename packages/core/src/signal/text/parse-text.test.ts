import { describe, expect, it } from 'vitest';
import { parseSignalText } from './parse-text';

const full = '#BTC/USDT LONG\nEntry: 70000\nTP1: 71000\nTP2: 72000\nSL: 69000\nLeverage: 10x';

describe('parseSignalText', () => {
  it('never throws on values that are not text', () => {
    for (const v of [undefined, null, 42, {}, [], Symbol('x')]) {
      expect(parseSignalText(v as unknown as string)).toEqual({
        kind: 'none',
        confidence: 0,
        reason: 'not text',
      });
    }
  });

  it('reads only the first 8 KB', () => {
    const tail = `\n${'x'.repeat(9000)}\n#ETH/USDT SHORT Entry 3500 TP 3400 SL 3600`;
    expect(parseSignalText(`${full}${tail}`).signal?.symbol).toBe('BTCUSDT');
    expect(parseSignalText(`${'.'.repeat(9000)}\n${full}`).kind).toBe('none');
  });

  it('scores confidence by how complete and explicit the setup is', () => {
    const explicit = parseSignalText(full).confidence;
    const noStop = parseSignalText('#BTC/USDT LONG\nEntry: 70000\nTP1: 71000\nTP2: 72000').confidence;
    const implied = parseSignalText('#BTC/USDT\nEntry: 70000\nTP1: 71000\nTP2: 72000\nSL: 69000').confidence;
    const impliedNoStop = parseSignalText('#BTC/USDT\nEntry: 70000\nTP: 71000').confidence;
    const bareTicker = parseSignalText('BTC LONG 70000 TP 71000').confidence;
    expect(explicit).toBeGreaterThanOrEqual(0.9);
    expect(noStop).toBeLessThan(explicit);
    expect(implied).toBeLessThan(explicit);
    expect(impliedNoStop).toBeLessThan(Math.min(noStop, implied));
    expect(bareTicker).toBeLessThan(0.7);
  });

  it('lowers confidence when several pairs are named', () => {
    const two = parseSignalText(`${full}\nAlso watching #ETH/USDT`);
    expect(two.kind).toBe('signal');
    expect(two.confidence).toBeLessThan(parseSignalText(full).confidence);
  });

  it('reads a worded follow-up in the headline even when the setup is repeated below it', () => {
    const r = parseSignalText(
      '#BTC/USDT Target 1 reached ✅\nEntry: 70000\nTP1: 71000 ✅\nTP2: 72000\nSL: 69000',
    );
    expect(r.update).toEqual({ symbol: 'BTCUSDT', kind: 'TP_HIT', target: 1 });
  });

  it('does not take ✅ bullets of a new setup for a target hit', () => {
    const r = parseSignalText('#BTC/USDT LONG\n✅ Entry: 70000\n✅ TP1: 71000\n✅ SL: 69000');
    expect(r.kind).toBe('signal');
  });

  it('takes loose prices as the entry only next to a direction word', () => {
    expect(parseSignalText('BTC broke 70k, next target 75k').kind).toBe('none');
    expect(parseSignalText('BTC long 70k, next target 75k').signal?.entries).toEqual(['70000']);
  });

  it('explains why a setup is rejected', () => {
    expect(parseSignalText('#BTC/USDT LONG\nEntry: 70000\nTP: 71000\nSL: 70500').reason).toBe(
      'stop_loss 70500 is above entry 70000 for a LONG (it must be below the lowest entry)',
    );
    expect(parseSignalText('gm').reason).toBe('not a signal: no trading pair, entry or take-profit target');
  });

  it('resolves disagreeing LONG/SHORT words by the prices', () => {
    const r = parseSignalText('#ETH/USDT SHORT (not a long!)\nEntry: 3500\nTP: 3400\nSL: 3600');
    expect(r.signal?.direction).toBe('SHORT');
  });
});
