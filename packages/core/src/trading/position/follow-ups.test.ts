import { describe, expect, it } from 'vitest';
import { btcLong, canceled, NO_FEES, notes, placed, Runner, summarize } from './test-fixtures';

function opened(overrides = {}) {
  const r = new Runner(btcLong({ fees: NO_FEES, ...overrides }));
  r.fill('entry', '0.014', '70000');
  return r;
}

describe('follow-ups from the signal source', () => {
  it('TP n reached: takes the unfilled share at market, cancels its limit, moves the stop', () => {
    const r = opened();
    r.send({ type: 'signal_tp_hit', n: 1 });
    expect(summarize(r.commands)).toEqual([
      'cancel tp-1',
      'cancel sl',
      'place tp-1-take MARKET SELL 0.004 RO',
      'place sl-r2 STOP_MARKET SELL 0.014 @70000 RO',
    ]);
    expect(notes(r.commands, 'tp_hit')[0]).toMatchObject({ n: 1, via: 'signal' });
    r.fill('tp-1-take', '0.004', '70490');
    expect(r.state).toMatchObject({ status: 'PARTIAL', remaining_qty: '0.01', realized_pnl_usdt: '1.96' });
    expect(placed(r.commands)).toEqual([]);
  });

  it('TP 2 reached marks TP1 too and takes only what its partial fill left', () => {
    const r = opened();
    r.fill('tp-1', '0.002', '70500');
    r.send({ type: 'signal_tp_hit', n: 2 });
    expect(summarize(r.commands).filter((c) => c.includes('take'))).toEqual([
      'place tp-1-take MARKET SELL 0.002 RO',
      'place tp-2-take MARKET SELL 0.004 RO',
    ]);
    expect(canceled(r.commands)).toEqual(expect.arrayContaining(['tp-1', 'tp-2']));
  });

  it('a repeated or out-of-range TP follow-up changes nothing', () => {
    const r = opened();
    r.send({ type: 'signal_tp_hit', n: 1 });
    const s = r.state;
    expect(r.send({ type: 'signal_tp_hit', n: 1 }).state).toBe(s);
    expect(r.send({ type: 'signal_tp_hit', n: 9 }).state).toBe(s);
    expect(r.send({ type: 'signal_tp_hit', n: 0 }).commands).toEqual([]);
  });

  it('TP hit before the entry filled is ignored', () => {
    const r = new Runner(btcLong({ entry: { type: 'limit', price: '70000' } }));
    const s = r.state;
    expect(r.send({ type: 'signal_tp_hit', n: 1 }).state).toBe(s);
  });

  for (const [type, reason] of [
    ['signal_all_tp', 'tp_all'],
    ['signal_sl_hit', 'stop_loss'],
    ['signal_closed', 'signal_closed'],
    ['signal_cancelled', 'signal_cancelled'],
  ] as const) {
    it(`${type} after entry: cancels every open order and closes the rest at market (${reason})`, () => {
      const r = opened();
      r.fillAll('tp-1');
      r.send({ type });
      expect(summarize(r.commands)).toEqual([
        'cancel tp-2',
        'cancel tp-3',
        'cancel sl-r2',
        'place close MARKET SELL 0.01 RO',
      ]);
      expect(r.state.closing?.reason).toBe(type === 'signal_sl_hit' ? 'breakeven_stop' : reason);
      r.fill('close', '0.01', '70100');
      expect(r.state).toMatchObject({ status: 'CLOSED', remaining_qty: '0', realized_pnl_usdt: '3' });
      // afterwards nothing is placed any more
      expect(r.send({ type: 'signal_tp_hit', n: 2 }).commands).toEqual([]);
      expect(r.send({ type: 'order_fill', leg: 'tp-2', qty: '0.004', price: '71000' }).commands).toEqual([]);
      expect(r.state.remaining_qty).toBe('0');
    });
  }

  it('signal_cancelled before the entry filled cancels the entry; CANCELED once confirmed', () => {
    const r = new Runner(btcLong({ entry: { type: 'limit', price: '70000' } }));
    r.send({ type: 'signal_cancelled' });
    expect(summarize(r.commands)).toEqual(['cancel entry']);
    expect(r.state.status).toBe('PENDING');
    r.send({ type: 'order_canceled', leg: 'entry' });
    expect(r.state).toMatchObject({ status: 'CANCELED', close_reason: 'signal_cancelled' });
    expect(notes(r.commands, 'canceled')).toHaveLength(1);
  });

  it('a late entry fill racing a cancel is closed at once', () => {
    const r = new Runner(btcLong({ entry: { type: 'limit', price: '70000' }, fees: NO_FEES }));
    r.send({ type: 'signal_cancelled' });
    r.fill('entry', '0.005', '70000');
    expect(summarize(r.commands)).toEqual(['place close MARKET SELL 0.005 RO']);
    r.fill('entry', '0.009', '70000'); // the rest fills too before the cancel lands
    expect(summarize(r.commands)).toEqual(['place close-r2 MARKET SELL 0.009 RO']);
    r.fill('close', '0.005', '69900');
    r.fill('close-r2', '0.009', '69900');
    expect(r.state).toMatchObject({
      status: 'CLOSED',
      close_reason: 'signal_cancelled',
      realized_pnl_usdt: '-1.4',
    });
  });

  it('manual close keeps its reason text', () => {
    const r = opened();
    r.send({ type: 'manual_close', reason: 'user pressed close' });
    r.fillAll('close');
    expect(r.state).toMatchObject({
      status: 'CLOSED',
      close_reason: 'manual',
      close_note: 'user pressed close',
    });
  });

  it('the first close reason wins', () => {
    const r = opened();
    r.send({ type: 'signal_closed' });
    const s = r.state;
    expect(r.send({ type: 'manual_close' }).state).toBe(s);
    expect(r.state.closing?.reason).toBe('signal_closed');
  });

  it('liquidation records the remaining quantity at the liquidation price and cancels the rest', () => {
    const r = opened();
    r.send({ type: 'liquidated', price: '63000' });
    expect(canceled(r.commands)).toEqual(['tp-1', 'tp-2', 'tp-3', 'sl']);
    expect(placed(r.commands)).toEqual([]);
    expect(r.state).toMatchObject({
      status: 'CLOSED',
      close_reason: 'liquidation',
      realized_pnl_usdt: '-98',
    });
    expect(r.state.realized_pnl_pct).toBe('-100');
  });
});

