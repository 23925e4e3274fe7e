import { describe, expect, it } from 'vitest';
import { normalizeSymbol } from './symbol';

describe('normalizeSymbol', () => {
  it.each([
    ['BTC/USDT', 'BTCUSDT'],
    ['#BTCUSDT', 'BTCUSDT'],
    ['btcusdt', 'BTCUSDT'],
    ['BTC-USDT', 'BTCUSDT'],
    ['BTC_USDT', 'BTCUSDT'],
    ['BTC / USDT', 'BTCUSDT'],
    ['BTCUSDT.P', 'BTCUSDT'],
    ['BTC/USDT:USDT', 'BTCUSDT'],
    ['BTC-PERP', 'BTCUSDT'],
    ['BTCUSDTPERP', 'BTCUSDT'],
    ['$BTC', 'BTCUSDT'],
    ['#BTC', 'BTCUSDT'],
    ['BTC', 'BTCUSDT'],
    ['  eth  ', 'ETHUSDT'],
    ['#ETH/USDT', 'ETHUSDT'],
    ['ETHBTC', 'ETHBTC'],
    ['ETH/BTC', 'ETHBTC'],
    ['SOLUSDC', 'SOLUSDC'],
    ['BNB/BUSD', 'BNBBUSD'],
    ['ETHFDUSD', 'ETHFDUSD'],
    ['BTCUSD', 'BTCUSD'],
    ['LINK/ETH', 'LINKETH'],
    ['1000PEPEUSDT', '1000PEPEUSDT'],
    ['#1INCH/USDT', '1INCHUSDT'],
    ['TUSDT', 'TUSDT'],
    ['USDC/USDT', 'USDCUSDT'],
  ])('%s → %s', (raw, expected) => {
    expect(normalizeSymbol(raw)).toBe(expected);
  });

  it.each([
    [''],
    ['   '],
    ['USDT'],
    ['#'],
    ['$$$'],
    ['12345'],
    ['BTC/XYZ'],
    ['BTC/USDT/ETH'],
    ['hello world'],
    ['BTC😀USDT'],
    ['A'.repeat(41)],
    ['VERYLONGBASENAMEXX/USDT'],
    ['70000/USDT'],
  ])('rejects %j', (raw) => {
    expect(normalizeSymbol(raw)).toBeNull();
  });

  it('rejects values that are not strings', () => {
    expect(normalizeSymbol(42)).toBeNull();
    expect(normalizeSymbol(null)).toBeNull();
    expect(normalizeSymbol({ symbol: 'BTCUSDT' })).toBeNull();
  });
});
