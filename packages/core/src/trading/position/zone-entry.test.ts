import { dec, decStr } from '../../money';
import { describe, expect, it } from 'vitest';
import { canceled, notes, Runner, summarize, btcLong, btcShort } from './test-fixtures';

describe('zone entries', () => {
  it('splits a LONG zone into limit orders from the top of the zone down', () => {
    const r = new Runner(
      btcLong({
        entry: { type: 'zone', low: '69000', high: '70000', parts: 3 },
        qty: '0.015',
        stop_loss: '68500',
      }),
    );
    expect(summarize(r.commands)).toEqual([
      'place entry-z1 LIMIT BUY 0.005 @70000',
      'place entry-z2 LIMIT BUY 0.005 @69500',
      'place entry-z3 LIMIT BUY 0.005 @69000',
    ]);
  });

  it('splits a SHORT zone from the bottom up, last part taking the lot remainder', () => {
    const r = new Runner(
      btcShort({
        entry: { type: 'zone', low: '70000', high: '70300', parts: 4 },
        qty: '0.014',
        stop_loss: '71000',
      }),
    );
    expect(summarize(r.commands)).toEqual([
      'place entry-z1 LIMIT SELL 0.003 @70000',
      'place entry-z2 LIMIT SELL 0.003 @70100',
      'place entry-z3 LIMIT SELL 0.003 @70200',
      'place entry-z4 LIMIT SELL 0.005 @70300',
    ]);
  });

  it('places the ladder on the first fill and resizes it (new leg keys) as more of the zone fills', () => {
    const r = new Runner(
      btcLong({
        entry: { type: 'zone', low: '69000', high: '70000', parts: 3 },
        qty: '0.015',
        stop_loss: '68500',
      }),
    );
    r.fill('entry-z1', '0.005', '70000');
    // 0.005 split in three on the lot grid: 0.001, 0.001, and the remainder 0.003
    expect(r.state.orders.filter((o) => o.role === 'tp').map((o) => `${o.leg}:${o.qty}`)).toEqual([
      'tp-1:0.001',
      'tp-2:0.001',
      'tp-3:0.003',
    ]);
    expect(r.order('sl')).toMatchObject({ qty: '0.005', stop_price: '68500' });
    r.fill('entry-z2', '0.005', '69500');
    expect(summarize(r.commands)).toEqual([
      'cancel tp-1',
      'cancel tp-2',
      'cancel tp-3',
      'cancel sl',
      'place tp-1-r2 LIMIT SELL 0.003 @70500 RO',
      'place tp-2-r2 LIMIT SELL 0.003 @71000 RO',
      'place tp-3-r2 LIMIT SELL 0.004 @72000 RO',
      'place sl-r2 STOP_MARKET SELL 0.01 @68500 RO',
    ]);
    expect(r.state.avg_entry_price).toBe('69750');
  });

  it('cancels the unfilled zone parts once a TP is reached', () => {
    const r = new Runner(
      btcLong({
        entry: { type: 'zone', low: '69000', high: '70000', parts: 3 },
        qty: '0.015',
        stop_loss: '68500',
      }),
    );
    r.fill('entry-z1', '0.005', '70000');
    r.fillAll('tp-1');
    expect(canceled(r.commands)).toEqual(expect.arrayContaining(['entry-z2', 'entry-z3']));
    expect(r.state.entries_closed).toBe(true);
    // a late fill of a part being cancelled is real exposure: the ladder grows to cover it
    r.fill('entry-z2', '0.005', '69500');
    expect(r.state.remaining_qty).toBe('0.009');
    const tpOpen = r.state.orders
      .filter((o) => o.role === 'tp' && ['PENDING_NEW', 'NEW', 'PARTIALLY_FILLED'].includes(o.status))
      .reduce((a, o) => a.plus(o.qty), dec(0));
    expect(decStr(tpOpen)).toBe('0.009');
    expect(notes(r.commands, 'opened')).toHaveLength(0);
  });

  it('a zone where every part is cancelled before a fill ends CANCELED', () => {
    const r = new Runner(
      btcLong({
        entry: { type: 'zone', low: '69000', high: '70000', parts: 2 },
        qty: '0.01',
        stop_loss: '68500',
      }),
    );
    r.send({ type: 'order_canceled', leg: 'entry-z1' });
    expect(r.state.status).toBe('PENDING');
    r.send({ type: 'order_rejected', leg: 'entry-z2', reason: 'post only' });
    expect(r.state).toMatchObject({ status: 'CANCELED', close_reason: 'entry_canceled' });
  });
});