describe('signal edits', () => {
  it('re-places the TP orders whose price changed, and only those', () => {
    const r = opened();
    r.send({ type: 'signal_edit', targets: ['70500', '71200', '72000'] });
    expect(summarize(r.commands)).toEqual(['cancel tp-2', 'place tp-2-r2 LIMIT SELL 0.004 @71200 RO']);
    expect(notes(r.commands, 'edit_applied')).toHaveLength(1);
  });

  it('a different number of targets re-splits equally; removed targets are cancelled', () => {
    const r = opened();
    r.send({ type: 'signal_edit', targets: ['70800', '71500'] });
    expect(summarize(r.commands)).toEqual([
      'cancel tp-1',
      'cancel tp-2',
      'cancel tp-3',
      'place tp-1-r2 LIMIT SELL 0.007 @70800 RO',
      'place tp-2-r2 LIMIT SELL 0.007 @71500 RO',
    ]);
  });

  it('before any TP the source may widen the stop', () => {
    const r = opened();
    r.send({ type: 'signal_edit', stop_loss: '69000' });
    expect(summarize(r.commands)).toEqual(['cancel sl', 'place sl-r2 STOP_MARKET SELL 0.014 @69000 RO']);
    expect(r.state.stop_kind).toBe('edited');
  });

  it('after breakeven the stop only tightens (LONG: never down)', () => {
    const r = opened();
    r.fillAll('tp-1');
    r.send({ type: 'signal_edit', stop_loss: '69000' });
    expect(placed(r.commands)).toEqual([]);
    expect(r.state.stop_price).toBe('70000');
    r.send({ type: 'signal_edit', stop_loss: '70250' });
    expect(summarize(r.commands)).toEqual(['cancel sl-r2', 'place sl-r3 STOP_MARKET SELL 0.01 @70250 RO']);
  });

  it('ignores an invalid edit', () => {
    const r = opened();
    r.send({ type: 'signal_edit', targets: ['72000', '71000'], stop_loss: 'abc' });
    expect(placed(r.commands)).toEqual([]);
    expect(notes(r.commands, 'edit_ignored')[0]?.message).toMatch(/ascending/);
  });

  it('edits before the entry fill only change what will be placed', () => {
    const r = new Runner(btcLong({ entry: { type: 'limit', price: '70000' }, fees: NO_FEES }));
    r.send({ type: 'signal_edit', stop_loss: '69600', targets: ['70400', '71000', '72000'] });
    expect(placed(r.commands)).toEqual([]);
    r.fill('entry', '0.014', '70000');
    expect(summarize(r.commands)).toContain('place tp-1 LIMIT SELL 0.004 @70400 RO');
    expect(summarize(r.commands)).toContain('place sl STOP_MARKET SELL 0.014 @69600 RO');
  });
});
