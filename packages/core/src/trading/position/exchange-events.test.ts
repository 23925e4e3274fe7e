import { describe, expect, it } from 'vitest';
import { MAX_CLOSE_ATTEMPTS } from './closing';
import { transition } from './transition';
import { btcLong, FEES, NO_FEES, notes, placed, Runner, summarize } from './test-fixtures';

describe('exchange events', () => {
  it('waits for a market entry to settle before placing exits', () => {
    const r = new Runner(btcLong());
    r.fill('entry', '0.010', '70000');
    expect(r.order('entry').status).toBe('PARTIALLY_FILLED');
    expect(placed(r.commands)).toEqual([]);
    r.fill('entry', '0.004', '70010');
    expect(placed(r.commands).map((c) => c.leg)).toEqual(['tp-1', 'tp-2', 'tp-3', 'sl']);
    expect(r.state.avg_entry_price).toBe('70002.857142857143');
  });

  it('a market entry that expires partly filled protects what filled', () => {
    const r = new Runner(btcLong());
    r.fill('entry', '0.006', '70000');
    r.send({ type: 'order_canceled', leg: 'entry', reason: 'expired' });
    expect(summarize(r.commands)).toEqual([
      'place tp-1 LIMIT SELL 0.002 @70500 RO',
      'place tp-2 LIMIT SELL 0.002 @71000 RO',
      'place tp-3 LIMIT SELL 0.002 @72000 RO',
      'place sl STOP_MARKET SELL 0.006 @69500 RO',
    ]);
  });

  it('a limit entry gets its ladder on the first partial fill, resized as it fills', () => {
    const r = new Runner(btcLong({ entry: { type: 'limit', price: '70000' } }));
    r.fill('entry', '0.006', '70000');
    expect(placed(r.commands).map((c) => `${c.leg} ${c.order.qty}`)).toEqual([
      'tp-1 0.002',
      'tp-2 0.002',
      'tp-3 0.002',
      'sl 0.006',
    ]);
    r.fill('entry', '0.008', '70000');
    expect(placed(r.commands).map((c) => `${c.leg} ${c.order.qty}`)).toEqual([
      'tp-1-r2 0.004',
      'tp-2-r2 0.004',
      'tp-3-r2 0.006',
      'sl-r2 0.014',
    ]);
  });

  it('ignores unknown legs, bad numbers and duplicate fill ids, returning the very same state', () => {
    const r = new Runner(btcLong());
    r.send({ type: 'order_fill', leg: 'entry', qty: '0.014', price: '70000', fill_id: 't1' });
    const s = r.state;
    expect(transition(s, { type: 'order_fill', leg: 'nope', qty: '1', price: '1', at: 9 })).toEqual({
      state: s,
      commands: [],
    });
    expect(transition(s, { type: 'order_fill', leg: 'tp-1', qty: 'x', price: '1', at: 9 }).state).toBe(s);
    expect(transition(s, { type: 'order_fill', leg: 'tp-1', qty: '0', price: '70500', at: 9 }).state).toBe(s);
    expect(transition(s, { type: 'order_canceled', leg: 'ghost', at: 9 }).state).toBe(s);
    expect(transition(s, { type: 'order_accepted', leg: 'ghost', at: 9 }).state).toBe(s);
    expect(transition(s, { type: 'order_rejected', leg: 'ghost', reason: '?', at: 9 }).state).toBe(s);
    expect(transition(s, { type: 'whatever', at: 9 } as never).state).toBe(s);
    // the same trade id again (at-least-once delivery)
    r.send({ type: 'order_fill', leg: 'tp-1', qty: '0.002', price: '70500', fill_id: 't2' });
    const s2 = r.state;
    expect(
      r.send({ type: 'order_fill', leg: 'tp-1', qty: '0.002', price: '70500', fill_id: 't2' }).state,
    ).toBe(s2);
  });

  it('caps fills at the order size and exits at the open position, recording an anomaly', () => {
    const r = new Runner(btcLong());
    r.fill('entry', '0.020', '70000');
    expect(r.state.entry_filled_qty).toBe('0.014');
    r.fill('sl', '0.050', '69500');
    expect(r.state).toMatchObject({ remaining_qty: '0', exit_filled_qty: '0.014', status: 'CLOSED' });
    expect(r.state.anomalies.map((a) => a.message)).toEqual([
      'fill of 0.02 on entry capped to its open 0.014',
      'fill of 0.05 on sl capped to its open 0.014',
    ]);
  });

  it('uses the fee given, estimates a missing one (maker for limits, taker otherwise), keeps other assets apart', () => {
    const r = new Runner(btcLong({ fees: FEES }));
    r.fill('entry', '0.014', '70000'); // estimated taker: 0.392
    r.send({ type: 'order_fill', leg: 'tp-1', qty: '0.004', price: '70500', fee: '0.01', fee_asset: 'BNB' });
    r.send({ type: 'order_fill', leg: 'tp-2', qty: '0.004', price: '71000' }); // estimated maker: 0.0568
    expect(r.state.fees_usdt).toBe('0.4488');
    expect(r.state.fees_other).toEqual({ BNB: '0.01' });
    expect(r.order('entry').fills[0]).toMatchObject({ fee: '0.392', fee_estimated: true, fee_asset: 'USDT' });
    // 0.004×500 + 0.004×1000 − 0.4488
    expect(r.state.realized_pnl_usdt).toBe('5.5512');
  });

  it('a rejected stop closes the position at market (never left unprotected)', () => {
    const r = new Runner(btcLong({ fees: NO_FEES }));
    r.fill('entry', '0.014', '70000');
    r.send({ type: 'order_rejected', leg: 'sl', reason: 'Order would immediately trigger' });
    expect(summarize(r.commands)).toEqual([
      'cancel tp-1',
      'cancel tp-2',
      'cancel tp-3',
      'place close MARKET SELL 0.014 RO',
    ]);
    expect(notes(r.commands, 'order_rejected')[0]).toMatchObject({
      leg: 'sl',
      reason: 'Order would immediately trigger',
    });
    r.fillAll('close', '69400');
    expect(r.state).toMatchObject({
      status: 'CLOSED',
      close_reason: 'stop_rejected',
      close_note: 'Order would immediately trigger',
    });
  });

  it('a rejected TP gives up that rung; the last TP still closes the rest', () => {
    const r = new Runner(btcLong({ fees: NO_FEES }));
    r.fill('entry', '0.014', '70000');
    r.send({ type: 'order_rejected', leg: 'tp-2', reason: 'price filter' });
    expect(r.state.tp[1]?.status).toBe('failed');
    // the last rung takes over the failed rung's share
    expect(summarize(r.commands)).toEqual(['cancel tp-3', 'place tp-3-r2 LIMIT SELL 0.01 @72000 RO']);
  });

  it('an order cancelled by someone else is placed again under a new key', () => {
    const r = new Runner(btcLong());
    r.fill('entry', '0.014', '70000');
    r.send({ type: 'order_canceled', leg: 'tp-2' });
    expect(summarize(r.commands)).toEqual(['place tp-2-r2 LIMIT SELL 0.004 @71000 RO']);
    r.send({ type: 'order_canceled', leg: 'sl' });
    expect(summarize(r.commands)).toEqual(['place sl-r2 STOP_MARKET SELL 0.014 @69500 RO']);
  });

  it('re-places a rejected close a bounded number of times, then asks for help', () => {
    const r = new Runner(btcLong());
    r.fill('entry', '0.014', '70000');
    r.send({ type: 'manual_close' });
    const legs = ['close'];
    for (let i = 2; i <= MAX_CLOSE_ATTEMPTS; i++) {
      r.send({ type: 'order_rejected', leg: legs[legs.length - 1] ?? '', reason: 'busy' });
      expect(placed(r.commands).map((c) => c.leg)).toEqual([`close-r${i}`]);
      legs.push(`close-r${i}`);
    }
    r.send({ type: 'order_rejected', leg: legs[legs.length - 1] ?? '', reason: 'busy' });
    expect(placed(r.commands)).toEqual([]);
    expect(notes(r.commands, 'close_failed')).toHaveLength(1);
    expect(r.state.status).not.toBe('CLOSED');
  });

  it('a rejected market entry ends the position CANCELED', () => {
    const r = new Runner(btcLong());
    r.send({ type: 'order_rejected', leg: 'entry', reason: 'insufficient margin' });
    expect(r.state).toMatchObject({ status: 'CANCELED', close_reason: 'entry_rejected' });
    expect(notes(r.commands, 'canceled')).toHaveLength(1);
  });

  it('after the end only bookkeeping changes; no command is ever emitted', () => {
    const r = new Runner(btcLong());
    r.fill('entry', '0.014', '70000');
    r.fill('sl', '0.014', '69500');
    expect(r.state.status).toBe('CLOSED');
    r.send({ type: 'order_canceled', leg: 'tp-1' });
    expect(r.order('tp-1').status).toBe('CANCELED');
    expect(r.commands).toEqual([]);
    for (const e of [
      { type: 'signal_closed' },
      { type: 'manual_close' },
      { type: 'liquidated', price: '1' },
      { type: 'signal_edit', stop_loss: '1' },
      { type: 'order_fill', leg: 'tp-2', qty: '0.004', price: '71000' },
    ] as const) {
      expect(r.send(e).commands).toEqual([]);
    }
    expect(r.state.status).toBe('CLOSED');
  });

  it('never mutates the state it is given, and the state survives JSON', () => {
    const r = new Runner(btcLong());
    const before = JSON.stringify(r.state);
    const next = transition(r.state, {
      type: 'order_fill',
      leg: 'entry',
      qty: '0.014',
      price: '70000',
      at: 5,
    }).state;
    expect(JSON.stringify(r.state)).toBe(before);
    expect(JSON.parse(JSON.stringify(next))).toEqual(next);
  });
});
