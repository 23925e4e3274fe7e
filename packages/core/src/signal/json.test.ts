import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSignalJson } from './json';

describe('parseSignalJson: TradingView-style alerts', () => {
  it('reads ticker, side, price, tp1..tpN and sl', () => {
    const r = parseSignalJson({
      ticker: 'BTCUSDT.P',
      side: 'buy',
      price: 70000,
      tp1: 71000,
      tp2: 72000,
      sl: 69000,
      leverage: 10,
    });
    expect(r).toEqual({
      kind: 'signal',
      confidence: 1,
      signal: {
        symbol: 'BTCUSDT',
        direction: 'LONG',
        entries: ['70000'],
        entry_type: 'single',
        targets: ['71000', '72000'],
        stop_loss: '69000',
        leverage: 10,
        margin_mode: null,
      },
    });
  });
  it('reads a sell with a single tp, stop alias and numeric strings', () => {
    const r = parseSignalJson({
      symbol: 'ETH/USDT',
      side: 'SELL',
      entry: '3500.50',
      tp: '3450',
      stop: '3560',
    });
    expect(r.kind).toBe('signal');
    expect(r.signal).toMatchObject({
      direction: 'SHORT',
      entries: ['3500.5'],
      targets: ['3450'],
      stop_loss: '3560',
    });
  });
  it('accepts long/short sides and upper-case keys', () => {
    const r = parseSignalJson({ Symbol: 'solusdt', Side: 'long', Entry: 142, TP: [146, 150], SL: 138 });
    expect(r.signal).toMatchObject({ symbol: 'SOLUSDT', direction: 'LONG', targets: ['146', '150'] });
  });
  it('treats a missing entry, or "market", as a market entry', () => {
    expect(parseSignalJson({ symbol: 'BTCUSDT', side: 'buy', tp: 71000, sl: 69000 }).signal).toMatchObject({
      entries: [],
      entry_type: 'market',
    });
    expect(
      parseSignalJson({ symbol: 'BTCUSDT', side: 'buy', entry: 'CMP', tp: 71000 }).signal?.entry_type,
    ).toBe('market');
  });
  it('accepts the JSON text itself', () => {
    const r = parseSignalJson('{"ticker":"BTCUSDT","side":"buy","price":"70000","tp1":"71000","sl":"69000"}');
    expect(r.kind).toBe('signal');
  });
});

describe('parseSignalJson: the §3 shape', () => {
  it('reads a zone entry, targets, stop_loss, leverage, trade_type and margin', () => {
    const r = parseSignalJson({
      symbol: '#ETH/USDT',
      direction: 'SHORT',
      entry: [3560, 3520],
      targets: [3480, 3420, 3350],
      stop_loss: 3640,
      leverage: 10,
      margin_mode: 'ISOLATED',
      trade_type: 'FUTURES',
      confidence: 0.8,
      source: 'cornix',
    });
    expect(r.signal).toEqual({
      symbol: 'ETHUSDT',
      direction: 'SHORT',
      entries: ['3520', '3560'],
      entry_type: 'zone',
      targets: ['3480', '3420', '3350'],
      stop_loss: '3640',
      leverage: 10,
      margin_mode: 'ISOLATED',
    });
  });
  it('reads aliases tp and sl, and BUY as LONG', () => {
    const r = parseSignalJson({
      symbol: 'BTC/USDT',
      direction: 'BUY',
      entry: '70000',
      tp: ['71000', '72000'],
      sl: '69000',
    });
    expect(r.signal).toMatchObject({ direction: 'LONG', targets: ['71000', '72000'], stop_loss: '69000' });
  });
  it('reads several entries and an explicit entry_type', () => {
    const r = parseSignalJson({
      symbol: 'BTCUSDT',
      direction: 'LONG',
      entries: [70000, 69500],
      targets: [71000],
      sl: 69000,
    });
    expect(r.signal).toMatchObject({ entries: ['70000', '69500'], entry_type: 'multiple' });
    const b = parseSignalJson({
      symbol: 'BTCUSDT',
      direction: 'LONG',
      entry: 71500,
      entry_type: 'breakout',
      targets: [72500],
    });
    expect(b.signal?.entry_type).toBe('breakout');
  });
  it('accepts targets given as objects with a price', () => {
    const r = parseSignalJson({
      symbol: 'BTCUSDT',
      direction: 'LONG',
      entry: 70000,
      targets: [{ price: 71000 }, { price: '72000' }],
    });
    expect(r.signal?.targets).toEqual(['71000', '72000']);
  });
});

describe('parseSignalJson: updates', () => {
  it('reads event and kind with a target', () => {
    expect(parseSignalJson({ symbol: 'ETH/USDT', event: 'TP_HIT', target: 2 })).toEqual({
      kind: 'update',
      confidence: 1,
      update: { symbol: 'ETHUSDT', kind: 'TP_HIT', target: 2 },
    });
    expect(parseSignalJson({ kind: 'tp-hit', target: '3' }).update).toEqual({
      symbol: null,
      kind: 'TP_HIT',
      target: 3,
    });
  });
  it.each([
    ['ALL_TP', 'ALL_TP'],
    ['SL_HIT', 'SL_HIT'],
    ['stop_loss', 'SL_HIT'],
    ['CANCELED', 'CANCELLED'],
    ['cancelled', 'CANCELLED'],
    ['CLOSED', 'CLOSED'],
    ['ENTRY_FILLED', 'ENTRY_FILLED'],
  ])('%s → %s', (event, kind) => {
    expect(parseSignalJson({ symbol: 'BTCUSDT', event }).update).toEqual({
      symbol: 'BTCUSDT',
      kind,
      target: null,
    });
  });
  it('rejects a TP_HIT without a valid target, an unknown event and a bad symbol', () => {
    expect(parseSignalJson({ symbol: 'BTCUSDT', event: 'TP_HIT' }).reason).toContain('needs a target number');
    expect(parseSignalJson({ event: 'TP_HIT', target: 0 }).reason).toContain('must be a number from 1 to 10');
    expect(parseSignalJson({ event: 'TP_HIT', target: 'two' }).kind).toBe('none');
    expect(parseSignalJson({ event: 'EXPLODED' }).reason).toBe('unknown event EXPLODED');
    expect(parseSignalJson({ symbol: '???', event: 'CLOSED' }).reason).toContain('not a valid trading pair');
  });
  it('treats event "signal" as a new signal', () => {
    const r = parseSignalJson({ event: 'signal', symbol: 'BTCUSDT', side: 'buy', price: 70000, tp: 71000 });
    expect(r.kind).toBe('signal');
  });
});

