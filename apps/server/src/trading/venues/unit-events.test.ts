import { dec, Dec, openPosition, transition, type PositionEvent, type PositionState } from '@verzek/core';
import type { OrderSnapshot } from '@verzek/exchange';
import { describe, expect, it } from 'vitest';
import { planUnitEvents, type OrderUpdate, type UnitPosition } from './unit-events';

const NOW = 1_000_000;

/** An open BTC position (0.014 at 70000, TPs 70500/71000/72000, stop 69500), everything accepted. */
function open(direction: 'LONG' | 'SHORT' = 'LONG'): PositionState {
  const long = direction === 'LONG';
  let { state } = openPosition(
    {
      symbol: 'BTCUSDT',
      direction,
      leverage: 10,
      entry: { type: 'market' },
      qty: '0.014',
      targets: long ? ['70500', '71000', '72000'] : ['69500', '69000', '68000'],
      stop_loss: long ? '69500' : '70500',
      market: { tickSize: '0.1', lotSize: '0.001', minQty: '0.001', minNotional: '5' },
      fees: { maker_rate: '0', taker_rate: '0' },
    },
    1,
  );
  const send = (e: PositionEvent) => (state = transition(state, e).state);
  send({ type: 'order_accepted', leg: 'entry', exchange_order_id: 'e', at: 2 });
  send({ type: 'order_fill', leg: 'entry', qty: '0.014', price: '70000', fill_id: 'f', at: 3 });
  for (const o of state.orders)
    if (o.status === 'PENDING_NEW')
      send({ type: 'order_accepted', leg: o.leg, exchange_order_id: o.leg, at: 4 });
  return state;
}

/** TP1 fills; the stop moves to breakeven (sl-r2 accepted, sl cancelled). */
function fillTp1(state: PositionState): PositionState {
  let s = transition(state, {
    type: 'order_fill',
    leg: 'tp-1',
    qty: '0.004',
    price: '70500',
    fill_id: 't1',
    at: 5,
  }).state;
  s = transition(s, { type: 'order_accepted', leg: 'sl-r2', exchange_order_id: 'sl-r2', at: 6 }).state;
  return transition(s, { type: 'order_canceled', leg: 'sl', at: 7 }).state;
}

function snap(
  leg: string,
  status: OrderSnapshot['status'],
  filled: string,
  avg: string | null,
  qty = '0.014',
): OrderSnapshot {
  return {
    clientOrderId: `c-${leg}`,
    exchangeOrderId: `x-${leg}`,
    symbol: 'BTCUSDT',
    kind: leg.startsWith('sl') ? 'STOP_MARKET' : 'LIMIT',
    side: 'SELL',
    status,
    qty,
    filledQty: filled,
    avgPrice: avg,
    fills: [],
    rejectReason: null,
    updatedAt: 900_000,
  };
}

function update(p: UnitPosition, leg: string, s: OrderSnapshot | null): OrderUpdate {
  return { order: p.state.orders.find((o) => o.leg === leg)!, clientId: `${p.id}-${leg}`, snap: s };
}

const types = (plan: ReturnType<typeof planUnitEvents>, id: number) =>
  (plan.events.get(id) ?? []).map(
    (q) =>
      `${q.event.type}${'leg' in q.event ? ` ${q.event.leg}` : ''}${'qty' in q.event ? ` ${q.event.qty}` : ''}`,
  );

