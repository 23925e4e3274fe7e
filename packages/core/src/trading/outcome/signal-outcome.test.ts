import { describe, expect, it } from 'vitest';
import {
  DEFAULT_OUTCOME_TIMEOUTS,
  endOutcomeBySource,
  expireOutcome,
  observeAll,
  observeOutcome,
  startOutcome,
  type OutcomeSignal,
  type OutcomeState,
  type PriceObservation,
} from './signal-outcome';

const T0 = Date.UTC(2026, 10, 22, 12);
const H = 3_600_000;

const long: OutcomeSignal = {
  direction: 'LONG',
  entry_type: 'single',
  entries: ['100'],
  targets: ['110', '120', '130'],
  stop_loss: '90',
};
const short: OutcomeSignal = {
  direction: 'SHORT',
  entry_type: 'single',
  entries: ['100'],
  targets: ['90', '80'],
  stop_loss: '110',
};

/** Ticks one minute apart. */
function ticks(...prices: string[]): PriceObservation[] {
  return prices.map((price, i) => ({ at: T0 + (i + 1) * 60_000, price }));
}

function play(signal: OutcomeSignal, prices: string[], options = {}): OutcomeState {
  return observeAll(startOutcome(signal, T0, options), ticks(...prices));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

describe('signal outcome: LONG with a single entry', () => {
  it('waits for the entry, then a stop hit first is a loss of the stop distance', () => {
    const s = play(long, ['105', '100', '95', '90']);
    expect(s).toMatchObject({
      status: 'LOSS',
      reason: 'stop',
      entry_price: '100',
      entered_at: T0 + 2 * 60_000,
      targets_hit: 0,
      exit_price: '90',
      profit_pct: '-10',
      closed_at: T0 + 4 * 60_000,
    });
  });

  it('stays PENDING while the market stays above the entry, even past the targets', () => {
    const s = play(long, ['105', '115', '131']);
    expect(s.status).toBe('PENDING');
    expect(s.entry_price).toBeNull();
  });

  it('TP1 then the breakeven stop: one third at +10 %, the rest at 0', () => {
    const s = play(long, ['100', '111', '104', '100']);
    expect(s).toMatchObject({
      status: 'WIN',
      reason: 'moved_stop',
      targets_hit: 1,
      stop: '100',
      exit_price: '100',
      profit_pct: '3.3333',
    });
  });

  it('every target: the mean of the ladder; a gap through two targets takes both', () => {
    const s = play(long, ['100', '125', '135']);
    expect(s).toMatchObject({ status: 'WIN', reason: 'targets', targets_hit: 3, exit_price: null });
    expect(s.profit_pct).toBe('20'); // (10 + 20 + 30) / 3
    const mid = play(long, ['100', '125']);
    expect(mid).toMatchObject({ status: 'ACTIVE', targets_hit: 2, stop: '100' });
  });

  it('moving_target: after TP2 the stop is TP1', () => {
    const s = play(long, ['100', '121', '110'], { breakeven: 'moving_target' });
    expect(s).toMatchObject({ status: 'WIN', reason: 'moved_stop', targets_hit: 2, exit_price: '110' });
    expect(s.profit_pct).toBe('13.3333'); // (10 + 20 + 10) / 3
  });

  it('breakeven off: TP1 then the original stop is a loss overall', () => {
    const s = play(long, ['100', '111', '90'], { breakeven: 'off' });
    expect(s).toMatchObject({ status: 'LOSS', reason: 'stop', targets_hit: 1, profit_pct: '-3.3333' });
  });

  it('without a stop: TP1 still moves a stop to breakeven', () => {
    const s = play({ ...long, stop_loss: null }, ['100', '70', '111', '99']);
    expect(s).toMatchObject({ status: 'WIN', reason: 'moved_stop', profit_pct: '3.3333' });
  });

  it('a market already below the stop at publication enters and stops in the same tick (pessimistic)', () => {
    const s = play(long, ['85']);
    expect(s).toMatchObject({ status: 'LOSS', reason: 'stop', entry_price: '100', profit_pct: '-10' });
  });
});

describe('signal outcome: SHORT', () => {
  it('enters at or above the entry; a stop above is a loss', () => {
    const s = play(short, ['99', '100.5', '110']);
    expect(s).toMatchObject({ status: 'LOSS', reason: 'stop', entry_price: '100', profit_pct: '-10' });
  });

  it('targets are reached going down; the breakeven stop is above', () => {
    const s = play(short, ['100', '89', '95', '100']);
    expect(s).toMatchObject({ status: 'WIN', reason: 'moved_stop', stop: '100', profit_pct: '5' });
    const all = play(short, ['101', '79']);
    expect(all).toMatchObject({ status: 'WIN', reason: 'targets', profit_pct: '15' }); // (10 + 20) / 2
  });
});

describe('signal outcome: ordering inside one observation (candles)', () => {
  const candle = (i: number, low: string, high: string, price: string): PriceObservation => ({
    at: T0 + i * H,
    low,
    high,
    price,
  });

  it('a stop and a target in the same candle count as the stop', () => {
    let s = startOutcome(long, T0);
    s = observeOutcome(s, candle(1, '99', '101', '100'));
    expect(s.status).toBe('ACTIVE');
    s = observeOutcome(s, candle(2, '89', '111', '105'));
    expect(s).toMatchObject({ status: 'LOSS', reason: 'stop', targets_hit: 0, profit_pct: '-10' });
  });

  it('a target in the candle that entered does not count; it counts in the next one', () => {
    let s = startOutcome(long, T0);
    s = observeOutcome(s, candle(1, '99', '112', '111'));
    expect(s).toMatchObject({ status: 'ACTIVE', targets_hit: 0 });
    s = observeOutcome(s, candle(2, '105', '111', '111'));
    expect(s).toMatchObject({ status: 'ACTIVE', targets_hit: 1, stop: '100' });
  });

  it('the entry and the stop in the same candle is a loss', () => {
    const s = observeOutcome(startOutcome(long, T0), candle(1, '89', '104', '95'));
    expect(s).toMatchObject({ status: 'LOSS', reason: 'stop', profit_pct: '-10' });
  });

  it('after TP1, a candle touching the breakeven stop and TP2 is the breakeven stop', () => {
    let s = play(long, ['100', '110']);
    s = observeOutcome(s, candle(5, '100', '120', '115'));
    expect(s).toMatchObject({ status: 'WIN', reason: 'moved_stop', targets_hit: 1, profit_pct: '3.3333' });
  });
});

describe('signal outcome: zones, several entries and market entries', () => {
  const zone: OutcomeSignal = {
    ...long,
    entry_type: 'zone',
    entries: ['100', '110'],
    targets: ['120', '130'],
  };

  it('a LONG zone fills from its top; each part reached adds to the mean until TP1', () => {
    let s = startOutcome(zone, T0);
    expect(s.parts.map((p) => p.price)).toEqual(['110', '105', '100']);
    s = observeAll(s, ticks('112', '108'));
    expect(s).toMatchObject({ status: 'ACTIVE', entry_price: '110' });
    s = observeAll(s, ticks('104'));
    expect(s.entry_price).toBe('107.5');
    s = observeAll(s, ticks('120'));
    expect(s).toMatchObject({ targets_hit: 1, stop: '107.5' });
    // after TP1 the rest of the zone is cancelled: a fall to 99 is the breakeven stop, not a fill
    s = observeAll(s, ticks('99'));
    expect(s).toMatchObject({
      status: 'WIN',
      reason: 'moved_stop',
      entry_price: '107.5',
      exit_price: '107.5',
    });
    expect(s.parts.map((p) => p.filled_at !== null)).toEqual([true, true, false]);
    expect(s.profit_pct).toBe('5.814'); // (120 − 107.5) / 107.5 × 100 / 2 = 5.81395…
  });

  it('a SHORT zone fills from its bottom', () => {
    const s = startOutcome({ ...short, entry_type: 'zone', entries: ['100', '104'], stop_loss: '110' }, T0);
    expect(s.parts.map((p) => p.price)).toEqual(['100', '102', '104']);
    const run = observeAll(s, ticks('101', '110'));
    expect(run).toMatchObject({ status: 'LOSS', entry_price: '102' }); // 100 and 102 filled, then every part and the stop
  });

  it('a zone never reached stays PENDING, then expires at the end of the entry window', () => {
    let s = play(zone, ['115', '125', '131']);
    expect(s.status).toBe('PENDING');
    const before = expireOutcome(s, T0 + 71 * H, '125');
    expect(before).toBe(s);
    s = expireOutcome(s, T0 + 80 * H, '125');
    expect(s).toMatchObject({ status: 'EXPIRED', reason: 'entry_timeout', closed_at: T0 + 72 * H });
    expect(s.profit_pct).toBeNull();
  });

  it('several entry prices are one equal part each', () => {
    const s = play({ ...long, entry_type: 'multiple', entries: ['100', '96'] }, ['99', '96', '110', '98']);
    expect(s).toMatchObject({ status: 'WIN', entry_price: '98', targets_hit: 1, exit_price: '98' });
    expect(s.profit_pct).toBe('4.0816'); // (110 − 98) / 98 × 100 / 3
  });

  it('a market entry fills at the first price; targets count from the next one', () => {
    const market: OutcomeSignal = { ...long, entry_type: 'market', entries: [] };
    let s = play(market, ['104']);
    expect(s).toMatchObject({ status: 'ACTIVE', entry_price: '104', entered_at: T0 + 60_000 });
    s = observeAll(s, ticks('130'));
    expect(s).toMatchObject({ status: 'WIN', reason: 'targets' });
    expect(s.profit_pct).toBe('15.3846'); // (6 + 16 + 26) / 104 × 100 / 3
  });

  it('a market entry already past TP1 or the stop is missed (EXPIRED), never entered', () => {
    const market: OutcomeSignal = { ...long, entry_type: 'breakout', entries: ['100'] };
    expect(play(market, ['110'])).toMatchObject({ status: 'EXPIRED', reason: 'missed', entry_price: null });
    expect(play(market, ['89'])).toMatchObject({ status: 'EXPIRED', reason: 'missed' });
  });
});

describe('signal outcome: the source and the clock', () => {
  it('a cancellation before the entry is CANCELLED; claims of targets change nothing', () => {
    const s = endOutcomeBySource(play(long, ['105']), 'cancelled', T0 + H, '104');
    expect(s).toMatchObject({ status: 'CANCELLED', reason: 'source_cancelled', closed_at: T0 + H });
  });

  it('a close after the entry exits the remainder at the market price', () => {
    const active = play(long, ['100', '111']);
    const s = endOutcomeBySource(active, 'closed', T0 + H, '104');
    expect(s).toMatchObject({ status: 'WIN', reason: 'source_closed', exit_price: '104' });
    expect(s.profit_pct).toBe('6'); // (10 + 4 + 4) / 3
    const flat = endOutcomeBySource(play(long, ['100']), 'closed', T0 + H, '100');
    expect(flat).toMatchObject({ status: 'BREAKEVEN', profit_pct: '0' });
  });

  it('a close at a price past the stop is the stop', () => {
    const s = endOutcomeBySource(play(long, ['100']), 'closed', T0 + H, '88');
    expect(s).toMatchObject({ status: 'LOSS', reason: 'stop', exit_price: '90' });
  });

  it('without a market price an entered signal waits', () => {
    const active = play(long, ['100']);
    expect(endOutcomeBySource(active, 'cancelled', T0 + H, null)).toBe(active);
    expect(expireOutcome(active, T0 + 40 * 86_400_000, null)).toBe(active);
  });

  it('an entered signal past its maximum life exits at the market', () => {
    const active = play(long, ['100']);
    const life = DEFAULT_OUTCOME_TIMEOUTS.max_open_ms!;
    expect(expireOutcome(active, T0 + life, '95')).toBe(active); // entered a minute after T0
    const s = expireOutcome(active, T0 + 60_000 + life, '95');
    expect(s).toMatchObject({
      status: 'LOSS',
      reason: 'timeout',
      profit_pct: '-5',
      closed_at: T0 + 60_000 + life,
    });
    const never = expireOutcome(active, T0 + 400 * 86_400_000, '95', {
      entry_window_ms: null,
      max_open_ms: null,
    });
    expect(never).toBe(active);
  });
});

describe('signal outcome: purity', () => {
  it('never mutates its input and returns the same object when nothing changes', () => {
    const s = deepFreeze(play(long, ['100']));
    expect(observeOutcome(s, { at: T0 + H, price: '105' })).toBe(s);
    const next = observeOutcome(s, { at: T0 + H, price: '111' });
    expect(next).not.toBe(s);
    expect(s.targets_hit).toBe(0);
    const closed = deepFreeze(observeOutcome(next, { at: T0 + 2 * H, price: '90' }));
    expect(observeOutcome(closed, { at: T0 + 3 * H, price: '200' })).toBe(closed);
    expect(endOutcomeBySource(closed, 'closed', T0 + 3 * H, '50')).toBe(closed);
    expect(JSON.parse(JSON.stringify(closed))).toEqual(closed);
  });

  it('ignores ticks that are not positive prices', () => {
    const s = play(long, ['105']);
    for (const price of ['abc', '0', '-100', '']) {
      expect(observeOutcome(s, { at: T0 + H, price })).toBe(s);
    }
  });

  it('refuses a malformed signal when tracking starts', () => {
    expect(() => startOutcome({ ...long, targets: [] }, T0)).toThrow(RangeError);
    expect(() => startOutcome({ ...long, stop_loss: '-1' }, T0)).toThrow(RangeError);
    expect(() => startOutcome({ ...long, entries: ['x'] }, T0)).toThrow(RangeError);
  });
});
