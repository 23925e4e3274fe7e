import { describe, expect, it } from 'vitest';
import { transition } from './transition';
import { btcLong, btcShort, canceled, NO_FEES, notes, placed, Runner } from './test-fixtures';

function opened(plan = btcLong({ fees: NO_FEES })) {
  const r = new Runner(plan);
  r.fill('entry', '0.014', '70000');
  return r;
}

describe('closed outside the platform (closed_externally)', () => {
  it('records the remainder at the given price, cancels the ladder and the stop, reason manual', () => {
    const r = opened();
    r.send({ type: 'closed_externally', price: '70200', note: 'position closed on the exchange' });
    expect(canceled(r.commands)).toEqual(['tp-1', 'tp-2', 'tp-3', 'sl']);
    expect(placed(r.commands)).toEqual([]); // never a close order: there is nothing left to close
    expect(r.state).toMatchObject({
      status: 'CLOSED',
      close_reason: 'manual',
      close_note: 'position closed on the exchange',
      remaining_qty: '0',
      realized_pnl_usdt: '2.8', // (70200 − 70000) × 0.014
    });
    const rec = r.order('external');
    expect(rec).toMatchObject({
      status: 'FILLED',
      role: 'close',
      filled_qty: '0.014',
      avg_fill_price: '70200',
    });
    expect(notes(r.commands, 'closed')[0]).toMatchObject({ reason: 'manual' });
  });

  it('keeps what the ladder already took and closes only the rest (SHORT)', () => {
    const r = opened(btcShort({ fees: NO_FEES }));
    r.fillAll('tp-1'); // 0.004 at 69500
    r.send({ type: 'closed_externally', price: '69800' });
    expect(r.state.status).toBe('CLOSED');
    expect(r.order('external').qty).toBe('0.01');
    // 0.004 × 500 + 0.01 × 200
    expect(r.state.realized_pnl_usdt).toBe('4');
    expect(r.state.close_note).toBe('closed outside the platform');
  });

  it('the record is inert: fills, cancels and rejections for it change nothing', () => {
    const r = opened();
    r.send({ type: 'closed_externally', price: '70200' });
    const s = r.state;
    for (const e of [
      { type: 'order_fill', leg: 'external', qty: '0.001', price: '1', at: 99_000 },
      { type: 'order_canceled', leg: 'external', at: 99_000 },
      { type: 'order_rejected', leg: 'external', reason: 'x', at: 99_000 },
      { type: 'closed_externally', price: '1', at: 99_000 },
    ] as const) {
      expect(transition(s, e).state).toBe(s);
    }
  });

  it('is ignored before any fill and after the end, and with a bad price', () => {
    const fresh = new Runner(btcLong({ fees: NO_FEES }));
    const s0 = fresh.state;
    expect(transition(s0, { type: 'closed_externally', price: '70000', at: 2_000 }).state).toBe(s0);
    const r = opened();
    const s1 = r.state;
    expect(transition(s1, { type: 'closed_externally', price: 'abc', at: 3_000 }).state).toBe(s1);
    expect(transition(s1, { type: 'closed_externally', price: '0', at: 3_000 }).state).toBe(s1);
  });

  it('late fills of the cancelled orders are capped to nothing (reduce-only)', () => {
    const r = opened();
    r.send({ type: 'closed_externally', price: '70200' });
    r.fill('tp-1', '0.004', '70500');
    expect(r.state.exit_filled_qty).toBe('0.014');
    expect(r.state.realized_pnl_usdt).toBe('2.8');
  });
});
