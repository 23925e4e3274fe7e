import { describe, expect, it } from 'vitest';
import { sizeTrade } from '../sizing';
import { BTC, btcLong, canceled, notes, placed, Runner, summarize } from './test-fixtures';

describe('§5 flow: LONG BTCUSDT 70000, targets 70500/71000/72000, stop 69500, 10x', () => {
  it('sizes 5 USDT per trade to nothing (rejected by min qty) and 100 USDT to 0.014', () => {
    const small = sizeTrade({ entry_price: '70000', per_trade_usdt: '5', leverage: 10, market: BTC });
    expect(small).toMatchObject({ ok: false, code: 'below_min_qty', qty: '0' });
    if (!small.ok) expect(small.reason).toMatch(/rounds down to 0 at lot size 0.001/);
    const sized = sizeTrade({ entry_price: '70000', per_trade_usdt: '100', leverage: 10, market: BTC });
    expect(sized).toMatchObject({ ok: true, qty: '0.014', notional_usdt: '980', margin_usdt: '98' });
  });

  it('opens with leverage then one market entry; no exits before the fill', () => {
    const r = new Runner(btcLong());
    expect(r.commands[0]).toEqual({ type: 'set_leverage', leverage: 10, margin_mode: null });
    expect(summarize(r.commands)).toEqual(['place entry MARKET BUY 0.014']);
    expect(r.state.status).toBe('PENDING');
    expect(r.send({ type: 'order_accepted', leg: 'entry', exchange_order_id: 'E1' }).commands).toEqual([]);
    expect(r.order('entry')).toMatchObject({ status: 'NEW', exchange_order_id: 'E1' });
  });

  it('places the reduce-only TP ladder (equal split, last takes the remainder) and the stop after the fill', () => {
    const r = new Runner(btcLong());
    r.fill('entry', '0.014', '70000');
    expect(summarize(r.commands)).toEqual([
      'place tp-1 LIMIT SELL 0.004 @70500 RO',
      'place tp-2 LIMIT SELL 0.004 @71000 RO',
      'place tp-3 LIMIT SELL 0.006 @72000 RO',
      'place sl STOP_MARKET SELL 0.014 @69500 RO',
    ]);
    expect(r.state).toMatchObject({ status: 'OPEN', remaining_qty: '0.014', avg_entry_price: '70000' });
    expect(notes(r.commands, 'opened')).toHaveLength(1);
  });

  it('TP1 moves the stop to breakeven under a new leg key; the stop then closes the rest', () => {
    const r = new Runner(btcLong());
    r.fill('entry', '0.014', '70000');
    r.fill('tp-1', '0.004', '70500');
    expect(summarize(r.commands)).toEqual(['cancel sl', 'place sl-r2 STOP_MARKET SELL 0.01 @70000 RO']);
    expect(notes(r.commands, 'tp_hit')[0]).toMatchObject({ n: 1, via: 'order' });
    expect(notes(r.commands, 'stop_moved')[0]).toMatchObject({
      from: '69500',
      to: '70000',
      stop_kind: 'breakeven',
    });
    expect(r.state).toMatchObject({ status: 'PARTIAL', remaining_qty: '0.01', stop_locked: true });

    r.send({ type: 'order_canceled', leg: 'sl' });
    r.fill('sl-r2', '0.01', '70000');
    expect(canceled(r.commands)).toEqual(['tp-2', 'tp-3']);
    expect(placed(r.commands)).toEqual([]);
    // +0.004 × 500 − fees (entry 0.392 taker, tp1 0.0564 maker, stop 0.28 taker)
    expect(r.state).toMatchObject({
      status: 'CLOSED',
      close_reason: 'breakeven_stop',
      remaining_qty: '0',
      realized_pnl_usdt: '1.2716',
      fees_usdt: '0.7284',
    });
    expect(notes(r.commands, 'closed')[0]).toMatchObject({
      reason: 'breakeven_stop',
      realized_pnl_usdt: '1.2716',
    });
  });

  it('a stop fill before any TP closes everything with a loss', () => {
    const r = new Runner(btcLong());
    r.fill('entry', '0.014', '70000');
    r.fill('sl', '0.014', '69500');
    expect(canceled(r.commands)).toEqual(['tp-1', 'tp-2', 'tp-3']);
    // −0.014 × 500 = −7, fees 0.392 + 0.3892
    expect(r.state).toMatchObject({
      status: 'CLOSED',
      close_reason: 'stop_loss',
      realized_pnl_usdt: '-7.7812',
    });
    // on margin 98 USDT: −7.94%; unleveraged on 980: −0.794%
    expect(r.state.realized_pnl_pct).toBe('-7.94');
    expect(r.state.realized_pnl_pct_unleveraged).toBe('-0.794');
  });

  it('every TP filling closes the position with reason tp_all and cancels the stop', () => {
    const r = new Runner(btcLong({ fees: { maker_rate: '0', taker_rate: '0' } }));
    r.fill('entry', '0.014', '70000');
    r.fillAll('tp-1');
    r.fillAll('tp-2');
    expect(placed(r.commands)).toEqual([]); // breakeven already; the stop covers more than remains
    r.fillAll('tp-3');
    expect(r.state).toMatchObject({ status: 'CLOSED', close_reason: 'tp_all' });
    // 0.004×500 + 0.004×1000 + 0.006×2000
    expect(r.state.realized_pnl_usdt).toBe('18');
    expect(canceled(r.commands)).toEqual(['sl-r2']);
  });

  it('moving_target: after TP2 the stop moves to TP1', () => {
    const r = new Runner(btcLong({ breakeven: 'moving_target' }));
    r.fill('entry', '0.014', '70000');
    r.fillAll('tp-1');
    expect(r.state.stop_price).toBe('70000');
    r.fillAll('tp-2');
    expect(summarize(r.commands)).toEqual(['cancel sl-r2', 'place sl-r3 STOP_MARKET SELL 0.006 @70500 RO']);
    expect(r.state).toMatchObject({ stop_price: '70500', stop_kind: 'target' });
    r.fillAll('sl-r3');
    expect(r.state.close_reason).toBe('target_stop');
  });

  it('breakeven off keeps the stop where it is', () => {
    const r = new Runner(btcLong({ breakeven: 'off' }));
    r.fill('entry', '0.014', '70000');
    r.fillAll('tp-1');
    expect(placed(r.commands)).toEqual([]);
    expect(r.state.stop_price).toBe('69500');
  });

  it('respects a custom TP split, the last target taking the remainder', () => {
    const r = new Runner(btcLong({ tp_split_pct: [50, 30, 20] }));
    r.fill('entry', '0.014', '70000');
    expect(placed(r.commands).map((c) => c.order.qty)).toEqual(['0.007', '0.004', '0.003', '0.014']);
  });
});
