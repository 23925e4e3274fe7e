import { describe, expect, it } from 'vitest';
import { openPosition } from './open-position';
import { btcLong, btcShort } from './test-fixtures';
import { validatePositionPlan } from './validate-plan';

describe('openPosition and plan validation', () => {
  it('accepts the §5 plans', () => {
    expect(validatePositionPlan(btcLong())).toEqual([]);
    expect(validatePositionPlan(btcShort())).toEqual([]);
  });

  it('refuses an invalid plan as data: CANCELED, invalid_plan, one notification, no orders', () => {
    const { state, commands } = openPosition(
      btcLong({ qty: '0.0145', stop_loss: '71000', targets: ['69000'] }),
      7,
    );
    expect(state).toMatchObject({
      status: 'CANCELED',
      close_reason: 'invalid_plan',
      closed_at: 7,
      orders: [],
    });
    expect(state.errors).toEqual(['qty 0.0145 is not a multiple of the lot size 0.001']);
    expect(commands).toEqual([expect.objectContaining({ type: 'notify', kind: 'invalid_plan' })]);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  it.each([
    [{ symbol: '' }, 'symbol is required'],
    [{ leverage: 0 }, 'leverage must be an integer from 1 to 125'],
    [{ leverage: 2.5 }, 'leverage must be an integer from 1 to 125'],
    [{ qty: '0' }, 'qty must be a positive decimal'],
    [{ targets: ['72000', '71000'] }, 'targets must be strictly ascending for a LONG'],
    [{ targets: Array.from({ length: 11 }, (_, i) => String(70100 + i * 100)) }, 'at most 10 targets'],
    [{ tp_split_pct: [50, 50] }, 'tp_split_pct has 2 entries for 3 targets'],
    [{ tp_split_pct: [50, 30, 30] }, 'tp_split_pct must sum to 100 (got 110)'],
    [{ entry: { type: 'limit', price: '69000' } }, 'stop_loss must be below the entry for a LONG'],
    [{ entry: { type: 'zone', low: '70000', high: '69000', parts: 2 } }, 'zone entry needs 0 < low < high'],
    [
      { entry: { type: 'zone', low: '69800', high: '70000', parts: 0 } },
      'zone parts must be an integer from 1 to 20',
    ],
    [{ breakeven: 'sometimes' }, 'breakeven must be off, breakeven or moving_target'],
    [
      {
        entry: { type: 'limit', price: '70000' },
        qty: '0.001',
        market: { tickSize: '0.1', lotSize: '0.001', minQty: '0.001', minNotional: '100' },
      },
      'the entry order is worth 70 USDT, below the minimum notional 100',
    ],
    [
      { fees: { maker_rate: 'x', taker_rate: '0.0004' } },
      'fees.maker_rate must be a decimal fraction (e.g. "0.0002")',
    ],
    [
      {
        entry: { type: 'zone', low: '69800', high: '70000', parts: 2 },
        dca: { safety_orders: 1, price_deviation_pct: 1, step_scale: 1, volume_scale: 1 },
      },
      'DCA cannot be combined with a zone entry',
    ],
    [
      {
        entry: { type: 'limit', price: '70000' },
        qty: '0.03',
        dca: { safety_orders: 2, price_deviation_pct: 1, step_scale: 1, volume_scale: 1 },
      },
      'the last DCA safety order would sit below the stop loss',
    ],
  ] as const)('refuses %o', (overrides, message) => {
    expect(validatePositionPlan(btcLong(overrides as never))).toContain(message);
  });

  it('accepts user split percentages that sum to 100 within 0.01', () => {
    expect(validatePositionPlan(btcLong({ tp_split_pct: [33.33, 33.33, 33.33] }))).toEqual([]);
  });

  it('stores the resolved plan with defaults and the stop on the tick grid', () => {
    const { state } = openPosition(btcLong({ stop_loss: '69500.04' }), 1);
    expect(state.plan).toMatchObject({
      breakeven: 'breakeven',
      quote_asset: 'USDT',
      dca: null,
      margin_mode: null,
      tp_weights: ['1', '1', '1'],
    });
    expect(state.stop_price).toBe('69500');
    expect(state.tp.map((t) => t.price)).toEqual(['70500', '71000', '72000']);
  });
});
