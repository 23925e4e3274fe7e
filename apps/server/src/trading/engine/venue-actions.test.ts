import { openPosition, transition, type PositionPlan } from '@verzek/core';
import { describe, expect, it } from 'vitest';
import { actionsFromState } from './venue-actions';

const plan: PositionPlan = {
  symbol: 'BTCUSDT',
  direction: 'LONG',
  leverage: 7,
  margin_mode: 'ISOLATED',
  entry: { type: 'market' },
  qty: '0.01',
  targets: ['71000', '72000'],
  stop_loss: '69000',
  market: { tickSize: '0.1', lotSize: '0.001', minQty: '0.001', minNotional: '5' },
  fees: { maker_rate: '0.0002', taker_rate: '0.0005' },
};

describe('actionsFromState', () => {
  it('sets the leverage again before an opening whose commands were lost (or never run here)', () => {
    const { state } = openPosition(plan, 1000);
    expect(actionsFromState(state, true)).toEqual([
      { type: 'set_leverage', leverage: 7, marginMode: 'ISOLATED' },
      { type: 'place', leg: 'entry', lookup: true },
    ]);
  });

  it('places the orders of a position no engine ever worked without looking them up', () => {
    const { state } = openPosition(plan, 1000);
    expect(actionsFromState(state, true, true)).toEqual([
      { type: 'set_leverage', leverage: 7, marginMode: 'ISOLATED' },
      { type: 'place', leg: 'entry', lookup: false },
    ]);
  });

  it('does not once the entry has filled, nor for a position winding down', () => {
    const opened = openPosition(plan, 1000).state;
    const accepted = transition(opened, { type: 'order_accepted', leg: 'entry', at: 1001 }).state;
    const filled = transition(accepted, {
      type: 'order_fill',
      leg: 'entry',
      qty: '0.01',
      price: '70000',
      at: 1002,
    }).state;
    expect(actionsFromState(filled, true).some((a) => a.type === 'set_leverage')).toBe(false);
    const closing = transition(opened, { type: 'manual_close', at: 1001 }).state;
    expect(actionsFromState(closing, true).some((a) => a.type === 'set_leverage')).toBe(false);
  });
});
