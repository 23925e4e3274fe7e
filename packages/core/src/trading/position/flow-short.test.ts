import { describe, expect, it } from 'vitest';
import { btcShort, canceled, notes, placed, Runner, summarize } from './test-fixtures';

describe('§5 flow, SHORT mirror: entry 70000, targets 69500/69000/68000, stop 70500', () => {
  it('enters with a SELL and exits with reduce-only BUYs', () => {
    const r = new Runner(btcShort());
    expect(summarize(r.commands)).toEqual(['place entry MARKET SELL 0.014']);
    r.fill('entry', '0.014', '70000');
    expect(summarize(r.commands)).toEqual([
      'place tp-1 LIMIT BUY 0.004 @69500 RO',
      'place tp-2 LIMIT BUY 0.004 @69000 RO',
      'place tp-3 LIMIT BUY 0.006 @68000 RO',
      'place sl STOP_MARKET BUY 0.014 @70500 RO',
    ]);
  });

  it('TP1 moves the stop down to breakeven; a SHORT stop never moves up again', () => {
    const r = new Runner(btcShort({ fees: { maker_rate: '0', taker_rate: '0' } }));
    r.fill('entry', '0.014', '70000');
    r.fillAll('tp-1');
    expect(summarize(r.commands)).toEqual(['cancel sl', 'place sl-r2 STOP_MARKET BUY 0.01 @70000 RO']);
    // the source tries to widen the stop after the lock: ignored
    r.send({ type: 'signal_edit', stop_loss: '71000' });
    expect(placed(r.commands)).toEqual([]);
    expect(notes(r.commands, 'edit_ignored')).toHaveLength(1);
    expect(r.state.stop_price).toBe('70000');
    // tightening is fine
    r.send({ type: 'signal_edit', stop_loss: '69800' });
    expect(summarize(r.commands)).toEqual(['cancel sl-r2', 'place sl-r3 STOP_MARKET BUY 0.01 @69800 RO']);
    r.fillAll('sl-r3');
    // +0.004 × 500 (TP1) + 0.010 × 200 (stop below entry for a short)
    expect(r.state).toMatchObject({ status: 'CLOSED', realized_pnl_usdt: '4' });
    expect(canceled(r.commands)).toEqual(['tp-2', 'tp-3']);
  });

  it('a SHORT stop-out loses money', () => {
    const r = new Runner(btcShort({ fees: { maker_rate: '0', taker_rate: '0' } }));
    r.fill('entry', '0.014', '70000');
    r.fill('sl', '0.014', '70500');
    expect(r.state).toMatchObject({ status: 'CLOSED', close_reason: 'stop_loss', realized_pnl_usdt: '-7' });
  });

  it('a breakeven SHORT stop rounds down to the tick (never a loss from rounding)', () => {
    const r = new Runner(
      btcShort({ fees: { maker_rate: '0', taker_rate: '0' }, qty: '0.003', targets: ['69500', '69000'] }),
    );
    r.fill('entry', '0.001', '70000.04');
    r.fill('entry', '0.002', '70000.01');
    // avg 70000.02 → SHORT breakeven stop floors to 70000
    r.send({ type: 'signal_tp_hit', n: 1 });
    expect(r.state.stop_price).toBe('70000');
  });
});
