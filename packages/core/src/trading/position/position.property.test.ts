import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec, dec, decStr, floorToStep } from '../../money';
import type { MarketRules } from '../market-rules';
import type { PositionCommand } from './commands';
import { cloneState, newCtx, commandsOf } from './context';
import type { PositionEvent } from './events';
import { openPosition } from './open-position';
import type { PositionPlan } from './plan';
import { reconcile } from './reconcile';
import type { OrderRecord, PositionState } from './state';
import { transition, transitionAll } from './transition';
import { validatePositionPlan } from './validate-plan';

// ---------- plans ----------

interface MarketCase {
  rules: MarketRules;
  price: string;
}

const MARKETS: MarketCase[] = [
  { rules: { tickSize: '0.1', lotSize: '0.001', minQty: '0.001', minNotional: '5' }, price: '70000' },
  { rules: { tickSize: '0.01', lotSize: '0.01', minQty: '0.01', minNotional: '0' }, price: '3500' },
  { rules: { tickSize: '0.00001', lotSize: '1', minQty: '1', minNotional: '5' }, price: '0.12345' },
];

const planArb: fc.Arbitrary<PositionPlan> = fc
  .record({
    market: fc.constantFrom(...MARKETS),
    long: fc.boolean(),
    lots: fc.integer({ min: 1, max: 400 }),
    entry: fc.constantFrom('market', 'limit', 'zone'),
    zoneParts: fc.integer({ min: 1, max: 4 }),
    targetCount: fc.integer({ min: 0, max: 5 }),
    targetStepBp: fc.integer({ min: 20, max: 300 }),
    split: fc.option(fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 5, maxLength: 5 })),
    stopBp: fc.option(fc.integer({ min: 50, max: 600 }), { freq: 4 }),
    breakeven: fc.constantFrom('off', 'breakeven', 'moving_target') as fc.Arbitrary<
      'off' | 'breakeven' | 'moving_target'
    >,
    dca: fc.option(
      fc.record({
        safety_orders: fc.integer({ min: 1, max: 4 }),
        price_deviation_pct: fc.constantFrom(0.5, 1, 1.5),
        step_scale: fc.constantFrom(1, 1.2, 1.5),
        volume_scale: fc.constantFrom(1, 1.5, 2),
      }),
      { freq: 3 },
    ),
    leverage: fc.integer({ min: 1, max: 50 }),
    fees: fc.constantFrom(
      { maker_rate: '0.0002', taker_rate: '0.0004' },
      { maker_rate: '-0.0001', taker_rate: '0.0005' },
    ),
  })
  .map((g) => {
    const { rules, price } = g.market;
    const p = dec(price);
    const sign = g.long ? 1 : -1;
    const tick = (x: Dec) => decStr(floorToStep(x, rules.tickSize));
    const useDca = g.dca != null && g.entry !== 'zone';
    // enough lots for the market's min notional (×20 with DCA: the base order is a fraction)
    const notionalLots = dec(rules.minNotional).div(dec(rules.lotSize).mul(price)).ceil().toNumber();
    const minLots = Math.max(notionalLots, 1) * (useDca ? 20 : 1) + 1;
    const qty = decStr(dec(rules.lotSize).mul(Math.max(g.lots, minLots)));
    const targets = Array.from({ length: g.targetCount }, (_, i) =>
      tick(
        p.mul(
          new Dec(1).plus(
            dec(g.targetStepBp * (i + 1))
              .div(10_000)
              .mul(sign),
          ),
        ),
      ),
    );
    // DCA: the stop sits beyond the deepest safety order
    let stopBp = g.stopBp;
    if (useDca && stopBp != null && g.dca != null) {
      let dev = 0;
      for (let k = 0; k < g.dca.safety_orders; k++) dev += g.dca.price_deviation_pct * g.dca.step_scale ** k;
      stopBp = Math.ceil(dev * 100) + 150;
    }
    const adverse = g.entry === 'zone' && !useDca ? p.mul(g.long ? '0.99' : '1.01') : p;
    const stop =
      stopBp == null ? null : tick(adverse.mul(new Dec(1).minus(dec(stopBp).div(10_000).mul(sign))));
    let split: number[] | null = null;
    if (g.split != null && g.targetCount > 0) {
      const raw = g.split.slice(0, g.targetCount);
      const sum = raw.reduce((a, b) => a + b, 0);
      const pct = raw.map((x) => Math.floor((x * 100) / sum));
      pct[pct.length - 1] = 100 - pct.slice(0, -1).reduce((a, b) => a + b, 0);
      split = pct;
    }
    const entry =
      g.entry === 'market'
        ? ({ type: 'market' } as const)
        : g.entry === 'limit' || useDca
          ? ({ type: 'limit', price } as const)
          : ({
              type: 'zone',
              low: g.long ? tick(p.mul('0.99')) : price,
              high: g.long ? price : tick(p.mul('1.01')),
              parts: g.zoneParts,
            } as const);
    const plan: PositionPlan = {
      symbol: 'TESTUSDT',
      direction: g.long ? 'LONG' : 'SHORT',
      leverage: g.leverage,
      entry,
      entry_reference: price,
      qty,
      targets,
      tp_split_pct: split,
      stop_loss: stop,
      breakeven: g.breakeven,
      dca: useDca ? g.dca : null,
      market: rules,
      fees: g.fees,
    };
    return plan;
  });

