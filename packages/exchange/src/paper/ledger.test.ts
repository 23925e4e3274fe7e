import { Dec, dec, decStr } from '@verzek/core';
import { describe, expect, it } from 'vitest';
import { applyFill, availableBalance, feeFor, reducibleQty, slippedPrice } from './ledger';
import { fallbackMarketSpec, PAPER_MARKETS } from './markets';

const flat = { qty: new Dec(0), entryPrice: new Dec(0) };
const s = (d: Dec): string => decStr(d);

describe('paper ledger', () => {
  it('averages entries, realizes on reduce and flips at the fill price', () => {
    const a = applyFill(flat, 'BUY', dec('1'), dec('100'));
    const b = applyFill(a, 'BUY', dec('1'), dec('110'));
    expect([s(b.qty), s(b.entryPrice), s(b.realizedPnl)]).toEqual(['2', '105', '0']);
    const c = applyFill(b, 'SELL', dec('0.5'), dec('120'));
    expect([s(c.qty), s(c.entryPrice), s(c.realizedPnl)]).toEqual(['1.5', '105', '7.5']);
    const d = applyFill(c, 'SELL', dec('2'), dec('100'));
    expect([s(d.qty), s(d.entryPrice), s(d.realizedPnl)]).toEqual(['-0.5', '100', '-7.5']);
    const e = applyFill(d, 'BUY', dec('0.5'), dec('90'));
    expect([s(e.qty), s(e.entryPrice), s(e.realizedPnl)]).toEqual(['0', '0', '5']);
  });

  it('knows what an order can reduce', () => {
    expect(s(reducibleQty(dec('2'), 'SELL'))).toBe('2');
    expect(s(reducibleQty(dec('2'), 'BUY'))).toBe('0');
    expect(s(reducibleQty(dec('-3'), 'BUY'))).toBe('3');
    expect(s(reducibleQty(dec('0'), 'SELL'))).toBe('0');
  });

  it('charges fees to 8 decimals and slips against the taker onto the tick grid', () => {
    expect(s(feeFor(dec('0.01'), dec('50050'), '0.0005'))).toBe('0.25025');
    expect(s(feeFor(dec('0.001'), dec('0.123457'), '0.0002'))).toBe('0.00000002'); // 0.0000000246914
    expect(s(slippedPrice(dec('50000'), 'BUY', dec('10'), '0.1'))).toBe('50050');
    expect(s(slippedPrice(dec('50000'), 'SELL', dec('10'), '0.1'))).toBe('49950');
    expect(s(slippedPrice(dec('0.19'), 'BUY', dec('5'), '0.00001'))).toBe('0.1901'); // 0.190095 → up
    expect(s(slippedPrice(dec('0.19'), 'SELL', dec('5'), '0.00001'))).toBe('0.1899'); // 0.189905 → down
  });

  it('computes available balance from positions, reserved orders and marks', () => {
    const available = availableBalance({
      balance: dec('1000'),
      positions: [{ symbol: 'BTCUSDT', qty: dec('0.01'), entryPrice: dec('50000') }],
      openEntryOrders: [{ symbol: 'ETHUSDT', qty: dec('1'), price: dec('3000') }],
      leverageOf: (sym) => (sym === 'BTCUSDT' ? 10 : 20),
      markOf: (sym) => (sym === 'BTCUSDT' ? dec('49000') : undefined),
    });
    // 1000 − 500/10 − 3000/20 + (49000 − 50000) × 0.01
    expect(s(available)).toBe('790');
  });

  it('derives market filters for unknown symbols from the price', () => {
    expect(fallbackMarketSpec('95000')).toMatchObject({ tickSize: '0.1', lotSize: '0.00001' });
    expect(fallbackMarketSpec('100')).toMatchObject({ tickSize: '0.001', lotSize: '0.01' });
    expect(fallbackMarketSpec('2.3')).toMatchObject({ lotSize: '0.1' });
    expect(fallbackMarketSpec('0.19')).toMatchObject({ tickSize: '0.000001', lotSize: '1' });
    expect(fallbackMarketSpec('0.009')).toMatchObject({ lotSize: '100' });
    expect(PAPER_MARKETS.BTCUSDT).toMatchObject({ tickSize: '0.1', lotSize: '0.001' });
    expect(PAPER_MARKETS.ETHUSDT).toMatchObject({ tickSize: '0.01', lotSize: '0.001' });
  });
});
