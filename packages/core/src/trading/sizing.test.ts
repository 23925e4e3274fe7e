import { describe, expect, it } from 'vitest';
import type { MarketRules } from './market-rules';
import { sizeTrade } from './sizing';

const BTC: MarketRules = { tickSize: '0.1', lotSize: '0.001', minQty: '0.001', minNotional: '100' };

describe('sizeTrade', () => {
  it('fixed: per_trade × leverage / entry, down to the lot size', () => {
    expect(sizeTrade({ entry_price: '70000', per_trade_usdt: '100', leverage: 10, market: BTC })).toEqual({
      ok: true,
      method: 'fixed',
      qty: '0.014',
      notional_usdt: '980',
      margin_usdt: '98',
      max_notional_usdt: '1000',
      capped: false,
      risk_usdt: null,
    });
  });

  it('rejects below min qty and below min notional with a reason', () => {
    const tiny = sizeTrade({ entry_price: '70000', per_trade_usdt: '5', leverage: 10, market: BTC });
    expect(tiny).toMatchObject({ ok: false, code: 'below_min_qty', qty: '0' });
    const small = sizeTrade({ entry_price: '70000', per_trade_usdt: '10', leverage: 10, market: BTC });
    expect(small).toEqual({
      ok: false,
      code: 'below_min_notional',
      qty: '0.001',
      reason:
        "Order value 70 USDT is below the market's minimum notional 100 USDT (sized from 10 USDT × 10x at 70000)",
    });
  });

  it('risk-based: capital × risk% / stop distance, capped by the fixed notional', () => {
    // 1000 × 1% / 500 = 0.02 BTC, within the fixed cap of 200 × 10 / 70000 = 0.0285
    const risk = sizeTrade({
      entry_price: '70000',
      per_trade_usdt: '200',
      leverage: 10,
      market: BTC,
      stop_loss: '69500',
      risk_pct: 1,
      capital_usdt: '1000',
    });
    expect(risk).toMatchObject({
      ok: true,
      method: 'risk',
      qty: '0.02',
      capped: false,
      risk_usdt: '10',
      margin_usdt: '140',
    });
    // a tight stop would want 0.1 BTC; the user's per-trade margin caps it at 1000/70000
    const capped = sizeTrade({
      entry_price: '70000',
      per_trade_usdt: '100',
      leverage: 10,
      market: BTC,
      stop_loss: '69900',
      risk_pct: 1,
      capital_usdt: '1000',
    });
    expect(capped).toMatchObject({ ok: true, method: 'risk', qty: '0.014', capped: true, risk_usdt: '1.4' });
  });

  it('risk-based sizing needs a stop and capital; bad input is refused as data', () => {
    const base = { entry_price: '70000', per_trade_usdt: '100', leverage: 10, market: BTC };
    expect(sizeTrade({ ...base, risk_pct: 1, capital_usdt: '1000' })).toMatchObject({
      ok: false,
      code: 'stop_required',
    });
    expect(sizeTrade({ ...base, risk_pct: 1, stop_loss: '69000' })).toMatchObject({
      ok: false,
      code: 'invalid_input',
    });
    expect(sizeTrade({ ...base, risk_pct: 1, stop_loss: '70000', capital_usdt: '1000' })).toMatchObject({
      ok: false,
      reason: 'Stop loss equals the entry price',
    });
    expect(sizeTrade({ ...base, entry_price: 'abc' })).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(sizeTrade({ ...base, leverage: 0 })).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(sizeTrade({ ...base, per_trade_usdt: '-1' })).toMatchObject({ ok: false, code: 'invalid_input' });
  });
});