// ---------- events: recipes interpreted against the current state ----------

type Recipe =
  | { k: 'fill'; pick: number; frac: number; slipBp: number; feeMode: number }
  | { k: 'accept'; pick: number }
  | { k: 'cancel_confirm'; pick: number }
  | { k: 'external_cancel'; pick: number }
  | { k: 'reject'; pick: number }
  | { k: 'tp_hit'; n: number }
  | {
      k: 'follow';
      what:
        | 'signal_all_tp'
        | 'signal_sl_hit'
        | 'signal_cancelled'
        | 'signal_closed'
        | 'signal_entry_filled'
        | 'manual_close';
    }
  | { k: 'edit'; targetsBp: number | null; count: number; stopBp: number | null }
  | { k: 'liquidated'; slipBp: number }
  | { k: 'noise'; which: number; pick: number };

const recipeArb: fc.Arbitrary<Recipe> = fc.oneof(
  {
    weight: 14,
    arbitrary: fc.record({
      k: fc.constant('fill' as const),
      pick: fc.nat(),
      frac: fc.integer({ min: 1, max: 140 }),
      slipBp: fc.integer({ min: -300, max: 300 }),
      feeMode: fc.nat(5),
    }),
  },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('accept' as const), pick: fc.nat() }) },
  { weight: 5, arbitrary: fc.record({ k: fc.constant('cancel_confirm' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('external_cancel' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('reject' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({ k: fc.constant('tp_hit' as const), n: fc.integer({ min: 0, max: 4 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('follow' as const),
      what: fc.constantFrom(
        'signal_all_tp',
        'signal_sl_hit',
        'signal_cancelled',
        'signal_closed',
        'signal_entry_filled',
        'manual_close',
      ) as fc.Arbitrary<
        | 'signal_all_tp'
        | 'signal_sl_hit'
        | 'signal_cancelled'
        | 'signal_closed'
        | 'signal_entry_filled'
        | 'manual_close'
      >,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant('edit' as const),
      targetsBp: fc.option(fc.integer({ min: -200, max: 300 })),
      count: fc.integer({ min: 0, max: 6 }),
      stopBp: fc.option(fc.integer({ min: -400, max: 400 })),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant('liquidated' as const),
      slipBp: fc.integer({ min: -1000, max: 1000 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('noise' as const), which: fc.nat(7), pick: fc.nat() }) },
);

function pickOf<T>(xs: readonly T[], pick: number): T | undefined {
  return xs.length === 0 ? undefined : xs[pick % xs.length];
}

const isLive = (o: OrderRecord) =>
  o.status === 'PENDING_NEW' || o.status === 'NEW' || o.status === 'PARTIALLY_FILLED';
const isOpen = (o: OrderRecord) => isLive(o) || o.status === 'PENDING_CANCEL';

function bp(price: string, bps: number): string {
  return decStr(dec(price).mul(new Dec(1).plus(dec(bps).div(10_000))));
}

/** Turns a recipe into an event for the current state (mostly plausible, sometimes noise). */
function toEvent(s: PositionState, r: Recipe, at: number, lastFill: PositionEvent | null): PositionEvent {
  const ref = s.plan.entry_reference ?? '1';
  switch (r.k) {
    case 'fill': {
      const o = pickOf(s.orders.filter(isOpen), r.pick);
      if (o == null) return { type: 'signal_entry_filled', at };
      const open = dec(o.qty).minus(o.filled_qty);
      let qty = r.frac >= 60 ? open : floorToStep(open.mul(r.frac).div(60), s.plan.market.lotSize);
      if (qty.lte(0)) qty = open;
      if (r.frac > 130) qty = open.mul(3); // over-fill: must be capped
      const price = o.price ?? (o.stop_price != null ? bp(o.stop_price, r.slipBp / 10) : bp(ref, r.slipBp));
      const fee = r.feeMode === 0 ? undefined : decStr(qty.mul(price).mul('0.0004'));
      return {
        type: 'order_fill',
        leg: o.leg,
        qty: decStr(qty),
        price,
        fee,
        fee_asset: r.feeMode === 5 ? 'BNB' : undefined,
        fill_id: `f${at}`,
        at,
      };
    }
    case 'accept': {
      const o = pickOf(
        s.orders.filter((x) => x.status === 'PENDING_NEW'),
        r.pick,
      );
      return o == null
        ? { type: 'signal_entry_filled', at }
        : { type: 'order_accepted', leg: o.leg, exchange_order_id: `X${at}`, at };
    }
    case 'cancel_confirm': {
      const o = pickOf(
        s.orders.filter((x) => x.status === 'PENDING_CANCEL'),
        r.pick,
      );
      return o == null ? { type: 'signal_entry_filled', at } : { type: 'order_canceled', leg: o.leg, at };
    }
    case 'external_cancel': {
      const o = pickOf(s.orders.filter(isLive), r.pick);
      return o == null
        ? { type: 'signal_entry_filled', at }
        : { type: 'order_canceled', leg: o.leg, reason: 'expired', at };
    }
    case 'reject': {
      const o = pickOf(
        s.orders.filter((x) => x.status === 'PENDING_NEW'),
        r.pick,
      );
      return o == null
        ? { type: 'signal_entry_filled', at }
        : { type: 'order_rejected', leg: o.leg, reason: 'exchange said no', at };
    }
    case 'tp_hit':
      return { type: 'signal_tp_hit', n: r.n, at };
    case 'follow':
      return r.what === 'manual_close' ? { type: 'manual_close', reason: 'user', at } : { type: r.what, at };
    case 'edit': {
      const sign = s.plan.direction === 'LONG' ? 1 : -1;
      const targets =
        r.targetsBp == null
          ? undefined
          : Array.from({ length: r.count === 6 ? s.plan.targets.length : r.count }, (_, i) =>
              bp(ref, sign * (Math.abs(r.targetsBp ?? 0) + 50) * (i + 1)),
            );
      const stop_loss = r.stopBp == null ? undefined : bp(ref, r.stopBp);
      return { type: 'signal_edit', targets, stop_loss, at };
    }
    case 'liquidated':
      return { type: 'liquidated', price: bp(ref, r.slipBp), at };
    case 'noise': {
      const o = pickOf(s.orders, r.pick);
      switch (r.which) {
        case 0:
          return { type: 'order_fill', leg: 'tp-99', qty: '1', price: '1', at };
        case 1:
          return { type: 'order_fill', leg: o?.leg ?? 'entry', qty: 'abc', price: '-1', at };
        case 2:
          return lastFill != null ? { ...lastFill, at } : { type: 'order_canceled', leg: 'nope', at };
        case 3:
          return o == null
            ? { type: 'order_accepted', leg: 'ghost', at }
            : { type: 'order_fill', leg: o.leg, qty: o.qty, price: o.price ?? ref, at };
        case 4:
          return { type: 'order_rejected', leg: o?.leg ?? 'x', reason: 'late', at };
        case 5:
          return { type: 'bogus', at } as unknown as PositionEvent;
        case 6:
          return { type: 'order_canceled', leg: o?.leg ?? 'entry', at };
        default:
          return { type: 'signal_tp_hit', n: 1.5, at };
      }
    }
  }
}

// ---------- invariants ----------

const sumFills = (s: PositionState, entry: boolean) => {
  let qty = new Dec(0);
  let value = new Dec(0);
  let fees = new Dec(0);
  for (const o of s.orders) {
    const isEntry = o.role === 'entry' || o.role === 'dca';
    for (const f of o.fills) {
      if (f.fee_asset === s.plan.quote_asset) fees = fees.plus(f.fee);
      if (isEntry !== entry) continue;
      qty = qty.plus(f.qty);
      value = value.plus(dec(f.qty).mul(f.price));
    }
  }
  return { qty, value, fees };
};

function better(long: boolean, a: string, b: string): boolean {
  return long ? dec(a).gte(b) : dec(a).lte(b);
}

interface Track {
  legs: Set<string>;
  lockedStop: string | null;
  lockedPlacedStop: string | null;
}

function checkStep(
  prev: PositionState,
  event: PositionEvent,
  next: PositionState,
  commands: PositionCommand[],
  track: Track,
): void {
  const long = next.plan.direction === 'LONG';
  // accounting
  const entry = sumFills(next, true);
  const exit = sumFills(next, false);
  const remaining = dec(next.remaining_qty);
  expect(remaining.gte(0)).toBe(true);
  expect(remaining.lte(entry.qty)).toBe(true);
  expect(decStr(exit.qty.plus(remaining))).toBe(decStr(entry.qty));
  expect(next.entry_filled_qty).toBe(decStr(entry.qty));
  for (const o of next.orders) expect(dec(o.filled_qty).lte(o.qty)).toBe(true);
  // realized PnL = Σ exit (exit − avg entry) × qty × sign − all fees
  const sign = long ? 1 : -1;
  if (entry.qty.gt(0)) {
    const avg = entry.value.div(entry.qty);
    let gross = new Dec(0);
    for (const o of next.orders) {
      if (o.role === 'entry' || o.role === 'dca') continue;
      for (const f of o.fills) gross = gross.plus(dec(f.price).minus(avg).mul(f.qty).mul(sign));
    }
    const expected = gross.minus(entry.fees);
    expect(dec(next.realized_pnl_usdt).minus(expected).abs().lte('0.00000001')).toBe(true);
    // and with the stored (rounded) average entry price
    let grossStored = new Dec(0);
    for (const o of next.orders) {
      if (o.role === 'entry' || o.role === 'dca') continue;
      for (const f of o.fills)
        grossStored = grossStored.plus(
          dec(f.price)
            .minus(next.avg_entry_price ?? 0)
            .mul(f.qty)
            .mul(sign),
        );
    }
    expect(dec(next.realized_pnl_usdt).minus(grossStored.minus(entry.fees)).abs().lte('0.000001')).toBe(true);
  } else {
    expect(next.realized_pnl_usdt).toBe(decStr(entry.fees.neg()));
  }
  // stop never moves against the position once locked
  if (next.stop_locked) {
    expect(next.stop_price).not.toBeNull();
    if (track.lockedStop != null) expect(better(long, next.stop_price ?? '0', track.lockedStop)).toBe(true);
    track.lockedStop = next.stop_price;
  }
  // commands
  const prevByLeg = new Map(prev.orders.map((o) => [o.leg, o]));
  const nextByLeg = new Map(next.orders.map((o) => [o.leg, o]));
  const terminal = prev.status === 'CLOSED' || prev.status === 'CANCELED';
  for (const c of commands) {
    if (c.type === 'cancel_order') {
      const before = prevByLeg.get(c.leg);
      expect(before, `cancel of unknown leg ${c.leg}`).toBeDefined();
      expect(before && isLive(before)).toBe(true);
      expect(nextByLeg.get(c.leg)?.status).toBe('PENDING_CANCEL');
    }
    if (c.type === 'place_order') {
      expect(terminal).toBe(false);
      expect(track.legs.has(c.leg), `leg ${c.leg} reused`).toBe(false);
      track.legs.add(c.leg);
      const rec = nextByLeg.get(c.leg);
      expect(rec?.status).toBe('PENDING_NEW');
      expect(rec?.qty).toBe(c.order.qty);
      expect(dec(c.order.qty).gt(0)).toBe(true);
      const isEntry = rec?.role === 'entry' || rec?.role === 'dca';
      expect(c.order.reduce_only).toBe(!isEntry);
      if (c.order.kind === 'LIMIT') expect(c.order.price).toBeDefined();
      if (c.order.kind === 'STOP_MARKET') {
        expect(c.order.stop_price).toBeDefined();
        if (next.stop_locked && track.lockedPlacedStop != null) {
          expect(better(long, c.order.stop_price ?? '0', track.lockedPlacedStop)).toBe(true);
        }
        if (next.stop_locked) track.lockedPlacedStop = c.order.stop_price ?? null;
      }
    }
    expect(c.type === 'set_leverage').toBe(false);
  }
  if (next.status === 'CLOSED' || next.status === 'CANCELED') {
    expect(next.remaining_qty).toBe('0');
    expect(next.orders.some((o) => (o.role === 'entry' || o.role === 'dca') && isOpen(o))).toBe(false);
  }
  if (terminal) expect(next.status).toBe(prev.status);
  // plain JSON
  expect(JSON.parse(JSON.stringify(next))).toEqual(next);
  // the book: TP orders never exceed what is open; a stop protects an open position
  if (next.status !== 'CLOSED' && next.status !== 'CANCELED') {
    let tpOpen = new Dec(0);
    for (const o of next.orders)
      if (o.role === 'tp' && isLive(o)) tpOpen = tpOpen.plus(dec(o.qty).minus(o.filled_qty));
    expect(tpOpen.lte(remaining)).toBe(true);
    const marketEntryOpen = next.orders.some((o) => o.role === 'entry' && o.kind === 'MARKET' && isOpen(o));
    if (next.closing == null && next.stop_price != null && remaining.gt(0) && !marketEntryOpen) {
      const stop = next.orders.find(
        (o) => o.role === 'stop' && isLive(o) && o.stop_price === next.stop_price,
      );
      expect(stop, 'open position without a live stop').toBeDefined();
      expect(
        dec(stop?.qty ?? 0)
          .minus(stop?.filled_qty ?? 0)
          .gte(remaining),
      ).toBe(true);
    }
  }
  // reconcile is a fixpoint: nothing left to do
  const again = newCtx(cloneState(next), event.at);
  reconcile(again);
  expect(commandsOf(again)).toEqual([]);
}

/** What the random runs went through, so the generator's realism is checked, not assumed. */
const seen = new Map<string, number>();
function see(what: string): void {
  seen.set(what, (seen.get(what) ?? 0) + 1);
}
function observe(s: PositionState, commands: PositionCommand[]): void {
  see(`status:${s.status}`);
  if (s.close_reason) see(`reason:${s.close_reason}`);
  if (s.stop_locked) see('stop_locked');
  if (s.orders.some((o) => o.role === 'dca' && o.fills.length > 0)) see('dca_filled');
  if (s.orders.some((o) => o.role === 'tp' && o.status === 'FILLED')) see('tp_filled');
  if (s.orders.some((o) => o.role === 'tp_take' && o.fills.length > 0)) see('tp_taken');
  if (s.orders.some((o) => o.role === 'close' && o.fills.length > 0)) see('close_filled');
  if (s.orders.some((o) => o.leg.includes('-r'))) see('replaced_leg');
  if (s.anomalies.length > 0) see('anomaly');
  for (const c of commands) if (c.type === 'notify') see(`notify:${c.kind}`);
}

describe('position machine properties', () => {
  it('generated plans are valid', () => {
    fc.assert(
      fc.property(planArb, (plan) => {
        expect(validatePositionPlan(plan)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('holds every invariant for any plan and any sequence of events', () => {
    fc.assert(
      fc.property(planArb, fc.array(recipeArb, { maxLength: 45 }), (plan, recipes) => {
        const opened = openPosition(plan, 0);
        let state = opened.state;
        expect(state.status).toBe('PENDING');
        const track: Track = { legs: new Set(), lockedStop: null, lockedPlacedStop: null };
        for (const c of opened.commands) if (c.type === 'place_order') track.legs.add(c.leg);
        let lastFill: PositionEvent | null = null;
        recipes.forEach((recipe, i) => {
          const event = toEvent(state, recipe, (i + 1) * 1000, lastFill);
          if (event.type === 'order_fill' && recipe.k === 'fill') lastFill = event;
          const before = JSON.stringify(state);
          const { state: next, commands } = transition(state, event);
          expect(JSON.stringify(state)).toBe(before); // input untouched
          if (commands.length === 0 && next !== state) {
            // a change without commands is fine; an unknown leg must be a no-op
          }
          if ('leg' in event && !state.orders.some((o) => o.leg === event.leg)) {
            expect(next).toBe(state);
            expect(commands).toEqual([]);
          }
          checkStep(state, event, next, commands, track);
          observe(next, commands);
          state = next;
        });
      }),
      { numRuns: Number(globalThis.process?.env?.PROPERTY_RUNS ?? 500) },
    );
    // frequent outcomes must show up in every run of the suite; rarer ones are covered by unit tests
    const mustSee = [
      'status:OPEN',
      'status:PARTIAL',
      'status:CLOSED',
      'status:CANCELED',
      'reason:tp_all',
      'reason:stop_loss',
      'reason:liquidation',
      'stop_locked',
      'dca_filled',
      'tp_filled',
      'close_filled',
      'replaced_leg',
      'anomaly',
      'notify:stop_moved',
      'notify:ladder_updated',
      'notify:edit_applied',
      'notify:order_rejected',
    ];
    for (const what of mustSee)
      expect(seen.get(what) ?? 0, `the generator never produced ${what}`).toBeGreaterThan(0);
    const reasons = [...seen.keys()].filter((k) => k.startsWith('reason:'));
    expect(reasons.length, `close reasons seen: ${reasons.join(', ')}`).toBeGreaterThanOrEqual(6);
  });

  it('transitionAll gives exactly what applying the events one by one gives', () => {
    // runs of acceptances (the case transitionAll shortcuts) made common
    const recipes = fc.array(
      fc.oneof(recipeArb, fc.record({ k: fc.constant('accept' as const), pick: fc.nat() })),
      { maxLength: 45 },
    );
    let shortcuts = 0;
    fc.assert(
      fc.property(planArb, recipes, fc.integer({ min: 1, max: 6 }), (plan, rs, chunk) => {
        const opened = openPosition(plan, 0);
        let state = opened.state;
        const events: PositionEvent[] = [];
        const folded: PositionCommand[] = [];
        let lastFill: PositionEvent | null = null;
        rs.forEach((recipe, i) => {
          const event = toEvent(state, recipe, (i + 1) * 1000, lastFill);
          if (event.type === 'order_fill' && recipe.k === 'fill') lastFill = event;
          events.push(event);
          const r = transition(state, event);
          state = r.state;
          folded.push(...r.commands);
        });
        // the same events, in chunks of `chunk`, as the engine hands over a round of answers
        let batched = opened.state;
        const commands: PositionCommand[] = [];
        for (let i = 0; i < events.length; i += chunk) {
          const before = JSON.stringify(batched);
          const r = transitionAll(batched, events.slice(i, i + chunk));
          expect(JSON.stringify(batched)).toBe(before); // input untouched
          batched = r.state;
          commands.push(...r.commands);
        }
        expect(batched).toEqual(state);
        expect(commands).toEqual(folded);
        for (let i = 1; i < events.length; i++)
          if (events[i]?.type === 'order_accepted' && i % chunk !== 0) shortcuts++;
      }),
      { numRuns: 300 },
    );
    expect(shortcuts).toBeGreaterThan(100);
  });

  it('drives positions to the end when the exchange cooperates', () => {
    // Same machine, events that always fill what is open: every run must end CLOSED or CANCELED.
    fc.assert(
      fc.property(
        planArb,
        fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        (plan, picks, closeEarly) => {
          let { state } = openPosition(plan, 0);
          let t = 0;
          const step = (e: PositionEvent) => {
            const r = transition(state, e);
            state = r.state;
          };
          if (closeEarly) step({ type: 'signal_closed', at: ++t });
          for (
            let guard = 0;
            guard < 200 && state.status !== 'CLOSED' && state.status !== 'CANCELED';
            guard++
          ) {
            const pending = state.orders.filter((o) => o.status === 'PENDING_CANCEL');
            const live = state.orders.filter(isLive);
            if (pending.length > 0) step({ type: 'order_canceled', leg: pending[0]?.leg ?? '', at: ++t });
            else if (live.length > 0) {
              const o = live[(picks[guard % picks.length] ?? 0) % live.length] as OrderRecord;
              const price = o.price ?? o.stop_price ?? plan.entry_reference ?? '1';
              step({
                type: 'order_fill',
                leg: o.leg,
                qty: decStr(dec(o.qty).minus(o.filled_qty)),
                price,
                at: ++t,
              });
            } else step({ type: 'manual_close', at: ++t });
          }
          expect(['CLOSED', 'CANCELED']).toContain(state.status);
          expect(state.remaining_qty).toBe('0');
        },
      ),
      { numRuns: 300 },
    );
  });
});
