import { describe, expect, it } from 'vitest';
import {
  checkOrderMinimums,
  floorQtyToLot,
  roundPriceToTick,
  validateMarketRules,
  type MarketRules,
} from './market-rules';

const BTC: MarketRules = { tickSize: '0.1', lotSize: '0.001', minQty: '0.001', minNotional: '100' };

describe('market rules', () => {
  it('rounds prices to the tick (nearest, down, up) and quantities down to the lot', () => {
    expect(roundPriceToTick('70000.05', BTC)).toBe('70000.1');
    expect(roundPriceToTick('70000.04', BTC)).toBe('70000');
    expect(roundPriceToTick('70000.09', BTC, 'down')).toBe('70000');
    expect(roundPriceToTick('70000.01', BTC, 'up')).toBe('70000.1');
    expect(floorQtyToLot('0.0149999', BTC)).toBe('0.014');
    expect(floorQtyToLot('0.000714', BTC)).toBe('0');
  });

  it('checks min qty then min notional, with the numbers in the reason', () => {
    expect(checkOrderMinimums('0.002', '70000', BTC)).toEqual({ ok: true });
    expect(checkOrderMinimums('0', '70000', BTC)).toMatchObject({ ok: false, code: 'below_min_qty' });
    expect(checkOrderMinimums('0.001', '70000', { ...BTC, minQty: '0.002' })).toMatchObject({
      ok: false,
      code: 'below_min_qty',
      reason: "Quantity 0.001 is below the market's minimum quantity 0.002",
    });
    expect(checkOrderMinimums('0.001', '70000', BTC)).toEqual({
      ok: false,
      code: 'below_min_notional',
      reason: "Order value 70 USDT is below the market's minimum notional 100 USDT",
    });
    // exactly at the minimum notional is fine
    expect(checkOrderMinimums('0.002', '50000', BTC)).toEqual({ ok: true });
  });

  it('validates the rules', () => {
    expect(validateMarketRules(BTC)).toEqual([]);
    expect(validateMarketRules({ ...BTC, lotSize: '-1', tickSize: 'x' })).toEqual([
      'market.tickSize must be a decimal ≥ 0',
      'market.lotSize must be a decimal ≥ 0',
    ]);
  });
});
