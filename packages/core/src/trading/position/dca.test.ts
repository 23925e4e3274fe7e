import { describe, expect, it } from 'vitest';
import { canceled, notes, Runner, summarize, btcLong, btcShort } from './test-fixtures';

const dca = { safety_orders: 2, price_deviation_pct: 1, step_scale: 2, volume_scale: 2 };

describe('DCA', () => {
  const plan = () =>
    btcLong({
      qty: '0.03',
      entry_reference: '70000',
      targets: ['70700', '71400'],
      stop_loss: '67000',
      dca,
      fees: { maker_rate: '0', taker_rate: '0' },
    });

  it('places the base order only, then the safety orders from its fill price', () => {
    const r = new Runner(plan());
    // weights base 1 : SO1 1 : SO2 2 → base 0.25 × 0.03 = 0.0075 → 0.007 on the lot grid
    expect(summarize(r.commands)).toEqual(['place entry MARKET BUY 0.007']);
    r.fill('entry', '0.007', '70000');
    expect(summarize(r.commands)).toEqual([
      // deviations 1% and 1% + 1%×2 = 3% below the base fill; sizes 0.023 split 1 : 2
      'place dca-1 LIMIT BUY 0.007 @69300',
      'place dca-2 LIMIT BUY 0.016 @67900',
      'place tp-1 LIMIT SELL 0.003 @70700 RO',
      'place tp-2 LIMIT SELL 0.004 @71400 RO',
      'place sl STOP_MARKET SELL 0.007 @67000 RO',
    ]);
    expect(notes(r.commands, 'dca_placed')[0]).toMatchObject({ legs: ['dca-1', 'dca-2'] });
  });

  it('re-bases the TP ladder on the average entry after a safety fill, with new leg keys', () => {
    const r = new Runner(plan());
    r.fill('entry', '0.007', '70000');
    r.fill('dca-1', '0.007', '69300');
    expect(r.state.avg_entry_price).toBe('69650');
    // each target keeps its % distance from the signal's entry: 70700 × 69650 / 70000 = 70346.5
    expect(summarize(r.commands)).toEqual([
      'cancel tp-1',
      'cancel tp-2',
      'cancel sl',
      'place tp-1-r2 LIMIT SELL 0.007 @70346.5 RO',
      'place tp-2-r2 LIMIT SELL 0.007 @71043 RO',
      'place sl-r2 STOP_MARKET SELL 0.014 @67000 RO',
    ]);
    expect(notes(r.commands, 'ladder_updated')).toHaveLength(1);

    r.fill('dca-2', '0.016', '67900');
    // avg = (490 + 485.1 + 1086.4) / 0.03 = 68716.666…, stored to 12 places
    expect(r.state.avg_entry_price).toBe('68716.666666666667');
    expect(
      r.state.orders
        .filter((o) => o.role === 'tp' && o.status === 'PENDING_NEW')
        .map((o) => `${o.leg} ${o.qty}@${o.price}`),
    ).toEqual([
      'tp-1-r3 0.015@69403.8', // avg × 1.01, on the tick
      'tp-2-r3 0.015@70091', // avg × 1.02
    ]);
  });

  it('stops DCA once a TP is reached: open safety orders are cancelled, the stop goes to breakeven', () => {
    const r = new Runner(plan());
    r.fill('entry', '0.007', '70000');
    r.fill('dca-1', '0.007', '69300');
    r.fillAll('tp-1-r2');
    expect(canceled(r.commands)).toEqual(['dca-2', 'sl-r2']);
    expect(r.state.stop_price).toBe('69650');
    r.fillAll('tp-2-r2');
    // nothing remains, but dca-2 could still fill until its cancel is confirmed
    expect(r.state).toMatchObject({ status: 'PARTIAL', remaining_qty: '0', closing: { reason: 'tp_all' } });
    r.send({ type: 'order_canceled', leg: 'dca-2' });
    // 0.007 × (70346.5 − 69650) + 0.007 × (71043 − 69650)
    expect(r.state).toMatchObject({ status: 'CLOSED', close_reason: 'tp_all', realized_pnl_usdt: '14.6265' });
  });

  it('mirrors for a SHORT: safety orders above, ladder re-based down', () => {
    const r = new Runner(
      btcShort({
        qty: '0.02',
        entry_reference: '70000',
        targets: ['69300'],
        stop_loss: '73000',
        dca: { ...dca, safety_orders: 1, volume_scale: 1 },
      }),
    );
    r.fill('entry', '0.01', '70000');
    expect(summarize(r.commands)).toContain('place dca-1 LIMIT SELL 0.01 @70700');
    r.fill('dca-1', '0.01', '70700');
    expect(r.state.avg_entry_price).toBe('70350');
    // 69300 × 70350 / 70000 = 69646.5
    expect(summarize(r.commands)).toContain('place tp-1-r2 LIMIT BUY 0.02 @69646.5 RO');
  });

  it('never places a safety order at or beyond the stop', () => {
    const r = new Runner(
      btcLong({
        qty: '0.03',
        targets: ['71000'],
        stop_loss: '69000',
        dca: { ...dca, price_deviation_pct: 1 },
      }),
    );
    // market entry without a reference price: the plan cannot be checked up front, the order is skipped
    r.fill('entry', '0.007', '70000');
    expect(summarize(r.commands).filter((c) => c.includes('dca'))).toEqual([
      'place dca-1 LIMIT BUY 0.007 @69300',
    ]);
  });
});