describe('planUnitEvents: one exchange account, one symbol', () => {
  it('turns a filled TP into a fill event, keyed like the paper venue’s updates', () => {
    const a: UnitPosition = { id: 1, direction: 'LONG', state: open() };
    const plan = planUnitEvents({
      positions: [a],
      updates: new Map([[1, [update(a, 'tp-1', snap('tp-1', 'FILLED', '0.004', '70500', '0.004'))]]]),
      exchangeSigned: null,
      price: '70500',
      venue: 'binance_futures',
      now: NOW,
    });
    expect(types(plan, 1)).toEqual(['order_fill tp-1 0.004']);
    expect(plan.events.get(1)![0]!.key).toBe('fill:1-tp-1:x-tp-1:cum:0.004');
    expect(plan.external.size).toBe(0);
  });

  it('gives the part of a stop that closed a sibling’s quantity to the sibling’s stop (netting)', () => {
    // A and B both hold 0.01 after TP1, each with a 0.014 stop; the exchange holds 0.02. A's stop
    // fills 0.014 (0.004 of it B's), B's fills the remaining 0.006 and expires.
    const a: UnitPosition = { id: 1, direction: 'LONG', state: fillTp1(open()) };
    const b: UnitPosition = { id: 2, direction: 'LONG', state: fillTp1(open()) };
    const plan = planUnitEvents({
      positions: [a, b],
      updates: new Map([
        [
          1,
          [
            update(a, 'sl-r2', snap('sl-r2', 'FILLED', '0.014', '69400')),
            update(a, 'tp-2', snap('tp-2', 'EXPIRED', '0', null)),
          ],
        ],
        [
          2,
          [
            update(b, 'sl-r2', snap('sl-r2', 'EXPIRED', '0.006', '69400')),
            update(b, 'tp-2', snap('tp-2', 'EXPIRED', '0', null)),
          ],
        ],
      ]),
      exchangeSigned: new Dec(0),
      price: '69400',
      venue: 'binance_futures',
      now: NOW,
    });
    expect(types(plan, 2)).toEqual([
      'order_fill sl-r2 0.006',
      'order_fill sl-r2 0.004',
      'order_canceled sl-r2',
      'order_canceled tp-2',
    ]);
    expect(plan.netted).toEqual(new Set([2]));
    expect(plan.external.size).toBe(0);
    expect(plan.mismatch).toBeNull();
    // Applied, both positions are closed by their stop.
    let sb = b.state;
    for (const q of plan.events.get(2)!) sb = transition(sb, q.event).state;
    expect(sb.status).toBe('CLOSED');
    expect(sb.close_reason).toBe('breakeven_stop');
  });

  it('records a position flattened by hand as closed outside the platform, at the market price', () => {
    const a: UnitPosition = { id: 7, direction: 'LONG', state: open() };
    const plan = planUnitEvents({
      positions: [a],
      updates: new Map([
        [7, ['tp-1', 'tp-2', 'tp-3', 'sl'].map((leg) => update(a, leg, snap(leg, 'EXPIRED', '0', null)))],
      ]),
      exchangeSigned: new Dec(0),
      price: '70250',
      venue: 'binance_futures',
      now: NOW,
    });
    expect(types(plan, 7)).toEqual(['closed_externally']); // its orders expired: the closing cancels them
    let s = a.state;
    for (const q of plan.events.get(7)!) s = transition(s, q.event).state;
    expect(s).toMatchObject({
      status: 'CLOSED',
      close_reason: 'manual',
      realized_pnl_usdt: expect.any(String),
    });
    expect(dec(s.realized_pnl_usdt).gt(0)).toBe(true);
  });

  it('leaves opposite positions that net to a flat exchange position alone', () => {
    const a: UnitPosition = { id: 1, direction: 'LONG', state: open('LONG') };
    const b: UnitPosition = { id: 2, direction: 'SHORT', state: open('SHORT') };
    const plan = planUnitEvents({
      positions: [a, b],
      updates: new Map([[1, [update(a, 'tp-1', null)]]]),
      exchangeSigned: new Dec(0),
      price: '70000',
      venue: 'binance_futures',
      now: NOW,
    });
    expect(plan.external.size).toBe(0);
    expect(types(plan, 1)).toEqual(['order_canceled tp-1']);
  });

  it('reports (and does not act on) a position reduced by hand', () => {
    const a: UnitPosition = { id: 1, direction: 'LONG', state: open() };
    const plan = planUnitEvents({
      positions: [a],
      updates: new Map([[1, [update(a, 'tp-3', snap('tp-3', 'CANCELED', '0', null, '0.006'))]]]),
      exchangeSigned: dec('0.005'),
      price: '70000',
      venue: 'binance_futures',
      now: NOW,
    });
    expect(plan.mismatch).toEqual({ exchange: '0.005', ours: '0.014' });
    expect(plan.external.size).toBe(0);
    expect(types(plan, 1)).toEqual(['order_canceled tp-3']);
  });
});