describe('parseSignalJson: rejections', () => {
  it.each([
    [null, 'not a JSON object'],
    [[1, 2], 'not a JSON object'],
    [42, 'not a JSON object'],
    ['{not json', 'not valid JSON'],
    [{}, 'symbol is missing'],
    [{ symbol: 42 }, 'is not text'],
    [{ symbol: 'BTCUSDT' }, 'direction (or side) is missing'],
    [{ symbol: 'BTCUSDT', side: 'up', price: 1, tp: 2 }, 'must be LONG or SHORT'],
    [{ symbol: 'BTCUSDT', side: 'buy', price: '{{close}}', tp: 2 }, 'entry {{close}} is not a number'],
    [{ symbol: 'BTCUSDT', side: 'buy', price: 70000 }, 'no take-profit target'],
    [
      { symbol: 'BTCUSDT', side: 'buy', price: 70000, tp: 71000, sl: 70500 },
      'stop_loss 70500 is above entry',
    ],
    [{ symbol: 'BTCUSDT', side: 'sell', price: 70000, tp: [69000, 69500] }, 'out of order'],
    [{ symbol: 'BTCUSDT', side: 'buy', price: 70000, tp: 71000, leverage: 500 }, 'leverage must be'],
    [{ symbol: 'BTCUSDT', side: 'buy', price: 70000, tp: 71000, trade_type: 'OPTIONS' }, 'trade_type'],
    [
      { symbol: 'BTCUSDT', side: 'sell', price: 70000, tp: 69000, trade_type: 'SPOT' },
      'SPOT signal cannot be SHORT',
    ],
    [{ symbol: 'BTCUSDT', side: 'buy', price: 70000, tp: 71000, margin_mode: 'x' }, 'margin_mode'],
  ])('%j → %s', (payload, reason) => {
    const r = parseSignalJson(payload);
    expect(r.kind).toBe('none');
    expect(r.confidence).toBe(0);
    expect(r.reason).toContain(reason);
  });
  it('refuses huge JSON text without reading it', () => {
    expect(parseSignalJson(`"${'x'.repeat(200_000)}"`).reason).toBe('payload is too large');
  });
  it('never throws on hostile objects', () => {
    const hostile = Object.create(null) as Record<string, unknown>;
    Object.defineProperty(hostile, 'symbol', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(parseSignalJson(hostile)).toEqual({ kind: 'none', confidence: 0, reason: 'internal' });
  });
});

describe('parseSignalJson: prices written as text', () => {
  it('reads a zone and a list given as strings, keeping thousands commas', () => {
    const r = parseSignalJson({
      symbol: 'BTCUSDT',
      side: 'long',
      entry: '69,800 - 70,000',
      targets: '71,000, 72,000 / 73,000',
      sl: '69,000',
    });
    expect(r.signal).toMatchObject({
      entries: ['69800', '70000'],
      entry_type: 'zone',
      targets: ['71000', '72000', '73000'],
      stop_loss: '69000',
    });
    expect(
      parseSignalJson({ symbol: 'BTCUSDT', side: 'long', entry: '70,000', tp: '71000' }).signal?.entries,
    ).toEqual(['70000']);
  });
});

describe('parseSignalJson: never throws (seeded fast-check)', () => {
  const wellFormed = (payload: unknown): boolean => {
    const r = parseSignalJson(payload);
    return (
      ['signal', 'update', 'none'].includes(r.kind) &&
      r.reason !== 'internal' &&
      (r.kind !== 'none' || typeof r.reason === 'string')
    );
  };
  const field = fc.oneof(
    fc.constantFrom('BTCUSDT', 'ETH/USDT', 'buy', 'SHORT', 'market', '70000', '1e400', '{{close}}', 'TP_HIT'),
    fc.double(),
    fc.integer(),
    fc.array(fc.oneof(fc.double(), fc.string()), { maxLength: 12 }),
    fc.anything(),
  );
  const shaped = fc.record(
    {
      symbol: field,
      side: field,
      direction: field,
      entry: field,
      price: field,
      tp: field,
      targets: field,
      tp1: field,
      sl: field,
      stop_loss: field,
      leverage: field,
      event: field,
      target: field,
      trade_type: field,
    },
    { requiredKeys: [] },
  );
  it('on any value, JSON text, or signal-shaped object', () => {
    fc.assert(fc.property(fc.anything(), wellFormed), { seed: 7, numRuns: 2000 });
    fc.assert(fc.property(fc.json(), wellFormed), { seed: 8, numRuns: 2000 });
    fc.assert(fc.property(shaped, wellFormed), { seed: 9, numRuns: 5000 });
  });
});
